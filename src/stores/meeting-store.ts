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
import type { ConnectionStatus } from '../domain/connections.js';
import type {
  CalendarRef,
  CallerConnection,
  ConnectionLookup,
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
    bodyPreview: r.body
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 255),
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

/**
 * The number of matches of a page read with `count(*) over ()` as `full_count`: any row of the page carries it; an
 * empty first page means none; only an empty page past the end counts with a statement of its own.
 */
async function totalOf(
  rows: ReadonlyArray<{ full_count: number | string }>,
  q: { offset: number },
  count: () => Promise<{ n: number }>,
): Promise<number> {
  if (rows.length > 0) return Number(rows[0]!.full_count);
  if (q.offset === 0) return 0;
  return Number((await count()).n);
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

/** Every copy in the range, with its view's columns and the page's total (a window count over the range). */
function allCopies(base: ReturnType<typeof filtered>) {
  return base
    .select(VIEW_COLUMNS)
    .select(sql<string>`left(body, ${BODY_PREFIX})`.as('body'))
    .select(sql<number>`count(*) over ()`.as('full_count'))
    .orderBy('start_at')
    .orderBy('id');
}

/** One row per meeting (see PgMeetingStore.listMerged): the copy ranked first, with the list of all copies. */
function mergedCopies(db: Kysely<DB>, base: ReturnType<typeof filtered>) {
  const copyKey = sql`coalesce(ical_uid, id::text), start_at`;
  const ranked = base
    .select(VIEW_COLUMNS)
    .select(sql<string>`left(body, ${BODY_PREFIX})`.as('body'))
    .select(
      // own calendars before shared ones, then the default before others: one look-up of the calendar per row
      // (is_shared, not is_default), a missing calendar as an own non-default one
      sql<number>`row_number() over (partition by ${copyKey} order by
        coalesce((select row(coalesce(c.is_shared, false), not coalesce(c.is_default, false))
          from calendars c where c.id = meetings.calendar_id), row(false, true)),
        created_at, id)`.as('copy_rank'),
    )
    .select(
      sql<unknown>`json_agg(json_build_object('id', id, 'calendarId', calendar_id)) over (partition by ${copyKey})`.as(
        'copy_list',
      ),
    );
  return db.selectFrom(ranked.as('r')).where('r.copy_rank', '=', 1);
}

const mergedPage = (db: Kysely<DB>, base: ReturnType<typeof filtered>) =>
  mergedCopies(db, base)
    .selectAll()
    .select(sql<number>`count(*) over ()`.as('full_count'))
    .orderBy('start_at')
    .orderBy('id');

type ListRow = ViewRow & { full_count: number | string; copy_list?: unknown };
type PageQuery = (db: Kysely<DB>, ...args: unknown[]) => Promise<ListRow[]>;

/**
 * A page of the list compiled once per shape (merged or not, which filters are given; issue 20): the arguments are
 * the tenant, the user, limit, offset, then the given filters' values in FILTERS' order.
 */
const pageQueries = new Map<string, PageQuery>();
function pageQuery(merged: boolean, f: FilterValues): PageQuery {
  const given = FILTERS.filter((k) => f[k] !== undefined);
  const key = `${merged} ${given.join(' ')}`;
  let q = pageQueries.get(key);
  if (!q) {
    q = prepared((db: Kysely<DB>, ...args: unknown[]) => {
      const [tenantId, userId, limit, offset, ...vals] = args as [string, string, number, number, ...unknown[]];
      const values = Object.fromEntries(given.map((k, i) => [k, vals[i]])) as FilterValues;
      const base = filtered(db, tenantId, userId, values);
      return merged ? mergedPage(db, base).limit(limit).offset(offset) : allCopies(base).limit(limit).offset(offset);
    }, 4 + given.length) as unknown as PageQuery;
    pageQueries.set(key, q);
  }
  return q;
}

/** The calendars of the copies on a page: one statement for any number of ids (the ids as one array parameter). */
const calendarsOf = prepared(
  (db: Kysely<DB>, tenantId: string, ids: string[]) =>
    db
      .selectFrom('calendars')
      .select(['id', 'name', 'owner_email', 'is_shared'])
      .where('tenant_id', '=', tenantId)
      .where(sql<boolean>`id = any(${ids}::uuid[])`),
  2,
);

export class PgMeetingStore implements MeetingStore {
  constructor(private readonly db: Kysely<DB>) {}

  async list(tenantId: string, userId: string, q: MeetingQuery): Promise<{ items: MeetingView[]; total: number }> {
    const f = filterValues(q);
    const args = [tenantId, userId, q.limit, q.offset, ...FILTERS.flatMap((k) => (f[k] !== undefined ? [f[k]] : []))];
    const merged = q.copies !== 'all';
    // Only the columns the view shows, and of an HTML body only its beginning (bodies can be large and the list
    // shows a 255-character preview).
    // The total comes with the page (a window count over the range, one statement); only a page past the end, which
    // has no row to carry it, counts apart.
    const rows = await pageQuery(merged, f)(this.db, ...args);
    const count = () => {
      const base = filtered(this.db, tenantId, userId, f);
      const n = sql<number>`count(*)::int`.as('n');
      return merged
        ? mergedCopies(this.db, base).select(n).executeTakeFirstOrThrow()
        : base.select(n).executeTakeFirstOrThrow();
    };
    if (!merged) return { items: rows.map(toView), total: await totalOf(rows, q, count) };
    return this.withCopies(tenantId, rows, await totalOf(rows, q, count));
  }

  /**
   * One row per meeting: copies with the same iCalUId and start (the caller's own calendar and a shared one both
   * synced) are one entry, the copy in an own (not shared) calendar first, the default calendar before others; the
   * rest are listed in `alsoIn`. Paging and the total count merged entries.
   */
  private async withCopies(
    tenantId: string,
    rows: ListRow[],
    total: number,
  ): Promise<{ items: MeetingView[]; total: number }> {
    const copiesOf = (r: ListRow) =>
      json<Array<{ id: string; calendarId: string | null }>>(r.copy_list).filter((c) => c.id !== r.id);
    const calendarIds = [...new Set(rows.flatMap((r) => copiesOf(r).map((c) => c.calendarId)))].filter(
      (x): x is string => x !== null,
    );
    const calendars = calendarIds.length ? await calendarsOf(this.db, tenantId, calendarIds) : [];
    const byId = new Map(calendars.map((c) => [c.id, c]));
    const items = rows.map((r) => {
      const view = toView(r);
      const others = copiesOf(r);
      if (others.length === 0) return view;
      view.alsoIn = others.map((c) => {
        const cal = c.calendarId ? byId.get(c.calendarId) : undefined;
        return {
          id: c.id,
          calendarId: c.calendarId,
          calendarName: cal?.name ?? null,
          ownerEmail: cal?.owner_email ?? null,
          isShared: cal?.is_shared ?? false,
        };
      });
      return view;
    });
    return { items, total };
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
