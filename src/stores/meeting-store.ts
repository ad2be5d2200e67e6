// Postgres side of scheduling: meetings for the calendar API, events calbridge created (outbound links), and the
// caller's connection / tenant people lookups the scheduling services need.
import { sql, type Kysely } from 'kysely';
import type {
  Attendee,
  BusyItem,
  CalendarEvent,
  EmailAddress,
  EventLocation,
  OnlineMeeting,
  ProviderType,
  Recurrence,
  ResponseStatus,
  TimeRange,
} from '../domain/calendar.js';
import { bodyPreview } from '../domain/body-preview.js';
import type { ConnectionStatus } from '../domain/connections.js';
import type {
  CalendarRef,
  CallerConnection,
  ConnectionLookup,
  MeetingCopy,
  MeetingPage,
  MeetingQuery,
  MeetingStore,
  MeetingView,
  TenantPerson,
} from '../ports/scheduling.js';
import { prepared } from './prepared.js';
import type { DB, MeetingRow } from './schema.js';
import { meetingValues } from './sync-store.js';

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
const BUSY = new Set(['busy', 'tentative', 'oof', 'workingElsewhere']);

/** The columns a MeetingView needs; the body is read as its first BODY_PREFIX characters (enough for a preview). */
export const BODY_PREFIX = 16_384;
/** The columns the events list's view reads (the request-cost benchmark's ceiling selects the same). */
export const VIEW_COLUMNS = [
  'id',
  'user_id',
  'calendar_id',
  'provider',
  'provider_event_id',
  'provider_change_key',
  'ical_uid',
  'subject',
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
  'is_cancelled',
  'event_type',
  'customer_id',
  'origin',
  'series_master_id',
  'provider_series_master_id',
  'recurrence',
  'categories',
  'reminder_minutes',
  'response_status',
] as const;
type ViewRow = Pick<MeetingRow, (typeof VIEW_COLUMNS)[number] | 'body'>;

function toView(r: ViewRow): MeetingView {
  return {
    id: r.id,
    userId: r.user_id,
    calendarId: r.calendar_id,
    provider: r.provider,
    providerEventId: r.provider_event_id,
    changeKey: r.provider_change_key,
    iCalUId: r.ical_uid,
    subject: r.subject,
    bodyPreview: bodyPreview(r.body),
    start: r.start_at.toISOString(),
    end: r.end_at.toISOString(),
    timeZone: r.time_zone,
    isAllDay: r.is_all_day,
    organizer: r.organizer ? json<EmailAddress>(r.organizer) : null,
    attendees: json<Attendee[]>(r.attendees),
    location: r.location ? json<EventLocation>(r.location) : null,
    onlineMeeting: r.online_meeting ? json<OnlineMeeting>(r.online_meeting) : null,
    showAs: r.show_as,
    sensitivity: r.sensitivity,
    isCancelled: r.is_cancelled,
    eventType: r.event_type,
    customerId: r.customer_id,
    origin: r.origin,
    seriesMasterId: r.series_master_id,
    providerSeriesMasterId: r.provider_series_master_id,
    recurrence: r.recurrence ? json<Recurrence>(r.recurrence) : null,
    categories: r.categories ?? [],
    reminderMinutes: r.reminder_minutes,
    responseStatus: r.response_status as ResponseStatus,
  };
}

/** The query's optional filters, in this order; a statement's shape is which of them are given. */
const FILTERS = ['start', 'end', 'calendarId', 'customerId'] as const;
type FilterValues = { start?: Date; end?: Date; calendarId?: string; customerId?: string };

/** The caller's meetings in the query's range, calendar and customer (series masters excluded). */
function filtered(db: Kysely<DB>, tenantId: string, userId: string, f: FilterValues) {
  let base = db
    .selectFrom('meetings')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('event_type', '!=', 'seriesMaster');
  if (f.start !== undefined) base = base.where('end_at', '>', f.start);
  if (f.end !== undefined) base = base.where('start_at', '<', f.end);
  if (f.calendarId !== undefined) base = base.where('calendar_id', '=', f.calendarId);
  if (f.customerId !== undefined) base = base.where('customer_id', '=', f.customerId);
  return base;
}

