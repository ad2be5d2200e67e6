// The sync worker: runs queued calendar syncs, polls calendars on an interval, keeps change subscriptions alive.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { JobQueue, NotificationBatch, ReceivedNotification, SyncJob } from '../../ports/jobs.js';
import { isAppError } from '../../domain/errors.js';
import type { DueTargetStore, ProviderResolver, SubscriptionStore, SyncStore, SyncTarget } from '../../ports/sync.js';
import type { SyncService } from './sync-service.js';
import type { CalendarProvider } from '../../ports/calendar-provider.js';

export interface WorkerOptions {
  /** The poll interval of calendars whose owner set none (SYNC_POLL_INTERVAL_SECONDS). */
  pollIntervalSeconds: number;
  /** How often the poll loop looks for due calendars; default min(pollIntervalSeconds, 5). */
  tickSeconds?: number;
  /** Public base URL for change notifications; null → polling only. */
  publicBaseUrl: string | null;
  /** Delay that lets a burst of notifications collapse into one sync. */
  debounceSeconds: number;
  now: () => Date;
  log: (obj: Record<string, unknown>, msg: string) => void;
  /** Called when a throttled sync is rescheduled for its Retry-After (metrics). */
  onThrottled?: (info: { calendarId: string; reason: string; retryAfterSeconds: number }) => void;
}

export const hashClientState = (s: string) => createHash('sha256').update(s).digest('hex');

/** Constant-time comparison of a received clientState with the stored hash. */
export function clientStateMatches(received: string, storedHash: string): boolean {
  return clientStateHashMatches(hashClientState(received), storedHash);
}

