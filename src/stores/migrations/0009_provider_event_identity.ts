// Migration 9: a provider event is identified by (tenant, connection, calendar, provider id), not by its provider id
// alone. The link tables had a global UNIQUE on the event id, so a second tenant (or a second user) syncing a copy of
// the same meeting under the same id took over the first one's link row. A calendar row belongs to exactly one
// connection of one tenant (calendars: UNIQUE (connection_id, provider_calendar_id)), so (tenant_id, calendar_id,
// event id) is that identity. The new index is built before the old constraint goes, in the migration's transaction:
// every row is kept (rows unique by event id are unique by the wider key too).
import { sql, type Kysely } from 'kysely';

const TABLES = [
  { table: 'outlook_calendar_sync', column: 'outlook_event_id' },
  { table: 'google_calendar_sync', column: 'google_event_id' },
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const { table, column } of TABLES) {
    // NULLS NOT DISTINCT (PostgreSQL 15+): a row without a calendar still cannot be linked twice in a tenant.
    await sql`CREATE UNIQUE INDEX ${sql.id(`${table}_event`)}
      ON ${sql.table(table)} (tenant_id, calendar_id, ${sql.ref(column)}) NULLS NOT DISTINCT`.execute(db);
    await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT IF EXISTS ${sql.id(`${table}_${column}_key`)}`.execute(
      db,
    );
    // Lookups by event id alone (a provider event written by calbridge) keep an index.
    await sql`CREATE INDEX ${sql.id(`${table}_event_id`)} ON ${sql.table(table)} (${sql.ref(column)})`.execute(db);
  }
}

/** Back to the global UNIQUE: fails while two tenants (or calendars) hold a link with the same event id. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const { table, column } of TABLES) {
    await sql`DROP INDEX ${sql.id(`${table}_event_id`)}`.execute(db);
    await sql`ALTER TABLE ${sql.table(table)} ADD CONSTRAINT ${sql.id(`${table}_${column}_key`)} UNIQUE (${sql.ref(column)})`.execute(
      db,
    );
    await sql`DROP INDEX ${sql.id(`${table}_event`)}`.execute(db);
  }
}
