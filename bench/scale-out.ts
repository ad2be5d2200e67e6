// Scale-out run (not part of npm test or npm run bench): many emulated mailboxes, several `calbridge worker` processes
// on one PostgreSQL, steady change traffic with throttling on, one worker SIGKILLed and restarted. Prints the figures
// and writes bench/results/scale-out-<mailboxes>[-poll<seconds> unless 300][-<minutes>min unless 6].json and .md.
//
// Usage: npx tsx bench/scale-out.ts [--mailboxes 2000] [--minutes 6] [--workers 3] [--rate 5]
//          [--connect-concurrency 16] [--worker-concurrency 8] [--poll 300]
// DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/test (a fresh schema, dropped at the end).
//
// What is real and what is the bench's:
// - Setup: every mailbox is connected through the real connect flow (POST /connect → the emulator's authorize
//   endpoint → GET /callback: MSAL redeems the code, the token cache is sealed into the vault, calendars listed over
//   Graph), `--connect-concurrency` of them at a time. No token is minted outside the identity endpoints and nothing
//   is written to the database behind the connection service's back.
// - Sync under test: `--workers` child processes of `bin/calbridge.js worker`, each with MSAL (silent refresh from
//   the vault) and Graph over HTTPS against the emulator; the webhook receiver is the calbridge server in this process.
// - This process also hosts the emulator (in-process, so it shares the 2 cores with everything else) and makes the
//   changes directly in the emulator's store (`createEvent`, the code Graph's POST /events runs), so the traffic
//   generator does not count against the calbridge app's per-mailbox request budget; the store's change feed sends
//   the Graph change notifications as for any other write.
// - Chaos during the steady phase (fractions of --minutes): 20 % all access tokens expired (PATCH /_emulator/faults
//   expireTokensNow: every mailbox's next Graph call gets a 401 and MSAL refreshes), 30–50 % the per-mailbox limit is
//   tightened to 1 request per 10 s (PATCH /_emulator/faults throttle: real 429s with Retry-After), 60 % worker 0
//   SIGKILLed, restarted 10 s later.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type RawBuilder } from 'kysely';
import { createEvent } from '../emulator/microsoft/graph/meetings.js';
import { seedBulk } from '../emulator/microsoft/graph/seed-events.js';
import { trustEmulatorCa } from '../emulator/microsoft/testing.js';
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
const CONNECT_CONCURRENCY = arg('connect-concurrency', 16);
const WORKER_CONCURRENCY = arg('worker-concurrency', 8);
const POLL_SECONDS = arg('poll', 300);
const BUDGET = { requests: 10_000, windowSeconds: 600 };
const INJECTED_THROTTLE = { requestsPerWindow: 1, windowSeconds: 10 };
process.env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const log = (m: string) =>
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)} +${((Date.now() - t0) / 1000).toFixed(0)}s] ${m}\n`);
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** Runs `fn` over `items`, at most `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

// ---- CPU accounting from /proc (Linux): this process, the workers, PostgreSQL, the whole machine -------------------
const TICK_MS = 10; // USER_HZ is 100 on Linux
const procTicks = (pid: number): number => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
};
/** Every PostgreSQL process's CPU ticks now, by pid. */
const postgresProcesses = (): Map<number, number> => {
  const out = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') out.set(Number(d), procTicks(Number(d)));
    } catch {
      // gone
    }
  }
  return out;
};
/**
 * PostgreSQL's CPU over a phase, sampled per process: a backend that exits during the phase (a killed worker's
 * connections) keeps what it used until its last sample, and one that starts during it counts from zero. A plain
 * sum of the live processes at both ends went negative when backends exited.
 */
class PostgresCpu {
  private readonly first = postgresProcesses();
  private readonly last = new Map(this.first);
  sample(): void {
    for (const [pid, ticks] of postgresProcesses()) this.last.set(pid, ticks);
  }
  ticks(): number {
    this.sample();
    let sum = 0;
    for (const [pid, ticks] of this.last) sum += ticks - (this.first.get(pid) ?? 0);
    return sum;
  }
}
const machineTicks = (): { busy: number; total: number } => {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3]! + f[4]!;
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
};

