// The background jobs of a calbridge worker — the same list whether they run embedded in `calbridge serve` (its
// default) or in `calbridge worker` processes. Each job logs and counts its failures (never a token or body).
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { createPgBossQueue } from '../jobs/pgboss-queue.js';
import type { Clock } from '../ports/clock.js';
import type { JobQueue } from '../ports/jobs.js';
import { TokenRefresher } from '../services/maintenance/token-refresh.js';
import { HEALTH_REEVALUATION_JOB } from '../services/metrics/reevaluation.js';
import {
  PROPOSAL_EXPIRY_JOB,
  PROPOSAL_EXPIRY_MINUTES,
  type ProposalExpirySweep,
} from '../services/scheduling/proposal-expiry.js';
import type { Metrics } from '../services/telemetry/metrics.js';
import { PgMaintenanceStore } from '../stores/maintenance-store.js';
import type { Container } from './container.js';
import type { DataRightsService } from '../services/tenancy/data-rights.js';
import type { DetectionRuntime } from './wiring/detection.js';
import type { GoogleWiring } from './wiring/google.js';
import type { OutlookWiring } from './wiring/outlook.js';
import type { SyncRuntime } from './wiring/sync.js';
import { isAppError } from '../domain/errors.js';

/**
 * Every job a worker runs, in the order they start:
 * - `calendar-sync`: queued delta syncs (polls, change notifications, manual, outbound), each followed by its
 *   calendar's subscription upkeep (create, renew, recreate);
 * - `sync-poll`: queues the calendars whose poll is due;
 * - `graph-notifications`: Graph change and lifecycle notification batches the webhook stored (and answered 202):
 *   each is verified (subscription, clientState hash) and queues its calendar's sync, or marks a subscription for
 *   reauthorization or re-creation, which that sync job then does;
 * - `detection`: customer detection and the metrics update on every synced page (runs inside `calendar-sync`);
 * - `outbox-deliveries`: signed health-signal and brief webhooks, brief e-mails, with retries;
 * - `prep-briefs`: queues the prep brief of each customer meeting that starts soon, once;
 * - `health-reevaluation`: re-scores every customer (scores decay with time alone);
 * - `token-refresh`: renews access tokens that expire soon, and finds revoked grants;
 * - `retention`: deletes spent OAuth states and old sent deliveries;
 * - `proposal-expiry`: marks pending proposals past their expiry expired and emits `proposal.expired`, once each;
 * - `data-erasure`: tenant and user deletions (one job each, retried; each run resumes what is left).
 */
export const JOB_NAMES = [
  'calendar-sync',
  'sync-poll',
  'graph-notifications',
  'detection',
  'outbox-deliveries',
  'prep-briefs',
  'health-reevaluation',
  'token-refresh',
  'retention',
  'proposal-expiry',
  'data-erasure',
] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** The stable code of an error, for logs and the failure counter (never its message: it may quote a body). */
export const errorCode = (e: unknown): string => (isAppError(e) ? e.code : 'internal');

