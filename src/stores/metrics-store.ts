// Postgres side of meeting metrics: customer meeting rows as metrics read them, and the last engagement scores.
import { sql, type Kysely } from 'kysely';
import type { Attendee, EventType, ResponseStatus } from '../domain/calendar.js';
import type { DetectionCandidate } from '../domain/detection/types.js';
import type { MetricRow, MetricsStore } from '../ports/detection.js';
import { isUuid } from './customer-store.js';
import { json } from './meeting-query-store.js';
import type { DB } from './schema.js';

interface Raw {
  id: string;
  ical_uid: string | null;
  original_start: Date | null;
  customer_id: string | null;
  start_at: Date;
  end_at: Date;
  event_type: string;
  series_master_id: string | null;
  is_cancelled: boolean;
  response_status: string;
  attendees: unknown;
  customer_candidates: unknown;
}

function toRow(r: Raw): MetricRow {
  const start = new Date(r.start_at).toISOString();
  const winner = (json<DetectionCandidate[]>(r.customer_candidates) ?? []).find((c) => c.customerId === r.customer_id);
  const occurrenceStart = r.original_start ? new Date(r.original_start).toISOString() : start;
  return {
    id: r.id,
    occurrenceKey: r.ical_uid ? `${r.ical_uid}|${occurrenceStart}` : r.id,
    customerId: r.customer_id,
    start,
    end: new Date(r.end_at).toISOString(),
    type: r.event_type as EventType,
    seriesMasterId: r.series_master_id,
    isCancelled: r.is_cancelled,
    ownResponse: r.response_status as ResponseStatus,
    attendees: json<Attendee[]>(r.attendees),
    matchedAttendees: winner?.matchedAttendees ?? [],
    matchedStakeholders: winner?.matchedStakeholders ?? [],
  };
}

// jsonb as text, parsed here: several times faster than the drivers' jsonb decoding on whole-tenant loads.
const COLUMNS = sql`id, ical_uid, original_start, customer_id, start_at, end_at, event_type, series_master_id,
  is_cancelled, response_status, attendees::text AS attendees, customer_candidates::text AS customer_candidates`;

interface ScoresDB extends DB {
  customer_health_scores: {
    tenant_id: string;
    customer_id: string;
    score: number;
    notified_score: number;
    updated_at: Date;
  };
  customer_score_history: {
    tenant_id: string;
    customer_id: string;
    day: string;
    score: number;
    updated_at: Date;
  };
}

export class PgMetricsStore implements MetricsStore {
  private readonly db: Kysely<ScoresDB>;
  constructor(db: Kysely<DB>) {
    this.db = db as unknown as Kysely<ScoresDB>;
  }

  async metricRows(tenantId: string, ids?: readonly string[]): Promise<MetricRow[]> {
    if (ids) {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return [];
      const r = await sql<Raw>`SELECT ${COLUMNS} FROM meetings
        WHERE tenant_id = ${tenantId}::uuid AND id IN (${sql.join(valid.map((id) => sql`${id}::uuid`))})
          AND event_type <> 'seriesMaster'`.execute(this.db);
      return r.rows.map(toRow);
    }
    const r = await sql<Raw>`SELECT ${COLUMNS} FROM meetings
      WHERE tenant_id = ${tenantId}::uuid AND customer_id IS NOT NULL AND event_type <> 'seriesMaster'`.execute(
      this.db,
    );
    return r.rows.map(toRow);
  }

  async lastScores(
    tenantId: string,
    customerIds: readonly string[],
  ): Promise<Map<string, { score: number; notified: number }>> {
    const out = new Map<string, { score: number; notified: number }>();
    if (customerIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('customer_health_scores')
      .select(['customer_id', 'score', 'notified_score'])
      .where('tenant_id', '=', tenantId)
      .where('customer_id', 'in', customerIds)
      .execute();
    for (const r of rows) out.set(r.customer_id, { score: r.score, notified: r.notified_score });
    return out;
  }

  async saveScores(
    tenantId: string,
    scores: ReadonlyArray<{ customerId: string; score: number; notified: number }>,
  ): Promise<void> {
    if (scores.length === 0) return;
    // Customers deleted meanwhile are skipped (the foreign key would refuse them).
    const values = sql.join(scores.map((s) => sql`(${s.customerId}::uuid, ${s.score}::int, ${s.notified}::int)`));
    await sql`INSERT INTO customer_health_scores (tenant_id, customer_id, score, notified_score)
      SELECT ${tenantId}::uuid, v.customer_id, v.score, v.notified FROM (VALUES ${values}) AS v(customer_id, score, notified)
      WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = v.customer_id AND c.tenant_id = ${tenantId}::uuid)
      ON CONFLICT (tenant_id, customer_id) DO UPDATE
        SET score = excluded.score, notified_score = excluded.notified_score, updated_at = now()`.execute(this.db);
  }

  async saveSnapshots(
    tenantId: string,
    day: string,
    scores: ReadonlyArray<{ customerId: string; score: number }>,
  ): Promise<void> {
    if (scores.length === 0) return;
    const values = sql.join(scores.map((s) => sql`(${s.customerId}::uuid, ${s.score}::int)`));
    await sql`INSERT INTO customer_score_history (tenant_id, customer_id, day, score)
      SELECT ${tenantId}::uuid, v.customer_id, ${day}::date, v.score FROM (VALUES ${values}) AS v(customer_id, score)
      WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = v.customer_id AND c.tenant_id = ${tenantId}::uuid)
      ON CONFLICT (tenant_id, customer_id, day) DO UPDATE SET score = excluded.score, updated_at = now()`.execute(
      this.db,
    );
  }

  async scoreHistory(
    tenantId: string,
    customerId: string,
    fromDay: string,
  ): Promise<Array<{ day: string; score: number }>> {
    if (!isUuid(customerId)) return [];
    const r = await sql<{ day: string; score: number }>`SELECT to_char(day, 'YYYY-MM-DD') AS day, score
      FROM customer_score_history
      WHERE tenant_id = ${tenantId}::uuid AND customer_id = ${customerId}::uuid AND day >= ${fromDay}::date
      ORDER BY day`.execute(this.db);
    return r.rows.map((x) => ({ day: x.day, score: Number(x.score) }));
  }
}
