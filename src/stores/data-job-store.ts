// Postgres side of tenant and user deletion and export: the data_jobs rows (migration 28), the erasure of a tenant
// (its row, and by the schema's ON DELETE CASCADE every row naming it), and the export of every row of every table
// with a tenant_id column (found in information_schema, so a table added later is exported too), secrets left out.
import { sql, type Kysely } from 'kysely';
import type {
  DataJob,
  DataJobKind,
  DataJobStore,
  ExportLine,
  TenantEraser,
  TenantExporter,
} from '../ports/data-jobs.js';
import type { DB } from './schema.js';

interface DataJobsTable {
  id: string;
  kind: DataJobKind;
  tenant_id: string | null;
  user_id: string | null;
  requested_by: string | null;
  status_token_hash: string;
  state: DataJob['state'];
  steps_total: number;
  steps_done: number;
  step: string | null;
  result: unknown;
  error_code: string | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}
type Row = DataJobsTable;
const toJob = (r: Row): DataJob => ({
  id: r.id,
  kind: r.kind,
  tenantId: r.tenant_id,
  userId: r.user_id,
  requestedBy: r.requested_by,
  state: r.state,
  stepsTotal: r.steps_total,
  stepsDone: r.steps_done,
  step: r.step,
  result: (typeof r.result === 'string' ? JSON.parse(r.result) : r.result) as Record<string, number>,
  errorCode: r.error_code,
  attempts: r.attempts,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  finishedAt: r.finished_at,
});
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PgDataJobStore implements DataJobStore {
  private readonly db: Kysely<DB & { data_jobs: DataJobsTable }>;

  constructor(db: Kysely<DB>) {
    this.db = db.withTables<{ data_jobs: DataJobsTable }>();
  }

  async create(j: Parameters<DataJobStore['create']>[0]): Promise<DataJob> {
    const r = await this.db
      .insertInto('data_jobs')
      .values({
        kind: j.kind,
        tenant_id: j.tenantId,
        user_id: j.userId,
        requested_by: j.requestedBy,
        status_token_hash: j.statusTokenHash,
      } as never)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toJob(r as Row);
  }

  async get(id: string): Promise<DataJob | null> {
    if (!UUID.test(id)) return null;
    const r = await this.db.selectFrom('data_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toJob(r as Row) : null;
  }

  async byToken(id: string, hash: string): Promise<DataJob | null> {
    if (!UUID.test(id)) return null;
    const r = await this.db
      .selectFrom('data_jobs')
      .selectAll()
      .where('id', '=', id)
      .where('status_token_hash', '=', hash)
      .executeTakeFirst();
    return r ? toJob(r as Row) : null;
  }

  async claim(id: string, leaseMs: number): Promise<boolean> {
    if (!UUID.test(id)) return false;
    // updated_at is written by this process's clock on every update, so the lease is measured by the same clock
    const now = new Date();
    const r = await this.db
      .updateTable('data_jobs')
      .set({ state: 'running', attempts: sql<number>`attempts + 1`, error_code: null, updated_at: now } as never)
      .where('id', '=', id)
      .where('state', '!=', 'done')
      .where((eb) => eb.or([eb('state', '!=', 'running'), eb('updated_at', '<', new Date(now.getTime() - leaseMs))]))
      .returning('id')
      .executeTakeFirst();
    return r !== undefined;
  }

  async pending(tenantId: string, kind: DataJobKind, userId: string | null): Promise<DataJob | null> {
    let q = this.db
      .selectFrom('data_jobs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', kind)
      .where('state', 'in', ['queued', 'running']);
    if (userId) q = q.where('user_id', '=', userId);
    const r = await q.orderBy('created_at').executeTakeFirst();
    return r ? toJob(r as Row) : null;
  }

  async update(id: string, p: Parameters<DataJobStore['update']>[1]): Promise<void> {
    await this.db
      .updateTable('data_jobs')
      .set({
        ...(p.state ? { state: p.state } : {}),
        ...(p.stepsTotal !== undefined ? { steps_total: p.stepsTotal } : {}),
        ...(p.stepsDone !== undefined ? { steps_done: p.stepsDone } : {}),
        ...(p.step !== undefined ? { step: p.step } : {}),
        ...(p.result ? { result: JSON.stringify(p.result) } : {}),
        ...(p.errorCode !== undefined ? { error_code: p.errorCode } : {}),
        ...(p.finishedAt !== undefined ? { finished_at: p.finishedAt } : {}),
        ...(p.attempt ? { attempts: sql<number>`attempts + 1` } : {}),
        ...(p.detach ? { tenant_id: null, user_id: null, requested_by: null } : {}),
        updated_at: new Date(),
      } as never)
      .where('id', '=', id)
      .execute();
  }
}

export class PgTenantEraser implements TenantEraser {
  constructor(private readonly db: Kysely<DB>) {}

  async userIds(tenantId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('users').select('id').where('tenant_id', '=', tenantId).execute();
    return rows.map((r) => r.id);
  }

  async connections(tenantId: string, userId?: string): Promise<Array<{ userId: string; provider: string }>> {
    let q = this.db
      .selectFrom('calendar_connections')
      .select(['user_id', 'provider'])
      .where('tenant_id', '=', tenantId)
      .where('status', '!=', 'revoked');
    if (userId) q = q.where('user_id', '=', userId);
    const rows = await q.orderBy('user_id').orderBy('provider').execute();
    return rows.map((r) => ({ userId: r.user_id, provider: r.provider }));
  }

  async cutOff(tenantId: string, at: Date): Promise<{ apiKeys: number; sessions: number }> {
    const k = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('tenant_id', '=', tenantId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const s = await this.db
      .updateTable('sessions')
      .set({ revoked_at: at })
      .where('tenant_id', '=', tenantId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return { apiKeys: Number(k.numUpdatedRows), sessions: Number(s.numUpdatedRows) };
  }

  async exists(tenantId: string): Promise<boolean> {
    return !!(await this.db.selectFrom('tenants').select('id').where('id', '=', tenantId).executeTakeFirst());
  }

  async eraseTenant(tenantId: string): Promise<Record<string, number>> {
    return this.db.transaction().execute(async (trx) => {
      // counted first (for the job's result), then one DELETE: every table's tenant_id cascades from tenants
      const counts: Record<string, number> = {};
      for (const t of await tenantTables(trx)) {
        if (t === 'data_jobs') continue;
        const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(t)}
          WHERE tenant_id = ${tenantId}::uuid`.execute(trx);
        const n = Number(r.rows[0]?.n ?? 0);
        if (n > 0) counts[t] = n;
      }
      const d = await trx.deleteFrom('tenants').where('id', '=', tenantId).executeTakeFirst();
      counts.tenants = Number(d.numDeletedRows);
      return counts;
    });
  }
}

/** Every table of the current schema with a tenant_id column, in name order. */
async function tenantTables(db: Kysely<DB>): Promise<string[]> {
  const r = await sql<{ table_name: string }>`SELECT c.table_name FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
    ORDER BY c.table_name`.execute(db);
  return r.rows.map((x) => x.table_name);
}

/** Columns never exported: token ciphertexts, hashes of credentials, CSRF tokens, PKCE verifiers. */
const SECRET_COLUMN = /(ciphertext|_hash$|^csrf_token$|^nonce$|verifier)/;
/** Tables not exported: calbridge's own bookkeeping. */
const SKIP_TABLES = new Set(['data_jobs']);
const PAGE = 500;

export class PgTenantExporter implements TenantExporter {
  constructor(private readonly db: Kysely<DB>) {}

  async *rows(tenantId: string): AsyncIterable<ExportLine> {
    // the tenant's own row first, then each table in name order, each in pages (keyset on ctid would not be stable
    // across statements; an offset over a fixed order is, and exports are rare)
    const t = await sql<Record<string, unknown>>`SELECT * FROM tenants WHERE id = ${tenantId}::uuid`.execute(this.db);
    for (const row of t.rows) yield { table: 'tenants', row };
    for (const table of await tenantTables(this.db)) {
      if (SKIP_TABLES.has(table)) continue;
      for (let offset = 0; ; offset += PAGE) {
        const r = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}
          WHERE tenant_id = ${tenantId}::uuid ORDER BY 1, 2 LIMIT ${PAGE} OFFSET ${offset}`.execute(this.db);
        for (const row of r.rows)
          yield {
            table,
            row: Object.fromEntries(Object.entries(row).filter(([k]) => !SECRET_COLUMN.test(k))),
          };
        if (r.rows.length < PAGE) break;
      }
    }
  }
}