export interface Jobs {
  readonly names: readonly JobName[];
  /** Starts every job in this process; resolves to the names started. */
  start(opts?: { concurrency?: number }): Promise<readonly JobName[]>;
  /** Whether start() ran. */
  readonly running: boolean;
  /** One pass of the interval jobs (deliveries, briefs), for tests and `calbridge sync`. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

const TOKEN_REFRESH_MINUTES = 5;
/** Tokens expiring within this are renewed (a little more than the job's interval). */
const TOKEN_REFRESH_WITHIN_SECONDS = 10 * 60;
const RETENTION_MINUTES = 60;

export function createJobs(d: {
  config: Config;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  container: Container;
  sync: SyncRuntime;
  detection: DetectionRuntime;
  outlook: OutlookWiring;
  google: GoogleWiring;
  dataRights: DataRightsService;
  proposalExpiry: ProposalExpirySweep;
}): Jobs {
  const { config, log, metrics } = d;
  const failed = (job: JobName, e: unknown, o: Record<string, unknown> = {}, knownCode?: string) => {
    const code = knownCode ?? errorCode(e);
    metrics.jobFailures.inc({ job, code });
    metrics.jobRuns.inc({ job, outcome: 'error' });
    log.warn({ job, code, ...o }, `${job} failed`);
  };
  const ok = (job: JobName) => metrics.jobRuns.inc({ job, outcome: 'ok' });
  const maintenance = new PgMaintenanceStore(d.container.database.db);
  const tokens = { MICROSOFT: d.outlook.tokens, GOOGLE: d.google.tokens } as const;
  const refresher = new TokenRefresher({
    source: maintenance,
    refresh: async (ref) => {
      const conn = await d.outlook.store.getById(ref.tenantId, ref.connectionId);
      if (!conn) return;
      await tokens[conn.provider].accessToken(ref.tenantId, ref.connectionId, { forceRefresh: true });
    },
    clock: d.clock,
    withinSeconds: TOKEN_REFRESH_WITHIN_SECONDS,
  });

  // Each interval job runs one pass at a time in this process; several processes share the work through row leases.
  const deliveries = async () => {
    try {
      let r;
      do {
        r = await d.detection.deliveries.runOnce();
        for (const f of r.failures) {
          metrics.deliveryFailures.inc({ kind: f.kind, code: f.code });
          failed('outbox-deliveries', null, { tenantId: f.tenantId, kind: f.kind }, f.code);
        }
      } while (r.sent > 0);
      ok('outbox-deliveries');
    } catch (e) {
      failed('outbox-deliveries', e);
    }
  };
  const briefs = async () => {
    try {
      await d.detection.briefs.runDue();
      ok('prep-briefs');
    } catch (e) {
      failed('prep-briefs', e);
    }
  };
  const tick = async () => {
    await briefs();
    await deliveries();
  };

  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let busy = false;
  let recurring: JobQueue | null = null;
  return {
    names: JOB_NAMES,
    get running() {
      return running;
    },
    tick,
    async start(opts = {}) {
      if (running) return JOB_NAMES;
      running = true;
      // calendar-sync, sync-poll (detection runs inside each synced page)
      await d.sync.worker.start(opts.concurrency ?? 4);
      // graph-notifications: a batch that fails is counted, logged and retried by the queue
      await d.sync.queue.workNotifications(async (batch) => {
        try {
          const r = await d.sync.worker.processNotifications(batch);
          metrics.notifications.inc({ outcome: 'queued' }, r.queued);
          metrics.notifications.inc({ outcome: 'rejected' }, r.rejected);
          if (r.rejected > 0)
            log.warn(
              { job: 'graph-notifications', rejected: r.rejected, subscriptionIds: r.rejectedSubscriptions },
              'notifications dropped: unknown subscription or clientState mismatch',
            );
          ok('graph-notifications');
        } catch (e) {
          failed('graph-notifications', e, { items: batch.items.length });
          throw e;
        }
      });
      // outbox-deliveries, prep-briefs
      timer = setInterval(() => {
        if (busy) return;
        busy = true;
        void tick().finally(() => (busy = false));
      }, config.jobTickSeconds * 1000);
      timer.unref();
      // health-reevaluation, token-refresh, retention: recurring jobs shared by every process on the database (one
      // schedule, one run at a time); this process runs pg-boss's timekeeper for them.
      recurring = await createPgBossQueue(d.container.database, {
        schedule: true,
        onError: (e) => failed('health-reevaluation', e),
      });
      await recurring.recurring(
        HEALTH_REEVALUATION_JOB,
        { everyMinutes: config.healthReevaluationMinutes },
        async () => {
          try {
            await d.detection.reevaluation.runOnce();
            ok('health-reevaluation');
          } catch (e) {
            failed('health-reevaluation', e);
          }
        },
      );
      await recurring.recurring('token-refresh', { everyMinutes: TOKEN_REFRESH_MINUTES }, async () => {
        try {
          const r = await refresher.runOnce();
          for (const f of r.failed)
            failed('token-refresh', null, { tenantId: f.tenantId, connectionId: f.connectionId }, f.code);
          if (r.lost > 0) log.warn({ job: 'token-refresh', lost: r.lost }, 'connections lost their grant');
          ok('token-refresh');
        } catch (e) {
          failed('token-refresh', e);
        }
      });
      await recurring.recurring('retention', { everyMinutes: RETENTION_MINUTES }, async () => {
        try {
          const deleted = await maintenance.purge(d.clock.now(), { oauthStatesDays: 1, sentDeliveriesDays: 30 });
          log.info({ job: 'retention', ...deleted }, 'retention done');
          ok('retention');
        } catch (e) {
          failed('retention', e);
        }
      });
      // proposal-expiry: a tenant whose batch failed is counted and logged (tenant and code), and swept again next run
      await recurring.recurring(PROPOSAL_EXPIRY_JOB, { everyMinutes: PROPOSAL_EXPIRY_MINUTES }, async () => {
        try {
          const r = await d.proposalExpiry.runOnce();
          for (const f of r.failures) failed(PROPOSAL_EXPIRY_JOB, null, { tenantId: f.tenantId }, f.code);
          if (r.expired > 0) log.info({ job: PROPOSAL_EXPIRY_JOB, expired: r.expired }, 'proposals expired');
          ok(PROPOSAL_EXPIRY_JOB);
        } catch (e) {
          failed(PROPOSAL_EXPIRY_JOB, e);
        }
      });
      // data-erasure: a run that fails is counted and retried by the queue (the job row shows the failure meanwhile)
      await d.sync.queue.workDataJobs(async (jobId) => {
        try {
          await d.dataRights.run(jobId);
          ok('data-erasure');
        } catch (e) {
          failed('data-erasure', e, { jobId });
          throw e;
        }
      });
      log.info({ jobs: JOB_NAMES }, `worker jobs: ${JOB_NAMES.join(', ')}`);
      return JOB_NAMES;
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await recurring?.stop();
      recurring = null;
      running = false;
    },
  };
}
