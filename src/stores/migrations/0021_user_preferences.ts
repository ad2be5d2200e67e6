// Migration 21: each person's display preferences, remembered on the server: the time zone (users.time_zone, which
// already existed) and the 12/24-hour clock, read once from the connected mailbox (Outlook mailboxSettings, Google
// Calendar settings) until the person chooses their own.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN IF NOT EXISTS time_format text
    CHECK (time_format IS NULL OR time_format IN ('12h', '24h'))`.execute(db);
  // 'mailbox': read from the connected mailbox; 'user': chosen by the person (never overwritten by the mailbox).
  await sql`ALTER TABLE users ADD COLUMN IF NOT EXISTS preferences_source text
    CHECK (preferences_source IS NULL OR preferences_source IN ('mailbox', 'user'))`.execute(db);
  await sql`ALTER TABLE users ADD COLUMN IF NOT EXISTS preferences_updated_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS preferences_updated_at`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS preferences_source`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS time_format`.execute(db);
}
