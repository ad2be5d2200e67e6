// Migration 15: a calendar whose provider answers its sync with 403/404 and no longer lists it for the connection (its
// owner removed the share) is marked lost: no more syncs for it, its meetings kept, the connection left active.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE calendars ADD COLUMN access_lost_at timestamptz, ADD COLUMN access_lost_reason text`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE calendars DROP COLUMN access_lost_at, DROP COLUMN access_lost_reason`.execute(db);
}
