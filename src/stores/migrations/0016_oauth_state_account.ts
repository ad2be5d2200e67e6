// Migration 16: a connect flow's state records whether its initiator allowed signing in with an account other than
// their own (`allowOtherAccount` in the connect body); the callback refuses any other account unless it is set.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE oauth_states ADD COLUMN allow_other_account boolean NOT NULL DEFAULT false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE oauth_states DROP COLUMN allow_other_account`.execute(db);
}
