// The inbound sync engine: pages of provider changes into meetings, crash-safe (cursor committed with each page).
import type { TimeRange } from '../../domain/calendar.js';
import { AppError, isAppError } from '../../domain/errors.js';
import type { ProviderResolver, RemovedMeeting, SyncStore, SyncTarget } from '../../ports/sync.js';

export interface SyncOptions {
  windowPastDays: number;
  windowFutureDays: number;
  now: () => Date;
}

export interface SyncProgress {
  pages: number;
  events: number;
  removed: number;
  fullRound: boolean;
}

export interface SyncResult extends SyncProgress {
  calendarId: string;
  changedMeetingIds: string[];
  removedMeetingIds: string[];
}

/** What a synced page did beyond the ids: which changed meetings are new, and the removed meetings as they were. */
export interface MeetingsChangedDetail {
  createdIds: string[];
  removed: RemovedMeeting[];
}

/** Listener for meetings changed by sync (detection, metrics and the platform webhooks subscribe). */
export type MeetingsChanged = (
  tenantId: string,
  changedIds: string[],
  removedIds: string[],
  detail?: MeetingsChangedDetail,
) => Promise<void>;

const DAY = 86_400_000;

/** The sync window around `now`, aligned to UTC midnight so it slides once a day. */
export function syncWindow(now: Date, pastDays: number, futureDays: number): TimeRange {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return {
    start: new Date(midnight - pastDays * DAY).toISOString(),
    end: new Date(midnight + futureDays * DAY).toISOString(),
  };
}

/** A sync run of a calendar that failed (recorded on the calendar; the job retries it). */
export interface SyncFailure {
  tenantId: string;
  userId: string;
  calendarId: string;
  connectionId: string;
  provider: string;
  /** The stable error code (`internal` for an unexpected failure). */
  code: string;
}

export class SyncService {
  private listeners: MeetingsChanged[] = [];
  private failureListeners: Array<(f: SyncFailure) => void> = [];

  constructor(
    private readonly store: SyncStore,
    private readonly providers: ProviderResolver,
    private readonly options: SyncOptions,
  ) {}

  onMeetingsChanged(l: MeetingsChanged): void {
    this.listeners.push(l);
  }

  /** Called once per failed sync run, after the error is recorded (the platform webhooks' sync.failed). */
  onSyncFailed(l: (f: SyncFailure) => void): void {
    this.failureListeners.push(l);
  }

  private failed(target: SyncTarget, e: unknown): void {
    const f: SyncFailure = {
      tenantId: target.tenantId,
      userId: target.userId,
      calendarId: target.calendarId,
      connectionId: target.connectionId,
      provider: target.provider,
      code: isAppError(e) ? e.code : 'internal',
    };
    for (const l of this.failureListeners) {
      try {
        l(f);
      } catch {
        // a listener never changes the sync's outcome
      }
    }
  }

  /** Tells the listeners that meetings left calbridge outside a sync (a calendar was deselected). */
  async meetingsRemoved(tenantId: string, removedIds: string[]): Promise<void> {
    if (removedIds.length === 0) return;
    for (const l of this.listeners) await l(tenantId, [], removedIds);
  }

  /**
   * Runs one sync of a calendar to the end of the current round (or `maxPages`). A crash at any point leaves the
   * last committed cursor: the next run replays at most one page, idempotently.
   * @example await sync.syncCalendar(tenantId, calendarId, { full: false });
   */
  async syncCalendar(
    tenantId: string,
    calendarId: string,
    opts: { full?: boolean; maxPages?: number; onProgress?: (p: SyncProgress) => void } = {},
  ): Promise<SyncResult> {
    const target = await this.store.getTarget(tenantId, calendarId);
    if (!target) throw new AppError('not_found', 'No such synced calendar.');
    try {
      return await this.run(target, opts);
    } catch (e) {
      // Deselected or disconnected while it ran: nothing to record on a calendar that is no longer synced.
      if (isAppError(e, 'not_found') && !(await this.store.getTarget(tenantId, calendarId))) throw e;
      const lost = await this.accessLost(target, e);
      if (lost) {
        const d = lost.details ?? {};
        const reason = [d.status, d.providerCode].filter((x) => x !== null && x !== undefined).join(' ');
        await this.store.markAccessLost(target, reason, this.options.now());
        await this.store.recordError(target, `${lost.code}: ${lost.message}`);
        this.failed(target, lost);
        throw lost;
      }
      await this.store.recordError(target, e instanceof AppError ? `${e.code}: ${e.message}` : 'internal error');
      this.failed(target, e);
      throw e;
    }
  }

