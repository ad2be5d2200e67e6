// Postgres repository for customers and their stakeholders; every query is scoped by tenant.
import { sql, type Kysely } from 'kysely';
import type { Customer, CustomerInput, CustomerListQuery, Stakeholder } from '../domain/customers.js';
import type { CustomerStore } from '../ports/stores.js';
import { prepared } from './prepared.js';
import type { CustomerRow, DB, StakeholderRow } from './schema.js';

const toStakeholder = (r: StakeholderRow): Stakeholder => ({
  id: r.id,
  customerId: r.customer_id,
  email: r.email,
  name: r.name,
  role: r.role,
});

/** `stakeholders`: the customer's own (in the order they were read). */
const toCustomer = (r: CustomerRow, stakeholders: StakeholderRow[]): Customer => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  domains: r.domains,
  subjectPatterns: r.subject_patterns,
  stakeholders: stakeholders.map(toStakeholder),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

type PageOrder = { by: 'name' | 'createdAt'; descending: boolean; search: boolean };
type PageQuery = (
  db: Kysely<DB>,
  tenantId: string,
  limit: number,
  offset: number,
  pattern?: string,
) => Promise<CustomerRow[]>;

/** A page of customers ordered by a column (with or without a name pattern), compiled once per shape (issue 20). */
const pageQueries = new Map<string, PageQuery>();
function pageQuery(o: PageOrder): PageQuery {
  const key = `${o.by} ${o.descending} ${o.search}`;
  let q = pageQueries.get(key);
  if (!q) {
    q = prepared(
      (db: Kysely<DB>, tenantId: string, limit: number, offset: number, pattern?: string) => {
        let b = db.selectFrom('customers').selectAll().where('tenant_id', '=', tenantId);
        if (o.search) b = b.where('name', 'ilike', pattern!);
        const dir = o.descending ? 'desc' : 'asc';
        if (o.by === 'createdAt') b = b.orderBy('created_at', dir).orderBy('id', dir);
        // names without regard to case ("acme" beside "Acme"), whatever the database's collation
        else
          b = b
            .orderBy(sql`lower(name)`, dir)
            .orderBy('name', dir)
            .orderBy('id', dir);
        return b.limit(limit).offset(offset);
      },
      o.search ? 4 : 3,
    ) as PageQuery;
    pageQueries.set(key, q);
  }
  return q;
}

/** The stakeholders of a page's customers: one statement for any number of ids (the ids as one array parameter). */
const stakeholdersOf = prepared(
  (db: Kysely<DB>, tenantId: string, ids: string[]) =>
    db
      .selectFrom('stakeholders')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where(sql<boolean>`customer_id = any(${ids}::uuid[])`)
      .orderBy('email'),
  2,
);

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
    const sh = await stakeholdersOf(
      this.db,
      tenantId,
      rows.map((r) => r.id),
    );
    const byCustomer = new Map<string, StakeholderRow[]>();
    for (const s of sh) {
      const list = byCustomer.get(s.customer_id);
      if (list) list.push(s);
      else byCustomer.set(s.customer_id, [s]);
    }
    return rows.map((r) => toCustomer(r, byCustomer.get(r.id) ?? []));
  }

  /**
   * One page, filtered by name and ordered in SQL: by name or creation (`descending` reverses, the id breaks ties), or
   * by a ranking computed elsewhere (the metrics' health, trend, last contact) passed as an array of ids: each row's
   * position in it, rows not in it (created since) last by name.
   */
  async list(tenantId: string, opts: CustomerListQuery) {
    const pattern = opts.search ? `%${opts.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
    const by = opts.orderBy ?? 'name';
    if (typeof by !== 'object') {
      const page = pageQuery({ by, descending: opts.descending === true, search: pattern !== undefined });
      return this.withStakeholders(tenantId, await page(this.db, tenantId, opts.limit, opts.offset, pattern));
    }
    // a ranking's array changes with every call: built each time
    let q = this.db.selectFrom('customers').selectAll().where('tenant_id', '=', tenantId);
    if (pattern !== undefined) q = q.where('name', 'ilike', pattern);
    const ids = by.rank.filter(isUuid);
    q = q
      .orderBy(sql`array_position(${sql.val(ids)}::uuid[], id) asc nulls last`)
      .orderBy(sql`lower(name)`)
      .orderBy('id');
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
