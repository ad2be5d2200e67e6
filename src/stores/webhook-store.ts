// Postgres outbox for webhooks and brief e-mails (leased, retried), the sealed webhook secret, and briefs sent.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Attendee, EmailAddress } from '../domain/calendar.js';
import type { BriefStore, Delivery, DeliveryKind, DeliveryStore, UpcomingCustomerMeeting } from '../ports/detection.js';
import { json } from './meeting-query-store.js';
import type { DB } from './schema.js';

interface OutboxDB extends DB {
  outbound_deliveries: {
    id: string;
    tenant_id: string;
    kind: string;
    payload: unknown;
    status: string;
    attempts: number;
    next_attempt_at: Date;
    lease_until: Date | null;
    last_error: string | null;
    created_at: Date;
    sent_at: Date | null;
  };
  tenant_webhook_secrets: { tenant_id: string; ciphertext: string; created_at: Date };
  briefs_sent: {
    tenant_id: string;
    occurrence_key: string;
    kind: string;
    meeting_id: string | null;
    delivery_id: string | null;
    created_at: Date;
  };
}

async function insertDelivery(
  db: Kysely<OutboxDB> | Transaction<OutboxDB>,
  tenantId: string,
  kind: DeliveryKind,
  payload: Record<string, unknown>,
  at: Date,
): Promise<string> {
  const r = await sql<{ id: string }>`INSERT INTO outbound_deliveries (tenant_id, kind, payload, next_attempt_at)
    VALUES (${tenantId}::uuid, ${kind}, ${JSON.stringify(payload)}::jsonb, ${at}) RETURNING id`.execute(db);
  return r.rows[0]!.id;
}

interface RawUpcoming {
  id: string;
  tenant_id: string;
  user_id: string;
  ical_uid: string | null;
  original_start: Date | null;
  customer_id: string;
  subject: string;
  body: string;
  body_content_type: string;
  start_at: Date;
  end_at: Date;
  organizer: unknown;
  attendees: unknown;
}

export class PgOutboxStore implements DeliveryStore, BriefStore {
  private readonly db: Kysely<OutboxDB>;
  constructor(db: Kysely<DB>) {
    this.db = db as unknown as Kysely<OutboxDB>;
  }

  enqueue(tenantId: string, kind: DeliveryKind, payload: Record<string, unknown>, at: Date): Promise<string> {
    return insertDelivery(this.db, tenantId, kind, payload, at);
  }

  async claimDue(now: Date, limit: number, leaseSeconds: number): Promise<Delivery[]> {
    const lease = new Date(now.getTime() + leaseSeconds * 1000);
    // SKIP LOCKED: concurrent workers never claim the same delivery; an expired lease (crashed worker) is reclaimed.
    const r = await sql<{ id: string; tenant_id: string; kind: DeliveryKind; payload: unknown; attempts: number }>`
      UPDATE outbound_deliveries d SET status = 'sending', lease_until = ${lease}, attempts = d.attempts + 1
      WHERE d.id IN (
        SELECT id FROM outbound_deliveries
        WHERE (status = 'pending' AND next_attempt_at <= ${now}) OR (status = 'sending' AND lease_until < ${now})
        ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d.tenant_id, d.kind, d.payload, d.attempts`.execute(this.db);
    return r.rows.map((x) => ({
      id: x.id,
      tenantId: x.tenant_id,
      kind: x.kind,
      payload: json<Record<string, unknown>>(x.payload),
      attempts: x.attempts,
    }));
  }

  async markSent(id: string, now: Date): Promise<void> {
    await this.db
      .updateTable('outbound_deliveries')
      .set({ status: 'sent', sent_at: now, lease_until: null, last_error: null })
      .where('id', '=', id)
      .execute();
  }

  async markFailed(id: string, error: string, retryAt: Date | null): Promise<void> {
    await this.db
      .updateTable('outbound_deliveries')
      .set(
        retryAt
          ? { status: 'pending', next_attempt_at: retryAt, lease_until: null, last_error: error.slice(0, 500) }
          : { status: 'failed', lease_until: null, last_error: error.slice(0, 500) },
      )
      .where('id', '=', id)
      .execute();
  }

