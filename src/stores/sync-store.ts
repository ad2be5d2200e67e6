// Postgres side of the sync engine: one transaction per page (meetings, link rows, cursor), idempotent upserts.
import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { CalendarEvent, TimeRange } from '../domain/calendar.js';
import { AppError } from '../domain/errors.js';
import type {
  AppliedPage,
  CalendarSyncStatusRow,
  DueTargetStore,
  RemovedMeeting,
  SubscriptionStore,
  SyncPage,
  SyncState,
  SyncStatusSource,
  SyncStore,
  SyncTarget,
} from '../ports/sync.js';
import type { DB, NewMeeting } from './schema.js';

const REMOVED_COLS = [
  'id',
  'user_id',
  'calendar_id',
  'subject',
  'start_at',
  'end_at',
  'customer_id',
  'customer_match_reason',
] as const;

const removedMeeting = (r: {
  id: string;
  user_id: string;
  calendar_id: string | null;
  subject: string;
  start_at: Date | string;
  end_at: Date | string;
  customer_id: string | null;
  customer_match_reason: string | null;
}): RemovedMeeting => ({
  id: r.id,
  userId: r.user_id,
  calendarId: r.calendar_id ?? '',
  subject: r.subject,
  start: new Date(r.start_at).toISOString(),
  end: new Date(r.end_at).toISOString(),
  customerId: r.customer_id,
  customerMatchReason: r.customer_match_reason,
});

/** The meeting row for a provider event (customer fields are never set here). */
export function meetingValues(t: SyncTarget, e: CalendarEvent, generation: number): NewMeeting {
  return {
    tenant_id: t.tenantId,
    user_id: t.userId,
    calendar_id: t.calendarId,
    provider: t.provider,
    provider_event_id: e.id,
    provider_series_master_id: e.seriesMasterId,
    provider_change_key: e.changeKey,
    ical_uid: e.iCalUId,
    subject: e.subject,
    body: e.body.content,
    body_content_type: e.body.contentType,
    start_at: e.start,
    end_at: e.end,
    time_zone: e.timeZone,
    is_all_day: e.isAllDay,
    organizer: e.organizer ? JSON.stringify(e.organizer) : null,
    attendees: JSON.stringify(e.attendees),
    location: e.location ? JSON.stringify(e.location) : null,
    online_meeting: e.onlineMeeting ? JSON.stringify(e.onlineMeeting) : null,
    show_as: e.showAs,
    sensitivity: e.sensitivity,
    categories: e.categories,
    event_type: e.type,
    original_start: e.originalStart,
    recurrence: e.recurrence ? JSON.stringify(e.recurrence) : null,
    is_cancelled: e.isCancelled,
    response_status: e.responseStatus,
    reminder_minutes: e.reminderMinutes,
    external_id: e.externalId,
    seen_generation: generation,
  };
}

const toIso = (d: Date | null) => (d ? d.toISOString() : null);

/** Columns a provider update may change; the customer link and manual association are never among them. */
const UPDATABLE = [
  'provider_series_master_id',
  'provider_change_key',
  'ical_uid',
  'subject',
  'body',
  'body_content_type',
  'start_at',
  'end_at',
  'time_zone',
  'is_all_day',
  'organizer',
  'attendees',
  'location',
  'online_meeting',
  'show_as',
  'sensitivity',
  'categories',
  'event_type',
  'original_start',
  'recurrence',
  'is_cancelled',
  'response_status',
  'reminder_minutes',
  'external_id',
  'seen_generation',
] as const;

export class PgSyncStore implements SyncStore, DueTargetStore, SubscriptionStore, SyncStatusSource {
  constructor(private readonly db: Kysely<DB>) {}

