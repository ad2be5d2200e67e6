// JobQueue on pg-boss 10: Postgres-backed, works on the server and inside the embedded PGlite process (ADR 0016).
// pg-boss stores the jobs (stately collapse per calendar), retries them with backoff, expires them and archives
// them. Three things it lacks are done here, on its tables: the sync fetch with the per-mailbox limit across
// workers, the heartbeat of running syncs, and interval schedules.
import type { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import PgBoss from 'pg-boss';
import type { Database } from '../stores/database.js';
import type { DB } from '../stores/schema.js';
import type { JobQueue, NotificationBatch, SyncJob } from '../ports/jobs.js';

const SYNC_QUEUE = 'calendar-sync';
/** Received Graph notification batches, one job per POST (the webhook answers once it is stored). */
export const NOTIFICATION_QUEUE = 'graph-notifications';
/** Tenant and user deletions (data_jobs ids). */
export const DATA_JOB_QUEUE = 'data-erasure';
/** The schema version pg-boss 10.4 creates; a newer one (pg-boss 12 made 46) is moved aside, see below. */
const PGBOSS_SCHEMA_VERSION = 24;
/**
 * A running sync job's expiry is pushed to this many seconds ahead every half of it while its handler runs (the
 * heartbeat). A SIGKILLed worker stops beating, so its job expires within this and pg-boss's maintenance (every
 * `maintenanceIntervalSeconds`) fails it into a retry, instead of leaving the calendar blocked (stately: one running
 * job per calendar) for the whole job timeout.
 */
const SYNC_HEARTBEAT_SECONDS = 20;
/** Default upper bound of one sync job's run, heartbeat or not (config: CALBRIDGE_SYNC_JOB_TIMEOUT_SECONDS). */
export const DEFAULT_SYNC_JOB_TIMEOUT_SECONDS = 900;

export interface PgBossQueueOptions {
  /** Concurrent syncs of one mailbox across all workers. */
  perMailboxConcurrency?: number;
  pollingIntervalSeconds?: number;
  /** Longest a sync job may run before it is failed (and retried). */
  syncJobTimeoutSeconds?: number;
  /** A running sync's expiry is kept this far ahead (default 20 s): a dead worker's job expires within it. */
  syncHeartbeatSeconds?: number;
  /** How often pg-boss's maintenance (expiry, archive) runs, shared by all processes on the database. */
  maintenanceIntervalSeconds?: number;
  onError?: (err: unknown) => void;
  /**
   * Send the due runs of `recurring` jobs from this process (default false). Any one process with it on is enough;
   * each occurrence is sent once however many do. Off by default: its polling shares the connection with the sync
   * queue (PGlite has one), and only one queue needs it.
   */
  schedule?: boolean;
  /** Seconds between this process's looks for due recurring runs (default 15). */
  scheduleTickSeconds?: number;
}

/**
 * pg-boss 10 takes any `{ executeSql(text, values) }`. PGlite's `query` runs one statement, so text without
 * parameters (pg-boss's schema creation and maintenance, some multi-statement) goes through `exec`. pg-boss wraps its
 * locked commands in `BEGIN; … COMMIT;`: those run inside PGlite's own `transaction()`, which rolls back on an error
 * (a failed `exec` would leave the single connection inside an aborted transaction) and holds PGlite's transaction
 * lock, as every call here does: a Kysely transaction in progress (src/stores/pglite-dialect.ts) makes them wait.
 */
export function pgliteExecutor(pglite: PGlite): PgBoss.Db {
  const rowsOf = (results: Array<{ rows?: unknown[] }>) => ({ rows: results.flatMap((r) => r.rows ?? []) });
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (values?.length) {
        const r = await pglite.query(text, values, { rowMode: 'object' });
        return { rows: r.rows ?? [] };
      }
      const block = /^\s*BEGIN;([\s\S]*)COMMIT;\s*$/i.exec(text);
      if (block) return pglite.transaction(async (tx) => rowsOf(await tx.exec(block[1]!)));
      return rowsOf(await pglite.exec(text));
    },
  };
}

/** Runs pg-boss's statements on a Kysely connection or transaction (for a send inside our own transaction). */
const kyselyExecutor = (db: Kysely<DB>): PgBoss.Db => ({
  async executeSql(text: string, values?: unknown[]) {
    const r = await db.executeQuery(CompiledQuery.raw(text, values ?? []));
    return { rows: r.rows as unknown[] };
  },
});

