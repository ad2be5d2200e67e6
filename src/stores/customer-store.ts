// Postgres repository for customers and their stakeholders; every query is scoped by tenant.
import { sql, type Kysely } from 'kysely';
import type { Customer, CustomerInput, CustomerListQuery, Stakeholder } from '../domain/customers.js';
import type { CustomerStore } from '../ports/stores.js';
import type { CustomerRow, DB, StakeholderRow } from './schema.js';

const toStakeholder = (r: StakeholderRow): Stakeholder => ({
  id: r.id,
  customerId: r.customer_id,
  email: r.email,
  name: r.name,
  role: r.role,
});

const toCustomer = (r: CustomerRow, stakeholders: StakeholderRow[]): Customer => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  domains: r.domains,
  subjectPatterns: r.subject_patterns,
  stakeholders: stakeholders.filter((s) => s.customer_id === r.id).map(toStakeholder),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** PostgreSQL's foreign_key_violation: the row referenced (here the customer) is gone. */
const FOREIGN_KEY_VIOLATION = '23503';
const isForeignKeyViolation = (e: unknown): boolean => {
  const x = e as { code?: string; cause?: { code?: string } } | null;
  return x?.code === FOREIGN_KEY_VIOLATION || x?.cause?.code === FOREIGN_KEY_VIOLATION;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids that are not UUIDs can match nothing; checking first avoids a database cast error. */
export const isUuid = (id: string): boolean => UUID.test(id);

export class PgCustomerStore implements CustomerStore {
  constructor(private readonly db: Kysely<DB>) {}

  private async withStakeholders(tenantId: string, rows: CustomerRow[]): Promise<Customer[]> {
    if (rows.length === 0) return [];
    const sh = await this.db
      .selectFrom('stakeholders')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where(
        'customer_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('email')
      .execute();
    return rows.map((r) => toCustomer(r, sh));
  }

  /**
   * One page, filtered by name and ordered in SQL: by name or creation (`descending` reverses, the id breaks ties), or
   * by a ranking computed elsewhere (the metrics' health, trend, last contact) passed as an array of ids: each row's
   * position in it, rows not in it (created since) last by name.
   */
  async list(tenantId: string, opts: CustomerListQuery) {
    let q = this.db.selectFrom('customers').selectAll().where('tenant_id', '=', tenantId);
    if (opts.search) q = q.where('name', 'ilike', `%${opts.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const dir = opts.descending ? 'desc' : 'asc';
    const by = opts.orderBy ?? 'name';
    if (typeof by === 'object') {
      const ids = by.rank.filter(isUuid);
      q = q
        .orderBy(sql`array_position(${sql.val(ids)}::uuid[], id) asc nulls last`)
        .orderBy(sql`lower(name)`)
        .orderBy('id');
    } else if (by === 'createdAt') q = q.orderBy('created_at', dir).orderBy('id', dir);
    // names without regard to case ("acme" beside "Acme"), whatever the database's collation
    else
      q = q
        .orderBy(sql`lower(name)`, dir)
        .orderBy('name', dir)
        .orderBy('id', dir);
    const rows = await q.limit(opts.limit).offset(opts.offset).execute();
    return this.withStakeholders(tenantId, rows);
  }

  async listAll(tenantId: string) {
    const rows = await this.db.selectFrom('customers').selectAll().where('tenant_id', '=', tenantId).execute();
    return this.withStakeholders(tenantId, rows);
  }

  async get(tenantId: string, id: string) {
    if (!isUuid(id)) return null;
    const row = await this.db
      .selectFrom('customers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? ((await this.withStakeholders(tenantId, [row]))[0] ?? null) : null;
  }

  async create(tenantId: string, input: CustomerInput) {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('customers')
        .values({
          tenant_id: tenantId,
          name: input.name,
          domains: input.domains ?? [],
          subject_patterns: input.subjectPatterns ?? [],
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const sh = input.stakeholders?.length
        ? await trx
            .insertInto('stakeholders')
            .values(
              input.stakeholders.map((s) => ({
                tenant_id: tenantId,
                customer_id: row.id,
                email: s.email,
                name: s.name ?? null,
                role: s.role ?? null,
              })),
            )
            .returningAll()
            .execute()
        : [];
      return toCustomer(row, sh);
    });
  }

  async update(tenantId: string, id: string, input: Partial<CustomerInput>) {
    if (!isUuid(id)) return null;
    const set: Record<string, unknown> = { updated_at: new Date() };
    if (input.name !== undefined) set.name = input.name;
    if (input.domains !== undefined) set.domains = input.domains;
    if (input.subjectPatterns !== undefined) set.subject_patterns = input.subjectPatterns;
    const row = await this.db
      .updateTable('customers')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? ((await this.withStakeholders(tenantId, [row]))[0] ?? null) : null;
  }

  async delete(tenantId: string, id: string) {
    if (!isUuid(id)) return false;
    const r = await this.db
      .deleteFrom('customers')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async addStakeholder(
    tenantId: string,
    customerId: string,
    input: { email: string; name?: string | null; role?: string | null },
  ) {
    if (!(await this.get(tenantId, customerId))) return null;
    // A deletion of the customer may commit between that read and this insert: the insert then fails on the
    // customer reference, which is the same answer as no customer.
    const row = await this.db
      .insertInto('stakeholders')
      .values({
        tenant_id: tenantId,
        customer_id: customerId,
        email: input.email,
        name: input.name ?? null,
        role: input.role ?? null,
      })
      .onConflict((oc) =>
        oc.columns(['customer_id', 'email']).doUpdateSet({ name: input.name ?? null, role: input.role ?? null }),
      )
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((e: unknown) => {
        if (isForeignKeyViolation(e)) return null;
        throw e;
      });
    return row ? toStakeholder(row) : null;
  }

  async removeStakeholder(tenantId: string, customerId: string, stakeholderId: string) {
    if (!isUuid(customerId) || !isUuid(stakeholderId)) return false;
    const r = await this.db
      .deleteFrom('stakeholders')
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', customerId)
      .where('id', '=', stakeholderId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
