// Migration 30: an index for the events list's range (issue 20). The list asks for meetings that overlap
// [start, end): `end_at > start AND start_at < end`. On (tenant_id, user_id, start_at) only `start_at < end` bounds the
// scan, which then reads the user's whole history before `end` (years of meetings for a two-week view). On
// (tenant_id, user_id, end_at) `end_at > start` bounds it to the meetings ending after `start`: for the views people
// open (this week, the next weeks) that is the near future only, whatever the history; `start_at`, the last key
// column, lets the other bound be checked in the index,
// without reading the rows of meetings that start after the range. The planner keeps the start_at index for ranges
// far in the past.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX meetings_tenant_user_end ON meetings (tenant_id, user_id, end_at, start_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX meetings_tenant_user_end`.execute(db);
}