/**
 * A database last used by pg-boss 12 holds pg-boss's schema at a newer version, which 10.x would run against
 * without a word (it only migrates up). That schema is renamed to `<schema>_v<version>` (kept for an operator; its
 * waiting jobs do not run: polls re-queue syncs, and the schedules are registered again at start).
 */
async function setAsideNewerSchema(db: Kysely<DB>, schema: string, onError?: (e: unknown) => void): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`${schema}.calbridge-set-aside`}))`.execute(trx);
    const t = await sql<{ t: string | null }>`SELECT to_regclass(${`${schema}.version`})::text AS t`.execute(trx);
    if (!t.rows[0]?.t) return;
    const v = await sql<{ version: number }>`SELECT version FROM ${sql.table(`${schema}.version`)}`.execute(trx);
    const version = Number(v.rows[0]?.version ?? 0);
    if (version <= PGBOSS_SCHEMA_VERSION) return;
    await sql`ALTER SCHEMA ${sql.id(schema)} RENAME TO ${sql.id(`${schema}_v${version}`)}`.execute(trx);
    onError?.(new Error(`pg-boss schema ${schema} (version ${version}) renamed to ${schema}_v${version}`));
  });
}

/**
 * pg-boss keeps its tables in its own schema (`<app schema>_boss`, or `pgboss` on `public`), so parallel test
 * runs on one server stay apart.
 */
export async function createPgBossQueue(database: Database, opts: PgBossQueueOptions = {}): Promise<JobQueue> {
  const schema = database.schema === 'public' ? 'pgboss' : `${database.schema}_boss`;
  const connectionString = database.pool
    ? (database.pool as unknown as { options: { connectionString: string } }).options.connectionString
    : undefined;
  const timeoutSeconds = opts.syncJobTimeoutSeconds ?? DEFAULT_SYNC_JOB_TIMEOUT_SECONDS;
  const heartbeatSeconds = opts.syncHeartbeatSeconds ?? SYNC_HEARTBEAT_SECONDS;
  const pollMs = (opts.pollingIntervalSeconds ?? 1) * 1000;
  const onError = (e: unknown) => opts.onError?.(e);
  const common = {
    schema,
    supervise: true,
    // Expired jobs (a dead worker's sync, once its heartbeat lapsed) are failed into a retry at this pace.
    maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 10,
    // Finished jobs leave the job table after an hour (a busy mailbox posts many notification batches), and the
    // archive after a day.
    archiveCompletedAfterSeconds: 3600,
    deleteAfterDays: 1,
    // pg-boss's cron timekeeper is never used: interval schedules are ours (below).
    schedule: false,
  };
  await setAsideNewerSchema(database.db, schema, onError);
  const boss = database.pglite
    ? new PgBoss({ ...common, db: pgliteExecutor(database.pglite) })
    : new PgBoss({ ...common, connectionString, max: 4 });
  boss.on('error', onError);
  await boss.start();
  /**
   * pg-boss 10's `create_queue` inserts the queue row, then attaches a new partition to the job table, which adds
   * the partition's foreign-key triggers on the queue table: two processes creating different queues at once each
   * hold a row lock the other's trigger creation waits for, and PostgreSQL kills one with "deadlock detected" (seen
   * when `serve --no-worker` and two workers start together on a fresh database). Creation is serialized across
   * processes with a session advisory lock and skipped when the queue exists; PGlite has one process and one
   * connection, so no lock there.
   */
  const createQueue = async (name: string, options: PgBoss.Queue) => {
    if (await boss.getQueue(name)) return;
    if (database.pglite) return boss.createQueue(name, options);
    const key = `${schema}.calbridge-create-queue`;
    await database.db.connection().execute(async (conn) => {
      await sql`SELECT pg_advisory_lock(hashtext(${key}))`.execute(conn);
      try {
        if (!(await boss.getQueue(name))) await boss.createQueue(name, options);
      } finally {
        await sql`SELECT pg_advisory_unlock(hashtext(${key}))`.execute(conn);
      }
    });
  };
  const job = sql.table(`${schema}.job`);
  const scheduleTable = sql.table(`${schema}.schedule`);
  // Retries back off exponentially from 5 s with jitter: 5–10 s, 10–20, 20–40, 40–80, 80–160 s, then failed. pg-boss
  // 10 has no cap on the delay (pg-boss 12's retryDelayMax 300); with 5 retries the longest is 160 s anyway.
  await createQueue(SYNC_QUEUE, {
    name: SYNC_QUEUE,
    policy: 'stately',
    retryLimit: 5,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: timeoutSeconds,
  });
  // standard: every batch is a job of its own; a failed one is retried (its processing is idempotent).
  await createQueue(NOTIFICATION_QUEUE, {
    name: NOTIFICATION_QUEUE,
    policy: 'standard',
    retryLimit: 5,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: 300,
  });
  // standard, retried with backoff: a deletion is idempotent, each run redoes what is left
  await createQueue(DATA_JOB_QUEUE, {
    name: DATA_JOB_QUEUE,
    policy: 'standard',
    retryLimit: 5,
    retryDelay: 10,
    retryBackoff: true,
    expireInSeconds: 900,
  });
  const perMailbox = opts.perMailboxConcurrency ?? 2;
  const recurringQueue = async (name: string) =>
    // stately: one job waits and one runs, so occurrences that pile up behind a long run collapse into one.
    createQueue(name, { name, policy: 'stately', retryLimit: 2, retryDelay: 60, expireInSeconds: 3600 });

  // ---- calendar-sync: our fetch, heartbeat and completion on pg-boss's job table --------------------------------
  interface Running {
    id: string;
    /** started_on as text (microseconds): the run this process owns, not a later retry of the same job id. */
    started: string;
  }
  /**
   * Takes up to `limit` ready sync jobs, oldest first, at most one per calendar and none of a calendar with one
   * running, and no more of a mailbox than its free share of `perMailbox` (counting what runs on every worker). One
   * fetch at a time on the database (a transaction-scoped advisory lock), so the counts the next fetch reads include
   * this one's (each statement of a transaction sees what committed before it). A process fetches for all its free
   * slots at once: the lock is taken about once per round, not per slot.
   */
  const fetchSync = async (limit: number): Promise<Array<{ run: Running; data: SyncJob }>> =>
    database.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`${schema}.${SYNC_QUEUE}.fetch`}))`.execute(trx);
      const r = await sql<{ id: string; started: string; data: SyncJob }>`
        WITH running AS MATERIALIZED (
          SELECT COALESCE(singleton_key, '') AS calendar, COALESCE(data->>'connectionId', '') AS mailbox
          FROM ${job} WHERE name = ${SYNC_QUEUE} AND state = 'active'
        ), busy AS MATERIALIZED (
          SELECT mailbox, count(*)::int AS n FROM running GROUP BY mailbox
        ), ready AS (
          SELECT DISTINCT ON (COALESCE(j.singleton_key, '')) j.id, j.priority, j.created_on,
            COALESCE(j.data->>'connectionId', '') AS mailbox
          FROM ${job} j
          WHERE j.name = ${SYNC_QUEUE} AND j.state < 'active' AND j.start_after < now()
            AND COALESCE(j.singleton_key, '') NOT IN (SELECT calendar FROM running)
          ORDER BY COALESCE(j.singleton_key, ''), j.priority DESC, j.created_on, j.id
        ), ranked AS (
          SELECT r.id, r.priority, r.created_on, COALESCE(b.n, 0)
            + row_number() OVER (PARTITION BY r.mailbox ORDER BY r.priority DESC, r.created_on, r.id) AS nth
          FROM ready r LEFT JOIN busy b ON b.mailbox = r.mailbox
        ), next AS (
          SELECT id FROM ranked WHERE nth <= ${perMailbox}::int ORDER BY priority DESC, created_on, id
          LIMIT ${limit}::int
        )
        UPDATE ${job} j SET state = 'active', started_on = now(),
          retry_count = CASE WHEN j.started_on IS NOT NULL THEN j.retry_count + 1 ELSE j.retry_count END,
          expire_in = LEAST(${heartbeatSeconds}::int, ${timeoutSeconds}::int) * interval '1 second'
        FROM next WHERE j.name = ${SYNC_QUEUE} AND j.id = next.id AND j.state < 'active'
        RETURNING j.id, j.started_on::text AS started, j.data`.execute(trx);
      return r.rows.map((row) => ({ run: { id: row.id, started: row.started }, data: row.data }));
    });
  const mine = (run: Running) =>
    sql`j.name = ${SYNC_QUEUE} AND j.id = ${run.id} AND j.state = 'active' AND j.started_on = ${run.started}::timestamptz`;
  const beat = (run: Running) =>
    sql`UPDATE ${job} j SET expire_in = LEAST(now() - j.started_on + ${heartbeatSeconds}::int * interval '1 second',
          ${timeoutSeconds}::int * interval '1 second')
        WHERE ${mine(run)}`.execute(database.db);
  const complete = (run: Running) =>
    sql`UPDATE ${job} j SET state = 'completed', completed_on = now() WHERE ${mine(run)}`.execute(database.db);
  /** pg-boss's fail (retry with backoff, or failed), only while the run is still this process's. */
  const fail = async (run: Running, err: unknown) => {
    const still = await sql`SELECT 1 FROM ${job} j WHERE ${mine(run)}`.execute(database.db);
    if (still.rows.length === 0) return;
    const e = err instanceof Error ? err : new Error(String(err));
    await boss.fail(SYNC_QUEUE, run.id, { message: e.message, name: e.name });
  };
  let stopping = false;
  const dispatchers: Array<Promise<void>> = [];
  const inFlight = new Set<Running>();
  const runs = new Set<Promise<void>>();
  /** Wakes sleeping dispatchers (a slot was freed, or stop); one that is not asleep looks again at once. */
  const wakers = new Set<() => void>();
  let kicked = false;
  const kick = () => {
    kicked = true;
    for (const w of [...wakers]) w();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (kicked) {
        kicked = false;
        resolve();
        return;
      }
      const wake = () => {
        clearTimeout(t);
        wakers.delete(wake);
        kicked = false;
        resolve();
      };
      const t = setTimeout(wake, ms);
      wakers.add(wake);
    });
  const runOne = async (run: Running, data: SyncJob, handler: (job: SyncJob) => Promise<void>) => {
    inFlight.add(run);
    const heartbeat = setInterval(() => void beat(run).catch(onError), Math.max(1000, (heartbeatSeconds * 1000) / 2));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`sync job exceeded ${timeoutSeconds} s`)), timeoutSeconds * 1000);
    });
    try {
      await Promise.race([handler(data), timeout]);
      clearInterval(heartbeat);
      await complete(run);
    } catch (e) {
      clearInterval(heartbeat);
      await fail(run, e);
    } finally {
      clearTimeout(timer);
      clearInterval(heartbeat);
      inFlight.delete(run);
    }
  };
  /** Keeps `slots` syncs running in this process: fetches for the free ones, then sleeps until one frees or a poll. */
  const dispatch = async (slots: number, handler: (job: SyncJob) => Promise<void>) => {
    let mine = 0;
    while (!stopping) {
      const free = slots - mine;
      if (free > 0) {
        try {
          for (const { run, data } of await fetchSync(free)) {
            mine++;
            const p = runOne(run, data, handler)
              .catch(onError)
              .finally(() => {
                mine--;
                runs.delete(p);
                kick();
              });
            runs.add(p);
          }
        } catch (e) {
          onError(e);
        }
      }
      if (!stopping) await sleep(pollMs);
    }
  };

  // ---- recurring jobs: interval schedules kept in pg-boss's schedule table ------------------------------------
  /**
   * Every `scheduleTickSeconds`, claims each schedule's current occurrence (`floor(epoch / interval)`: the same phase
   * in every process, any interval in minutes) unless one was already claimed, and sends its job in the same
   * transaction: one run per occurrence however many processes look. An occurrence that passed while no process was
   * up is claimed at the next look (the latest only: missed runs happen once); one before the schedule existed is not.
   */
  const tickSchedules = async () => {
    await database.db.transaction().execute(async (trx) => {
      const due = await sql<{ name: string }>`
        UPDATE ${scheduleTable} s
        SET options = s.options || jsonb_build_object('lastSlot',
          floor(extract(epoch FROM now()) / ((s.options->>'everyMinutes')::int * 60))::bigint)
        WHERE (s.options->>'everyMinutes') IS NOT NULL
          AND floor(extract(epoch FROM now()) / ((s.options->>'everyMinutes')::int * 60))::bigint
            > COALESCE((s.options->>'lastSlot')::bigint, -1)
          AND to_timestamp(floor(extract(epoch FROM now()) / ((s.options->>'everyMinutes')::int * 60))
            * (s.options->>'everyMinutes')::int * 60) >= s.created_on
        RETURNING s.name`.execute(trx);
      for (const { name } of due.rows) await boss.send(name, {}, { db: kyselyExecutor(trx) });
    });
  };
  let scheduleTimer: NodeJS.Timeout | null = null;
  if (opts.schedule) {
    let ticking = false;
    scheduleTimer = setInterval(
      () => {
        if (ticking || stopping) return;
        ticking = true;
        void tickSchedules()
          .catch(onError)
          .finally(() => (ticking = false));
      },
      (opts.scheduleTickSeconds ?? 15) * 1000,
    );
    scheduleTimer.unref();
  }

  return {
    async enqueueSync(j: SyncJob, o = {}) {
      const id = await boss.send(SYNC_QUEUE, j, {
        singletonKey: j.calendarId,
        ...(o.delaySeconds ? { startAfter: o.delaySeconds } : {}),
      });
      return id !== null;
    },
    async workSync(handler, o = {}) {
      dispatchers.push(dispatch(o.concurrency ?? 4, handler));
    },
    async enqueueNotifications(batch: NotificationBatch) {
      await boss.send(NOTIFICATION_QUEUE, batch);
    },
    async workNotifications(handler, o = {}) {
      // pg-boss 10 runs one job at a time per work() call: concurrency is that many calls.
      for (let i = 0; i < (o.concurrency ?? 2); i++)
        await boss.work<NotificationBatch>(
          NOTIFICATION_QUEUE,
          { batchSize: 1, pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 1 },
          async (jobs) => {
            for (const j of jobs) await handler(j.data);
          },
        );
    },
    async recurring(name, o, handler) {
      await recurringQueue(name);
      if (o.everyMinutes <= 0) {
        await boss.unschedule(name);
        return;
      }
      const every = Math.floor(o.everyMinutes);
      // Re-registering the same interval keeps the schedule (and its last occurrence); another one starts afresh.
      await sql`
        INSERT INTO ${scheduleTable} AS s (name, cron, timezone, data, options)
        VALUES (${name}, ${`FREQ=MINUTELY;INTERVAL=${every}`}, 'UTC', '{}'::jsonb,
          jsonb_build_object('everyMinutes', ${every}::int))
        ON CONFLICT (name) DO UPDATE SET cron = EXCLUDED.cron, options = EXCLUDED.options,
          created_on = now(), updated_on = now()
        WHERE s.cron IS DISTINCT FROM EXCLUDED.cron`.execute(database.db);
      await boss.work(name, { batchSize: 1, pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 5 }, async () => {
        await handler();
      });
    },
    async enqueueDataJob(jobId) {
      await boss.send(DATA_JOB_QUEUE, { jobId });
    },
    async workDataJobs(handler) {
      await boss.work<{ jobId: string }>(
        DATA_JOB_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 1 },
        async (jobs) => {
          for (const j of jobs) await handler(j.data.jobId);
        },
      );
    },
    async forgetTenant(tenantId) {
      // every job naming the tenant but one running now (its worker finishes it; its writes then fail on the
      // missing tenant), and the archive of finished ones
      const waiting = await sql`DELETE FROM ${job} WHERE state <> 'active'
        AND data->>'tenantId' = ${tenantId}`.execute(database.db);
      const archived = await sql`DELETE FROM ${sql.table(`${schema}.archive`)}
        WHERE data->>'tenantId' = ${tenantId}`.execute(database.db);
      return Number(waiting.numAffectedRows ?? 0) + Number(archived.numAffectedRows ?? 0);
    },
    async runRecurringNow(name) {
      await recurringQueue(name);
      await boss.send(name, {});
    },
    async depth(scope) {
      // Exact counts (pg-boss's queue statistics are refreshed only by its periodic monitor); a tenant's are those
      // whose job data names it (SyncJob.tenantId).
      const tenant = scope ? sql`AND data->>'tenantId' = ${scope.tenantId}` : sql``;
      const r = await sql<{ state: string; n: number }>`
        SELECT state::text AS state, count(*)::int AS n FROM ${job}
        WHERE name = ${SYNC_QUEUE} AND state IN ('created', 'retry', 'active') ${tenant} GROUP BY state`.execute(
        database.db,
      );
      const by = Object.fromEntries(r.rows.map((x) => [x.state, Number(x.n)]));
      return { queued: (by.created ?? 0) + (by.retry ?? 0), active: by.active ?? 0 };
    },
    async stop() {
      stopping = true;
      if (scheduleTimer) clearInterval(scheduleTimer);
      // Running syncs get 10 s to finish; those still running then are failed (so retried), as pg-boss does with its
      // own workers' jobs.
      kick();
      await Promise.all(dispatchers);
      let grace: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.all([...runs]).then(() => true),
        new Promise<false>((r) => (grace = setTimeout(() => r(false), 10_000))),
      ]);
      clearTimeout(grace);
      if (!finished)
        for (const run of [...inFlight]) await fail(run, new Error('worker shut down while active')).catch(onError);
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };
}