const filterValues = (q: MeetingQuery): FilterValues => ({
  ...(q.start ? { start: new Date(q.start) } : {}),
  ...(q.end ? { end: new Date(q.end) } : {}),
  ...(q.calendarId ? { calendarId: q.calendarId } : {}),
  ...(q.customerId ? { customerId: q.customerId } : {}),
});

/**
 * `o` is another copy of the meeting row `m` (same iCalUId and start, not the same row) that the list would show too
 * (the same caller and filters). Meant for a look-up of `o` on migration 31's index (ical_uid, start_at): for
 * a meeting without copies that is one index probe that finds nothing. A meeting without an iCalUId has no copies.
 */
function copyOf(m: 'meetings' | 'p', tenantId: string, userId: string, f: FilterValues) {
  const col = (c: string) => sql.ref(`${m}.${c}`);
  const conds = [
    sql`o.user_id = ${userId}`,
    sql`o.ical_uid = ${col('ical_uid')}`,
    sql`o.start_at = ${col('start_at')}`,
    sql`o.id <> ${col('id')}`,
    sql`o.tenant_id = ${tenantId}`,
    sql`o.event_type <> 'seriesMaster'`,
  ];
  if (f.start !== undefined) conds.push(sql`o.end_at > ${f.start}`);
  if (f.end !== undefined) conds.push(sql`o.start_at < ${f.end}`);
  if (f.calendarId !== undefined) conds.push(sql`o.calendar_id = ${f.calendarId}`);
  if (f.customerId !== undefined) conds.push(sql`o.customer_id = ${f.customerId}`);
  return sql.join(conds, sql` and `);
}

/**
 * A copy's rank among the copies of one meeting, lowest first: own calendars before shared ones, then the default
 * calendar before others (a missing calendar counts as an own, not default one), then the first synced, then by id.
 * `cal` is the copy's calendar row (joined), or null to look it up (only run when another copy was found).
 */
function rankOf(m: 'o' | 'meetings', tenantId: string, cal: 'oc' | null) {
  const c = (col: 'is_shared' | 'is_default') =>
    cal
      ? sql`${sql.ref(`${cal}.${col}`)}`
      : sql`(select c.${sql.raw(col)} from calendars c where c.id = ${sql.ref(`${m}.calendar_id`)} and c.tenant_id = ${tenantId})`;
  return sql`row(coalesce(${c('is_shared')}, false), not coalesce(${c('is_default')}, false), ${sql.ref(`${m}.created_at`)}, ${sql.ref(`${m}.id`)})`;
}

type PageShape = { merged: boolean; total: boolean; after: boolean; given: ReadonlyArray<(typeof FILTERS)[number]> };
type ListRow = ViewRow & { full_count?: number | string; copy_list?: unknown };
type PageQuery = (db: Kysely<DB>, ...args: unknown[]) => Promise<ListRow[]>;

/**
 * Not beaten by another copy of the same meeting (see copyOf) that ranks before it: the copy the merged list shows.
 * The calendars are looked up only when another copy is found.
 */
function firstCopy(tenantId: string, userId: string, f: FilterValues) {
  // `offset 0` keeps it a subplan run per meeting (an index probe by iCalUId and start): pulled up into an anti-join,
  // the planner without statistics (PGlite has no autovacuum; the request-cost bench's tables are never analysed)
  // joined each meeting of the range against all of the user's meetings (4,535 rows removed by the join filter for
  // 60 kept, 430 ms; docs/benchmarks.md)
  return sql<boolean>`not exists (select 1 from meetings o where ${copyOf('meetings', tenantId, userId, f)}
    and ${rankOf('o', tenantId, null)} < ${rankOf('meetings', tenantId, null)} offset 0)`;
}

