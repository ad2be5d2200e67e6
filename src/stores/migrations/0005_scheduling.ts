// Migration 5: scheduling: the approval result kept on proposals, soft-deleted templates, "inherit" Teams default.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE meeting_proposals ADD COLUMN result jsonb`.execute(db);
  await sql`CREATE INDEX meeting_proposals_tenant_user ON meeting_proposals (tenant_id, user_id, created_at)`.execute(
    db,
  );
  await sql`ALTER TABLE meeting_templates
    ADD COLUMN deleted_at timestamptz,
    ALTER COLUMN online_meeting DROP NOT NULL,
    ALTER COLUMN online_meeting DROP DEFAULT`.execute(db);
  await sql`ALTER TABLE meeting_templates DROP CONSTRAINT meeting_templates_tenant_id_name_key`.execute(db);
  await sql`CREATE UNIQUE INDEX meeting_templates_live_name ON meeting_templates (tenant_id, lower(name))
    WHERE deleted_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX meeting_templates_live_name`.execute(db);
  await sql`DELETE FROM meeting_templates WHERE deleted_at IS NOT NULL`.execute(db);
  await sql`UPDATE meeting_templates SET online_meeting = true WHERE online_meeting IS NULL`.execute(db);
  await sql`ALTER TABLE meeting_templates ADD CONSTRAINT meeting_templates_tenant_id_name_key UNIQUE (tenant_id, name)`.execute(
    db,
  );
  await sql`ALTER TABLE meeting_templates DROP COLUMN deleted_at,
    ALTER COLUMN online_meeting SET DEFAULT true, ALTER COLUMN online_meeting SET NOT NULL`.execute(db);
  await sql`DROP INDEX meeting_proposals_tenant_user`.execute(db);
  await sql`ALTER TABLE meeting_proposals DROP COLUMN result`.execute(db);
}
