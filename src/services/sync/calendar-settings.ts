// Calendar settings of a user, for every provider: which calendars sync, which is the default (where calbridge
// creates meetings), and the user's sync preferences (window, poll interval) that the engine and worker honour.
import { AppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/tenancy.js';
import type { JobQueue } from '../../ports/jobs.js';
import type {
  CalendarPatch,
  CalendarSetting,
  CalendarSettingsStore,
  SyncPreferences,
} from '../../ports/calendar-settings.js';
import type { ProviderResolver, SyncStore } from '../../ports/sync.js';

/** Bounds of each preference: the same as the SYNC_* variables in src/config/config.ts. */
export const SYNC_PREFERENCE_BOUNDS = {
  windowPastDays: { minimum: 0, maximum: 3650 },
  windowFutureDays: { minimum: 1, maximum: 3650 },
  pollIntervalSeconds: { minimum: 5, maximum: 86_400 },
} as const satisfies Record<keyof SyncPreferences, { minimum: number; maximum: number }>;

export interface CalendarSettingsDeps {
  store: CalendarSettingsStore;
  sync: Pick<SyncStore, 'getTarget' | 'listTargets'>;
  providers: ProviderResolver;
  queue: Pick<JobQueue, 'enqueueSync'>;
  /** The server's SYNC_* configuration: what a user without preferences gets. */
  defaults: SyncPreferences;
  /** Tells detection and metrics that meetings are gone (the sync engine's listeners). */
  meetingsRemoved: (tenantId: string, meetingIds: string[]) => Promise<void>;
  log: (obj: Record<string, unknown>, msg: string) => void;
}

export interface EffectivePreferences extends SyncPreferences {
  /** True when the user set their own values; false → the server defaults apply. */
  custom: boolean;
  defaults: SyncPreferences;
  updatedAt: string | null;
}

export class CalendarSettingsService {
  constructor(private readonly d: CalendarSettingsDeps) {}

  listCalendars(actor: Actor): Promise<CalendarSetting[]> {
    return this.d.store.listCalendars(actor.tenantId, actor.userId);
  }

  /**
   * Changes one calendar of the caller.
   * - `isDefault: true` makes it the connection's default (others cleared in the same transaction); only an own
   *   calendar calbridge can write to qualifies, and it must be synced. `isDefault: false` on the default is refused:
   *   choose another calendar instead (a connection always has one).
   * - `selectedForSync: false` stops syncing it and removes its meetings from calbridge (see docs/architecture.md);
   *   `true` queues a full sync of it at once.
   */
  async updateCalendar(
    actor: Actor,
    calendarId: string,
    patch: CalendarPatch,
  ): Promise<{ calendar: CalendarSetting; removedMeetings: number; syncQueued: boolean }> {
    const before = await this.d.store.getCalendar(actor.tenantId, actor.userId, calendarId);
    if (!before) throw new AppError('not_found', 'No such calendar.');
    // Read before deselecting: afterwards the calendar is no sync target, and its subscription must still be deleted.
    const target = patch.selectedForSync === false ? await this.d.sync.getTarget(actor.tenantId, calendarId) : null;
    const outcome = await this.d.store.applyPatch(actor.tenantId, actor.userId, calendarId, patch, (cal) =>
      checkPatch(cal, patch),
    );
    if (!outcome) throw new AppError('not_found', 'No such calendar.');
    if (outcome.subscriptionId && target) {
      const id = outcome.subscriptionId;
      await this.d.providers
        .forTarget(target)
        .deleteSubscription(id)
        .catch((e: unknown) =>
          this.d.log(
            { calendarId, err: e instanceof Error ? e.message : String(e) },
            'deleting the change subscription of a deselected calendar failed (it expires on its own)',
          ),
        );
    }
    if (outcome.removedMeetingIds.length) await this.d.meetingsRemoved(actor.tenantId, outcome.removedMeetingIds);
    let syncQueued = false;
    if (patch.selectedForSync === true && !outcome.before.selectedForSync) {
      const t = await this.d.sync.getTarget(actor.tenantId, calendarId);
      if (t)
        syncQueued = await this.d.queue.enqueueSync({
          tenantId: t.tenantId,
          calendarId: t.calendarId,
          connectionId: t.connectionId,
          full: true,
          reason: 'selected',
        });
    }
    return { calendar: outcome.after, removedMeetings: outcome.removedMeetingIds.length, syncQueued };
  }

  async getPreferences(actor: Actor): Promise<EffectivePreferences> {
    const p = await this.d.store.getPreferences(actor.tenantId, actor.userId);
    const defaults = { ...this.d.defaults };
    if (!p) return { ...defaults, custom: false, defaults, updatedAt: null };
    return {
      windowPastDays: p.windowPastDays,
      windowFutureDays: p.windowFutureDays,
      pollIntervalSeconds: p.pollIntervalSeconds,
      custom: true,
      defaults,
      updatedAt: new Date(p.updatedAt).toISOString(),
    };
  }

  /**
   * Stores the caller's preferences (`null` → back to the server defaults). A changed window queues a sync of each of
   * the caller's calendars: the engine sees the new window and starts a full round with it.
   */
  async setPreferences(actor: Actor, next: SyncPreferences | null): Promise<EffectivePreferences> {
    const before = await this.getPreferences(actor);
    if (next) {
      for (const [k, b] of Object.entries(SYNC_PREFERENCE_BOUNDS)) {
        const v = next[k as keyof SyncPreferences];
        if (!Number.isInteger(v) || v < b.minimum || v > b.maximum)
          throw new AppError('validation_failed', `${k} must be an integer from ${b.minimum} to ${b.maximum}.`, {
            details: { field: k },
          });
      }
      await this.d.store.putPreferences(actor.tenantId, actor.userId, next);
    } else {
      await this.d.store.deletePreferences(actor.tenantId, actor.userId);
    }
    const after = await this.getPreferences(actor);
    if (before.windowPastDays !== after.windowPastDays || before.windowFutureDays !== after.windowFutureDays) {
      for (const t of await this.d.sync.listTargets({ tenantId: actor.tenantId, userId: actor.userId }))
        await this.d.queue.enqueueSync({
          tenantId: t.tenantId,
          calendarId: t.calendarId,
          connectionId: t.connectionId,
          reason: 'preferences',
        });
    }
    return after;
  }
}

/** The rules a calendar change must keep; throws the stable error code when one is broken. */
export function checkPatch(cal: CalendarSetting, patch: CalendarPatch): void {
  const selected = patch.selectedForSync ?? cal.selectedForSync;
  if (patch.isDefault === false && cal.isDefault)
    throw new AppError(
      'default_calendar_required',
      'A connection always has one default calendar: make another calendar the default instead.',
    );
  if (patch.isDefault === true && !cal.isDefault) {
    if (cal.isShared || !cal.canEdit)
      throw new AppError(
        'calendar_not_eligible',
        'Only your own calendars that calbridge can write to can be the default calendar.',
        { details: { isShared: cal.isShared, canEdit: cal.canEdit } },
      );
    if (!selected)
      throw new AppError(
        'calendar_not_eligible',
        'The default calendar must be synced: select it for sync in the same request.',
        { details: { selectedForSync: false } },
      );
  }
  if (patch.selectedForSync === false && (cal.isDefault || patch.isDefault === true))
    throw new AppError(
      'default_calendar_required',
      'The default calendar is always synced: make another calendar the default before you stop syncing this one.',
    );
}