/**
 * One page of the list (issue 20): the view's columns (an HTML body's first BODY_PREFIX characters), in (start, id)
 * order, after a keyset position and/or an offset, `limit` rows. Merged (the default), a meeting's copies are one
 * row: the copy that no better ranked copy beats (an anti-join probing migration 31's index, so a meeting without
 * copies costs one empty index probe), and for the page's rows only, the other copies with their calendars as
 * `copy_list` (the `alsoIn` of the answer). With a total, `count(*) over ()` counts every match in the same statement.
 *
 * The range is read first and whole (`offset 0` keeps the planner from merging it into the ordered, limited query),
 * then sorted: with the ORDER BY and LIMIT in the same query level the planner walks (tenant_id, start_at) or
 * (tenant_id, user_id, start_at) in order from the user's first meeting, since nothing bounds start_at from below
 * (a meeting that started long before the range may still overlap it), and read every meeting of the history
 * (EXPLAIN ANALYZE in docs/benchmarks.md). Read whole, the range is a bitmap scan of migration 30's index.
 */
function pageStatement(db: Kysely<DB>, shape: PageShape, args: unknown[]) {
  const [tenantId, userId, limit, offset, ...rest] = args as [string, string, number, number, ...unknown[]];
  const after = shape.after ? { start: rest.shift(), id: rest.shift() } : null;
  const f = Object.fromEntries(shape.given.map((k, i) => [k, rest[i]])) as FilterValues;
  let range = filtered(db, tenantId, userId, f)
    .select(VIEW_COLUMNS)
    .select(sql<string>`left(body, ${BODY_PREFIX})`.as('body'));
  if (shape.merged) range = range.where(firstCopy(tenantId, userId, f));
  // start_at >= the cursor's start follows from the row comparison; said apart, it lets a later page of a long range
  // be read from (tenant_id, user_id, start_at) from the cursor on instead of the whole range
  if (after)
    range = range
      .where(sql<boolean>`(start_at, id) > (${after.start}::timestamptz, ${after.id}::uuid)`)
      .where(sql<boolean>`start_at >= ${after.start}::timestamptz`);
  let page = db.selectFrom(range.modifyEnd(sql`offset 0`).as('r')).selectAll('r');
  if (shape.total) page = page.select(sql<number>`count(*) over ()`.as('full_count'));
  page = page.orderBy('r.start_at').orderBy('r.id').limit(limit).offset(offset);
  if (!shape.merged) return page;
  return db
    .selectFrom(page.as('p'))
    .selectAll('p')
    .select(
      sql<unknown>`(select json_agg(json_build_object('id', o.id, 'calendarId', o.calendar_id, 'calendarName', oc.name,
        'ownerEmail', oc.owner_email, 'isShared', coalesce(oc.is_shared, false)) order by ${rankOf('o', tenantId, 'oc')})
        from meetings o left join calendars oc on oc.id = o.calendar_id and oc.tenant_id = ${tenantId}
        where ${copyOf('p', tenantId, userId, f)})`.as('copy_list'),
    )
    .orderBy('p.start_at')
    .orderBy('p.id');
}

/** The number of matches (merged: of meetings, a meeting's copies once), for a page that has no row to carry it. */
function countStatement(db: Kysely<DB>, shape: PageShape, args: unknown[]) {
  const [tenantId, userId, ...rest] = args as [string, string, ...unknown[]];
  const f = Object.fromEntries(shape.given.map((k, i) => [k, rest[i]])) as FilterValues;
  const q = filtered(db, tenantId, userId, f).select(sql<number>`count(*)::int`.as('n'));
  return shape.merged ? q.where(firstCopy(tenantId, userId, f)) : q;
}

/** The statements compiled once per shape (merged or not, total or not, keyset or not, which filters are given). */
const statements = new Map<string, PageQuery>();
function compiled(kind: 'page' | 'count', shape: PageShape): PageQuery {
  const key = `${kind} ${shape.merged} ${shape.total} ${shape.after} ${shape.given.join(' ')}`;
  let q = statements.get(key);
  if (!q) {
    const arity = kind === 'page' ? 4 + (shape.after ? 2 : 0) + shape.given.length : 2 + shape.given.length;
    q = prepared(
      (db: Kysely<DB>, ...args: unknown[]) =>
        kind === 'page' ? pageStatement(db, shape, args) : countStatement(db, shape, args),
      arity,
    ) as unknown as PageQuery;
    statements.set(key, q);
  }
  return q;
}

