// Postgres side of customer detection: detection rows in and results out, manual associations, customer meeting reads.
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Attendee, EmailAddress, EventType, ResponseStatus } from '../domain/calendar.js';
import type { DetectionCandidate, DetectionReason } from '../domain/detection/types.js';
import type {
  AffectedQuery,
  CustomerMeetingView,
  DetectionRow,
  DetectionStore,
  DetectionWrite,
  MeetingQueryStore,
  MeetingViewer,
  PreviewRow,
} from '../ports/detection.js';
import { isUuid } from './customer-store.js';
import type { DB } from './schema.js';

export const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

interface RawDetection {
  id: string;
  subject: string;
  organizer: unknown;
  attendees: unknown;
  manual_customer: boolean;
  customer_id: string | null;
  customer_match_reason: string | null;
  customer_candidates: unknown;
}

function toDetectionRow(r: RawDetection): DetectionRow {
  const organizer = r.organizer ? json<EmailAddress | null>(r.organizer) : null;
  return {
    id: r.id,
    subject: r.subject,
    organizerEmail: organizer?.email ?? null,
    attendees: json<Attendee[]>(r.attendees).map((a) => ({ email: a.email, type: a.type })),
    manual: r.manual_customer,
    customerId: r.customer_id,
    reason: r.customer_match_reason as DetectionReason | null,
    candidates: json<DetectionCandidate[]>(r.customer_candidates) ?? [],
  };
}

const DETECTION_COLUMNS = [
  'id',
  'subject',
  'organizer',
  'attendees',
  'manual_customer',
  'customer_id',
  'customer_match_reason',
  'customer_candidates',
] as const;

/** Lower-cased participant addresses of meeting `m` (attendees and organizer), as a SQL set. */
const participants = sql`(SELECT lower(a->>'email') AS e FROM jsonb_array_elements(m.attendees) a
  UNION ALL SELECT lower(m.organizer->>'email'))`;

function affectedCondition(q: AffectedQuery): RawBuilder<SqlBool> {
  if (q.allMeetings) return sql<SqlBool>`true`;
  const parts: RawBuilder<unknown>[] = [
    sql`m.customer_id = ${q.customerId}::uuid`,
    sql`m.customer_candidates @> ${JSON.stringify([{ customerId: q.customerId }])}::jsonb`,
  ];
  if (q.stakeholders.length > 0) {
    parts.push(sql`EXISTS (SELECT 1 FROM ${participants} p WHERE p.e IN (${sql.join(q.stakeholders)}))`);
  }
  for (const d of q.domains) {
    parts.push(sql`EXISTS (SELECT 1 FROM ${participants} p
      WHERE split_part(p.e, '@', 2) = ${d} OR split_part(p.e, '@', 2) LIKE ${'%.' + d})`);
  }
  return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}

/**
 * Meeting `meetingId` of the tenant and its copies on other calendars of the tenant (same iCalUId and start: one
 * meeting in several people's or shared calendars), as a condition on `m`.
 */
function copiesOf(tenantId: string, meetingId: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`m.tenant_id = ${tenantId}::uuid AND (m.id = ${meetingId}::uuid OR EXISTS (
    SELECT 1 FROM meetings o WHERE o.id = ${meetingId}::uuid AND o.tenant_id = m.tenant_id
      AND o.ical_uid IS NOT NULL AND m.ical_uid = o.ical_uid AND m.start_at = o.start_at))`;
}

/** Visibility of meeting `m` on calendar `c` to a viewer. */
function visible(v: MeetingViewer): RawBuilder<SqlBool> {
  return v.teamSeesSharedCalendars
    ? sql<SqlBool>`(m.user_id = ${v.userId}::uuid OR c.is_shared = true)`
    : sql<SqlBool>`m.user_id = ${v.userId}::uuid`;
}

interface RawView extends RawDetection {
  user_id: string;
  calendar_id: string | null;
  is_shared: boolean | null;
  start_at: Date;
  end_at: Date;
  is_all_day: boolean;
  is_cancelled: boolean;
  event_type: string;
  response_status: string;
  customer_match_confidence: number | null;
}

