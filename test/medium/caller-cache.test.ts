// A verified API key's caller is remembered for CALLER_CACHE_MS in the process (requests skip the key lookup); a key
// revoked in the database stops working once that time has passed, and a wrong key is never remembered. A change made
// through this process (key revoked, role changed, user deactivated) takes effect on the very next request, a lookup
// under way during such a change is not remembered, and a key is only ever served its own tenant's caller. The clock
// is pinned: the remembered callers never expire by themselves in the second part.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/ports/clock.js';
import { CALLER_CACHE_MS } from '../../src/services/tenancy/tenant-service.js';
import { createTestApp, type TestApp } from '../support/app.js';

const clock = fixedClock('2026-12-07T09:00:00Z');
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { clock });
});
afterAll(async () => {
  await t?.close();
});

const me = (authorization: string) => t.app.inject({ url: '/api/me', headers: { authorization } });

describe('caller cache', () => {
  it('keeps a revoked key working for at most CALLER_CACHE_MS, then answers 401', async () => {
    const k = await t.newTenant('Cache Co');
    expect((await me(k.auth.authorization)).statusCode).toBe(200);
    await sql`UPDATE api_keys SET revoked_at = now() WHERE user_id = ${k.userId}::uuid`.execute(
      t.container.database.db,
    );
    // Remembered: the lookup that would see the revocation is not made.
    expect((await me(k.auth.authorization)).statusCode).toBe(200);
    clock.advance(CALLER_CACHE_MS - 1);
    expect((await me(k.auth.authorization)).statusCode).toBe(200);
    clock.advance(2);
    expect((await me(k.auth.authorization)).statusCode).toBe(401);
    // Not remembered as good again, however often it is tried.
    expect((await me(k.auth.authorization)).statusCode).toBe(401);
  });

  it('looks up a key again after the time has passed, and never remembers a wrong one', async () => {
    const k = await t.newTenant('Fresh Co');
    expect((await me('Bearer cbk_wrong_key')).statusCode).toBe(401);
    expect((await me(k.auth.authorization)).statusCode).toBe(200);
    clock.advance(CALLER_CACHE_MS + 1);
    expect((await me(k.auth.authorization)).statusCode).toBe(200);
    expect((await me('Bearer cbk_wrong_key')).statusCode).toBe(401);
  });
});

describe('caller cache, forgotten at once on a change in this process', () => {
  const call = (
    url: string,
    authorization: string,
    method: 'GET' | 'DELETE' | 'PATCH' | 'POST' = 'GET',
    payload?: object,
  ) => t.app.inject({ method, url, headers: { authorization }, ...(payload ? { payload } : {}) });

  it('answers 401 to a revoked key on the very next request', async () => {
    const admin = await t.newTenant('Revoke Co');
    const m = await t.container.tenants.createApiKey(admin.tenantId, 'member@revoke.example', { role: 'member' });
    const auth = `Bearer ${m.apiKey}`;
    expect((await me(auth)).statusCode).toBe(200);
    expect((await me(auth)).statusCode).toBe(200);
    const del = await call(`/api/api-keys/${m.keyId}`, admin.auth.authorization, 'DELETE');
    expect(del.statusCode, del.body).toBe(200);
    expect((await me(auth)).statusCode).toBe(401);
  });

  it('applies a role change and a deactivation on the very next request', async () => {
    const admin = await t.newTenant('Role Co');
    const m = await t.container.tenants.createApiKey(admin.tenantId, 'member@role.example', { role: 'member' });
    const auth = `Bearer ${m.apiKey}`;
    const keys = () => call('/api/api-keys', auth);
    expect((await keys()).statusCode).toBe(403);
    const up = await call(`/api/users/${m.userId}`, admin.auth.authorization, 'PATCH', { role: 'admin' });
    expect(up.statusCode, up.body).toBe(200);
    expect((await keys()).statusCode).toBe(200);
    const down = await call(`/api/users/${m.userId}`, admin.auth.authorization, 'PATCH', { role: 'member' });
    expect(down.statusCode, down.body).toBe(200);
    const refused = await keys();
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'role_required', details: { role: 'member' } });
    const off = await call(`/api/users/${m.userId}/deactivate`, admin.auth.authorization, 'POST');
    expect(off.statusCode, off.body).toBe(200);
    expect((await me(auth)).statusCode).toBe(401);
  });

  it('does not remember a lookup that was under way when the caller was forgotten', async () => {
    const k = await t.newTenant('Race Co');
    // The lookup starts (a cache miss), the caller is forgotten while it runs (as a revocation does), then the key
    // is revoked in the database by another process, which this process is not told about.
    const pending = t.container.tenants.authenticate(k.auth.authorization);
    t.container.tenants.forgetCallers(k.tenantId, k.userId);
    await pending;
    await sql`UPDATE api_keys SET revoked_at = now() WHERE user_id = ${k.userId}::uuid`.execute(
      t.container.database.db,
    );
    expect((await me(k.auth.authorization)).statusCode).toBe(401);
  });

  it("never serves one tenant's caller for another tenant's key", async () => {
    const a = await t.newTenant('Cache A');
    const b = await t.newTenant('Cache B');
    const made = await call('/api/customers', a.auth.authorization, 'POST', { name: 'Only in A' });
    expect(made.statusCode, made.body).toBe(201);
    for (let i = 0; i < 3; i++) {
      const ma = (await me(a.auth.authorization)).json() as { tenant: { id: string }; user: { id: string } };
      const mb = (await me(b.auth.authorization)).json() as { tenant: { id: string }; user: { id: string } };
      expect([ma.tenant.id, ma.user.id]).toEqual([a.tenantId, a.userId]);
      expect([mb.tenant.id, mb.user.id]).toEqual([b.tenantId, b.userId]);
      const lb = (await call('/api/customers', b.auth.authorization)).json() as { items: Array<{ name: string }> };
      expect(lb.items.map((c) => c.name)).not.toContain('Only in A');
      const la = (await call('/api/customers', a.auth.authorization)).json() as { items: Array<{ name: string }> };
      expect(la.items.map((c) => c.name)).toContain('Only in A');
    }
  });
});
