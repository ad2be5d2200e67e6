// Migration 31: an index for the events list's copy merging (issue 20). The list shows copies of one meeting (same
// iCalUId and start: the caller's own calendar and a shared one both synced) once: a meeting is listed unless
// another copy ranks before it (NOT EXISTS), and the page's meetings carry their other copies (alsoIn). Both look a
// meeting's copies up by (ical_uid, start_at): with this index that is one probe per meeting, which finds only the
// meeting itself when it has no copy (most do not), instead of window functions over the whole range partitioned by
// iCalUId and start. The tenant and user are checked on the rows found (the same meeting synced for people of other
// tenants is a few rows more). Neither is a key column, so the planner never takes this index for the list's range
// scan (with (tenant_id, user_id, ical_uid, start_at) it did, on tables without statistics: every meeting of the
// user read), and without it the probes went to (tenant_id, start_at): every meeting of the tenant at that instant.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX meetings_copies ON meetings (ical_uid, start_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX meetings_copies`.execute(db);
}
