// Stakeholders: one per e-mail address (case-insensitive) in a create, and an add that races the customer's deletion
// answers 404 not_found, never a 500 from the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customers.js';
import type { PgCustomerStore } from '../../src/stores/customer-store.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('POST /api/customers with the same stakeholder twice', () => {
  it('keeps one stakeholder per address whatever its case, with the details either entry gave', async () => {
    const a = await t.newTenant();
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: a.auth,
      payload: {
        name: 'Initech',
        stakeholders: [
          { email: 'Bill@Initech.example', name: 'Bill Lumbergh' },
          { email: 'peter@initech.example' },
          { email: ' bill@INITECH.example ', role: 'VP' },
        ],
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    const c = r.json() as Customer;
    expect(c.stakeholders.map((s) => [s.email, s.name, s.role])).toEqual([
      ['bill@initech.example', 'Bill Lumbergh', 'VP'],
      ['peter@initech.example', null, null],
    ]);
    const list = await t.app.inject({ url: '/api/customers', headers: a.auth });
    expect((list.json().items as Customer[]).map((x) => x.name)).toEqual(['Initech']);
  });
});

describe('a stakeholder added while the customer is deleted', () => {
  it('answers 404 not_found, and the customer stays deleted', async () => {
    const a = await t.newTenant();
    const c = (
      await t.app.inject({ method: 'POST', url: '/api/customers', headers: a.auth, payload: { name: 'Hooli' } })
    ).json() as Customer;
    // The store reads the customer, then the DELETE of another request commits before the insert.
    const store = (t.container.customers as unknown as { customers: PgCustomerStore }).customers;
    const get = store.get.bind(store);
    let reads = 0;
    store.get = async (tenantId, id) => {
      const found = await get(tenantId, id);
      if (++reads === 2) await store.delete(tenantId, id);
      return found;
    };
    try {
      const r = await t.app.inject({
        method: 'POST',
        url: `/api/customers/${c.id}/stakeholders`,
        headers: a.auth,
        payload: { email: 'gavin@hooli.example' },
      });
      expect(r.statusCode, r.body).toBe(404);
      expect(r.json().error.code).toBe('not_found');
    } finally {
      store.get = get;
    }
    expect((await t.app.inject({ url: `/api/customers/${c.id}`, headers: a.auth })).statusCode).toBe(404);
    const rows = await t.container.database.db
      .selectFrom('stakeholders')
      .select('id')
      .where('customer_id', '=', c.id)
      .execute();
    expect(rows).toEqual([]);
  });
});
