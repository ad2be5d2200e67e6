// Migration 31: an index for the events list's copy merging (issue 20). The list shows copies of one meeting (same
// iCalUId and start: the caller's own calendar and a shared one both synced) once: a meeting is listed unless
// another copy ranks before it (NOT EXISTS), and the page's meetings carry their other copies (alsoIn). Both look a
// meeting's copies up by (tenant_id, user_id, ical_uid, start_at): with this index that is one probe per meeting,
// which finds nothing for the meetings that have no copy (most of them), instead of window functions over the whole
// range partitioned by iCalUId and start. Without tenant_id as its first column the planner probed
// (tenant_id, start_at) instead when a tenant has one user (the bench's), which in a large tenant reads every
// meeting of the tenant starting at that instant.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX meetings_user_copies ON meetings (tenant_id, user_id, ical_uid, start_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX meetings_user_copies`.execute(db);
}
