// Migration 14: working hours calbridge keeps per user, for providers whose API has none (Google Calendar keeps them in
// its web UI only). One row per (tenant, user); absent → the provider adapter's default.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE working_hours (
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      days_of_week text NOT NULL, -- comma-separated lower-case day names
      start_time text NOT NULL,
      end_time text NOT NULL,
      time_zone text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, user_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE working_hours`.execute(db);
}