  /**
   * A sync of a shared calendar that the provider refuses (403) or does not find (404), and that the connection's
   * calendar list no longer holds: the owner removed the share (or reduced it to free/busy, or deleted the calendar).
   * That calendar alone is lost (`calendar_access_lost`); a calendar still listed keeps its error and is retried.
   */
  private async accessLost(target: SyncTarget, e: unknown): Promise<AppError | null> {
    if (!target.isShared || !isAppError(e)) return null;
    if (e.code !== 'permission_denied' && e.code !== 'not_found') return null;
    const listed = await this.providers
      .forTarget(target)
      .listCalendars()
      .then(
        (cals) => cals.some((c) => c.id === target.providerCalendarId),
        () => true, // cannot confirm: keep syncing
      );
    if (listed) return null;
    const d = e.details ?? {};
    return new AppError('calendar_access_lost', undefined, {
      details: {
        calendarId: target.calendarId,
        connectionId: target.connectionId,
        status: d.status ?? null,
        providerCode: d.graphCode ?? d.reason ?? e.code,
      },
      cause: e,
    });
  }

  private async run(
    target: SyncTarget,
    opts: { full?: boolean; maxPages?: number; onProgress?: (p: SyncProgress) => void },
  ): Promise<SyncResult> {
    const provider = this.providers.forTarget(target);
    // The owner's preferences when set, else the server's; a changed window starts a full round below.
    const wanted = syncWindow(
      this.options.now(),
      target.windowPastDays ?? this.options.windowPastDays,
      target.windowFutureDays ?? this.options.windowFutureDays,
    );
    const state = await this.store.getState(target.calendarId);
    let fullRound = state.fullSyncInProgress;
    const windowMoved = !state.window || state.window.start !== wanted.start || state.window.end !== wanted.end;
    let window = state.window ?? wanted;
    let generation = state.generation;
    let cursor = state.cursor;
    // Start a new full round when asked, when never synced, or when the window slid (the delta is bound to it);
    // an interrupted full round resumes from its cursor.
    if (opts.full || !cursor || (windowMoved && !state.fullSyncInProgress)) {
      window = wanted;
      generation = await this.store.beginFullRound(target, window);
      cursor = null;
      fullRound = true;
    }
    const result: SyncResult = {
      calendarId: target.calendarId,
      pages: 0,
      events: 0,
      removed: 0,
      fullRound,
      changedMeetingIds: [],
      removedMeetingIds: [],
    };
    let resyncs = 0;
    // The series masters this run has stored (provider ids): the provider reads each once, not for every page whose
    // occurrences point at it. A master changed meanwhile comes again with the next round's changes.
    const knownSeriesMasters = new Set<string>();
    for (;;) {
      let page;
      try {
        page = await provider.syncChanges({
          calendarId: target.providerCalendarId,
          window,
          cursor,
          knownSeriesMasters,
        });
      } catch (e) {
        if (isAppError(e, 'sync_cursor_expired') && resyncs < 2) {
          resyncs += 1;
          window = wanted;
          generation = await this.store.beginFullRound(target, window);
          cursor = null;
          fullRound = true;
          result.fullRound = true;
          knownSeriesMasters.clear();
          continue;
        }
        throw e;
      }
      const upserts = page.changes.flatMap((c) => (c.kind === 'upsert' ? [c.event] : []));
      const removedIds = page.changes.flatMap((c) => (c.kind === 'removed' ? [c.eventId] : []));
      const applied = await this.store.applyPage({
        target,
        upserts,
        removedIds,
        cursor: page.cursor,
        done: page.done,
        fullRound,
        generation,
        window,
      });
      cursor = page.cursor;
      for (const e of upserts) if (e.type === 'seriesMaster') knownSeriesMasters.add(e.id);
      for (const id of removedIds) knownSeriesMasters.delete(id);
      result.pages += 1;
      result.events += upserts.length;
      result.removed += applied.removedMeetingIds.length;
      result.changedMeetingIds.push(...applied.changedMeetingIds);
      result.removedMeetingIds.push(...applied.removedMeetingIds);
      opts.onProgress?.({ pages: result.pages, events: result.events, removed: result.removed, fullRound });
      if (applied.changedMeetingIds.length || applied.removedMeetingIds.length) {
        const detail = { createdIds: applied.createdMeetingIds ?? [], removed: applied.removedMeetings ?? [] };
        for (const l of this.listeners)
          await l(target.tenantId, applied.changedMeetingIds, applied.removedMeetingIds, detail);
      }
      if (page.done || (opts.maxPages !== undefined && result.pages >= opts.maxPages)) break;
    }
    return result;
  }

  /** Syncs every selected calendar of a user (the CLI's `sync --user`). */
  async syncUser(
    tenantId: string,
    userId: string,
    opts: { full?: boolean; onProgress?: (calendarId: string, p: SyncProgress) => void } = {},
  ): Promise<SyncResult[]> {
    const targets = await this.store.listTargets({ tenantId, userId });
    const out: SyncResult[] = [];
    for (const t of targets) {
      out.push(
        await this.syncCalendar(tenantId, t.calendarId, {
          full: opts.full,
          onProgress: (p) => opts.onProgress?.(t.calendarId, p),
        }),
      );
    }
    return out;
  }
}
