// Postgres side of the calendar settings: which calendars sync, the default calendar, per-user sync preferences.
// Every query is scoped by tenant and user: a calendar of another tenant or user is simply not found.
import { sql, type Kysely, type Transaction } from 'kysely';
import type {
  CalendarPatch,
  CalendarSetting,
  CalendarSettingsStore,
  PatchOutcome,
  SyncPreferences,
} from '../ports/calendar-settings.js';
import type { DB } from './schema.js';

export class PgCalendarSettingsStore implements CalendarSettingsStore {
  constructor(private readonly db: Kysely<DB>) {}

  private calendars(db: Kysely<DB> | Transaction<DB>, tenantId: string, userId: string) {
    return db
      .selectFrom('calendars as c')
      .innerJoin('calendar_connections as cc', 'cc.id', 'c.connection_id')
      .select([
        'c.id as id',
        'c.connection_id as connectionId',
        'cc.provider as provider',
        'cc.status as connectionStatus',
        'c.name as name',
        'c.owner_email as ownerEmail',
        // The owner's name as calbridge knows it (no extra provider call): the connected mailbox's name for one's own
        // calendars (else the person's); for a colleague's shared calendar, the name of that colleague's calbridge
        // user or connected mailbox in the same tenant. null when none is known.
        sql<string | null>`case when c.is_shared then coalesce(
            (select u.display_name from users u
              where u.tenant_id = c.tenant_id and lower(u.email) = lower(c.owner_email) and u.display_name is not null
              order by u.id limit 1),
            (select x.account_name from calendar_connections x
              where x.tenant_id = c.tenant_id and lower(x.account_email) = lower(c.owner_email)
                and x.account_name is not null
              order by x.id limit 1))
          else coalesce(cc.account_name,
            (select u.display_name from users u where u.tenant_id = c.tenant_id and u.id = c.user_id)) end`.as(
          'ownerName',
        ),
        'c.is_shared as isShared',
        'c.is_default as isDefault',
        'c.can_edit as canEdit',
        'c.selected_for_sync as selectedForSync',
      ])
      .where('c.tenant_id', '=', tenantId)
      .where('c.user_id', '=', userId)
      .where('cc.tenant_id', '=', tenantId);
  }

  async listCalendars(tenantId: string, userId: string): Promise<CalendarSetting[]> {
    const rows = await this.calendars(this.db, tenantId, userId)
      .orderBy('cc.provider')
      .orderBy('c.is_default', 'desc')
      .orderBy('c.name')
      .orderBy('c.id')
      .execute();
    return rows.map(toSetting);
  }

  async getCalendar(tenantId: string, userId: string, calendarId: string): Promise<CalendarSetting | null> {
    const r = await this.calendars(this.db, tenantId, userId).where('c.id', '=', calendarId).executeTakeFirst();
    return r ? toSetting(r) : null;
  }

  async applyPatch(
    tenantId: string,
    userId: string,
    calendarId: string,
    patch: CalendarPatch,
    check: (before: CalendarSetting) => void,
  ): Promise<PatchOutcome | null> {
    return this.db.transaction().execute(async (trx) => {
      const found = await this.calendars(trx, tenantId, userId).where('c.id', '=', calendarId).executeTakeFirst();
      if (!found) return null;
      // One writer per connection at a time: two concurrent "make this the default" never both win.
      await trx
        .selectFrom('calendar_connections')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', found.connectionId)
        .forUpdate()
        .execute();
      const row = await this.calendars(trx, tenantId, userId).where('c.id', '=', calendarId).executeTakeFirst();
      if (!row) return null;
      const before = toSetting(row);
      check(before);
      const now = new Date();
      const outcome: PatchOutcome = {
        before,
        after: before,
        removedMeetingIds: [],
        subscriptionId: null,
      };
      if (patch.isDefault === true && !before.isDefault) {
        // Clear first, then set: the partial unique index allows one default per connection at every moment.
        await trx
          .updateTable('calendars')
          .set({ is_default: false, updated_at: now })
          .where('tenant_id', '=', tenantId)
          .where('connection_id', '=', before.connectionId)
          .where('is_default', '=', true)
          .execute();
        await trx
          .updateTable('calendars')
          .set({ is_default: true, updated_at: now })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', calendarId)
          .execute();
      }
      if (patch.selectedForSync !== undefined && patch.selectedForSync !== before.selectedForSync) {
        await trx
          .updateTable('calendars')
          .set({ selected_for_sync: patch.selectedForSync, updated_at: now })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', calendarId)
          .execute();
        if (!patch.selectedForSync) {
          // Stop mirroring: its meetings leave calbridge and its cursor is forgotten (re-selecting starts afresh).
          const del = await trx
            .deleteFrom('meetings')
            .where('tenant_id', '=', tenantId)
            .where('calendar_id', '=', calendarId)
            .returning('id')
            .execute();
          outcome.removedMeetingIds = del.map((d) => d.id);
          const state = await trx
            .deleteFrom('calendar_sync_state')
            .where('tenant_id', '=', tenantId)
            .where('calendar_id', '=', calendarId)
            .returning('subscription_id')
            .executeTakeFirst();
          outcome.subscriptionId = state?.subscription_id ?? null;
        }
      }
      const after = await this.calendars(trx, tenantId, userId)
        .where('c.id', '=', calendarId)
        .executeTakeFirstOrThrow();
      outcome.after = toSetting(after);
      return outcome;
    });
  }

  async getPreferences(tenantId: string, userId: string): Promise<(SyncPreferences & { updatedAt: Date }) | null> {
    const r = await this.db
      .selectFrom('sync_preferences')
      .select([
        'window_past_days as windowPastDays',
        'window_future_days as windowFutureDays',
        'poll_interval_seconds as pollIntervalSeconds',
        'updated_at as updatedAt',
      ])
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return r ?? null;
  }

  async putPreferences(tenantId: string, userId: string, p: SyncPreferences): Promise<void> {
    const values = {
      window_past_days: p.windowPastDays,
      window_future_days: p.windowFutureDays,
      poll_interval_seconds: p.pollIntervalSeconds,
    };
    await this.db
      .insertInto('sync_preferences')
      .values({ tenant_id: tenantId, user_id: userId, ...values })
      .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ ...values, updated_at: new Date() }))
      .execute();
  }

  async deletePreferences(tenantId: string, userId: string): Promise<void> {
    await this.db
      .deleteFrom('sync_preferences')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .execute();
  }
}

/** A row as a setting (a copy: callers change the outcome's `after`). */
const toSetting = (r: CalendarSetting): CalendarSetting => ({ ...r });
