// Every customer of every tenant in keyset pages, for jobs that walk all tenants (score re-evaluation).
import type { Kysely } from 'kysely';
import type { CustomerKey, CustomerPager } from '../ports/detection.js';
import type { DB } from './schema.js';

export class PgCustomerPager implements CustomerPager {
  constructor(private readonly db: Kysely<DB>) {}

  async customersAfter(after: CustomerKey | null, limit: number): Promise<CustomerKey[]> {
    let q = this.db.selectFrom('customers').select(['tenant_id', 'id']).orderBy('tenant_id').orderBy('id').limit(limit);
    if (after)
      q = q.where((eb) =>
        eb.or([
          eb('tenant_id', '>', after.tenantId),
          eb.and([eb('tenant_id', '=', after.tenantId), eb('id', '>', after.customerId)]),
        ]),
      );
    const rows = await q.execute();
    return rows.map((r) => ({ tenantId: r.tenant_id, customerId: r.id }));
  }
}