export class PgMeetingStore implements MeetingStore {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * A page of the caller's meetings in (start, id) order. Merged (the default): copies with the same iCalUId and
   * start (the caller's own calendar and a shared one both synced) are one entry, the copy in an own (not shared)
   * calendar first, the default calendar before others; the rest are listed in `alsoIn`. Paging, keyset positions
   * and the total count merged entries. One statement; a total asked for with a keyset position (or for a page past
   * the end) is one more.
   */
  async list(tenantId: string, userId: string, q: MeetingQuery): Promise<MeetingPage> {
    const f = filterValues(q);
    const given = FILTERS.filter((k) => f[k] !== undefined);
    const values = given.map((k) => f[k]);
    const merged = q.copies !== 'all';
    const wantTotal = q.total ?? q.after === undefined;
    // The total comes with the page (a window count) unless the page starts at a keyset position: then the window
    // would count only what follows it, and a statement of its own counts.
    const shape: PageShape = { merged, total: wantTotal && !q.after, after: q.after !== undefined, given };
    const keyset = q.after ? [new Date(q.after.start), q.after.id] : [];
    // One row more than the page tells whether another page follows.
    const rows = await compiled('page', shape)(this.db, tenantId, userId, q.limit + 1, q.offset, ...keyset, ...values);
    const more = rows.length > q.limit;
    if (more) rows.length = q.limit;
    const items = rows.map((r) => {
      const view = toView(r);
      const others = merged ? json<MeetingCopy[] | null>(r.copy_list) : null;
      if (others?.length) view.alsoIn = others;
      return view;
    });
    const last = rows[rows.length - 1];
    const next = more && last ? { start: last.start_at.toISOString(), id: last.id } : null;
    if (!wantTotal) return { items, next };
    let total: number;
    if (shape.total && rows.length > 0) total = Number(rows[0]!.full_count);
    else if (shape.total && q.offset === 0) total = 0;
    else {
      const countShape = { ...shape, after: false, total: true };
      const [row] = await compiled('count', countShape)(this.db, tenantId, userId, ...values);
      total = Number((row as unknown as { n: number }).n);
    }
    return { items, total, next };
  }

  async get(tenantId: string, id: string): Promise<MeetingView | null> {
    const r = await this.db
      .selectFrom('meetings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toView(r) : null;
  }

  async busyFromSync(tenantId: string, userId: string, range: TimeRange): Promise<BusyItem[]> {
    const rows = await this.db
      .selectFrom('meetings')
      .select(['start_at', 'end_at', 'show_as'])
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('event_type', '!=', 'seriesMaster')
      .where('is_cancelled', '=', false)
      .where('response_status', '!=', 'declined')
      .where('start_at', '<', new Date(range.end))
      .where('end_at', '>', new Date(range.start))
      .orderBy('start_at')
      .execute();
    return rows
      .filter((r) => BUSY.has(r.show_as))
      .map((r) => ({
        start: r.start_at.toISOString(),
        end: r.end_at.toISOString(),
        status: r.show_as as BusyItem['status'],
      }));
  }

  async recordCreated(input: Parameters<MeetingStore['recordCreated']>[0]): Promise<string> {
    const t = {
      tenantId: input.tenantId,
      userId: input.userId,
      calendarId: input.calendarId,
      provider: input.provider,
    };
    const values = meetingValues(
      { ...t, providerCalendarId: '', connectionId: '', mailbox: '', isShared: false },
      input.event,
      0,
    );
    const now = new Date();
    return this.db.transaction().execute(async (trx) => {
      // The sync engine may have stored the event first (same calendar + provider id): then that row is adopted.
      const row = await trx
        .insertInto('meetings')
        .values({
          ...values,
          id: input.meetingId,
          origin: 'calbridge',
          customer_id: input.customerId,
          manual_customer: input.customerId !== null,
          customer_match_reason: input.customerId ? 'manual' : null,
        })
        .onConflict((oc) =>
          oc.columns(['calendar_id', 'provider_event_id']).doUpdateSet({
            origin: 'calbridge',
            customer_id: input.customerId,
            manual_customer: input.customerId !== null,
            external_id: input.meetingId,
            updated_at: now,
          }),
        )
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.link(trx, input.provider, { ...input, meetingId: row.id }, now);
      return row.id;
    });
  }

  private async link(
    trx: Kysely<DB>,
    provider: ProviderType,
    x: { meetingId: string; tenantId: string; userId: string; calendarId: string; event: CalendarEvent },
    now: Date,
  ) {
    if (provider === 'MICROSOFT') {
      const v = {
        meeting_id: x.meetingId,
        outlook_event_id: x.event.id,
        user_id: x.userId,
        calendar_id: x.calendarId,
        tenant_id: x.tenantId,
        last_synced_at: now,
        sync_direction: 'outbound',
        change_key: x.event.changeKey,
        ical_uid: x.event.iCalUId,
      };
      await trx
        .insertInto('outlook_calendar_sync')
        .values(v)
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'calendar_id', 'outlook_event_id']).doUpdateSet({
            meeting_id: v.meeting_id,
            change_key: v.change_key,
            sync_direction: 'outbound',
            last_synced_at: now,
          }),
        )
        .execute();
    } else {
      const v = {
        meeting_id: x.meetingId,
        google_event_id: x.event.id,
        user_id: x.userId,
        calendar_id: x.calendarId,
        tenant_id: x.tenantId,
        last_synced_at: now,
        sync_direction: 'outbound',
        etag: x.event.changeKey,
        ical_uid: x.event.iCalUId,
      };
      await trx
        .insertInto('google_calendar_sync')
        .values(v)
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'calendar_id', 'google_event_id'])
            .doUpdateSet({ meeting_id: v.meeting_id, etag: v.etag, sync_direction: 'outbound', last_synced_at: now }),
        )
        .execute();
    }
  }

  async recordUpdated(tenantId: string, meetingId: string, e: CalendarEvent): Promise<void> {
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      const m = await trx
        .updateTable('meetings')
        .set({
          subject: e.subject,
          body: e.body.content,
          body_content_type: e.body.contentType,
          start_at: e.start,
          end_at: e.end,
          time_zone: e.timeZone,
          attendees: JSON.stringify(e.attendees),
          location: e.location ? JSON.stringify(e.location) : null,
          online_meeting: e.onlineMeeting ? JSON.stringify(e.onlineMeeting) : null,
          sensitivity: e.sensitivity,
          show_as: e.showAs,
          categories: e.categories,
          reminder_minutes: e.reminderMinutes,
          recurrence: e.recurrence ? JSON.stringify(e.recurrence) : null,
          provider_change_key: e.changeKey,
          updated_at: now,
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', meetingId)
        .returning(['provider'])
        .executeTakeFirst();
      if (!m) return;
      if (m.provider === 'GOOGLE') {
        await trx
          .updateTable('google_calendar_sync')
          .set({ etag: e.changeKey, sync_direction: 'outbound', last_synced_at: now })
          .where('tenant_id', '=', tenantId)
          .where('meeting_id', '=', meetingId)
          .where('google_event_id', '=', e.id)
          .execute();
      } else {
        await trx
          .updateTable('outlook_calendar_sync')
          .set({ change_key: e.changeKey, sync_direction: 'outbound', last_synced_at: now })
          .where('tenant_id', '=', tenantId)
          .where('meeting_id', '=', meetingId)
          .where('outlook_event_id', '=', e.id)
          .execute();
      }
    });
  }

  async recordDeleted(tenantId: string, meetingId: string): Promise<void> {
    await this.db.deleteFrom('meetings').where('tenant_id', '=', tenantId).where('id', '=', meetingId).execute();
  }
}

