// Migration 4: what the sync engine needs beyond the first schema: provider ids on meetings, full-sync generations,
// the Google link table, and the customer-link fields sync must never overwrite.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE meetings
    ADD COLUMN provider_event_id text,
    ADD COLUMN provider_series_master_id text,
    ADD COLUMN provider_change_key text,
    ADD COLUMN seen_generation integer NOT NULL DEFAULT 0,
    ADD COLUMN external_id text`.execute(db);
  await sql`CREATE UNIQUE INDEX meetings_calendar_provider_event ON meetings (calendar_id, provider_event_id)`.execute(
    db,
  );
  await sql`CREATE INDEX meetings_provider_master ON meetings (calendar_id, provider_series_master_id)
    WHERE provider_series_master_id IS NOT NULL`.execute(db);
  await sql`ALTER TABLE calendar_sync_state
    ADD COLUMN generation integer NOT NULL DEFAULT 0,
    ADD COLUMN last_full_sync_at timestamptz,
    ADD COLUMN resync_count integer NOT NULL DEFAULT 0`.execute(db);
  await sql`
    CREATE TABLE google_calendar_sync (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      meeting_id uuid NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
      google_event_id text NOT NULL UNIQUE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      calendar_id uuid REFERENCES calendars(id) ON DELETE CASCADE,
      last_synced_at timestamptz,
      sync_direction varchar(10),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      etag text,
      ical_uid text
    )`.execute(db);
  await sql`CREATE INDEX google_calendar_sync_meeting ON google_calendar_sync (meeting_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE google_calendar_sync`.execute(db);
  await sql`ALTER TABLE calendar_sync_state DROP COLUMN generation, DROP COLUMN last_full_sync_at, DROP COLUMN resync_count`.execute(
    db,
  );
  await sql`DROP INDEX meetings_provider_master`.execute(db);
  await sql`DROP INDEX meetings_calendar_provider_event`.execute(db);
  await sql`ALTER TABLE meetings DROP COLUMN provider_event_id, DROP COLUMN provider_series_master_id,
    DROP COLUMN provider_change_key, DROP COLUMN seen_generation, DROP COLUMN external_id`.execute(db);
}
