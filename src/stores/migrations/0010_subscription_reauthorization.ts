// Migration 10: a change subscription the provider asked to reauthorize (Graph `reauthorizationRequired`) is marked
// until the calendar's job has answered it, so the request survives a busy queue, a crash or a failed attempt.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE calendar_sync_state ADD COLUMN subscription_reauthorize_requested_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE calendar_sync_state DROP COLUMN subscription_reauthorize_requested_at`.execute(db);
}
