// Wires the sync engine: store, provider resolver, pg-boss queue, worker (embedded in the server when configured), routes.
import { createPgBossQueue } from '../../jobs/pgboss-queue.js';
import { calendarSettingsRoutes } from '../../http/routes/calendar-settings.js';
import { syncRoutes } from '../../http/routes/sync.js';
import type { JobQueue } from '../../ports/jobs.js';
import type { ProviderResolver } from '../../ports/sync.js';
import { CalendarSettingsService } from '../../services/sync/calendar-settings.js';
import { SyncService } from '../../services/sync/sync-service.js';
import { SyncWorker } from '../../services/sync/worker.js';
import { Metrics } from '../../services/telemetry/metrics.js';
import { PgCalendarSettingsStore } from '../../stores/calendar-settings-store.js';
import { PgSyncStore } from '../../stores/sync-store.js';
import type { Container } from '../container.js';
import { registerFeature } from '../server.js';

export interface SyncRuntime {
  store: PgSyncStore;
  queue: JobQueue;
  sync: SyncService;
  worker: SyncWorker;
  metrics: Metrics;
  settings: CalendarSettingsService;
  close(): Promise<void>;
}

/** Builds the sync engine on a container; `startWorker` consumes jobs in this process. */
export async function createSyncRuntime(
  container: Container,
  opts: {
    startWorker: boolean;
    publicBaseUrl: () => string | null;
    log: (o: Record<string, unknown>, m: string) => void;
    concurrency?: number;
  },
): Promise<SyncRuntime> {
  const { config } = container;
  const store = new PgSyncStore(container.database.db);
  const providers: ProviderResolver = {
    forTarget: (t) =>
      container.providers.forConnection(t.provider, {
        tenantId: t.tenantId,
        userId: t.userId,
        connectionId: t.connectionId,
        mailbox: t.mailbox,
      }),
  };
  const metrics = new Metrics({ defaultMetrics: opts.startWorker });
  const sync = new SyncService(store, providers, {
    windowPastDays: config.sync.windowPastDays,
    windowFutureDays: config.sync.windowFutureDays,
    now: () => new Date(),
  });
  const queue = await createPgBossQueue(container.database, {
    onError: (e) => opts.log({ err: e instanceof Error ? e.message : String(e) }, 'job queue error'),
  });
  const worker = new SyncWorker(sync, store, store, providers, queue, {
    pollIntervalSeconds: config.sync.pollIntervalSeconds,
    get publicBaseUrl() {
      return opts.publicBaseUrl();
    },
    debounceSeconds: 2,
    now: () => new Date(),
    log: opts.log,
  });
  const instrumented = worker.run.bind(worker);
  worker.run = async (job) => {
    const end = metrics.syncDuration.startTimer();
    try {
      await instrumented(job);
      metrics.syncRuns.inc({ outcome: 'ok', reason: job.reason });
    } catch (e) {
      metrics.syncRuns.inc({ outcome: 'error', reason: job.reason });
      throw e;
    } finally {
      end();
    }
  };
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
  if (opts.startWorker) await worker.start(opts.concurrency ?? 4);
  return { store, queue, sync, worker, metrics, settings, close: () => worker.stop() };
}

registerFeature(async ({ container, config, publicUrl }) => {
  const publicBaseUrl = () => config.publicBaseUrl ?? (publicUrl().startsWith('https://') ? publicUrl() : null);
  const runtime = await createSyncRuntime(container, {
    startWorker: config.embeddedWorker,
    publicBaseUrl,
    log: () => undefined,
  });
  (container as Container & { sync?: SyncRuntime }).sync = runtime;
  return {
    modules: [
      syncRoutes({
        store: runtime.store,
        queue: runtime.queue,
        worker: runtime.worker,
        metrics: runtime.metrics,
        pollIntervalSeconds: config.sync.pollIntervalSeconds,
        notificationsEnabled: () => publicBaseUrl() !== null,
        now: () => new Date(),
      }),
      calendarSettingsRoutes(runtime.settings),
    ],
    publicPaths: [/^\/api\/webhooks\//],
    close: () => runtime.close(),
  };
});
