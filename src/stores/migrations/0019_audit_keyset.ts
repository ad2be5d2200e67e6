// Migration 19: the audit trail is read newest first a page at a time (GET /api/audit, keyset on id) and exported
// whole; an index on (tenant_id, id) serves both without sorting the tenant's entries.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX audit_log_tenant_id_idx ON audit_log (tenant_id, id DESC)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX audit_log_tenant_id_idx`.execute(db);
}
