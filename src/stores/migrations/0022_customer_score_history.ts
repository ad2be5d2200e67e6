// Migration 22: the engagement score over time: one snapshot per customer and UTC day (the day's latest evaluation),
// written whenever scores are evaluated (metric changes and the recurring re-evaluation), read by the score chart.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE customer_score_history (
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      customer_id uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
      day date NOT NULL,
      score integer NOT NULL CHECK (score BETWEEN 0 AND 100),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, customer_id, day)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS customer_score_history`.execute(db);
}