function toView(r: RawView): CustomerMeetingView {
  return {
    id: r.id,
    userId: r.user_id,
    calendarId: r.calendar_id,
    onSharedCalendar: r.is_shared === true,
    subject: r.subject,
    start: new Date(r.start_at).toISOString(),
    end: new Date(r.end_at).toISOString(),
    isAllDay: r.is_all_day,
    isCancelled: r.is_cancelled,
    eventType: r.event_type as EventType,
    ownResponse: r.response_status as ResponseStatus,
    organizer: r.organizer ? json<EmailAddress>(r.organizer) : null,
    attendees: json<Attendee[]>(r.attendees),
    customer: {
      customerId: r.customer_id,
      reason: r.customer_match_reason as DetectionReason | null,
      confidence: r.customer_match_confidence,
      manual: r.manual_customer,
      candidates: json<DetectionCandidate[]>(r.customer_candidates) ?? [],
    },
  };
}

const VIEW_COLUMNS = sql`m.id, m.user_id, m.calendar_id, c.is_shared, m.subject, m.organizer, m.attendees,
  m.start_at, m.end_at, m.is_all_day, m.is_cancelled, m.event_type, m.response_status, m.manual_customer,
  m.customer_id, m.customer_match_reason, m.customer_match_confidence, m.customer_candidates`;

export class PgMeetingQueryStore implements DetectionStore, MeetingQueryStore {
  constructor(private readonly db: Kysely<DB>) {}

