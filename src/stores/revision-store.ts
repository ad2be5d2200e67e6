// Tenant revisions in PostgreSQL: one row per tenant, one primary-key read or upsert per call.
import { sql, type Kysely } from 'kysely';
import type { RevisionKind, TenantRevisions } from '../ports/revisions.js';
import type { DB } from './schema.js';

export class PgTenantRevisions implements TenantRevisions {
  constructor(private readonly db: Kysely<DB>) {}

  async read(tenantId: string): Promise<Record<RevisionKind, number>> {
    const r = await sql<{ customers: string | number; meetings: string | number }>`
      SELECT customers, meetings FROM tenant_revisions WHERE tenant_id = ${tenantId}`.execute(this.db);
    const row = r.rows[0];
    return { customers: Number(row?.customers ?? 0), meetings: Number(row?.meetings ?? 0) };
  }

  async bump(tenantId: string, kind: RevisionKind): Promise<number> {
    const column = sql.ref(kind);
    const r = await sql<{ v: string | number }>`
      INSERT INTO tenant_revisions (tenant_id, ${column}) VALUES (${tenantId}, 1)
      ON CONFLICT (tenant_id) DO UPDATE SET ${column} = tenant_revisions.${column} + 1
      RETURNING ${column} AS v`.execute(this.db);
    return Number(r.rows[0]?.v ?? 0);
  }
}