  async saveSecret(tenantId: string, ciphertext: string): Promise<void> {
    await this.db
      .insertInto('tenant_webhook_secrets')
      .values({ tenant_id: tenantId, ciphertext, created_at: new Date() })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ciphertext, created_at: new Date() }))
      .execute();
  }

  async loadSecret(tenantId: string): Promise<string | null> {
    const r = await this.db
      .selectFrom('tenant_webhook_secrets')
      .select('ciphertext')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return r?.ciphertext ?? null;
  }

  /** Deliveries of a tenant (tests and operators). */
  async deliveries(tenantId: string): Promise<
    Array<{
      id: string;
      kind: string;
      status: string;
      attempts: number;
      payload: Record<string, unknown>;
      lastError: string | null;
    }>
  > {
    const rows = await this.db
      .selectFrom('outbound_deliveries')
      .select(['id', 'kind', 'status', 'attempts', 'payload', 'last_error'])
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      attempts: r.attempts,
      payload: json<Record<string, unknown>>(r.payload),
      lastError: r.last_error,
    }));
  }

  async upcoming(from: Date, to: Date, limit: number): Promise<UpcomingCustomerMeeting[]> {
    const r = await sql<RawUpcoming>`
      SELECT id, tenant_id, user_id, ical_uid, original_start, customer_id, subject, body, body_content_type, start_at,
        end_at, organizer, attendees
      FROM meetings
      WHERE customer_id IS NOT NULL AND start_at >= ${from} AND start_at < ${to} AND is_cancelled = false
        AND event_type <> 'seriesMaster' AND response_status <> 'declined'
      ORDER BY start_at, id LIMIT ${limit}`.execute(this.db);
    return r.rows.map((x) => {
      const start = new Date(x.start_at).toISOString();
      const occ = x.original_start ? new Date(x.original_start).toISOString() : start;
      return {
        id: x.id,
        tenantId: x.tenant_id,
        userId: x.user_id,
        occurrenceKey: x.ical_uid ? `${x.ical_uid}|${occ}` : x.id,
        customerId: x.customer_id,
        subject: x.subject,
        body: x.body,
        bodyContentType: x.body_content_type,
        start,
        end: new Date(x.end_at).toISOString(),
        organizer: x.organizer ? json<EmailAddress>(x.organizer) : null,
        attendees: json<Attendee[]>(x.attendees),
      };
    });
  }

  async recentMeetings(
    tenantId: string,
    customerId: string,
    before: Date,
    limit: number,
  ): Promise<Array<{ id: string; subject: string; start: string }>> {
    const rows = await this.db
      .selectFrom('meetings')
      .select(['id', 'subject', 'start_at'])
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', customerId)
      .where('start_at', '<', before)
      .where('is_cancelled', '=', false)
      .where('event_type', '!=', 'seriesMaster')
      .orderBy('start_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, subject: r.subject, start: new Date(r.start_at).toISOString() }));
  }

  async userEmail(tenantId: string, userId: string): Promise<string | null> {
    const r = await this.db
      .selectFrom('users')
      .select('email')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .executeTakeFirst();
    return r?.email ?? null;
  }

  async claimBrief(
    b: { tenantId: string; occurrenceKey: string; kind: string; meetingId: string },
    delivery: { kind: DeliveryKind; payload: Record<string, unknown>; at: Date },
  ): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const claimed = await sql<{ occurrence_key: string }>`
        INSERT INTO briefs_sent (tenant_id, occurrence_key, kind, meeting_id)
        VALUES (${b.tenantId}::uuid, ${b.occurrenceKey}, ${b.kind}, ${b.meetingId}::uuid)
        ON CONFLICT DO NOTHING RETURNING occurrence_key`.execute(tx);
      if (claimed.rows.length === 0) return false;
      const id = await insertDelivery(tx, b.tenantId, delivery.kind, delivery.payload, delivery.at);
      await sql`UPDATE briefs_sent SET delivery_id = ${id}::uuid
        WHERE tenant_id = ${b.tenantId}::uuid AND occurrence_key = ${b.occurrenceKey} AND kind = ${b.kind}`.execute(tx);
      return true;
    });
  }
}
