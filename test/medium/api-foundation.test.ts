// The HTTP foundation: health, auth, validation errors with stable codes, tenant isolation (404), no 500s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('health and docs', () => {
  it('serves /healthz, /readyz and the OpenAPI document', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready', database: 'ok' });
    const doc = (await t.app.inject({ url: '/docs/json' })).json() as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/customers', '/api/customers/{id}', '/api/me']),
    );
  });
});

describe('authentication', () => {
  it('answers 401 unauthenticated without a key or with a wrong one', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic abc' }]) {
      const r = await t.app.inject({ url: '/api/me', headers });
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('unauthenticated');
    }
  });

  it('acts as the key owner', async () => {
    const a = await t.newTenant('Auth tenant');
    const r = await t.app.inject({ url: '/api/me', headers: a.auth });
    expect(r.statusCode).toBe(200);
    expect(r.json().tenant.id).toBe(a.tenantId);
    expect(r.json().user.id).toBe(a.userId);
  });

  it('stores API keys only as hashes', async () => {
    const a = await t.newTenant();
    const rows = await t.container.database.db.selectFrom('api_keys').selectAll().execute();
    const raw = JSON.stringify(rows);
    expect(raw).not.toContain(a.apiKey);
    expect(raw).not.toContain(a.apiKey.slice(11));
  });
});

describe('validation errors', () => {
  it('answers malformed JSON with 400 malformed_json', async () => {
    const a = await t.newTenant();
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: { ...a.auth, 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('malformed_json');
    expect(r.body).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('answers schema violations with 400 validation_failed and details', async () => {
    const a = await t.newTenant();
    for (const payload of [
      {},
      { name: '' },
      { name: 'x', domains: 'acme.com' },
      { name: 'x', extra: 1 },
      { name: 'x', domains: ['not a domain'] },
    ]) {
      const r = await t.app.inject({ method: 'POST', url: '/api/customers', headers: a.auth, payload });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.json().error.code).toBe('validation_failed');
    }
    const bad = await t.app.inject({ url: '/api/customers/not-a-uuid', headers: a.auth });
    expect(bad.statusCode).toBe(400);
    const q = await t.app.inject({ url: '/api/customers?limit=-4', headers: a.auth });
    expect(q.statusCode).toBe(400);
  });

  it('rejects a pattern the safe engine cannot run with unsafe_pattern, and loses nothing', async () => {
    const a = await t.newTenant();
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: a.auth,
      payload: { name: 'Evil', subjectPatterns: ['/(a)\\1/'] },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('unsafe_pattern');
    const list = await t.app.inject({ url: '/api/customers', headers: a.auth });
    expect(list.json().items).toEqual([]);
  });

  it('answers an unknown route with 404 route_not_found', async () => {
    const r = await t.app.inject({ url: '/api/nothing-here', headers: (await t.newTenant()).auth });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe('route_not_found');
  });
});

describe('tenant isolation', () => {
  it("answers 404 for another tenant's customer on every verb, and leaves it unchanged", async () => {
    const a = await t.newTenant('A');
    const b = await t.newTenant('B');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: a.auth,
      payload: { name: 'Acme', domains: ['acmecorp.com'], stakeholders: [{ email: 'john@acmecorp.com', role: 'CEO' }] },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const shId = created.json().stakeholders[0].id as string;
    const attempts = [
      { method: 'GET' as const, url: `/api/customers/${id}` },
      { method: 'PATCH' as const, url: `/api/customers/${id}`, payload: { name: 'Stolen' } },
      { method: 'DELETE' as const, url: `/api/customers/${id}` },
      { method: 'POST' as const, url: `/api/customers/${id}/stakeholders`, payload: { email: 'x@evil.com' } },
      { method: 'DELETE' as const, url: `/api/customers/${id}/stakeholders/${shId}` },
    ];
    for (const at of attempts) {
      const r = await t.app.inject({ ...at, headers: b.auth });
      expect(r.statusCode, `${at.method} ${at.url}`).toBe(404);
      expect(r.json().error.code).toBe('not_found');
      expect(r.body).not.toContain('Acme');
    }
    expect((await t.app.inject({ url: '/api/customers', headers: b.auth })).json().items).toEqual([]);
    const still = await t.app.inject({ url: `/api/customers/${id}`, headers: a.auth });
    expect(still.json().name).toBe('Acme');
    expect(still.json().stakeholders).toHaveLength(1);
  });
});

describe('customers CRUD', () => {
  it('creates, updates, lists, manages stakeholders and deletes', async () => {
    const a = await t.newTenant();
    const c = (
      await t.app.inject({
        method: 'POST',
        url: '/api/customers',
        headers: a.auth,
        payload: { name: ' Globex ', domains: ['@Globex.COM'] },
      })
    ).json();
    expect(c.name).toBe('Globex');
    expect(c.domains).toEqual(['globex.com']);
    const p = await t.app.inject({
      method: 'PATCH',
      url: `/api/customers/${c.id}`,
      headers: a.auth,
      payload: { subjectPatterns: ['Globex', '/QBR.*Globex/'] },
    });
    expect(p.json().subjectPatterns).toEqual(['Globex', '/QBR.*Globex/']);
    const s = await t.app.inject({
      method: 'POST',
      url: `/api/customers/${c.id}/stakeholders`,
      headers: a.auth,
      payload: { email: 'Hank@Globex.com', role: 'VP' },
    });
    expect(s.statusCode).toBe(201);
    expect(s.json().email).toBe('hank@globex.com');
    const list = (await t.app.inject({ url: '/api/customers?search=glob', headers: a.auth })).json();
    expect(list.items.map((x: { name: string }) => x.name)).toEqual(['Globex']);
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/api/customers/${c.id}/stakeholders/${s.json().id}`,
          headers: a.auth,
        })
      ).statusCode,
    ).toBe(204);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/customers/${c.id}`, headers: a.auth })).statusCode).toBe(
      204,
    );
    expect((await t.app.inject({ url: `/api/customers/${c.id}`, headers: a.auth })).statusCode).toBe(404);
    const audit = await t.container.audit.list(a.tenantId, { limit: 20 });
    expect(audit.map((x) => x.action)).toEqual(
      expect.arrayContaining(['customer.created', 'customer.updated', 'customer.deleted']),
    );
  });
});
