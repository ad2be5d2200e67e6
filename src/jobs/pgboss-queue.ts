// JobQueue on pg-boss: Postgres-backed, works on the server and inside the embedded PGlite process.
import { sql } from 'kysely';
import { PgBoss, fromPglite } from 'pg-boss';
import type { Database } from '../stores/database.js';
import type { JobQueue, NotificationBatch, SyncJob } from '../ports/jobs.js';

const SYNC_QUEUE = 'calendar-sync';
/** Received Graph notification batches, one job per POST (the webhook answers once it is stored). */
export const NOTIFICATION_QUEUE = 'graph-notifications';
/**
 * Running sync jobs refresh a heartbeat every half of this; pg-boss's supervisor fails (and so retries) a job whose
 * heartbeat stopped, e.g. in a SIGKILLed worker, instead of leaving it active until `expireInSeconds` (15 minutes),
 * which blocked the calendar's next sync that long (stately policy: one active job per calendar).
 */
const SYNC_HEARTBEAT_SECONDS = 20;

export interface PgBossQueueOptions {
  /** Concurrent syncs of one mailbox across all workers. */
  perMailboxConcurrency?: number;
  pollingIntervalSeconds?: number;
  onError?: (err: unknown) => void;
  /**
   * Run pg-boss's timekeeper in this process (default false): it turns the schedules of `recurring` jobs into jobs.
   * Any one process with it on is enough; each schedule sends once per occurrence however many run it. Off by
   * default: its polling shares the connection with the sync queue (PGlite has one), and only one queue needs it.
   */
  schedule?: boolean;
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
  const schedule = opts.schedule ?? false;
  const boss = database.pglite
    ? new PgBoss({ db: fromPglite(database.pglite), schema, supervise: true, schedule })
    : new PgBoss({ connectionString, schema, max: 4, supervise: true, schedule });
  boss.on('error', (e: unknown) => opts.onError?.(e));
  await boss.start();
  await boss
    .createQueue(SYNC_QUEUE, {
      policy: 'stately',
      retryLimit: 5,
      retryDelay: 5,
      retryBackoff: true,
      retryDelayMax: 300,
      expireInSeconds: 900,
      heartbeatSeconds: SYNC_HEARTBEAT_SECONDS,
    })
    .catch(async (e: unknown) => {
      if (!/exists/i.test(String(e))) throw e;
      await boss.updateQueue(SYNC_QUEUE, { heartbeatSeconds: SYNC_HEARTBEAT_SECONDS });
    });
  await boss
    // standard: every batch is a job of its own; a failed one is retried (its processing is idempotent). A processed
    // batch is kept an hour (not pg-boss's week): a busy mailbox posts many.
    .createQueue(NOTIFICATION_QUEUE, {
      policy: 'standard',
      retryLimit: 5,
      retryDelay: 5,
      retryBackoff: true,
      retryDelayMax: 300,
      expireInSeconds: 300,
      deleteAfterSeconds: 3600,
    })
    .catch((e: unknown) => {
      if (!/exists/i.test(String(e))) throw e;
    });
  const perMailbox = opts.perMailboxConcurrency ?? 2;
  const recurringQueue = async (name: string) =>
    boss
      // stately: one job waits and one runs, so occurrences that pile up behind a long run collapse into one.
      .createQueue(name, { policy: 'stately', retryLimit: 2, retryDelay: 60, expireInSeconds: 3600 })
      .catch((e: unknown) => {
        if (!/exists/i.test(String(e))) throw e;
      });
  return {
    async enqueueSync(job: SyncJob, o = {}) {
      const id = await boss.send(SYNC_QUEUE, job, {
        singletonKey: job.calendarId,
        group: { id: job.connectionId },
        ...(o.delaySeconds ? { startAfter: o.delaySeconds } : {}),
      });
      return id !== null;
    },
    async workSync(handler, o = {}) {
      await boss.work<SyncJob>(
        SYNC_QUEUE,
        {
          batchSize: 1,
          localConcurrency: o.concurrency ?? 4,
          groupConcurrency: perMailbox,
          pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 1,
        },
        async (jobs) => {
          for (const j of jobs) await handler(j.data);
        },
      );
    },
    async enqueueNotifications(batch: NotificationBatch) {
      await boss.send(NOTIFICATION_QUEUE, batch);
    },
    async workNotifications(handler, o = {}) {
      await boss.work<NotificationBatch>(
        NOTIFICATION_QUEUE,
        {
          batchSize: 1,
          localConcurrency: o.concurrency ?? 2,
          pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 1,
        },
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
      // A recurrence rule anchored on the epoch: the same phase in every process, any interval in minutes.
      await boss.schedule(name, `FREQ=MINUTELY;INTERVAL=${Math.floor(o.everyMinutes)}`, {}, { missed: 'once' });
      await boss.work(name, { batchSize: 1, pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 5 }, async () => {
        await handler();
      });
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
        SELECT state::text AS state, count(*)::int AS n FROM ${sql.table(`${schema}.job`)}
        WHERE name = ${SYNC_QUEUE} AND state IN ('created', 'retry', 'active') ${tenant} GROUP BY state`.execute(
        database.db,
      );
      const by = Object.fromEntries(r.rows.map((x) => [x.state, Number(x.n)]));
      return { queued: (by.created ?? 0) + (by.retry ?? 0), active: by.active ?? 0 };
    },
    async stop() {
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };
}
