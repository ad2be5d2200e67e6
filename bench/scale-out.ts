// Scale-out run (not part of npm test or npm run bench): many emulated mailboxes, 3 `calbridge worker` processes on one
// PostgreSQL, steady change traffic with throttling on, one worker SIGKILLed and restarted. Prints and writes the figures.
// Usage: npx tsx bench/scale-out.ts [--mailboxes 2000] [--minutes 6] [--workers 3]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { seedBulk } from '../emulator/microsoft/graph/seed-events.js';
import { trustEmulatorCa, userToken } from '../emulator/microsoft/testing.js';
import { startTestEmulator } from '../test/support/microsoft.js';
import { startSyncServer } from '../test/support/sync-server.js';
import { quantile } from './harness.js';
import { openBenchDatabase } from './load/db.js';
import { ROOT } from './load/emulator-process.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const MAILBOXES = arg('mailboxes', 2000);
const MINUTES = arg('minutes', 6);
const WORKERS = arg('workers', 3);
const CHANGES_PER_SECOND = arg('rate', 5);
process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (m: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);

const t = await startTestEmulator({
  minimalSeed: true,
  faults: { throttle: { enabled: true, requestsPerWindow: 10_000, windowSeconds: 600, concurrentRequests: 4 } },
});
const restoreCa = trustEmulatorCa(t.emu.caPem);
const tenantId = [...t.emu.directory.users.values()][0]!.tenantId;
const logins: string[] = [];
for (let i = 0; i < MAILBOXES; i++) {
  const upn = `user${i}@${t.emu.directory.tenants.get(tenantId)?.domains[0] ?? 'contoso.com'}`;
  const u = t.emu.directory.addUser({
    id: randomUUID(),
    tenantId,
    userPrincipalName: upn,
    mail: upn,
    displayName: `User ${i}`,
    givenName: 'User',
    surname: String(i),
    jobTitle: null,
    kind: 'user',
    mailbox: 'exchangeOnline',
    password: 'Passw0rd!',
  });
  t.emu.store.ensureMailbox(u);
  seedBulk(t.emu.store, u.id, 20, i + 1);
  logins.push(upn);
}
const database = await openBenchDatabase();
const s = await startSyncServer({ baseUrl: t.emu.baseUrl, caFile: t.emu.caFile, app: t.emu.app }, t.agent, database, {
  CALBRIDGE_EMBEDDED_WORKER: 'false',
  SYNC_WINDOW_PAST_DAYS: '7',
  SYNC_WINDOW_FUTURE_DAYS: '60',
});
log(`${MAILBOXES} mailboxes seeded; connecting them through the connect flow`);
const started = Date.now();
for (const l of logins) await s.connect(l);
log(`connected in ${((Date.now() - started) / 1000).toFixed(0)} s; starting ${WORKERS} workers`);
const env = {
  ...process.env,
  ...s.env,
  DATABASE_SCHEMA: database.schema,
  SYNC_POLL_INTERVAL_SECONDS: '300',
  LOG_LEVEL: 'warn',
};
const spawnWorker = () =>
  spawn(process.execPath, [join(ROOT, 'bin/calbridge.js'), 'worker', '--concurrency', '8'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
const workers: ChildProcess[] = Array.from({ length: WORKERS }, spawnWorker);

const db = database.db;
const synced = async () =>
  Number(
    (
      await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM calendar_sync_state WHERE last_success_at IS NOT NULL`.execute(db)
    ).rows[0]?.n ?? 0,
  );
const initialStart = Date.now();
while ((await synced()) < MAILBOXES && Date.now() - initialStart < MINUTES * 60_000) await sleep(2000);
const initialSeconds = (Date.now() - initialStart) / 1000;
log(`initial sync of ${await synced()} calendars in ${initialSeconds.toFixed(0)} s`);

// steady change traffic: new events in random mailboxes, through Graph with each user's token
const tokens = new Map<string, string>();
const changedAt = new Map<string, number>();
let k = 0;
const end = Date.now() + MINUTES * 60_000;
let killedAt = 0;
let restarted = false;
while (Date.now() < end) {
  const tick = Date.now();
  for (let j = 0; j < CHANGES_PER_SECOND; j++) {
    const login = logins[Math.floor(Math.random() * logins.length)]!;
    if (!tokens.has(login)) tokens.set(login, (await userToken(t.emu.baseUrl, t.emu.app, login)).access_token);
    const start = Date.now() + 86_400_000 + k * 60_000;
    const subject = `Scale change ${k++}`;
    const res = await fetch(`${t.emu.baseUrl}/v1.0/me/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.get(login)}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        subject,
        start: { dateTime: new Date(start).toISOString().slice(0, 19), timeZone: 'UTC' },
        end: { dateTime: new Date(start + 1800_000).toISOString().slice(0, 19), timeZone: 'UTC' },
      }),
    });
    await res.text();
    if (res.ok) changedAt.set(subject, Date.now());
  }
  if (!killedAt && Date.now() > end - (MINUTES * 60_000) / 2) {
    workers[0]!.kill('SIGKILL');
    killedAt = Date.now();
    log('worker 0 SIGKILLed');
  }
  if (killedAt && !restarted && Date.now() - killedAt > 10_000) {
    workers[0] = spawnWorker();
    restarted = true;
    log('worker 0 restarted');
  }
  await sleep(Math.max(0, 1000 - (Date.now() - tick)));
}
log(`${changedAt.size} changes made; waiting up to 2 minutes for the last ones`);
const landed = async () =>
  (
    await sql<{
      subject: string;
      at: Date;
    }>`SELECT subject, updated_at AS at FROM meetings WHERE subject LIKE 'Scale change %'`.execute(db)
  ).rows;
let rows = await landed();
const waitEnd = Date.now() + 120_000;
while (rows.length < changedAt.size && Date.now() < waitEnd) {
  await sleep(2000);
  rows = await landed();
}
const lag = rows.map((r) => (new Date(r.at).getTime() - changedAt.get(r.subject)!) / 1000);
const counts = t.emu.requestLog.counts();
const perMailbox = Object.values(counts.byMailbox);
const minutesRun = (Date.now() - initialStart) / 60_000;
const subs = Number(
  (
    await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM calendar_sync_state WHERE subscription_id IS NOT NULL`.execute(db)
  ).rows[0]?.n ?? 0,
);
const summary = {
  date: new Date().toISOString(),
  mailboxes: MAILBOXES,
  workers: WORKERS,
  minutes: Math.round(minutesRun * 10) / 10,
  initialSyncSeconds: Math.round(initialSeconds),
  changes: changedAt.size,
  lost: changedAt.size - rows.length,
  lagSeconds: { p50: quantile(lag, 0.5), p99: quantile(lag, 0.99), max: Math.max(...lag) },
  graphRequests: counts.total,
  requestsPerMailbox: { max: Math.max(...perMailbox), p50: quantile(perMailbox, 0.5), budgetPer10Min: 10_000 },
  throttled429: counts.byStatus['429'] ?? 0,
  subscriptions: subs,
  killedAndRestartedWorker: restarted,
};
log(JSON.stringify(summary, null, 2));
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/scale-out.json'), JSON.stringify(summary, null, 2) + '\n');
for (const w of workers) w.kill('SIGTERM');
await sleep(2000);
for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
await s.close();
restoreCa();
await t.close();
process.exit(0);
