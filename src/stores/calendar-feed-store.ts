// Postgres side of the iCalendar export and subscription feeds: a user's meetings on their own calendars, and the
// ics_feeds rows (migration 27: one per user, found by the SHA-256 of the token, never the token).
import type { Kysely } from 'kysely';
import type { Attendee, EmailAddress, EventLocation, OnlineMeeting, Recurrence } from '../domain/calendar.js';
import type { CalendarFeedStore, FeedMeeting, FeedRecord } from '../ports/calendar-feed.js';
import type { DB } from './schema.js';

interface IcsFeedsTable {
  tenant_id: string;
  user_id: string;
  token_hash: string;
  token_prefix: string;
  created_at: Date;
  last_fetched_at: Date | null;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export class PgCalendarFeedStore implements CalendarFeedStore {
  private readonly db: Kysely<DB & { ics_feeds: IcsFeedsTable }>;

  constructor(db: Kysely<DB>) {
    this.db = db.withTables<{ ics_feeds: IcsFeedsTable }>();
  }

  async meetingsOf(tenantId: string, userId: string): Promise<FeedMeeting[]> {
    const rows = await this.db
      .selectFrom('meetings as m')
      .innerJoin('calendars as c', (j) =>
        j.onRef('c.id', '=', 'm.calendar_id').onRef('c.tenant_id', '=', 'm.tenant_id'),
      )
      .select([
        'm.id',
        'm.ical_uid',
        'm.subject',
        'm.body',
        'm.body_content_type',
        'm.start_at',
        'm.end_at',
        'm.time_zone',
        'm.is_all_day',
        'm.organizer',
        'm.attendees',
        'm.location',
        'm.online_meeting',
        'm.show_as',
        'm.sensitivity',
        'm.categories',
        'm.event_type',
        'm.series_master_id',
        'm.original_start',
        'm.recurrence',
        'm.is_cancelled',
        'm.updated_at',
      ])
      .where('m.tenant_id', '=', tenantId)
      .where('m.user_id', '=', userId)
      // the user's own calendars: a colleague's shared calendar is theirs to publish
      .where('c.is_shared', '=', false)
      .orderBy('m.start_at')
      .orderBy('m.id')
      .execute();
    return rows.map((r) => {
      const location = json<EventLocation | null>(r.location);
      const online = json<OnlineMeeting | null>(r.online_meeting);
      return {
        id: r.id,
        icalUid: r.ical_uid,
        subject: r.subject,
        body: r.body,
        bodyIsHtml: r.body_content_type === 'html',
        start: r.start_at,
        end: r.end_at,
        timeZone: r.time_zone,
        isAllDay: r.is_all_day,
        organizer: json<EmailAddress | null>(r.organizer),
        attendees: json<Attendee[]>(r.attendees) ?? [],
        location: location?.displayName || null,
        joinUrl: online?.joinUrl ?? null,
        showAs: r.show_as,
        sensitivity: r.sensitivity,
        categories: r.categories,
        type: r.event_type,
        seriesMasterId: r.series_master_id,
        originalStart: r.original_start,
        recurrence: json<Recurrence | null>(r.recurrence),
        isCancelled: r.is_cancelled,
        updatedAt: r.updated_at,
      };
    });
  }

  async get(tenantId: string, userId: string): Promise<FeedRecord | null> {
    const r = await this.db
      .selectFrom('ics_feeds')
      .select(['token_prefix', 'created_at', 'last_fetched_at'])
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return r ? { prefix: r.token_prefix, createdAt: r.created_at, lastFetchedAt: r.last_fetched_at } : null;
  }

  async put(tenantId: string, userId: string, tokenHash: string, prefix: string, at: Date): Promise<FeedRecord> {
    await this.db
      .insertInto('ics_feeds')
      .values({ tenant_id: tenantId, user_id: userId, token_hash: tokenHash, token_prefix: prefix, created_at: at })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'user_id'])
          .doUpdateSet({ token_hash: tokenHash, token_prefix: prefix, created_at: at, last_fetched_at: null }),
      )
      .execute();
    return { prefix, createdAt: at, lastFetchedAt: null };
  }

  async delete(tenantId: string, userId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('ics_feeds')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async resolve(tokenHash: string, at: Date): Promise<{ tenantId: string; userId: string } | null> {
    const r = await this.db
      .updateTable('ics_feeds as f')
      .set({ last_fetched_at: at })
      .from('users as u')
      .whereRef('u.id', '=', 'f.user_id')
      .whereRef('u.tenant_id', '=', 'f.tenant_id')
      .where('u.status', '=', 'active')
      .where('f.token_hash', '=', tokenHash)
      .returning(['f.tenant_id', 'f.user_id'])
      .executeTakeFirst();
    return r ? { tenantId: r.tenant_id, userId: r.user_id } : null;
  }
}