  private targetQuery() {
    return this.db
      .selectFrom('calendars as c')
      .innerJoin('calendar_connections as cc', 'cc.id', 'c.connection_id')
      .leftJoin('sync_preferences as p', (j) =>
        j.onRef('p.user_id', '=', 'c.user_id').onRef('p.tenant_id', '=', 'c.tenant_id'),
      )
      .select([
        'p.window_past_days as windowPastDays',
        'p.window_future_days as windowFutureDays',
        'p.poll_interval_seconds as pollIntervalSeconds',
        'c.tenant_id as tenantId',
        'c.user_id as userId',
        'c.id as calendarId',
        'c.provider_calendar_id as providerCalendarId',
        'cc.provider as provider',
        'cc.id as connectionId',
        'cc.account_email as mailbox',
        'c.is_shared as isShared',
      ])
      .where('c.selected_for_sync', '=', true)
      .where('c.access_lost_at', 'is', null)
      .where('cc.status', '=', 'active');
  }

  async markAccessLost(t: SyncTarget, reason: string, at: Date): Promise<void> {
    await this.db
      .updateTable('calendars')
      .set({ access_lost_at: at, access_lost_reason: reason, updated_at: new Date() })
      .where('tenant_id', '=', t.tenantId)
      .where('id', '=', t.calendarId)
      .execute();
  }

  async getTarget(tenantId: string, calendarId: string): Promise<SyncTarget | null> {
    const r = await this.targetQuery()
      .where('c.tenant_id', '=', tenantId)
      .where('c.id', '=', calendarId)
      .executeTakeFirst();
    return r ? { ...r, mailbox: r.mailbox ?? '' } : null;
  }

  async listTargets(filter: { tenantId?: string; userId?: string }): Promise<SyncTarget[]> {
    let q = this.targetQuery();
    if (filter.tenantId) q = q.where('c.tenant_id', '=', filter.tenantId);
    if (filter.userId) q = q.where('c.user_id', '=', filter.userId);
    return (await q.orderBy('c.id').execute()).map((r) => ({ ...r, mailbox: r.mailbox ?? '' }));
  }

  /**
   * The selected calendars whose poll is due: never attempted, or last attempted at least their owner's poll interval
   * ago (`defaultSeconds` when the owner set none). `slackSeconds` lets a calendar due just after a tick run at it.
   */
  async listDueTargets(now: Date, defaultSeconds: number, slackSeconds = 0): Promise<SyncTarget[]> {
    const rows = await this.targetQuery()
      .leftJoin('calendar_sync_state as s', 's.calendar_id', 'c.id')
      .where((eb) =>
        eb.or([
          eb('s.last_attempt_at', 'is', null),
          eb(
            's.last_attempt_at',
            '<=',
            sql<Date>`${now}::timestamptz - make_interval(secs => coalesce(p.poll_interval_seconds, ${defaultSeconds}::int) - ${slackSeconds}::float8)`,
          ),
        ]),
      )
      .orderBy('c.id')
      .execute();
    return rows.map((r) => ({ ...r, mailbox: r.mailbox ?? '' }));
  }

  async getState(calendarId: string): Promise<SyncState> {
    const r = await this.db
      .selectFrom('calendar_sync_state')
      .selectAll()
      .where('calendar_id', '=', calendarId)
      .executeTakeFirst();
    if (!r) {
      return {
        cursor: null,
        window: null,
        generation: 0,
        fullSyncInProgress: false,
        lastSuccessAt: null,
        lastError: null,
        subscriptionId: null,
        subscriptionExpiresAt: null,
        subscriptionReauthorizeRequestedAt: null,
      };
    }
    return {
      cursor: r.delta_link,
      window:
        r.window_start && r.window_end
          ? { start: r.window_start.toISOString(), end: r.window_end.toISOString() }
          : null,
      generation: r.generation,
      fullSyncInProgress: r.full_sync_in_progress,
      lastSuccessAt: toIso(r.last_success_at),
      lastError: r.last_error,
      subscriptionId: r.subscription_id,
      subscriptionExpiresAt: toIso(r.subscription_expires_at),
      subscriptionReauthorizeRequestedAt: toIso(r.subscription_reauthorize_requested_at),
    };
  }

