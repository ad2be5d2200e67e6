// The sync API's logic: per-calendar sync status, manual syncs, the intake of Graph and Google change notifications,
// and the Prometheus exposition (with the queue depth read at scrape time). Routes in http/routes/sync.ts call it.
import type { ProviderType } from '../../domain/calendar.js';
import { AppError, ERROR_CODES } from '../../domain/errors.js';
import { isWellFormedText } from '../../domain/text.js';
import type { JobQueue, ReceivedNotification } from '../../ports/jobs.js';
import type { SyncStatusSource, SyncStore } from '../../ports/sync.js';
import type { Metrics } from '../telemetry/metrics.js';
import { hashClientState, type SyncWorker } from './worker.js';

/**
 * Most notifications accepted in one POST. Graph documents no maximum for a changeNotificationCollection; a POST of
 * more is refused (413 notification_batch_too_large) before anything is stored or looked up.
 */
export const MAX_NOTIFICATIONS_PER_BATCH = 1_000;
/** Longest subscription id or clientState kept (Graph: GUIDs, and clientState at most 128 characters). */
const MAX_FIELD_LENGTH = 256;

export interface SyncStatusDeps {
  store: Pick<SyncStore, 'listTargets'> & SyncStatusSource;
  queue: Pick<JobQueue, 'enqueueSync' | 'depth' | 'enqueueNotifications'>;
  worker: Pick<SyncWorker, 'onChannelNotification'>;
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
  /**
   * The provider stopped serving this calendar to the connection (its owner removed the share): it is no longer
   * synced, its meetings are kept. `code` is `calendar_access_lost`; `message` says what the user can do. Null otherwise.
   */
  accessLost: { code: 'calendar_access_lost'; since: string; providerAnswer: string | null; message: string } | null;
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
  clientState?: unknown;
  lifecycleEvent?: unknown;
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
          accessLost: r.accessLostAt
            ? {
                code: 'calendar_access_lost' as const,
                since: new Date(r.accessLostAt).toISOString(),
                providerAnswer: r.accessLostReason ?? null,
                message: ERROR_CODES.calendar_access_lost.message,
              }
            : null,
          provider: r.provider,
          connectionId: r.connectionId,
          pollIntervalSeconds: interval,
          lastSuccessAt: iso(r.lastSuccessAt),
          lagSeconds: r.lastSuccessAt
            ? Math.max(0, Math.round((now - new Date(r.lastSuccessAt).getTime()) / 1000))
            : null,
          nextRunAt:
            r.selected && !r.accessLostAt
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
      // the tenant's own syncs only: the server-wide queue is operator data (/metrics)
      queue: await this.d.queue.depth({ tenantId }),
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
   * A POST of Graph change or lifecycle notifications (`{ value: [...] }`), acknowledged before any of it is processed:
   * its shape and size are checked, what verification needs is kept (the clientState only as its hash, no resource
   * data) and stored with one insert; the worker's `graph-notifications` job verifies each and queues the syncs.
   * Returns how many were stored; items without a subscription id are ignored. A batch of more than
   * MAX_NOTIFICATIONS_PER_BATCH is refused whole (`notification_batch_too_large`), nothing stored.
   */
  async intakeGraphNotifications(body: unknown): Promise<number> {
    const batch = body as { value?: unknown } | null | undefined;
    if (!batch || typeof batch !== 'object' || !Array.isArray(batch.value))
      throw new AppError('validation_failed', 'Expected { value: [ notifications ] }.');
    if (batch.value.length > MAX_NOTIFICATIONS_PER_BATCH)
      throw new AppError('notification_batch_too_large', undefined, {
        details: { max: MAX_NOTIFICATIONS_PER_BATCH, received: batch.value.length },
      });
    const items: ReceivedNotification[] = [];
    for (const n of batch.value as Array<GraphNotification | null | undefined>) {
      const id = n?.subscriptionId;
      if (typeof id !== 'string' || !id || id.length > MAX_FIELD_LENGTH) continue;
      const clientState = typeof n?.clientState === 'string' ? n.clientState.slice(0, MAX_FIELD_LENGTH) : '';
      const event = typeof n?.lifecycleEvent === 'string' ? n.lifecycleEvent.slice(0, 64) : '';
      // What is stored (jsonb) must be text PostgreSQL takes: an item with a NUL or an unpaired surrogate (sent, or
      // made by the cut above) is ignored like one without a subscription id; the clientState is only hashed.
      if (!isWellFormedText(id) || !isWellFormedText(event)) continue;
      items.push({
        subscriptionId: id,
        clientStateHash: clientState ? hashClientState(clientState) : null,
        ...(event ? { lifecycleEvent: event } : {}),
      });
    }
    if (items.length) await this.d.queue.enqueueNotifications({ receivedAt: this.d.now().toISOString(), items });
    return items.length;
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
