// Migration 25: platform webhooks (issue 19, part 3): a tenant's endpoints, each with its URL, event-type filters and
// its own sealed signing secret; the outbox's deliveries to an endpoint (kind endpoint_webhook) carry the endpoint, the
// event's type and id, and every attempt is kept for the delivery log (status code, a truncated answer, next retry).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE webhook_endpoints (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    url text NOT NULL,
    description text NOT NULL DEFAULT '',
    event_types text[] NOT NULL DEFAULT '{}',
    enabled boolean NOT NULL DEFAULT true,
    secret_ciphertext text NOT NULL,
    secret_rotated_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  await sql`CREATE INDEX webhook_endpoints_tenant_idx ON webhook_endpoints (tenant_id, created_at)`.execute(db);
  await sql`ALTER TABLE outbound_deliveries
    ADD COLUMN endpoint_id uuid REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    ADD COLUMN event_type text,
    ADD COLUMN event_id uuid,
    ADD COLUMN replay_of uuid,
    ADD COLUMN last_status_code integer,
    ADD COLUMN last_attempt_at timestamptz`.execute(db);
  await sql`CREATE INDEX outbound_deliveries_endpoint_idx ON outbound_deliveries (tenant_id, endpoint_id, created_at)
    WHERE endpoint_id IS NOT NULL`.execute(db);
  await sql`ALTER TABLE outbound_deliveries DROP CONSTRAINT IF EXISTS outbound_deliveries_kind_check`.execute(db);
  await sql`ALTER TABLE outbound_deliveries ADD CONSTRAINT outbound_deliveries_kind_check
    CHECK (kind IN ('health_webhook', 'brief_email', 'brief_webhook', 'approval_email', 'approval_webhook',
      'endpoint_webhook'))`.execute(db);
  await sql`CREATE TABLE webhook_delivery_attempts (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id uuid NOT NULL REFERENCES outbound_deliveries(id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    attempt integer NOT NULL,
    attempted_at timestamptz NOT NULL,
    status_code integer,
    error text,
    response_body text,
    duration_ms integer NOT NULL DEFAULT 0,
    next_retry_at timestamptz
  )`.execute(db);
  await sql`CREATE INDEX webhook_delivery_attempts_delivery_idx ON webhook_delivery_attempts (delivery_id, seq)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE webhook_delivery_attempts`.execute(db);
  await sql`DELETE FROM outbound_deliveries WHERE kind = 'endpoint_webhook'`.execute(db);
  await sql`ALTER TABLE outbound_deliveries DROP CONSTRAINT IF EXISTS outbound_deliveries_kind_check`.execute(db);
  await sql`ALTER TABLE outbound_deliveries ADD CONSTRAINT outbound_deliveries_kind_check
    CHECK (kind IN ('health_webhook', 'brief_email', 'brief_webhook', 'approval_email', 'approval_webhook'))`.execute(
    db,
  );
  await sql`ALTER TABLE outbound_deliveries DROP COLUMN endpoint_id, DROP COLUMN event_type, DROP COLUMN event_id,
    DROP COLUMN replay_of, DROP COLUMN last_status_code, DROP COLUMN last_attempt_at`.execute(db);
  await sql`DROP TABLE webhook_endpoints`.execute(db);
}