  async beginFullRound(t: SyncTarget, window: TimeRange): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await assertStillSynced(trx, t);
      return this.beginInTx(trx, t, window);
    });
  }

  private async beginInTx(trx: Transaction<DB>, t: SyncTarget, window: TimeRange): Promise<number> {
    const r = await trx
      .insertInto('calendar_sync_state')
      .values({
        calendar_id: t.calendarId,
        tenant_id: t.tenantId,
        delta_link: null,
        window_start: window.start,
        window_end: window.end,
        full_sync_in_progress: true,
        generation: 1,
      })
      .onConflict((oc) =>
        oc.column('calendar_id').doUpdateSet({
          delta_link: null,
          window_start: window.start,
          window_end: window.end,
          full_sync_in_progress: true,
          generation: sql<number>`calendar_sync_state.generation + 1`,
          resync_count: sql<number>`calendar_sync_state.resync_count + 1`,
          updated_at: new Date(),
        }),
      )
      .returning('generation')
      .executeTakeFirstOrThrow();
    return r.generation;
  }

  async applyPage(page: SyncPage): Promise<AppliedPage> {
    return this.db.transaction().execute((trx) => this.applyInTx(trx, page));
  }

  private async applyInTx(trx: Transaction<DB>, page: SyncPage): Promise<AppliedPage> {
    const t = page.target;
    await assertStillSynced(trx, t);
    // Masters first (the order the rows are written in).
    const upserts = [...page.upserts].sort(
      (a, b) => Number(b.type === 'seriesMaster') - Number(a.type === 'seriesMaster'),
    );
    const changed: string[] = [];
    const created: string[] = [];
    const now = new Date();
    // One statement for the page's meetings and their link rows (a page is at most a few hundred events; the same id
    // twice in one page keeps the last version): see upsertMeetingsAndLinks.
    const latest = new Map(upserts.map((e) => [e.id, e]));
    const unique = [...latest.values()];
    if (unique.length) {
      const rows = await upsertMeetingsAndLinks(trx, t, unique, page.generation, now);
      const byId = new Map(rows.map((r) => [r.provider_event_id, r]));
      for (const e of unique) {
        const r = byId.get(e.id)!;
        if (!r.existed || r.before_change_key !== e.changeKey) changed.push(r.id);
      }
      for (const e of unique) {
        const r = byId.get(e.id)!;
        if (!r.existed) created.push(r.id);
      }
    }
    const removed: string[] = [];
    const removedMeetings: RemovedMeeting[] = [];
    if (page.removedIds.length) {
      const del = await trx
        .deleteFrom('meetings')
        .where('calendar_id', '=', t.calendarId)
        .where('provider_event_id', 'in', page.removedIds)
        .returning(REMOVED_COLS)
        .execute();
      removed.push(...del.map((d) => d.id));
      removedMeetings.push(...del.map(removedMeeting));
    }
    // Occurrences and exceptions got their master's id in the upsert when the master was stored before this page;
    // a master this page brings is linked here to every row pointing at it: this page's and earlier pages' waiting
    // ones (the (calendar_id, provider_event_id) and (calendar_id, provider_series_master_id) indexes).
    const masterIds = unique.filter((e) => e.type === 'seriesMaster').map((e) => e.id);
    if (masterIds.length) {
      await sql`UPDATE meetings m SET series_master_id = master.id
        FROM meetings master
        WHERE m.calendar_id = ${t.calendarId} AND master.calendar_id = ${t.calendarId}
          AND master.provider_event_id IN (${sql.join(masterIds)})
          AND m.provider_series_master_id = master.provider_event_id
          AND m.series_master_id IS DISTINCT FROM master.id`.execute(trx);
    }
    if (page.done && page.fullRound) {
      const stale = await trx
        .deleteFrom('meetings')
        .where('calendar_id', '=', t.calendarId)
        .where('origin', '=', 'provider')
        .where('seen_generation', '<', page.generation)
        .returning(REMOVED_COLS)
        .execute();
      removed.push(...stale.map((d) => d.id));
      removedMeetings.push(...stale.map(removedMeeting));
    }
    await trx
      .insertInto('calendar_sync_state')
      .values({
        calendar_id: t.calendarId,
        tenant_id: t.tenantId,
        delta_link: page.cursor,
        window_start: page.window.start,
        window_end: page.window.end,
        generation: page.generation,
      })
      .onConflict((oc) =>
        oc.column('calendar_id').doUpdateSet({
          delta_link: page.cursor,
          pages_synced: sql<number>`calendar_sync_state.pages_synced + 1`,
          events_synced: sql<number>`calendar_sync_state.events_synced + ${upserts.length + page.removedIds.length}`,
          last_attempt_at: now,
          ...(page.done ? { last_success_at: now, full_sync_in_progress: false, last_error: null } : {}),
          ...(page.done && page.fullRound ? { last_full_sync_at: now } : {}),
          updated_at: now,
        }),
      )
      .execute();
    return { changedMeetingIds: changed, removedMeetingIds: removed, createdMeetingIds: created, removedMeetings };
  }

  async recordError(t: SyncTarget, message: string): Promise<void> {
    await this.db
      .insertInto('calendar_sync_state')
      .values({ calendar_id: t.calendarId, tenant_id: t.tenantId, last_error: message, last_attempt_at: new Date() })
      .onConflict((oc) =>
        oc
          .column('calendar_id')
          .doUpdateSet({ last_error: message, last_attempt_at: new Date(), updated_at: new Date() }),
      )
      .execute();
  }

  async saveSubscription(
    calendarId: string,
    sub: { id: string; expiresAt: string; clientStateHash: string } | null,
    expectedId?: string | null,
  ): Promise<boolean> {
    const t = await this.db.selectFrom('calendars').select('tenant_id').where('id', '=', calendarId).executeTakeFirst();
    if (!t) return false;
    const set = {
      subscription_id: sub?.id ?? null,
      subscription_expires_at: sub?.expiresAt ?? null,
      subscription_client_state_hash: sub?.clientStateHash ?? null,
      subscription_reauthorize_requested_at: null,
      updated_at: new Date(),
    };
    const saved = await this.db
      .insertInto('calendar_sync_state')
      .values({ calendar_id: calendarId, tenant_id: t.tenant_id, ...set })
      .onConflict((oc) => {
        const update = oc.column('calendar_id').doUpdateSet(set);
        return expectedId === undefined
          ? update
          : update.where(sql<boolean>`calendar_sync_state.subscription_id IS NOT DISTINCT FROM ${expectedId}`);
      })
      .returning('calendar_id')
      .executeTakeFirst();
    return saved !== undefined;
  }

  async findBySubscriptionId(subscriptionId: string): Promise<{ target: SyncTarget; clientStateHash: string } | null> {
    const s = await this.db
      .selectFrom('calendar_sync_state')
      .select(['calendar_id', 'tenant_id', 'subscription_client_state_hash'])
      .where('subscription_id', '=', subscriptionId)
      .executeTakeFirst();
    if (!s) return null;
    const target = await this.getTarget(s.tenant_id, s.calendar_id);
    return target ? { target, clientStateHash: s.subscription_client_state_hash ?? '' } : null;
  }

  async findByCalendarId(calendarId: string): Promise<{ target: SyncTarget; clientStateHash: string } | null> {
    const s = await this.db
      .selectFrom('calendar_sync_state')
      .select(['calendar_id', 'tenant_id', 'subscription_client_state_hash'])
      .where('calendar_id', '=', calendarId)
      .where('subscription_id', 'is not', null)
      .executeTakeFirst();
    if (!s) return null;
    const target = await this.getTarget(s.tenant_id, s.calendar_id);
    return target ? { target, clientStateHash: s.subscription_client_state_hash ?? '' } : null;
  }

  async markNotified(calendarId: string): Promise<void> {
    await this.db
      .updateTable('calendar_sync_state')
      .set({ last_notification_at: new Date() })
      .where('calendar_id', '=', calendarId)
      .execute();
  }

  async requestReauthorization(calendarId: string): Promise<void> {
    await this.db
      .updateTable('calendar_sync_state')
      .set({ subscription_reauthorize_requested_at: new Date() })
      .where('calendar_id', '=', calendarId)
      .execute();
  }

  async reauthorizationAnswered(calendarId: string, requestedAt: string): Promise<void> {
    await this.db
      .updateTable('calendar_sync_state')
      .set({ subscription_reauthorize_requested_at: null })
      .where('calendar_id', '=', calendarId)
      .where('subscription_reauthorize_requested_at', '<=', new Date(requestedAt))
      .execute();
  }

  /** Per-calendar status for the sync-status API, scoped by tenant (and user when given). */
  async status(tenantId: string, userId?: string): Promise<CalendarSyncStatusRow[]> {
    let q = this.db
      .selectFrom('calendars as c')
      .leftJoin('calendar_sync_state as s', 's.calendar_id', 'c.id')
      .innerJoin('calendar_connections as cc', 'cc.id', 'c.connection_id')
      .leftJoin('sync_preferences as p', (j) =>
        j.onRef('p.user_id', '=', 'c.user_id').onRef('p.tenant_id', '=', 'c.tenant_id'),
      )
      .select([
        'c.id as calendarId',
        'c.name as name',
        'c.is_shared as isShared',
        'c.owner_email as ownerEmail',
        'c.selected_for_sync as selected',
        'c.is_default as isDefault',
        'c.can_edit as canEdit',
        'c.access_lost_at as accessLostAt',
        'c.access_lost_reason as accessLostReason',
        'c.connection_id as connectionId',
        'cc.provider as provider',
        'p.poll_interval_seconds as pollIntervalSeconds',
        's.last_success_at as lastSuccessAt',
        's.last_attempt_at as lastAttemptAt',
        's.last_error as lastError',
        's.subscription_expires_at as subscriptionExpiresAt',
        's.last_notification_at as lastNotificationAt',
        's.full_sync_in_progress as fullSyncInProgress',
        's.pages_synced as pagesSynced',
        's.events_synced as eventsSynced',
        's.last_full_sync_at as lastFullSyncAt',
      ])
      .where('c.tenant_id', '=', tenantId);
    if (userId) q = q.where('c.user_id', '=', userId);
    return q.orderBy('c.name').execute();
  }
}

