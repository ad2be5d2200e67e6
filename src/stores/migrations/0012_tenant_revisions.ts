// Migration 12: a revision counter per tenant for what processes cache in memory — the customer index (detection) and
// the metrics state. A process that changes customers or meetings bumps it; every other process (the HTTP service, the
// other workers) sees the new value on its next read and reloads, instead of serving stale state until a TTL ran out.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE tenant_revisions (
      tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
      customers bigint NOT NULL DEFAULT 0,
      meetings bigint NOT NULL DEFAULT 0
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE tenant_revisions`.execute(db);
}