/** Constant-time comparison of the hash of a received clientState (kept instead of the secret) with the stored hash. */
export function clientStateHashMatches(receivedHash: string, storedHash: string): boolean {
  const a = Buffer.from(receivedHash, 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length > 0 && a.length === b.length && timingSafeEqual(a, b);
}

/** The wait a throttled or unavailable provider asked for (`details.retryAfterSeconds`), or null. */
function retryAfterOf(e: unknown): number | null {
  if (!isAppError(e, 'provider_throttled') && !isAppError(e, 'provider_unavailable')) return null;
  const s = e.details?.retryAfterSeconds;
  return typeof s === 'number' && Number.isFinite(s) && s >= 0 ? s : null;
}

/**
 * Lifetime asked of a new or renewed subscription: Graph refuses more than 10,070 minutes for Outlook events (the
 * adapter also keeps requests under it); an hour less leaves room for clock skew.
 */
const SUBSCRIPTION_MINUTES = 10_070 - 60;
/** Renewed when less than this is left (a lifecycle challenge may renew earlier). */
const RENEW_WITHIN_MS = 24 * 3600_000;
/**
 * Jobs queued by a lifecycle notification answer the provider before they sync: the sync then fetches what happened
 * while deliveries were paused (reauthorizationRequired) or the subscription was gone (subscriptionRemoved).
 */
const UPKEEP_FIRST = new Set(['reauthorizationRequired', 'subscriptionRemoved']);
/** Delay of the follow-up job after a throttled or unavailable subscription upkeep. */
const SUBSCRIPTION_RETRY_SECONDS = 60;

export class SyncWorker {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Syncs put off because the provider asked for a wait longer than a request sleeps (see `rescheduleThrottled`). */
  throttledReschedules = 0;

  constructor(
    private readonly sync: SyncService,
    private readonly store: SyncStore & DueTargetStore,
    private readonly subs: SubscriptionStore,
    private readonly providers: ProviderResolver,
    private readonly queue: JobQueue,
    private readonly opts: WorkerOptions,
  ) {}

  /**
   * Handles one queued job: the sync, then the calendar's subscription upkeep. Both run inside the job, which the
   * queue runs at most once at a time per calendar, so several workers never create duplicate subscriptions.
   */
  async run(job: SyncJob): Promise<void> {
    const upkeepFirst = UPKEEP_FIRST.has(job.reason);
    if (upkeepFirst) await this.upkeep(job);
    const r = await this.sync
      .syncCalendar(job.tenantId, job.calendarId, { full: job.full })
      .catch(async (e: unknown) => {
        // Deselected or disconnected after the job was queued (or while it ran): the job has nothing left to do.
        if (isAppError(e, 'not_found') && !(await this.store.getTarget(job.tenantId, job.calendarId))) return null;
        if (await this.rescheduleThrottled(job, e)) return 'rescheduled' as const;
        // The share was removed: the calendar is marked lost (sync-status shows it); nothing to retry.
        if (isAppError(e, 'calendar_access_lost')) {
          this.opts.log(
            { calendarId: job.calendarId, reason: job.reason, code: e.code, status: e.details?.status },
            'calendar access lost: sync stopped for this calendar',
          );
          return 'stopped' as const;
        }
        throw e;
      });
    if (r === 'rescheduled' || r === 'stopped') return;
    if (!r) {
      this.opts.log({ calendarId: job.calendarId, reason: job.reason }, 'calendar no longer synced: job dropped');
      return;
    }
    this.opts.log(
      {
        calendarId: job.calendarId,
        reason: job.reason,
        pages: r.pages,
        events: r.events,
        removed: r.removed,
        fullRound: r.fullRound,
      },
      'calendar synced',
    );
    if (!upkeepFirst) await this.upkeep(job);
  }

  /** The calendar's subscription upkeep; its failures are logged (and retried soon when the provider was busy). */
  private async upkeep(job: SyncJob): Promise<void> {
    const target = await this.store.getTarget(job.tenantId, job.calendarId);
    if (!target) return;
    await this.ensureSubscription(target).catch(async (e: unknown) => {
      this.opts.log(
        { calendarId: job.calendarId, err: e instanceof Error ? e.message : String(e) },
        'subscription upkeep failed',
      );
      // Throttled or unavailable: try again in a job of its own soon; without a subscription no notification brings
      // the calendar's next job, so it would otherwise wait for the poll.
      if (isAppError(e, 'provider_throttled') || isAppError(e, 'provider_unavailable'))
        await this.queue.enqueueSync(
          {
            tenantId: job.tenantId,
            calendarId: job.calendarId,
            connectionId: job.connectionId,
            reason: 'subscription-retry',
          },
          { delaySeconds: Math.max(SUBSCRIPTION_RETRY_SECONDS, retryAfterOf(e) ?? 0) },
        );
    });
  }

  /**
   * A sync the provider throttled with a Retry-After the transport would not sleep (src/providers/decorators/retry.ts):
   * the calendar's job is queued again for when the provider asked, and this one ends without an error (a failed job
   * would be retried by the queue on its own schedule, sooner than asked). Logged and counted.
   */
  private async rescheduleThrottled(job: SyncJob, e: unknown): Promise<boolean> {
    const retryAfterSeconds = retryAfterOf(e);
    if (retryAfterSeconds === null) return false;
    const queued = await this.queue.enqueueSync(
      {
        tenantId: job.tenantId,
        calendarId: job.calendarId,
        connectionId: job.connectionId,
        full: job.full,
        reason: 'throttled',
      },
      { delaySeconds: Math.max(1, retryAfterSeconds) },
    );
    this.throttledReschedules += 1;
    this.opts.onThrottled?.({ calendarId: job.calendarId, reason: job.reason, retryAfterSeconds });
    this.opts.log(
      {
        calendarId: job.calendarId,
        reason: job.reason,
        code: (e as { code?: string }).code,
        retryAfterSeconds,
        queued,
      },
      'sync throttled: rescheduled after Retry-After',
    );
    return true;
  }

  /** Starts consuming jobs and the poll loop. */
  async start(concurrency = 4): Promise<void> {
    await this.queue.workSync((job) => this.run(job), { concurrency });
    const tick = () => {
      if (this.stopped) return;
      this.pollAll()
        .catch((e: unknown) => this.opts.log({ err: e instanceof Error ? e.message : String(e) }, 'poll failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.tickSeconds * 1000);
        });
    };
    this.timer = setTimeout(tick, 200);
  }

  private get tickSeconds(): number {
    return this.opts.tickSeconds ?? Math.min(this.opts.pollIntervalSeconds, 5);
  }

  /**
   * Enqueues a sync for every selected calendar whose poll is due by its owner's interval (deduplicated per calendar
   * by the queue; the job keeps its subscription). Any sync, notified or polled, resets the calendar's poll clock.
   */
  async pollAll(): Promise<number> {
    const targets = await this.store.listDueTargets(
      this.opts.now(),
      this.opts.pollIntervalSeconds,
      this.tickSeconds / 2,
    );
    let n = 0;
    for (const t of targets) {
      const job = { tenantId: t.tenantId, calendarId: t.calendarId, connectionId: t.connectionId, reason: 'poll' };
      if (await this.queue.enqueueSync(job)) n++;
    }
    return n;
  }

  /**
   * Creates, renews or reauthorizes the change subscription of an own calendar (shared calendars are polled). A
   * pending reauthorization request (a `reauthorizationRequired` lifecycle notification) is answered whatever the
   * expiry: with `reauthorizeSubscription` where the provider has it (a renewal also reauthorizes); a subscription the
   * provider no longer knows is created anew.
   */
  async ensureSubscription(t: SyncTarget): Promise<void> {
    if (!this.opts.publicBaseUrl || t.isShared) return;
    const provider = this.providers.forTarget(t);
    if (!provider.capabilities.subscriptions) return;
    const state = await this.store.getState(t.calendarId);
    const now = this.opts.now().getTime();
    const expiresAt = new Date(now + SUBSCRIPTION_MINUTES * 60_000).toISOString();
    const requested = state.subscriptionReauthorizeRequestedAt;
    const lasting = !!state.subscriptionExpiresAt && Date.parse(state.subscriptionExpiresAt) - now > RENEW_WITHIN_MS;
    let gone = false;
    if (state.subscriptionId && requested && lasting && provider.reauthorizeSubscription) {
      try {
        await provider.reauthorizeSubscription(state.subscriptionId);
        await this.subs.reauthorizationAnswered(t.calendarId, requested);
        this.opts.log({ calendarId: t.calendarId }, 'subscription reauthorized');
        return;
      } catch (e) {
        if (!isAppError(e, 'not_found')) throw e;
        this.opts.log({ calendarId: t.calendarId }, 'subscription to reauthorize is gone: creating a new one');
        gone = true;
      }
    }
    if (state.subscriptionId && !requested && lasting) return;
    if (state.subscriptionId && !gone) {
      try {
        const r = await provider.renewSubscription(state.subscriptionId, expiresAt);
        const existing = await this.subs.findBySubscriptionId(state.subscriptionId);
        const saved = await this.subs.saveSubscription(
          t.calendarId,
          {
            id: r.id,
            expiresAt: r.expiresAt,
            clientStateHash: r.clientState ? hashClientState(r.clientState) : (existing?.clientStateHash ?? ''),
          },
          state.subscriptionId,
        );
        if (!saved && r.id !== state.subscriptionId) await this.dropOrphan(provider, t, r.id);
        return;
      } catch {
        // Gone or not renewable (or renewed by another job at the same moment): create a new one below, which keeps
        // itself only when no other job has stored one meanwhile.
      }
    }
    const clientState = randomBytes(24).toString('base64url');
    const base = this.opts.publicBaseUrl.replace(/\/$/, '');
    // Graph posts a body naming the subscription; Google posts headers only, so its URL names the calendar.
    const urls =
      t.provider === 'GOOGLE'
        ? { notificationUrl: `${base}/api/webhooks/google/${t.calendarId}` }
        : {
            notificationUrl: `${base}/api/webhooks/microsoft/notifications`,
            lifecycleNotificationUrl: `${base}/api/webhooks/microsoft/lifecycle`,
          };
    const sub = await provider.createSubscription({
      calendarId: t.providerCalendarId,
      ...urls,
      clientState,
      expiresAt,
    });
    const saved = await this.subs.saveSubscription(
      t.calendarId,
      { id: sub.id, expiresAt: sub.expiresAt, clientStateHash: hashClientState(clientState) },
      state.subscriptionId,
    );
    if (!saved) await this.dropOrphan(provider, t, sub.id);
  }

  /**
   * Another job renewed or created the calendar's subscription while this one did (two syncs of one calendar, or a
   * sync and a direct upkeep): the one stored wins, and this job's own new subscription is deleted at the provider so
   * no second channel keeps notifying.
   */
  private async dropOrphan(provider: CalendarProvider, t: SyncTarget, id: string): Promise<void> {
    this.opts.log({ calendarId: t.calendarId }, 'subscription renewed by another job at the same time: dropping ours');
    await provider.deleteSubscription(id).catch(() => undefined);
  }

  /**
   * A stored batch of Graph notifications (the webhook answered 202 once it was stored): each distinct notification is
   * verified by its subscription and clientState hash, then only queues work, the provider is never called here:
   * - a change, or `missed`: a debounced sync of the calendar;
   * - `reauthorizationRequired`: the subscription is marked, and the calendar's job answers it (upkeep first);
   * - `subscriptionRemoved`: the subscription is forgotten, and the calendar's job creates a new one, then syncs.
   * Idempotent: a retried batch queues the same (collapsed) jobs again.
   */
  async processNotifications(
    batch: NotificationBatch,
  ): Promise<{ queued: number; rejected: number; rejectedSubscriptions: string[] }> {
    const outcome = new Map<string, 'queued' | 'rejected'>();
    let queued = 0;
    let rejected = 0;
    const rejectedSubscriptions = new Set<string>();
    for (const n of batch.items) {
      const key = `${n.subscriptionId}\u0000${n.clientStateHash ?? ''}\u0000${n.lifecycleEvent ?? ''}`;
      let r = outcome.get(key);
      if (!r) {
        r = await this.onReceived(n);
        outcome.set(key, r);
      }
      if (r === 'queued') queued++;
      else {
        rejected++;
        rejectedSubscriptions.add(n.subscriptionId);
      }
    }
    return { queued, rejected, rejectedSubscriptions: [...rejectedSubscriptions] };
  }

  /** A change or lifecycle notification with its clientState as received (hashed here); see processNotifications. */
  async onNotification(n: {
    subscriptionId: string;
    clientState: string | undefined;
    lifecycleEvent?: string;
  }): Promise<'queued' | 'rejected'> {
    return this.onReceived({
      subscriptionId: n.subscriptionId,
      clientStateHash: n.clientState ? hashClientState(n.clientState) : null,
      ...(n.lifecycleEvent ? { lifecycleEvent: n.lifecycleEvent } : {}),
    });
  }

  private async onReceived(n: ReceivedNotification): Promise<'queued' | 'rejected'> {
    const found = await this.subs.findBySubscriptionId(n.subscriptionId);
    if (!found || !n.clientStateHash || !clientStateHashMatches(n.clientStateHash, found.clientStateHash))
      return 'rejected';
    const t = found.target;
    await this.subs.markNotified(t.calendarId);
    if (n.lifecycleEvent === 'reauthorizationRequired') await this.subs.requestReauthorization(t.calendarId);
    if (n.lifecycleEvent === 'subscriptionRemoved') await this.subs.saveSubscription(t.calendarId, null);
    await this.queue.enqueueSync(
      {
        tenantId: t.tenantId,
        calendarId: t.calendarId,
        connectionId: t.connectionId,
        reason: n.lifecycleEvent ?? 'notification',
      },
      { delaySeconds: this.opts.debounceSeconds },
    );
    return 'queued';
  }

  /**
   * A Google push (`X-Goog-Channel-Token` carries our client state, `X-Goog-Resource-State` is `sync` on channel
   * creation and `exists`/`not_exists` on changes): verified like a Graph notification, then a debounced sync.
   */
  async onChannelNotification(n: {
    calendarId: string;
    token: string | undefined;
    state: string | undefined;
  }): Promise<'queued' | 'ignored' | 'rejected'> {
    const found = await this.subs.findByCalendarId(n.calendarId);
    if (!found || !n.token || !found.clientStateHash || !clientStateMatches(n.token, found.clientStateHash))
      return 'rejected';
    if (n.state === 'sync') return 'ignored';
    const t = found.target;
    await this.subs.markNotified(t.calendarId);
    await this.queue.enqueueSync(
      { tenantId: t.tenantId, calendarId: t.calendarId, connectionId: t.connectionId, reason: 'notification' },
      { delaySeconds: this.opts.debounceSeconds },
    );
    return 'queued';
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.queue.stop();
  }
}