/** The meeting columns written from a provider event, in the order of meetingValues (customer fields never). */
const INSERTED = [
  'tenant_id',
  'user_id',
  'calendar_id',
  'provider',
  'provider_event_id',
  ...UPDATABLE,
] as const satisfies ReadonlyArray<keyof NewMeeting>;

/** The link table of each provider and its columns for the provider's id and version. */
const LINKS = {
  MICROSOFT: { table: 'outlook_calendar_sync', eventId: 'outlook_event_id', version: 'change_key' },
  GOOGLE: { table: 'google_calendar_sync', eventId: 'google_event_id', version: 'etag' },
} as const;

interface UpsertedRow {
  id: string;
  provider_event_id: string;
  /** The row was there before this statement, with `before_change_key` as its change key. */
  existed: boolean;
  before_change_key: string | null;
}

/**
 * The page's meetings and their link rows in one statement: the meetings as one multi-row upsert on (calendar_id,
 * provider_event_id) — the provider's columns only (UPDATABLE), an occurrence's `series_master_id` looked up from its
 * master stored before this page (kept when there is none, as the separate UPDATE did) —, their link rows as one
 * upsert fed by its RETURNING, and what each row was before (read by primary key with the statement's snapshot,
 * taken before any of its writes), so the caller tells new and changed meetings apart. Built as text: Kysely's builder
 * and compiler cost more than the statement on PGlite for ~1,500 parameters a page.
 */
