// Migration 7: calendar settings: one default calendar per connection (enforced), per-user sync preferences.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Someone else's shared calendar is never the caller's default; of several own defaults the oldest stays.
  await sql`UPDATE calendars SET is_default = false WHERE is_default AND is_shared`.execute(db);
  await sql`UPDATE calendars c SET is_default = false
    WHERE c.is_default AND EXISTS (
      SELECT 1 FROM calendars o
      WHERE o.connection_id = c.connection_id AND o.is_default AND (o.created_at, o.id) < (c.created_at, c.id)
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX calendars_one_default ON calendars (connection_id) WHERE is_default`.execute(db);
  await sql`
    CREATE TABLE sync_preferences (
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      window_past_days integer NOT NULL CHECK (window_past_days BETWEEN 0 AND 3650),
      window_future_days integer NOT NULL CHECK (window_future_days BETWEEN 1 AND 3650),
      poll_interval_seconds integer NOT NULL CHECK (poll_interval_seconds BETWEEN 5 AND 86400),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, user_id)
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX sync_preferences_user ON sync_preferences (user_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE sync_preferences`.execute(db);
  await sql`DROP INDEX calendars_one_default`.execute(db);
}
