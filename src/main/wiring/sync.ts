// Builds the sync engine: store, provider resolver, pg-boss queue, the worker (started by the job roles) and routes.
import { createPgBossQueue } from '../../jobs/pgboss-queue.js';
import { calendarSettingsRoutes } from '../../http/routes/calendar-settings.js';
import { syncRoutes } from '../../http/routes/sync.js';
import type { RouteModule } from '../../http/app-deps.js';
import type { Clock } from '../../ports/clock.js';
import type { JobQueue, SyncJob } from '../../ports/jobs.js';
import type { ProviderResolver } from '../../ports/sync.js';
import { CalendarSettingsService } from '../../services/sync/calendar-settings.js';
import { SyncService } from '../../services/sync/sync-service.js';
import { SyncWorker } from '../../services/sync/worker.js';
import type { Metrics } from '../../services/telemetry/metrics.js';
import { PgCalendarSettingsStore } from '../../stores/calendar-settings-store.js';
import { PgSyncStore } from '../../stores/sync-store.js';
import type { Container } from '../container.js';

export interface SyncRuntime {
  store: PgSyncStore;
  queue: JobQueue;
  sync: SyncService;
  worker: SyncWorker;
  metrics: Metrics;
  settings: CalendarSettingsService;
  providers: ProviderResolver;
  close(): Promise<void>;
}

/** The provider adapter of each synced calendar's connection, from the container's registry. */
export function providerResolver(container: Container): ProviderResolver {
  return {
    forTarget: (t) =>
      container.providers.forConnection(t.provider, {
        tenantId: t.tenantId,
        userId: t.userId,
        connectionId: t.connectionId,
        mailbox: t.mailbox,
      }),
  };
}

/** Builds the sync engine on a container. Nothing consumes jobs until the job role starts the worker. */
export async function createSyncRuntime(
  container: Container,
  opts: {
    publicBaseUrl: () => string | null;
    log: (o: Record<string, unknown>, m: string) => void;
    clock: Clock;
    metrics: Metrics;
    /** Called once per failed sync job (after it is counted), to log it. */
    onJobFailure?: (job: SyncJob, err: unknown) => void;
  },
): Promise<SyncRuntime> {
  const { config } = container;
  const now = () => opts.clock.now();
  const store = new PgSyncStore(container.database.db);
  const providers = providerResolver(container);
  const { metrics } = opts;
  const sync = new SyncService(store, providers, {
    windowPastDays: config.sync.windowPastDays,
    windowFutureDays: config.sync.windowFutureDays,
    now,
  });
  const queue = await createPgBossQueue(container.database, {
    syncJobTimeoutSeconds: config.syncJobTimeoutSeconds,
    onError: (e) => opts.log({ err: e instanceof Error ? e.message : String(e) }, 'job queue error'),
  });
  // Every sync job, wherever it runs, is timed and counted by outcome; a failure is reported once.
  const observed: JobQueue = {
    ...queue,
    workSync: (handler, o) =>
      queue.workSync(async (job) => {
        const end = metrics.syncDuration.startTimer();
        try {
          await handler(job);
          metrics.syncRuns.inc({ outcome: 'ok', reason: job.reason });
          metrics.jobRuns.inc({ job: 'calendar-sync', outcome: 'ok' });
        } catch (e) {
          metrics.syncRuns.inc({ outcome: 'error', reason: job.reason });
          metrics.jobRuns.inc({ job: 'calendar-sync', outcome: 'error' });
          opts.onJobFailure?.(job, e);
          throw e;
        } finally {
          end();
        }
      }, o),
  };
  const worker = new SyncWorker(sync, store, store, providers, observed, {
    pollIntervalSeconds: config.sync.pollIntervalSeconds,
    get publicBaseUrl() {
      return opts.publicBaseUrl();
    },
    debounceSeconds: 2,
    now,
    log: opts.log,
  });
  sync.onMeetingsChanged(async (_tenant, changed, removed) => {
    metrics.syncEvents.inc({ provider: 'any', kind: 'upsert' }, changed.length);
    metrics.syncEvents.inc({ provider: 'any', kind: 'removed' }, removed.length);
  });
  const settings = new CalendarSettingsService({
    store: new PgCalendarSettingsStore(container.database.db),
    sync: store,
    providers,
    queue,
    defaults: { ...config.sync },
    meetingsRemoved: (tenantId, ids) => sync.meetingsRemoved(tenantId, ids),
    log: opts.log,
  });
  return {
    store,
    queue,
    sync,
    worker,
    metrics,
    settings,
    providers,
    // Stops the worker's loops and the queue (also when the worker never started).
    close: () => worker.stop(),
  };
}

/** The sync routes: status, manual sync, provider webhooks (public), /metrics, calendar settings. */
export function syncModules(
  runtime: SyncRuntime,
  opts: { pollIntervalSeconds: number; notificationsEnabled: () => boolean; clock: Clock },
): RouteModule[] {
  return [
    syncRoutes({
      store: runtime.store,
      queue: runtime.queue,
      worker: runtime.worker,
      metrics: runtime.metrics,
      pollIntervalSeconds: opts.pollIntervalSeconds,
      notificationsEnabled: opts.notificationsEnabled,
      now: () => opts.clock.now(),
    }),
    calendarSettingsRoutes(runtime.settings),
  ];
}