async function upsertMeetingsAndLinks(
  trx: Transaction<DB>,
  t: SyncTarget,
  events: CalendarEvent[],
  generation: number,
  now: Date,
): Promise<UpsertedRow[]> {
  const link = t.provider === 'GOOGLE' ? LINKS.GOOGLE : LINKS.MICROSOFT;
  const params: unknown[] = [t.calendarId, now, t.userId, t.tenantId];
  const p = (v: unknown) => `$${params.push(v)}`;
  const present = new Set(events.map((e) => e.id));
  const tuples: string[] = [];
  for (const e of events) {
    const row = meetingValues(t, e, generation) as Record<string, unknown>;
    const cells = INSERTED.map((c) => p(row[c] ?? null));
    // a master stored before this page (one this page brings is linked by the UPDATE after it)
    const master =
      e.seriesMasterId && !present.has(e.seriesMasterId)
        ? `(SELECT s.id FROM meetings s WHERE s.calendar_id = $1 AND s.provider_event_id = ${p(e.seriesMasterId)})`
        : 'NULL::uuid';
    tuples.push(`(${cells.join(', ')}, ${master})`);
  }
  // A subquery in RETURNING reads with the statement's snapshot: the row as it was before this statement (by primary
  // key), nothing for a row it inserts. A scalar subquery, not EXISTS: the planner may run an EXISTS as a hashed
  // subplan over the whole table (it did on the server: every meetings row read for each page). It is read only for
  // a row the statement updated — a row it inserted has no locker (xmax = 0), where ON CONFLICT DO UPDATE locks the
  // row it updates — so an initial sync's pages, all inserts, read nothing more (issue 20). One read gives both
  // answers: NULL (no row before), 'n' (a row without a change key) or 'k' and the key.
  const text = `WITH upserted AS (
    INSERT INTO meetings (${INSERTED.join(', ')}, series_master_id)
    VALUES ${tuples.join(',\n')}
    ON CONFLICT (calendar_id, provider_event_id) DO UPDATE SET
      ${UPDATABLE.map((c) => `${c} = excluded.${c}`).join(', ')},
      series_master_id = coalesce(excluded.series_master_id, meetings.series_master_id),
      updated_at = $2
    RETURNING id, provider_event_id, provider_change_key, ical_uid,
      CASE WHEN meetings.xmax = 0 THEN NULL ELSE (SELECT CASE WHEN o.provider_change_key IS NULL THEN 'n'
        ELSE 'k' || o.provider_change_key END FROM meetings o WHERE o.id = meetings.id) END AS before_key
  ), links AS (
    INSERT INTO ${link.table} (meeting_id, ${link.eventId}, user_id, calendar_id, tenant_id, last_synced_at,
      sync_direction, ${link.version}, ical_uid)
    SELECT u.id, u.provider_event_id, $3, $1, $4, $2, 'inbound', u.provider_change_key, u.ical_uid FROM upserted u
    -- A provider event is (tenant, connection, calendar, provider id): migration 0009.
    ON CONFLICT (tenant_id, calendar_id, ${link.eventId}) DO UPDATE SET
      meeting_id = excluded.meeting_id, last_synced_at = $2, ${link.version} = excluded.${link.version},
      sync_direction = 'inbound'
  )
  SELECT id, provider_event_id, before_key IS NOT NULL AS existed,
    CASE WHEN before_key = 'n' THEN NULL ELSE substr(before_key, 2) END AS before_change_key FROM upserted`;
  const r = await trx.executeQuery<UpsertedRow>(CompiledQuery.raw(text, params));
  return r.rows;
}

/**
 * Locks the calendar row for the page's transaction and checks it is still selected: a calendar deselected while its
 * sync ran gets no rows back (PATCH /api/calendars/:id removed them in its own transaction).
 */
async function assertStillSynced(trx: Transaction<DB>, t: SyncTarget): Promise<void> {
  const live = await trx
    .selectFrom('calendars')
    .select('id')
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', t.calendarId)
    .where('selected_for_sync', '=', true)
    .forShare()
    .executeTakeFirst();
  if (!live) throw new AppError('not_found', 'The calendar is no longer synced.');
}