  async rowsForDetection(tenantId: string, meetingIds: readonly string[]): Promise<DetectionRow[]> {
    const ids = meetingIds.filter(isUuid);
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('meetings')
      .select(DETECTION_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', ids)
      .execute();
    return rows.map(toDetectionRow);
  }

  async affectedRows(tenantId: string, q: AffectedQuery, after: string | null, limit: number): Promise<DetectionRow[]> {
    const r = await sql<RawDetection>`
      SELECT m.id, m.subject, m.organizer, m.attendees, m.manual_customer, m.customer_id, m.customer_match_reason,
        m.customer_candidates
      FROM meetings m
      WHERE m.tenant_id = ${tenantId}::uuid ${after ? sql`AND m.id > ${after}::uuid` : sql``} AND ${affectedCondition(q)}
      ORDER BY m.id LIMIT ${limit}`.execute(this.db);
    return r.rows.map(toDetectionRow);
  }

  async undetectedIds(tenantId: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('meetings')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('customer_match_reason', 'is', null)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async writeResults(tenantId: string, writes: readonly DetectionWrite[]): Promise<void> {
    for (let i = 0; i < writes.length; i += 500) {
      const chunk = writes.slice(i, i + 500);
      const values = sql.join(
        chunk.map(
          (w) =>
            sql`(${w.id}::uuid, ${w.customerId}::uuid, ${w.reason}, ${w.confidence}::real, ${JSON.stringify(w.candidates)}::jsonb)`,
        ),
      );
      // A manual association keeps its customer; an automatic one may only name a customer of the same tenant.
      await sql`
        UPDATE meetings m SET
          customer_id = CASE WHEN m.manual_customer THEN m.customer_id
            ELSE (SELECT c.id FROM customers c WHERE c.id = v.customer_id AND c.tenant_id = m.tenant_id) END,
          customer_match_reason = v.reason,
          customer_match_confidence = v.confidence,
          customer_candidates = v.candidates
        FROM (VALUES ${values}) AS v(id, customer_id, reason, confidence, candidates)
        WHERE m.id = v.id AND m.tenant_id = ${tenantId}::uuid`.execute(this.db);
    }
  }

  async setManual(tenantId: string, meetingId: string, customerId: string | null): Promise<string[]> {
    if (!isUuid(meetingId)) return [];
    const r = await sql<{ id: string }>`UPDATE meetings m SET manual_customer = true, customer_id = ${customerId}::uuid
      WHERE ${copiesOf(tenantId, meetingId)} RETURNING m.id`.execute(this.db);
    return r.rows.map((x) => x.id);
  }

  async clearManual(tenantId: string, meetingId: string): Promise<string[]> {
    if (!isUuid(meetingId)) return [];
    const r = await sql<{ id: string }>`UPDATE meetings m SET manual_customer = false
      WHERE ${copiesOf(tenantId, meetingId)} RETURNING m.id`.execute(this.db);
    return r.rows.map((x) => x.id);
  }

  async getMeeting(viewer: MeetingViewer, meetingId: string): Promise<CustomerMeetingView | null> {
    if (!isUuid(meetingId)) return null;
    const r = await sql<RawView>`
      SELECT ${VIEW_COLUMNS} FROM meetings m LEFT JOIN calendars c ON c.id = m.calendar_id
      WHERE m.tenant_id = ${viewer.tenantId}::uuid AND m.id = ${meetingId}::uuid AND ${visible(viewer)}`.execute(
      this.db,
    );
    return r.rows[0] ? toView(r.rows[0]) : null;
  }

  async previewRows(viewer: MeetingViewer, limit: number): Promise<PreviewRow[]> {
    const r = await sql<RawDetection & { start_at: Date; ical_uid: string | null; original_start: Date | null }>`
      SELECT m.id, m.subject, m.organizer, m.attendees, m.manual_customer, m.customer_id, m.customer_match_reason,
        m.customer_candidates, m.start_at, m.ical_uid, m.original_start
      FROM meetings m LEFT JOIN calendars c ON c.id = m.calendar_id
      WHERE m.tenant_id = ${viewer.tenantId}::uuid AND m.event_type <> 'seriesMaster' AND ${visible(viewer)}
      ORDER BY m.start_at DESC, m.id LIMIT ${limit}`.execute(this.db);
    return r.rows.map((x) => {
      const start = new Date(x.start_at).toISOString();
      const occurrence = x.original_start ? new Date(x.original_start).toISOString() : start;
      return { ...toDetectionRow(x), start, occurrenceKey: x.ical_uid ? `${x.ical_uid}|${occurrence}` : x.id };
    });
  }

  async listCustomerMeetings(
    viewer: MeetingViewer,
    customerId: string,
    q: { when: 'past' | 'upcoming'; match?: 'customer' | 'candidate'; now: Date; limit: number; offset: number },
  ): Promise<{ items: CustomerMeetingView[]; total: number }> {
    const which =
      q.match === 'candidate'
        ? sql`m.customer_candidates @> ${JSON.stringify([{ customerId }])}::jsonb
          AND m.customer_id IS DISTINCT FROM ${customerId}::uuid`
        : sql`m.customer_id = ${customerId}::uuid`;
    const where = sql`m.tenant_id = ${viewer.tenantId}::uuid AND ${which}
      AND m.event_type <> 'seriesMaster' AND ${visible(viewer)}
      AND ${q.when === 'past' ? sql`m.start_at < ${q.now}` : sql`m.start_at >= ${q.now}`}`;
    const order = q.when === 'past' ? sql`start_at DESC, id` : sql`start_at ASC, id`;
    // Copies of one meeting (same iCalUId and start: the viewer's calendar and a shared one) are one entry: the
    // viewer's own copy first, then an unshared calendar's.
    const merged = sql`(SELECT ${VIEW_COLUMNS}, row_number() OVER (
        PARTITION BY coalesce(m.ical_uid, m.id::text), m.start_at
        ORDER BY (m.user_id = ${viewer.userId}::uuid) DESC, coalesce(c.is_shared, false), m.id) AS copy_rank
      FROM meetings m LEFT JOIN calendars c ON c.id = m.calendar_id WHERE ${where}) AS x`;
    const rows = await sql<RawView>`
      SELECT * FROM ${merged} WHERE copy_rank = 1 ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset}`.execute(
      this.db,
    );
    const total = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${merged} WHERE copy_rank = 1`.execute(
      this.db,
    );
    return { items: rows.rows.map(toView), total: Number(total.rows[0]?.n ?? 0) };
  }
}