// ---- emulator with mailboxes ---------------------------------------------------------------------------------------
const t = await startTestEmulator({ minimalSeed: true, faults: { throttle: { enabled: true, ...defaultThrottle() } } });
function defaultThrottle() {
  return { requestsPerWindow: BUDGET.requests, windowSeconds: BUDGET.windowSeconds, concurrentRequests: 4 };
}
const restoreCa = trustEmulatorCa(t.emu.caPem);
const admin = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${t.emu.baseUrl}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`admin ${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json() as Promise<unknown>;
};
const tenantId = [...t.emu.directory.users.values()][0]!.tenantId;
const domain = t.emu.directory.tenants.get(tenantId)?.domains[0] ?? 'contoso.com';
const users: Array<{ login: string; id: string }> = [];
for (let i = 0; i < MAILBOXES; i++) {
  const upn = `user${i}@${domain}`;
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
  users.push({ login: upn, id: u.id });
}
const database = await openBenchDatabase();
const s = await startSyncServer({ baseUrl: t.emu.baseUrl, caFile: t.emu.caFile, app: t.emu.app }, t.agent, database, {
  CALBRIDGE_EMBEDDED_WORKER: 'false',
  SYNC_WINDOW_PAST_DAYS: '7',
  SYNC_WINDOW_FUTURE_DAYS: '60',
});
const db = database.db;
const one = async (q: RawBuilder<{ n: number }>) => Number((await q.execute(db)).rows[0]?.n ?? 0);

// ---- setup: the real connect flow, bounded concurrency ---------------------------------------------------------------
log(`${MAILBOXES} mailboxes seeded (20 events each); connecting them, ${CONNECT_CONCURRENCY} at a time`);
const connectStart = Date.now();
let connected = 0;
await pool(users, CONNECT_CONCURRENCY, async (u) => {
  await s.connect(u.login);
  if (++connected % 250 === 0) log(`  ${connected} connected`);
});
const connectSeconds = (Date.now() - connectStart) / 1000;
const connections = await one(sql<{ n: number }>`SELECT count(*)::int AS n FROM calendar_connections
  WHERE status = 'active'`);
log(`connected ${connections} in ${connectSeconds.toFixed(0)} s (${round(MAILBOXES / connectSeconds)} per s)`);
const countsAtConnect = t.emu.requestLog.counts();

// ---- workers -----------------------------------------------------------------------------------------------------
const logDir = join(tmpdir(), `cb-scale-out-${process.pid}`);
mkdirSync(logDir, { recursive: true });
const env = {
  ...process.env,
  ...s.env,
  DATABASE_SCHEMA: database.schema,
  SYNC_POLL_INTERVAL_SECONDS: String(POLL_SECONDS),
  LOG_LEVEL: 'info',
};
let spawned = 0;
const spawnWorker = () =>
  spawn(process.execPath, [join(ROOT, 'bin/calbridge.js'), 'worker', '--concurrency', String(WORKER_CONCURRENCY)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', openSync(join(logDir, `worker-${spawned++}.log`), 'a'), 'inherit'],
  });
const workers: ChildProcess[] = Array.from({ length: WORKERS }, spawnWorker);
const bossJobs = sql.table(`${database.schema}_boss.job`);
const queueDepth = async () => {
  const r = await sql<{ state: string; n: number }>`SELECT state::text AS state, count(*)::int AS n FROM ${bossJobs}
    WHERE state IN ('created', 'retry', 'active') GROUP BY state`.execute(db);
  const by = Object.fromEntries(r.rows.map((x) => [x.state, Number(x.n)]));
  return { ready: (by.created ?? 0) + (by.retry ?? 0), active: by.active ?? 0 };
};
const synced = () =>
  one(sql<{ n: number }>`SELECT count(*)::int AS n FROM calendar_sync_state WHERE last_success_at IS NOT NULL`);
const initialStart = Date.now();
let lastInitialLog = Date.now();
for (;;) {
  const n = await synced();
  if (n >= MAILBOXES || Date.now() - initialStart > 30 * 60_000) break;
  await sleep(5000);
  if (Date.now() - lastInitialLog >= 30_000) {
    lastInitialLog = Date.now();
    log(`  initial sync: ${n} calendars, queue ${JSON.stringify(await queueDepth())}`);
  }
}
const initialSeconds = (Date.now() - initialStart) / 1000;
const initialSynced = await synced();
log(`initial sync of ${initialSynced} calendars in ${initialSeconds.toFixed(0)} s (${WORKERS} workers)`);

// ---- steady change traffic with chaos -------------------------------------------------------------------------------
type Phase = 'steady' | 'tokens-expired' | 'throttled' | 'worker-killed';
const changes = new Map<string, { at: number; phase: Phase; login: string }>();
const budgetSnapshots: Array<{ at: number; byMailbox: Record<string, number> }> = [];
const timeline: Array<Record<string, number | string>> = [];
const steadyMs = MINUTES * 60_000;
const steadyStart = Date.now();
const end = steadyStart + steadyMs;
const cpuStart = {
  self: process.cpuUsage(),
  workers: workers.map((w) => procTicks(w.pid!)),
  machine: machineTicks(),
};
const postgresCpu = new PostgresCpu();
const countsAtSteady = t.emu.requestLog.counts();
const events = { tokensExpiredAt: 0, throttleOnAt: 0, throttleOffAt: 0, killedAt: 0, restartedAt: 0 };
let throttled429DuringPhase = 0;
let phase: Phase = 'steady';
let k = 0;
let lastSample = 0;
let killedTicks = 0;
while (Date.now() < end) {
  const tick = Date.now();
  const f = (tick - steadyStart) / steadyMs;
  if (!events.tokensExpiredAt && f >= 0.2) {
    await admin('PATCH', '/faults', { expireTokensNow: true });
    events.tokensExpiredAt = Date.now();
    phase = 'tokens-expired';
    log('every access token expired (fault API)');
  }
  if (!events.throttleOnAt && f >= 0.3) {
    await admin('PATCH', '/faults', { throttle: INJECTED_THROTTLE });
    events.throttleOnAt = Date.now();
    throttled429DuringPhase = t.emu.requestLog.counts().byStatus['429'] ?? 0;
    phase = 'throttled';
    log(
      `throttling tightened to ${INJECTED_THROTTLE.requestsPerWindow}/${INJECTED_THROTTLE.windowSeconds}s per mailbox`,
    );
  }
  if (events.throttleOnAt && !events.throttleOffAt && f >= 0.5) {
    await admin('PATCH', '/faults', { throttle: defaultThrottle() });
    events.throttleOffAt = Date.now();
    throttled429DuringPhase = (t.emu.requestLog.counts().byStatus['429'] ?? 0) - throttled429DuringPhase;
    phase = 'steady';
    log(`throttling back to ${BUDGET.requests}/${BUDGET.windowSeconds}s; ${throttled429DuringPhase} 429s in the phase`);
  }
  if (!events.killedAt && f >= 0.6) {
    killedTicks = procTicks(workers[0]!.pid!);
    postgresCpu.sample();
    workers[0]!.kill('SIGKILL');
    events.killedAt = Date.now();
    phase = 'worker-killed';
    log('worker 0 SIGKILLed');
  }
  if (events.killedAt && !events.restartedAt && Date.now() - events.killedAt > 10_000) {
    workers[0] = spawnWorker();
    events.restartedAt = Date.now();
    log('worker 0 restarted');
  }
  if (events.restartedAt && phase === 'worker-killed' && Date.now() - events.restartedAt > 30_000) phase = 'steady';
  for (let j = 0; j < CHANGES_PER_SECOND; j++) {
    const u = users[Math.floor(Math.random() * users.length)]!;
    const owner = t.emu.directory.users.get(u.id)!;
    const start = Date.now() + 86_400_000 + (k % 10_000) * 300_000;
    const subject = `Scale change ${k++}`;
    createEvent(t.emu.store, owner, t.emu.store.defaultCalendar(u.id).id, {
      subject,
      start: { dateTime: new Date(start).toISOString().slice(0, 19), timeZone: 'UTC' },
      end: { dateTime: new Date(start + 1800_000).toISOString().slice(0, 19), timeZone: 'UTC' },
    });
    changes.set(subject, { at: Date.now(), phase, login: u.login });
  }
  if (tick - lastSample >= 30_000) {
    lastSample = tick;
    budgetSnapshots.push({ at: tick, byMailbox: t.emu.requestLog.counts().byMailbox });
    const landed = await one(sql<{ n: number }>`SELECT count(*)::int AS n FROM meetings
      WHERE subject LIKE 'Scale change %'`);
    const q = await queueDepth();
    const row = { s: Math.round((tick - steadyStart) / 1000), made: changes.size, landed, ...q, phase };
    timeline.push(row);
    log(`  ${JSON.stringify(row)}`);
  }
  postgresCpu.sample();
  await sleep(Math.max(0, 1000 - (Date.now() - tick)));
}
const cpuEnd = {
  self: process.cpuUsage(cpuStart.self),
  workers: workers.map((w) => procTicks(w.pid!)),
  postgres: postgresCpu.ticks(),
  machine: machineTicks(),
};
const countsAtEnd = t.emu.requestLog.counts();
log(`${changes.size} changes made; waiting up to 5 minutes for the last ones`);

// ---- drain and measure ---------------------------------------------------------------------------------------------
const landedRows = async () =>
  (
    await sql<{ subject: string; at: Date; n: number }>`SELECT subject, min(created_at) AS at, count(*)::int AS n
      FROM meetings WHERE subject LIKE 'Scale change %' GROUP BY subject`.execute(db)
  ).rows;
let rows = await landedRows();
const waitEnd = Date.now() + 300_000;
while (rows.length < changes.size && Date.now() < waitEnd) {
  await sleep(2000);
  rows = await landedRows();
}
budgetSnapshots.push({ at: Date.now(), byMailbox: t.emu.requestLog.counts().byMailbox });
const lagOf = (r: { subject: string; at: Date }) => (new Date(r.at).getTime() - changes.get(r.subject)!.at) / 1000;
const lag = rows.map(lagOf);
const lagBy: Record<string, { n: number; p50: number; p99: number; max: number }> = {};
for (const p of ['steady', 'tokens-expired', 'throttled', 'worker-killed'] as Phase[]) {
  const xs = rows.filter((r) => changes.get(r.subject)?.phase === p).map(lagOf);
  lagBy[p] = {
    n: xs.length,
    p50: round(quantile(xs, 0.5)),
    p99: round(quantile(xs, 0.99)),
    max: round(Math.max(...xs)),
  };
}
const counts = t.emu.requestLog.counts();
const perMailbox = Object.values(counts.byMailbox);
// The most requests any mailbox made in any 10-minute span, from the counter snapshots (30 s apart).
let maxInWindow = 0;
for (let a = 0; a < budgetSnapshots.length; a++) {
  for (let b = a + 1; b < budgetSnapshots.length; b++) {
    if (budgetSnapshots[b]!.at - budgetSnapshots[a]!.at > BUDGET.windowSeconds * 1000 + 30_000) break;
    for (const [m, n] of Object.entries(budgetSnapshots[b]!.byMailbox))
      maxInWindow = Math.max(maxInWindow, n - (budgetSnapshots[a]!.byMailbox[m] ?? 0));
  }
}
const diff = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(b)
      .map(([key, v]) => [key, v - (a[key] ?? 0)] as const)
      .filter(([, v]) => v > 0),
  );
const subs = await one(sql<{ n: number }>`SELECT count(*)::int AS n FROM calendar_sync_state
  WHERE subscription_id IS NOT NULL`);
const errored = await one(sql<{ n: number }>`SELECT count(*)::int AS n FROM calendar_sync_state
  WHERE last_error IS NOT NULL`);
const badConnections = await one(sql<{ n: number }>`SELECT count(*)::int AS n FROM calendar_connections
  WHERE status <> 'active'`);
const steadySeconds = (cpuEnd.machine.total - cpuStart.machine.total) / 2 / 100 || steadyMs / 1000;
const cpuPct = (ticks: number) => round(((ticks * TICK_MS) / (steadySeconds * 1000)) * 100, 0);
const workerTicks =
  cpuEnd.workers.reduce((a, b) => a + b, 0) - cpuStart.workers.reduce((a, b) => a + b, 0) + killedTicks;
const selfTicks = (cpuEnd.self.user + cpuEnd.self.system) / 1000 / TICK_MS;
const pgTicks = cpuEnd.postgres;
const machineBusy = cpuEnd.machine.busy - cpuStart.machine.busy;
const workerLogs: Record<string, number> = {};
for (const f of readdirSync(logDir)) {
  for (const line of readFileSync(join(logDir, f), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let msg = line.slice(0, 80);
    try {
      const o = JSON.parse(line) as { msg?: string; err?: string; reason?: string };
      msg = `${o.msg ?? ''}${o.err ? `: ${String(o.err).slice(0, 60)}` : ''}${o.reason ? ` (${o.reason})` : ''}`;
    } catch {
      // not JSON
    }
    workerLogs[msg] = (workerLogs[msg] ?? 0) + 1;
  }
}
// Why a change came late or not at all: the calendar's jobs as pg-boss recorded them.
const late = [
  ...[...changes.keys()].filter((subj) => !rows.some((r) => r.subject === subj)).map((subj) => ({ subj, lag: null })),
  ...rows
    .filter((r) => lagOf(r) > 60)
    .sort((a, b) => lagOf(b) - lagOf(a))
    .map((r) => ({ subj: r.subject, lag: round(lagOf(r)) })),
].slice(0, 8);
const diagnostics = [];
for (const d of late) {
  const c = changes.get(d.subj)!;
  const cal = await sql<{ id: string; last_success_at: Date | null; last_error: string | null }>`
    SELECT c.id, st.last_success_at, st.last_error FROM calendars c
    JOIN calendar_connections cc ON cc.id = c.connection_id
    LEFT JOIN calendar_sync_state st ON st.calendar_id = c.id
    WHERE cc.account_email = ${c.login}`.execute(db);
  const calendarId = cal.rows[0]?.id ?? '';
  const jobs = await sql<Record<string, unknown>>`SELECT state::text, data->>'reason' AS reason, retry_count,
      created_on, start_after, started_on, completed_on, left(output::text, 160) AS output
    FROM ${bossJobs} WHERE singleton_key = ${calendarId} AND created_on > ${new Date(c.at - 60_000)}
    ORDER BY created_on`.execute(db);
  const rel = (x: unknown) => (x instanceof Date ? round((x.getTime() - c.at) / 1000) : x);
  diagnostics.push({
    subject: d.subj,
    phase: c.phase,
    madeAtSecond: round((c.at - steadyStart) / 1000, 0),
    lag: d.lag,
    lastError: cal.rows[0]?.last_error ?? null,
    jobs: jobs.rows.map((j) => Object.fromEntries(Object.entries(j).map(([key, v]) => [key, rel(v)]))),
  });
}
const duplicates = rows.filter((r) => r.n > 1).length;
// Syncs the workers finished during the steady phase, by why they ran (for CPU per sync).
const steadyJobs = Object.fromEntries(
  (
    await sql<{ reason: string; n: number }>`SELECT data->>'reason' AS reason, count(*)::int AS n FROM ${bossJobs}
      WHERE state = 'completed' AND completed_on BETWEEN ${new Date(steadyStart)} AND ${new Date(end)}
      GROUP BY 1`.execute(db)
  ).rows.map((r) => [r.reason, Number(r.n)]),
);
const steadySyncs = Object.values(steadyJobs).reduce((a, b) => a + b, 0);
const summary = {
  date: new Date().toISOString(),
  command: `npx tsx bench/scale-out.ts ${process.argv.slice(2).join(' ')}`.trim(),
  machine: {
    cores: 2,
    note: 'emulator, webhook receiver and traffic generator share one process; workers and PostgreSQL are separate processes on the same 2 cores',
  },
  mailboxes: MAILBOXES,
  workers: WORKERS,
  workerConcurrency: WORKER_CONCURRENCY,
  pollIntervalSeconds: POLL_SECONDS,
  setup: {
    connectSeconds: round(connectSeconds),
    connectConcurrency: CONNECT_CONCURRENCY,
    connections,
    perSecond: round(MAILBOXES / connectSeconds),
  },
  initialSync: {
    calendars: initialSynced,
    seconds: round(initialSeconds),
    perSecond: round(initialSynced / initialSeconds, 2),
  },
  steady: {
    minutes: MINUTES,
    changesPerSecond: CHANGES_PER_SECOND,
    syncsCompleted: steadyJobs,
    syncsPerSecond: round(steadySyncs / (steadyMs / 1000), 2),
  },
  changes: { made: changes.size, found: rows.length, lost: changes.size - rows.length, duplicates },
  lagSeconds: {
    p50: round(quantile(lag, 0.5)),
    p99: round(quantile(lag, 0.99)),
    max: round(Math.max(...lag)),
    byPhase: lagBy,
  },
  graph: {
    requests: counts.total,
    requestsSetup: countsAtConnect.total,
    requestsSteady: countsAtEnd.total - countsAtSteady.total,
    steadyByRoute: diff(countsAtSteady.byRoute, countsAtEnd.byRoute),
    perMailbox: {
      max: Math.max(...perMailbox),
      p50: quantile(perMailbox, 0.5),
      maxIn10Minutes: maxInWindow,
      budgetPer10Minutes: BUDGET.requests,
    },
    byStatus: counts.byStatus,
    byFault: counts.byFault,
    throttled429InInjectedPhase: throttled429DuringPhase,
  },
  chaos: {
    tokensExpiredAtSecond: round((events.tokensExpiredAt - steadyStart) / 1000, 0),
    throttleSeconds: [
      round((events.throttleOnAt - steadyStart) / 1000, 0),
      round((events.throttleOffAt - steadyStart) / 1000, 0),
    ],
    injectedThrottle: INJECTED_THROTTLE,
    workerKilledAtSecond: round((events.killedAt - steadyStart) / 1000, 0),
    workerRestartedAtSecond: round((events.restartedAt - steadyStart) / 1000, 0),
  },
  subscriptions: subs,
  calendarsWithError: errored,
  connectionsNotActive: badConnections,
  cpuSteadyPercentOfOneCore: {
    benchProcess: cpuPct(selfTicks),
    workers: cpuPct(workerTicks),
    postgres: cpuPct(pgTicks),
    everythingElse: cpuPct(machineBusy - selfTicks - workerTicks - pgTicks),
    machineBusyPercentOfBothCores: round((machineBusy / (cpuEnd.machine.total - cpuStart.machine.total)) * 100, 0),
  },
  timeline,
  workerLogLines: workerLogs,
  lateOrLost: diagnostics,
};
log(JSON.stringify({ ...summary, timeline: undefined }, null, 2));
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const base = join(
  ROOT,
  `bench/results/scale-out-${MAILBOXES}${POLL_SECONDS === 300 ? '' : `-poll${POLL_SECONDS}`}${MINUTES === 6 ? '' : `-${MINUTES}min`}`,
);
writeFileSync(`${base}.json`, JSON.stringify(summary, null, 2) + '\n');
writeFileSync(`${base}.md`, markdown(summary));
log(`wrote ${base}.json and .md`);
for (const w of workers) w.kill('SIGTERM');
await sleep(3000);
for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
await s.close();
await database.close();
restoreCa();
await t.close();
process.exit(0);

function markdown(x: typeof summary): string {
  const l = x.lagSeconds;
  const rowsMd = Object.entries(l.byPhase)
    .map(([p, v]) => `| ${p} | ${v.n} | ${v.p50} | ${v.p99} | ${v.max} |`)
    .join('\n');
  return `# Scale-out run: ${x.mailboxes} mailboxes, ${x.workers} workers

