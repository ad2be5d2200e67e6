// The sync API's logic: per-calendar sync status, manual syncs, the intake of Graph and Google change notifications,
// and the Prometheus exposition (with the queue depth read at scrape time). Routes in http/routes/sync.ts call it.
import type { ProviderType } from '../../domain/calendar.js';
import { AppError } from '../../domain/errors.js';
import type { JobQueue } from '../../ports/jobs.js';
import type { SyncStatusSource, SyncStore } from '../../ports/sync.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { SyncWorker } from './worker.js';

export interface SyncStatusDeps {
  store: Pick<SyncStore, 'listTargets'> & SyncStatusSource;
  queue: Pick<JobQueue, 'enqueueSync' | 'depth'>;
  worker: Pick<SyncWorker, 'onNotification' | 'onChannelNotification'>;
  metrics: Pick<Metrics, 'notifications' | 'queueDepth' | 'registry'>;
  /** The poll interval of users who set none. */
  pollIntervalSeconds: number;
  /** Whether change notifications can reach this server (a public https URL); otherwise every calendar is polled. */
  notificationsEnabled: () => boolean;
  now: () => Date;
}

/** One calendar in GET /api/outlook/calendar/sync-status. */
export interface CalendarSyncStatus {
  calendarId: string;
  name: string;
  isShared: boolean;
  ownerEmail: string | null;
  selected: boolean;
  isDefault: boolean;
  canEdit: boolean;
  provider: ProviderType;
  connectionId: string;
  /** The owner's poll interval (or the server default). */
  pollIntervalSeconds: number;
  lastSuccessAt: string | null;
  lagSeconds: number | null;
  nextRunAt: string | null;
  lastError: string | null;
  /** The last attempt was throttled by the provider (retried automatically). */
  throttled: boolean;
  subscriptionExpiresAt: string | null;
  lastNotificationAt: string | null;
  fullSyncInProgress: boolean;
  pagesSynced: number;
  eventsSynced: number;
}

export interface SyncStatusReport {
  calendars: CalendarSyncStatus[];
  /** Change notifications reach this server; without them calendars are only polled. */
  notifications: boolean;
  queue: { queued: number; active: number };
}

/** A Graph change or lifecycle notification as posted (only `subscriptionId` is required to act on it). */
export interface GraphNotification {
  subscriptionId?: unknown;
  clientState?: string;
  lifecycleEvent?: string;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/**
 * What the sync routes do, without HTTP: each route declares its schema and auth and calls one method.
 * @example const sync = new SyncStatusService(deps); const report = await sync.status(actor.tenantId, actor.userId);
 */
export class SyncStatusService {
  constructor(private readonly d: SyncStatusDeps) {}

  /** The caller's calendars with lag, next poll and throttling derived from the stored sync facts. */
  async status(tenantId: string, userId: string): Promise<SyncStatusReport> {
    const now = this.d.now().getTime();
    const rows = await this.d.store.status(tenantId, userId);
    return {
      calendars: rows.map((r) => {
        const interval = r.pollIntervalSeconds ?? this.d.pollIntervalSeconds;
        return {
          calendarId: r.calendarId,
          name: r.name,
          isShared: r.isShared,
          ownerEmail: r.ownerEmail ?? null,
          selected: r.selected,
          isDefault: r.isDefault,
          canEdit: r.canEdit,
          provider: r.provider,
          connectionId: r.connectionId,
          pollIntervalSeconds: interval,
          lastSuccessAt: iso(r.lastSuccessAt),
          lagSeconds: r.lastSuccessAt
            ? Math.max(0, Math.round((now - new Date(r.lastSuccessAt).getTime()) / 1000))
            : null,
          nextRunAt: r.selected
            ? new Date(
                Math.max(now, (r.lastAttemptAt ? new Date(r.lastAttemptAt).getTime() : now) + interval * 1000),
              ).toISOString()
            : null,
          lastError: r.lastError ?? null,
          throttled: r.lastError?.startsWith('provider_throttled') ?? false,
          subscriptionExpiresAt: iso(r.subscriptionExpiresAt),
          lastNotificationAt: iso(r.lastNotificationAt),
          fullSyncInProgress: r.fullSyncInProgress ?? false,
          pagesSynced: r.pagesSynced ?? 0,
          eventsSynced: r.eventsSynced ?? 0,
        };
      }),
      notifications: this.d.notificationsEnabled(),
      queue: await this.d.queue.depth(),
    };
  }

  /** Queues a sync of one of the caller's calendars (not_found when it is not theirs) or of all; returns how many. */
  async requestSync(tenantId: string, userId: string, o: { calendarId?: string; full?: boolean }): Promise<number> {
    const targets = (await this.d.store.listTargets({ tenantId, userId })).filter(
      (t) => !o.calendarId || t.calendarId === o.calendarId,
    );
    if (o.calendarId && targets.length === 0) throw new AppError('not_found', 'No such synced calendar.');
    let queued = 0;
    for (const t of targets)
      if (
        await this.d.queue.enqueueSync({
          tenantId: t.tenantId,
          calendarId: t.calendarId,
          connectionId: t.connectionId,
          full: o.full,
          reason: 'manual',
        })
      )
        queued++;
    return queued;
  }

  /**
   * A batch of Graph change or lifecycle notifications (`{ value: [...] }`): each is verified by the worker, which only
   * enqueues a debounced sync. `onDropped` hears of each one with an unknown subscription or a wrong clientState.
   */
  async intakeGraphNotifications(body: unknown, onDropped: (subscriptionId: string) => void): Promise<number> {
    const batch = body as { value?: unknown } | null | undefined;
    if (!batch || !Array.isArray(batch.value))
      throw new AppError('validation_failed', 'Expected { value: [ notifications ] }.');
    let accepted = 0;
    for (const n of batch.value as Array<GraphNotification | null | undefined>) {
      if (typeof n?.subscriptionId !== 'string') continue;
      const r = await this.d.worker.onNotification({
        subscriptionId: n.subscriptionId,
        clientState: n.clientState,
        lifecycleEvent: n.lifecycleEvent,
      });
      this.d.metrics.notifications.inc({ outcome: r });
      if (r === 'queued') accepted++;
      else onDropped(n.subscriptionId);
    }
    return accepted;
  }

  /** A Google push for one calendar, verified by the worker: `queued`, `ignored` (channel creation) or `rejected`. */
  async intakeGooglePush(n: {
    calendarId: string;
    token: string | undefined;
    state: string | undefined;
  }): Promise<'queued' | 'ignored' | 'rejected'> {
    const r = await this.d.worker.onChannelNotification(n);
    this.d.metrics.notifications.inc({ outcome: r });
    return r;
  }

  /** The Prometheus exposition, with the job queue's depth read now. */
  async metricsExposition(): Promise<{ contentType: string; body: string }> {
    const q = await this.d.queue.depth();
    this.d.metrics.queueDepth.set({ state: 'queued' }, q.queued);
    this.d.metrics.queueDepth.set({ state: 'active' }, q.active);
    return { contentType: this.d.metrics.registry.contentType, body: await this.d.metrics.registry.metrics() };
  }
}
