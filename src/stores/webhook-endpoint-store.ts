// Postgres adapter of the platform webhooks: endpoints (sealed secrets), their deliveries in the outbox
// (outbound_deliveries, kind endpoint_webhook) and every attempt (webhook_delivery_attempts). Tenant-scoped throughout.
import { sql, type Kysely } from 'kysely';
import type {
  MeetingEventRow,
  MeetingEventSource,
  StoredWebhookEvent,
  WebhookAttempt,
  WebhookDeliveryStatus,
  WebhookDeliveryView,
  WebhookEndpoint,
  WebhookEndpointStore,
} from '../ports/webhooks.js';
import { json } from './meeting-query-store.js';
import type { DB } from './schema.js';

interface EndpointRow {
  id: string;
  tenant_id: string;
  url: string;
  description: string;
  event_types: string[] | string;
  enabled: boolean;
  secret_rotated_at: Date;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  next_attempt_at: Date;
  replay_of: string | null;
  created_at: Date;
  sent_at: Date | null;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/** PGlite gives text[] as an array; a pg driver without the array parser as '{a,b}'. */
const textArray = (v: string[] | string): string[] =>
  Array.isArray(v)
    ? v
    : v === '{}'
      ? []
      : v
          .replace(/^\{|\}$/g, '')
          .split(',')
          .map((s) => s.replace(/^"|"$/g, ''));

const endpointOf = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  tenantId: r.tenant_id,
  url: r.url,
  description: r.description,
  eventTypes: textArray(r.event_types),
  enabled: r.enabled,
  secretRotatedAt: iso(r.secret_rotated_at)!,
  previousSecretExpiresAt: iso(r.previous_secret_expires_at),
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

const deliveryOf = (r: DeliveryRow): WebhookDeliveryView => ({
  id: r.id,
  endpointId: r.endpoint_id,
  eventId: r.event_id,
  eventType: r.event_type,
  status: r.status,
  attempts: r.attempts,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  lastAttemptAt: iso(r.last_attempt_at),
  nextRetryAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
  replayOf: r.replay_of,
  createdAt: iso(r.created_at)!,
  sentAt: iso(r.sent_at),
});

const ENDPOINT_COLS = sql`id, tenant_id, url, description, event_types, enabled, secret_rotated_at,
  previous_secret_expires_at, created_at, updated_at`;
const DELIVERY_COLS = sql`id, endpoint_id, event_id, event_type, status, attempts, last_status_code, last_error,
  last_attempt_at, next_attempt_at, replay_of, created_at, sent_at`;
const textArrayLiteral = (xs: readonly string[]) => sql`${`{${xs.map((x) => `"${x}"`).join(',')}}`}::text[]`;

export class PgWebhookEndpointStore implements WebhookEndpointStore, MeetingEventSource {
  constructor(private readonly db: Kysely<DB>) {}

  async create(
    tenantId: string,
    e: {
      id: string;
      url: string;
      description: string;
      eventTypes: string[];
      enabled: boolean;
      secretCiphertext: string;
    },
    now: Date,
  ): Promise<WebhookEndpoint> {
    const r = await sql<EndpointRow>`INSERT INTO webhook_endpoints
        (id, tenant_id, url, description, event_types, enabled, secret_ciphertext, secret_rotated_at, created_at, updated_at)
      VALUES (${e.id}::uuid, ${tenantId}::uuid, ${e.url}, ${e.description}, ${textArrayLiteral(e.eventTypes)}, ${e.enabled},
        ${e.secretCiphertext}, ${now}, ${now}, ${now})
      RETURNING ${ENDPOINT_COLS}`.execute(this.db);
    return endpointOf(r.rows[0]!);
  }

  async list(tenantId: string): Promise<WebhookEndpoint[]> {
    const r = await sql<EndpointRow>`SELECT ${ENDPOINT_COLS} FROM webhook_endpoints
      WHERE tenant_id = ${tenantId}::uuid ORDER BY created_at, id`.execute(this.db);
    return r.rows.map(endpointOf);
  }