\`${x.command}\` on ${x.date.slice(0, 16)} UTC (PostgreSQL at DATABASE_URL; ${x.machine.note}).

| figure | value |
| --- | --- |
| connect (real OAuth flow, ${x.setup.connectConcurrency} at a time) | ${x.setup.connections} connections in ${x.setup.connectSeconds} s (${x.setup.perSecond}/s) |
| initial sync | ${x.initialSync.calendars} calendars in ${x.initialSync.seconds} s (${x.initialSync.perSecond}/s) |
| changes made / found / lost / duplicated | ${x.changes.made} / ${x.changes.found} / ${x.changes.lost} / ${x.changes.duplicates} |
| sync lag p50 / p99 / max | ${l.p50} s / ${l.p99} s / ${l.max} s |
| emulator requests, Graph and sign-in (setup / steady ${x.steady.minutes} min / total) | ${x.graph.requestsSetup} / ${x.graph.requestsSteady} / ${x.graph.requests} |
| requests per mailbox: max whole run / max in any 10 min / budget | ${x.graph.perMailbox.max} / ${x.graph.perMailbox.maxIn10Minutes} / ${x.graph.perMailbox.budgetPer10Minutes} |
| 429s (all / in the injected phase) | ${x.graph.byStatus['429'] ?? 0} / ${x.graph.throttled429InInjectedPhase} |
| subscriptions stored | ${x.subscriptions} |
| calendars with an error / connections not active | ${x.calendarsWithError} / ${x.connectionsNotActive} |
| CPU in the steady phase (% of one core): bench process (emulator + receiver) / workers / PostgreSQL / rest of machine | ${x.cpuSteadyPercentOfOneCore.benchProcess} / ${x.cpuSteadyPercentOfOneCore.workers} / ${x.cpuSteadyPercentOfOneCore.postgres} / ${x.cpuSteadyPercentOfOneCore.everythingElse} (machine ${x.cpuSteadyPercentOfOneCore.machineBusyPercentOfBothCores} % busy) |

Lag by the phase the change was made in:

| phase | changes | p50 s | p99 s | max s |
| --- | --- | --- | --- | --- |
${rowsMd}

Steady-phase Graph requests by route: ${Object.entries(x.graph.steadyByRoute)
    .map(([r, n]) => `\`${r}\` ${n}`)
    .join(', ')}.
`;
}