/** A user's connections that are not revoked, compiled once (every scheduling request resolves the caller's). */
const connectionsOfUser = prepared(
  (db: Kysely<DB>, tenantId: string, userId: string) =>
    db
      .selectFrom('calendar_connections')
      .select(['id', 'tenant_id', 'user_id', 'provider', 'status', 'status_reason', 'account_email', 'scopes'])
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('status', '!=', 'revoked'),
  2,
);

/** A connection's calendars, the default first, compiled once (a proposal's target calendar is picked from them). */
const calendarsOfConnection = prepared(
  (db: Kysely<DB>, tenantId: string, connectionId: string) =>
    db
      .selectFrom('calendars')
      .select(['id', 'provider_calendar_id', 'name', 'is_default', 'can_edit', 'is_shared'])
      .where('tenant_id', '=', tenantId)
      .where('connection_id', '=', connectionId)
      .orderBy('is_default', 'desc')
      .orderBy('name'),
  2,
);

/**
 * A tenant's people by lower-cased e-mail (one array parameter, any count) with their connection's status and the
 * oldest last successful sync of their own synced calendars, compiled once (every proposal's preview asks it).
 */
const peopleByEmail = prepared(
  (db: Kysely<DB>, tenantId: string, lowerEmails: string[]) =>
    db
      .selectFrom('users as u')
      .leftJoin('calendar_connections as cc', (j) =>
        j.onRef('cc.user_id', '=', 'u.id').on('cc.status', '!=', 'revoked'),
      )
      .select((eb) => [
        'u.id as userId',
        'u.email as email',
        'u.time_zone as timeZone',
        'cc.status as status',
        eb
          .selectFrom('calendars as c')
          .innerJoin('calendar_sync_state as s', 's.calendar_id', 'c.id')
          .select(sql<Date | null>`min(s.last_success_at)`.as('m'))
          .whereRef('c.connection_id', '=', 'cc.id')
          .where('c.is_shared', '=', false)
          .where('c.selected_for_sync', '=', true)
          .as('lastSyncAt'),
      ])
      .where('u.tenant_id', '=', tenantId)
      .where(sql<boolean>`lower(u.email) = any(${lowerEmails}::text[])`),
  2,
);