  async count(tenantId: string): Promise<number> {
    const r = await sql<{ n: string | number }>`SELECT count(*) AS n FROM webhook_endpoints
      WHERE tenant_id = ${tenantId}::uuid`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  async get(tenantId: string, id: string): Promise<WebhookEndpoint | null> {
    const r = await sql<EndpointRow>`SELECT ${ENDPOINT_COLS} FROM webhook_endpoints
      WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid`.execute(this.db);
    return r.rows[0] ? endpointOf(r.rows[0]) : null;
  }

  async update(
    tenantId: string,
    id: string,
    patch: Partial<Pick<WebhookEndpoint, 'url' | 'description' | 'eventTypes' | 'enabled'>>,
    now: Date,
  ): Promise<WebhookEndpoint | null> {
    const sets = [sql`updated_at = ${now}`];
    if (patch.url !== undefined) sets.push(sql`url = ${patch.url}`);
    if (patch.description !== undefined) sets.push(sql`description = ${patch.description}`);
    if (patch.eventTypes !== undefined) sets.push(sql`event_types = ${textArrayLiteral(patch.eventTypes)}`);
    if (patch.enabled !== undefined) sets.push(sql`enabled = ${patch.enabled}`);
    const r = await sql<EndpointRow>`UPDATE webhook_endpoints SET ${sql.join(sets)}
      WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid RETURNING ${ENDPOINT_COLS}`.execute(this.db);
    return r.rows[0] ? endpointOf(r.rows[0]) : null;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const r = await sql<{ id: string }>`DELETE FROM webhook_endpoints
      WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid RETURNING id`.execute(this.db);
    return r.rows.length > 0;
  }

  async setSecret(
    tenantId: string,
    id: string,
    ciphertext: string,
    now: Date,
    previousUntil: Date | null = null,
  ): Promise<boolean> {
    // The right-hand sides read the row as it was: the previous secret is the one replaced, moved still sealed.
    const previous = previousUntil
      ? sql`previous_secret_ciphertext = secret_ciphertext, previous_secret_expires_at = ${previousUntil}`
      : sql`previous_secret_ciphertext = NULL, previous_secret_expires_at = NULL`;
    const r = await sql<{ id: string }>`UPDATE webhook_endpoints
      SET ${previous}, secret_ciphertext = ${ciphertext}, secret_rotated_at = ${now}, updated_at = ${now}
      WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid RETURNING id`.execute(this.db);
    return r.rows.length > 0;
  }

  async previousSecretOf(tenantId: string, id: string, now: Date): Promise<string | null> {
    const r = await sql<{ previous_secret_ciphertext: string | null }>`SELECT previous_secret_ciphertext
      FROM webhook_endpoints WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid
        AND previous_secret_expires_at > ${now}`.execute(this.db);
    return r.rows[0]?.previous_secret_ciphertext ?? null;
  }

  async secretOf(tenantId: string, id: string): Promise<string | null> {
    const r = await sql<{ secret_ciphertext: string }>`SELECT secret_ciphertext FROM webhook_endpoints
      WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid`.execute(this.db);
    return r.rows[0]?.secret_ciphertext ?? null;
  }

  async receiving(tenantId: string, type: string): Promise<WebhookEndpoint[]> {
    const r = await sql<EndpointRow>`SELECT ${ENDPOINT_COLS} FROM webhook_endpoints
      WHERE tenant_id = ${tenantId}::uuid AND enabled
        AND (cardinality(event_types) = 0 OR ${type} = ANY(event_types))
      ORDER BY created_at, id`.execute(this.db);
    return r.rows.map(endpointOf);
  }

  async enqueue(
    tenantId: string,
    endpointIds: readonly string[],
    event: StoredWebhookEvent,
    at: Date,
    replayOf?: string,
  ): Promise<string[]> {
    const ids: string[] = [];
    for (const endpointId of endpointIds) {
      const r = await sql<{ id: string }>`INSERT INTO outbound_deliveries
          (tenant_id, kind, payload, next_attempt_at, endpoint_id, event_type, event_id, replay_of)
        VALUES (${tenantId}::uuid, 'endpoint_webhook', ${JSON.stringify({ endpointId, event: event.body })}::jsonb, ${at},
          ${endpointId}::uuid, ${event.type}, ${event.id}::uuid, ${replayOf ?? null}::uuid)
        RETURNING id`.execute(this.db);
      ids.push(r.rows[0]!.id);
    }
    return ids;
  }

  async deliveries(
    tenantId: string,
    endpointId: string,
    q: { limit: number; before?: string; status?: WebhookDeliveryStatus },
  ): Promise<WebhookDeliveryView[]> {
    const before = q.before
      ? sql`AND (created_at, id) < (SELECT created_at, id FROM outbound_deliveries
          WHERE tenant_id = ${tenantId}::uuid AND id = ${q.before}::uuid)`
      : sql``;
    const status = q.status ? sql`AND status = ${q.status}` : sql``;
    const r = await sql<DeliveryRow>`SELECT ${DELIVERY_COLS} FROM outbound_deliveries
      WHERE tenant_id = ${tenantId}::uuid AND endpoint_id = ${endpointId}::uuid ${before} ${status}
      ORDER BY created_at DESC, id DESC LIMIT ${q.limit}`.execute(this.db);
    return r.rows.map(deliveryOf);
  }

  async delivery(
    tenantId: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<(WebhookDeliveryView & { event: StoredWebhookEvent; attemptLog: WebhookAttempt[] }) | null> {
    const r = await sql<DeliveryRow & { payload: unknown }>`SELECT ${DELIVERY_COLS}, payload FROM outbound_deliveries
      WHERE tenant_id = ${tenantId}::uuid AND endpoint_id = ${endpointId}::uuid AND id = ${deliveryId}::uuid`.execute(
      this.db,
    );
    const row = r.rows[0];
    if (!row) return null;
    const attempts = await sql<{
      attempt: number;
      attempted_at: Date;
      status_code: number | null;
      error: string | null;
      response_body: string | null;
      duration_ms: number;
      next_retry_at: Date | null;
    }>`SELECT attempt, attempted_at, status_code, error, response_body, duration_ms, next_retry_at
      FROM webhook_delivery_attempts WHERE tenant_id = ${tenantId}::uuid AND delivery_id = ${deliveryId}::uuid
      ORDER BY seq`.execute(this.db);
    const payload = json<{ event: Record<string, unknown> }>(row.payload);
    return {
      ...deliveryOf(row),
      event: { id: row.event_id, type: row.event_type, body: payload.event },
      attemptLog: attempts.rows.map((a) => ({
        attempt: a.attempt,
        attemptedAt: iso(a.attempted_at)!,
        statusCode: a.status_code,
        error: a.error,
        responseBody: a.response_body,
        durationMs: a.duration_ms,
        nextRetryAt: iso(a.next_retry_at),
      })),
    };
  }

  async recordAttempt(deliveryId: string, tenantId: string, a: WebhookAttempt): Promise<void> {
    await sql`INSERT INTO webhook_delivery_attempts
        (delivery_id, tenant_id, attempt, attempted_at, status_code, error, response_body, duration_ms, next_retry_at)
      VALUES (${deliveryId}::uuid, ${tenantId}::uuid, ${a.attempt}, ${new Date(a.attemptedAt)}, ${a.statusCode},
        ${a.error}, ${a.responseBody}, ${a.durationMs}, ${a.nextRetryAt ? new Date(a.nextRetryAt) : null})`.execute(
      this.db,
    );
    await sql`UPDATE outbound_deliveries SET last_status_code = ${a.statusCode},
        last_attempt_at = ${new Date(a.attemptedAt)}
      WHERE tenant_id = ${tenantId}::uuid AND id = ${deliveryId}::uuid`.execute(this.db);
  }

  async meetingsForEvents(tenantId: string, ids: readonly string[]): Promise<MeetingEventRow[]> {
    if (ids.length === 0) return [];
    const r = await sql<{
      id: string;
      user_id: string;
      calendar_id: string | null;
      subject: string;
      start_at: Date;
      end_at: Date;
      is_cancelled: boolean;
      event_type: string;
      ical_uid: string | null;
      customer_id: string | null;
      customer_match_reason: string | null;
      customer_match_confidence: number | null;
      manual_customer: boolean;
    }>`SELECT id, user_id, calendar_id, subject, start_at, end_at, is_cancelled, event_type, ical_uid, customer_id,
        customer_match_reason, customer_match_confidence, manual_customer
      FROM meetings WHERE tenant_id = ${tenantId}::uuid AND id IN (${sql.join(ids.map((id) => sql`${id}::uuid`))})`.execute(
      this.db,
    );
    const byId = new Map(r.rows.map((m) => [m.id, m]));
    return ids.flatMap((id) => {
      const m = byId.get(id);
      if (!m) return [];
      return [
        {
          id: m.id,
          userId: m.user_id,
          calendarId: m.calendar_id,
          subject: m.subject,
          start: iso(m.start_at)!,
          end: iso(m.end_at)!,
          isCancelled: m.is_cancelled,
          eventType: m.event_type,
          iCalUId: m.ical_uid,
          customerId: m.customer_id,
          detectionReason: m.manual_customer && m.customer_id ? 'manual' : m.customer_match_reason,
          detectionConfidence: m.customer_match_confidence === null ? null : Number(m.customer_match_confidence),
        },
      ];
    });
  }
}
