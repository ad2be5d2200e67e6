// The pg-boss 10 job queue's own parts (ADR 0016): the per-mailbox limit across workers, the heartbeat and the retry
// of a dead worker's sync, interval schedules sent once per occurrence, and what it does with PGlite and with a
// schema left by a newer pg-boss.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPgBossQueue, pgliteExecutor } from '../../src/jobs/pgboss-queue.js';
import type { JobQueue, SyncJob } from '../../src/ports/jobs.js';
import type { Database } from '../../src/stores/database.js';
import { openDatabase } from '../../src/stores/database.js';
import { createTestDatabase } from '../support/db.js';
import { waitFor } from '../support/wait.js';

let db: Database;
const queues: JobQueue[] = [];
const bossSchema = () => (db.schema === 'public' ? 'pgboss' : `${db.schema}_boss`);
const jobs = () => sql.table(`${bossSchema()}.job`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const open = async (o: Parameters<typeof createPgBossQueue>[1] = {}) => {
  const q = await createPgBossQueue(db, o);
  queues.push(q);
  return q;
};

beforeEach(async () => {
  db = await createTestDatabase();
});

afterEach(async () => {
  for (const q of queues.splice(0)) await q.stop();
  await db.close();
});

const syncJob = (connectionId: string, calendarId: string): SyncJob => ({
  tenantId: 'tenant-1',
  calendarId,
  connectionId,
  reason: 'poll',
});

describe('pg-boss queue', () => {
  it('runs at most two syncs of one mailbox at a time across workers, and other mailboxes alongside', async () => {
    const a = await open();
    const b = await open();
    const running = new Map<string, number>();
    const most = new Map<string, number>();
    const done: string[] = [];
    const handler = async (j: SyncJob) => {
      const n = (running.get(j.connectionId) ?? 0) + 1;
      running.set(j.connectionId, n);
      most.set(j.connectionId, Math.max(most.get(j.connectionId) ?? 0, n));
      await sleep(1500);
      running.set(j.connectionId, (running.get(j.connectionId) ?? 1) - 1);
      done.push(j.calendarId);
    };
    for (let i = 0; i < 6; i++) expect(await a.enqueueSync(syncJob('mailbox-1', `cal-1-${i}`))).toBe(true);
    for (let i = 0; i < 2; i++) expect(await a.enqueueSync(syncJob('mailbox-2', `cal-2-${i}`))).toBe(true);
    // Eight loops in two "workers": without the limit all six syncs of mailbox-1 would run at once.
    await a.workSync(handler, { concurrency: 4 });
    await b.workSync(handler, { concurrency: 4 });
    await waitFor('every sync done', async () => done.length === 8, { ms: 60_000 });
    expect(most.get('mailbox-1')).toBe(2);
    expect(most.get('mailbox-2')).toBe(2);
  }, 90_000);

  it('keeps a running sync alive by its heartbeat, and retries a dead worker’s sync once its heartbeat lapses', async () => {
    const q = await open({ syncHeartbeatSeconds: 4, maintenanceIntervalSeconds: 1 });
    const runs: string[] = [];
    await q.workSync(
      async (j) => {
        runs.push(j.calendarId);
        if (j.calendarId === 'long') await sleep(9000);
      },
      { concurrency: 2 },
    );
    await q.enqueueSync(syncJob('m-1', 'long'));
    await waitFor('the long sync started', async () => runs.includes('long'), { ms: 20_000 });
    // A sync that another worker took and then died with (SIGKILL): active, its last heartbeat 10 s ago.
    await q.enqueueSync(syncJob('m-2', 'orphan'));
    const orphaned = await sql`UPDATE ${jobs()} SET state = 'active', started_on = now() - interval '10 seconds',
        expire_in = interval '4 seconds' WHERE data->>'calendarId' = 'orphan' AND state = 'created'`.execute(db.db);
    expect(Number(orphaned.numAffectedRows)).toBe(1);
    // Failed by maintenance into a retry (5–10 s backoff), then run here.
    await waitFor('the orphaned sync retried', async () => runs.includes('orphan'), { ms: 40_000 });
    await waitFor('the queue drained', async () => (await q.depth()).active + (await q.depth()).queued === 0, {
      ms: 30_000,
    });
    // The long one ran 9 s, more than twice its 4 s window, once: its heartbeat kept it from expiring.
    expect(runs.filter((r) => r === 'long')).toHaveLength(1);
    const r = await sql<{ cal: string; state: string; retry_count: number }>`SELECT data->>'calendarId' AS cal,
        state::text AS state, retry_count FROM ${jobs()} ORDER BY cal`.execute(db.db);
    expect(r.rows).toEqual([
      { cal: 'long', state: 'completed', retry_count: 0 },
      { cal: 'orphan', state: 'completed', retry_count: 1 },
    ]);
  }, 90_000);

  it('fails a sync that outruns the job timeout into a retry', async () => {
    const q = await open({ syncJobTimeoutSeconds: 2 });
    let calls = 0;
    await q.workSync(async () => {
      calls++;
      if (calls === 1) await sleep(60_000);
    });
    await q.enqueueSync(syncJob('m-1', 'slow'));
    await waitFor('the timed-out sync run again', async () => calls >= 2, { ms: 30_000 });
    await waitFor('the queue drained', async () => (await q.depth()).active + (await q.depth()).queued === 0, {
      ms: 10_000,
    });
  }, 60_000);

  it('sends a recurring job once per occurrence however many processes look, and not for one before it existed', async () => {
    const look = { schedule: true, scheduleTickSeconds: 1, pollingIntervalSeconds: 1 };
    const a = await open(look);
    const b = await open(look);
    let runs = 0;
    const handler = async () => {
      runs++;
    };
    await a.recurring('daily-test', { everyMinutes: 1440 }, handler);
    await b.recurring('daily-test', { everyMinutes: 1440 }, handler);
    const schedules = sql.table(`${bossSchema()}.schedule`);
    const row = async () =>
      (
        await sql<{ cron: string; options: Record<string, unknown> }>`SELECT cron, options FROM ${schedules}
          WHERE name = 'daily-test'`.execute(db.db)
      ).rows;
    expect((await row()).map((r) => r.cron)).toEqual(['FREQ=MINUTELY;INTERVAL=1440']);
    // Today's occurrence (00:00 UTC) came before the schedule: nothing is due.
    await sleep(3500);
    expect(runs).toBe(0);
    // As if the schedule had existed for two days with no process up at today's occurrence: it runs once, late.
    await sql`UPDATE ${schedules} SET created_on = now() - interval '2 days'`.execute(db.db);
    await waitFor('the missed occurrence run', async () => runs === 1, { ms: 20_000 });
    await sleep(4000);
    expect(runs).toBe(1);
    // Registering the same interval again keeps the claimed occurrence; another interval starts afresh.
    await a.recurring('daily-test', { everyMinutes: 1440 }, handler);
    expect((await row())[0]!.options).toHaveProperty('lastSlot');
    await a.recurring('daily-test', { everyMinutes: 720 }, handler);
    expect(await row()).toEqual([{ cron: 'FREQ=MINUTELY;INTERVAL=720', options: { everyMinutes: 720 } }]);
    await a.recurring('daily-test', { everyMinutes: 0 }, handler);
    expect(await row()).toEqual([]);
  }, 60_000);

  it.skipIf(!!process.env.DATABASE_URL)(
    'runs pg-boss’s BEGIN … COMMIT blocks on PGlite atomically and leaves the connection usable after one fails',
    async () => {
      const exec = pgliteExecutor(db.pglite!);
      await expect(exec.executeSql('BEGIN; CREATE TABLE half_done (x int); SELECT 1/0; COMMIT;', [])).rejects.toThrow(
        /division by zero/,
      );
      const t = await exec.executeSql(`SELECT to_regclass('half_done')::text AS t`, []);
      expect(t.rows).toEqual([{ t: null }]);
      const r = await exec.executeSql('SELECT $1::int + 1 AS n', [41]);
      expect(r.rows).toEqual([{ n: 42 }]);
    },
  );

  it('moves a schema left by a newer pg-boss aside and starts on a fresh one', async () => {
    const s = bossSchema();
    await sql`CREATE SCHEMA ${sql.id(s)}`.execute(db.db);
    await sql`CREATE TABLE ${sql.table(`${s}.version`)} (version int)`.execute(db.db);
    await sql`INSERT INTO ${sql.table(`${s}.version`)} VALUES (46)`.execute(db.db);
    const q = await open();
    expect(await q.enqueueSync(syncJob('m-1', 'c-1'))).toBe(true);
    const v = await sql<{ version: number }>`SELECT version FROM ${sql.table(`${s}.version`)}`.execute(db.db);
    expect(v.rows.map((r) => Number(r.version))).toEqual([24]);
    const old = await sql<{ version: number }>`SELECT version FROM ${sql.table(`${s}_v46.version`)}`.execute(db.db);
    expect(old.rows.map((r) => Number(r.version))).toEqual([46]);
    if (db.schema !== 'public') await sql`DROP SCHEMA ${sql.id(`${s}_v46`)} CASCADE`.execute(db.db);
  });

  // Seen in CI: `serve --no-worker` and two workers started together on a fresh database, and one worker died with
  // "deadlock detected" inside pg-boss's create_queue. Each "process" here has its own pool on the same schema.
  it.skipIf(!process.env.DATABASE_URL)(
    'sets up the same queues from several processes at once without a deadlock',
    async () => {
      const processes = await Promise.all(
        [1, 2, 3, 4].map(() =>
          openDatabase({ url: process.env.DATABASE_URL!, dataDir: null, schema: db.schema, poolSize: 4 }),
        ),
      );
      try {
        const names = [
          'token-refresh',
          'retention',
          'prep-briefs',
          'health-reevaluation',
          'sync-poll',
          'proposal-expiry',
        ];
        const started = await Promise.all(
          processes.map(async (p, i) => {
            const q = await createPgBossQueue(p);
            queues.push(q);
            // Each process registers the recurring jobs in its own order, as roles do.
            const order = i % 2 ? [...names].reverse() : names;
            await Promise.all(order.map((n) => q.recurring(n, { everyMinutes: 5 }, async () => undefined)));
            return q;
          }),
        );
        expect(started).toHaveLength(4);
        const made = await sql<{
          name: string;
        }>`SELECT name FROM ${sql.table(`${bossSchema()}.queue`)} ORDER BY name`.execute(db.db);
        expect(made.rows.map((r) => r.name)).toEqual(
          [...names, 'calendar-sync', 'data-erasure', 'graph-notifications'].sort(),
        );
      } finally {
        for (const q of queues.splice(0)) await q.stop();
        for (const p of processes) await p.close();
      }
    },
    60_000,
  );
});
