// Migration 2: adds MICROSOFT to calendar_provider_type, as a platform that already had GOOGLE runs it.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // IF NOT EXISTS keeps it idempotent; the value cannot be used in the same transaction (PostgreSQL rule),
  // so later migrations never reference it literally in DDL defaults.
  await sql`ALTER TYPE calendar_provider_type ADD VALUE IF NOT EXISTS 'MICROSOFT'`.execute(db);
}

export async function down(): Promise<void> {
  // PostgreSQL cannot drop an enum value; rolling back keeps it (harmless: no row needs it).
}
