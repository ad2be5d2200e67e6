// Migration 23: a rejected proposal keeps the reason its approver gave (shown to the requester).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE meeting_proposals ADD COLUMN IF NOT EXISTS decision_reason text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE meeting_proposals DROP COLUMN IF EXISTS decision_reason`.execute(db);
}