/** The caller's connection, calendars and tenant people, for the scheduling services. */
export class PgSchedulingLookup implements ConnectionLookup {
  constructor(private readonly db: Kysely<DB>) {}

  async forUser(tenantId: string, userId: string, preferred: ProviderType): Promise<CallerConnection | null> {
    const rows = await connectionsOfUser(this.db, tenantId, userId);
    const r = rows.find((x) => x.provider === preferred) ?? rows[0];
    if (!r) return null;
    return {
      id: r.id,
      tenantId: r.tenant_id,
      userId: r.user_id,
      provider: r.provider,
      status: r.status,
      statusReason: r.status_reason,
      mailbox: (r.account_email ?? '').toLowerCase(),
      scopes: r.scopes ?? [],
    };
  }

  async calendarsOf(tenantId: string, connectionId: string): Promise<CalendarRef[]> {
    const rows = await calendarsOfConnection(this.db, tenantId, connectionId);
    return rows.map((r) => ({
      id: r.id,
      providerCalendarId: r.provider_calendar_id,
      name: r.name,
      isDefault: r.is_default,
      canEdit: r.can_edit,
      isShared: r.is_shared,
    }));
  }

  async people(tenantId: string, emails: string[]): Promise<TenantPerson[]> {
    if (emails.length === 0) return [];
    const rows = await peopleByEmail(
      this.db,
      tenantId,
      emails.map((e) => e.toLowerCase()),
    );
    return rows.map((r) => ({
      email: r.email.toLowerCase(),
      userId: r.userId,
      timeZone: r.timeZone,
      connectionStatus: (r.status as ConnectionStatus | null) ?? null,
      lastSyncAt: r.lastSyncAt ? new Date(r.lastSyncAt).toISOString() : null,
    }));
  }
}
