// Migration 6: detection lookups (candidates index), last engagement scores, the webhook secret and outbox, prep briefs sent.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX meetings_candidates ON meetings USING gin (customer_candidates jsonb_path_ops)`.execute(db);
  await sql`CREATE INDEX meetings_tenant_start ON meetings (tenant_id, start_at)`.execute(db);
  await sql`
    CREATE TABLE customer_health_scores (
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
      score integer NOT NULL,
      notified_score integer NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, customer_id)
    )`.execute(db);
  await sql`
    CREATE TABLE tenant_webhook_secrets (
      tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
      ciphertext text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE outbound_deliveries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('health_webhook', 'brief_email', 'brief_webhook')),
      payload jsonb NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      lease_until timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX outbound_deliveries_due ON outbound_deliveries (status, next_attempt_at)`.execute(db);
  await sql`
    CREATE TABLE briefs_sent (
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      occurrence_key text NOT NULL,
      kind text NOT NULL,
      meeting_id uuid REFERENCES meetings(id) ON DELETE SET NULL,
      delivery_id uuid REFERENCES outbound_deliveries(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, occurrence_key, kind)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE briefs_sent, outbound_deliveries, tenant_webhook_secrets, customer_health_scores`.execute(db);
  await sql`DROP INDEX meetings_tenant_start`.execute(db);
  await sql`DROP INDEX meetings_candidates`.execute(db);
}
