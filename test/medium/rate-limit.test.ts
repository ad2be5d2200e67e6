// Rate limiting per API key and per tenant: over a limit → 429 rate_limited with Retry-After and the scope that was
// exceeded; other keys and tenants keep working. (Requests without a valid key are answered 401 by the auth hook
// before the limiters run.)
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { createTestApp, type TestApp } from '../support/app.js';

const LIMIT = 5;
const TENANT_LIMIT = 8;
let h: TestApp;
let own: TestApp | undefined;

/** An app of the test's own, closed after it: for limits keyed on the address, which every test shares. */
async function ownApp(env: Record<string, string>): Promise<TestApp> {
  own = h = await createTestApp(env);
  return own;
}
afterEach(async () => {
  await own?.close();
  own = undefined;
});

/**
 * One app for a describe block whose tests each use their own new tenants and keys (budgets are per key and per
 * tenant, so they cannot meet): building the app is most of each test's time.
 */
function sharedApp(env: Record<string, string>): void {
  let shared: TestApp;
  beforeAll(async () => {
    shared = await createTestApp(env);
  });
  beforeEach(() => {
    h = shared;
  });
  afterAll(async () => shared?.close());
}

const get = (headers: Record<string, string>, url = '/api/customers') => h.app.inject({ method: 'GET', url, headers });

function expectRateLimited(res: Awaited<ReturnType<typeof get>>, scope: 'api_key' | 'tenant'): void {
  expect(res.statusCode).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.json().error).toMatchObject({ code: 'rate_limited', details: { scope } });
  expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
}

describe('rate limit per API key', () => {
  sharedApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });

  it('answers 429 with Retry-After and the error body once a key spends its budget', async () => {
    const a = await h.newTenant('A');
    for (let i = 0; i < LIMIT; i++) expect((await get(a.auth)).statusCode).toBe(200);
    expectRateLimited(await get(a.auth), 'api_key');
    // every route under /api counts against the same key
    expect((await get(a.auth, '/api/me')).statusCode).toBe(429);
  });

  it('leaves another key of the same tenant and keys of other tenants unaffected', async () => {
    const a = await h.newTenant('A');
    const colleague = await h.container.tenants.createApiKey(a.tenantId, 'colleague@tenant-a.example');
    const b = await h.newTenant('B');
    for (let i = 0; i < LIMIT + 2; i++) await get(a.auth);
    expect((await get(a.auth)).statusCode).toBe(429);
    expect((await get({ authorization: `Bearer ${colleague.apiKey}` })).statusCode).toBe(200);
    for (let i = 0; i < LIMIT; i++) expect((await get(b.auth)).statusCode).toBe(200);
    expect((await get(b.auth)).statusCode).toBe(429);
  });

  it('keeps health checks outside the limit', async () => {
    const a = await h.newTenant('A');
    for (let i = 0; i < LIMIT + 1; i++) await get(a.auth);
    expect((await get(a.auth)).statusCode).toBe(429);
    for (let i = 0; i < LIMIT + 2; i++) expect((await get(a.auth, '/healthz')).statusCode).toBe(200);
  });
});

describe('rate limit per tenant', () => {
  sharedApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT), RATE_LIMIT_TENANT_PER_MINUTE: String(TENANT_LIMIT) });

  it('answers 429 to every key of a tenant once its keys together spend the tenant budget; other tenants go on', async () => {
    const a = await h.newTenant('A');
    const second = {
      authorization: `Bearer ${(await h.container.tenants.createApiKey(a.tenantId, 'two@a.example')).apiKey}`,
    };
    const b = await h.newTenant('B');
    // 4 + 4 requests: each key stays under its own limit of 5, the tenant reaches its 8
    for (let i = 0; i < TENANT_LIMIT / 2; i++) {
      expect((await get(a.auth)).statusCode).toBe(200);
      expect((await get(second, '/api/me')).statusCode).toBe(200);
    }
    expectRateLimited(await get(second), 'tenant');
    expectRateLimited(await get(a.auth, '/api/me'), 'tenant');
    // a key created after the budget is spent belongs to the same tenant: limited too
    const third = await h.container.tenants.createApiKey(a.tenantId, 'three@a.example');
    expectRateLimited(await get({ authorization: `Bearer ${third.apiKey}` }), 'tenant');
    // another tenant is unaffected, and still has its own per-key limit
    for (let i = 0; i < LIMIT; i++) expect((await get(b.auth)).statusCode).toBe(200);
    expectRateLimited(await get(b.auth), 'api_key');
  });

  it('checks the key first: a key refused by its own limit does not use up its colleagues’ share', async () => {
    const a = await h.newTenant('A');
    const colleague = {
      authorization: `Bearer ${(await h.container.tenants.createApiKey(a.tenantId, 'colleague@a.example')).apiKey}`,
    };
    for (let i = 0; i < LIMIT; i++) expect((await get(a.auth)).statusCode).toBe(200);
    for (let i = 0; i < 10; i++) expectRateLimited(await get(a.auth), 'api_key');
    // the tenant has counted only the 5 answered requests: 3 left for the colleague
    for (let i = 0; i < TENANT_LIMIT - LIMIT; i++) expect((await get(colleague)).statusCode).toBe(200);
    expectRateLimited(await get(colleague), 'tenant');
  });

  it('keeps health checks and unauthenticated requests outside the tenant limit', async () => {
    const a = await h.newTenant('A');
    const colleague = await h.container.tenants.createApiKey(a.tenantId, 'colleague@a.example');
    for (let i = 0; i < LIMIT; i++) await get(a.auth);
    for (let i = 0; i < LIMIT; i++) await get({ authorization: `Bearer ${colleague.apiKey}` });
    expect((await get({ authorization: `Bearer ${colleague.apiKey}` })).statusCode).toBe(429);
    expect((await get(a.auth, '/healthz')).statusCode).toBe(200);
    expect((await get({ authorization: 'Bearer not-a-key' })).statusCode).toBe(401);
  });

  it('reads RATE_LIMIT_TENANT_PER_MINUTE, larger than the per-key limit by default, and rejects bad values', () => {
    const defaults = loadConfig({});
    expect(defaults.rateLimitTenantPerMinute).toBeGreaterThan(defaults.rateLimitPerMinute);
    // the default follows a raised per-key limit
    expect(loadConfig({ RATE_LIMIT_PER_MINUTE: '100000' }).rateLimitTenantPerMinute).toBeGreaterThan(100_000);
    expect(loadConfig({ RATE_LIMIT_TENANT_PER_MINUTE: '42' }).rateLimitTenantPerMinute).toBe(42);
    for (const bad of ['0', '-1', 'many'])
      expect(() => loadConfig({ RATE_LIMIT_TENANT_PER_MINUTE: bad })).toThrow(ConfigError);
    expect(() => loadConfig({ RATE_LIMIT_TENANT_PER_MINUTE: 'many' })).toThrow(/RATE_LIMIT_TENANT_PER_MINUTE/);
  });
});

// Issue 17, hole 5: the limits are keyed on what the client cannot choose — the address, and the key only once it is
// verified — and failed authentications are limited per address.
describe('limits a client cannot side-step', () => {
  it('counts requests to a public path against the address, whatever Authorization header each one invents', async () => {
    await ownApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    const publicPath = '/api/integrations/outlook/callback?state=x&code=y';
    for (let i = 0; i < LIMIT; i++)
      expect((await get({ authorization: `Bearer made-up-${i}` }, publicPath)).statusCode).not.toBe(429);
    const res = await get({ authorization: 'Bearer yet-another-one' }, publicPath);
    expectRateLimited(res, 'api_key');
  });

  it('refuses an address after AUTH_FAILURES_PER_MINUTE failed authentications, even with a valid key, for the minute', async () => {
    await ownApp({ AUTH_FAILURES_PER_MINUTE: '4', RATE_LIMIT_PER_MINUTE: '1000' });
    const a = await h.newTenant('A');
    for (let i = 0; i < 4; i++) expect((await get({ authorization: `Bearer guess-${i}` })).statusCode).toBe(401);
    const refused = await get({ authorization: 'Bearer guess-5' });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ code: 'rate_limited', details: { scope: 'auth_failures' } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['x-ratelimit-scope']).toBe('auth_failures');
    // the guessed key is not even checked now: a right one from the same address waits out the minute too
    expect((await get(a.auth)).statusCode).toBe(429);
    // another address is unaffected
    const other = await h.app.inject({
      method: 'GET',
      url: '/api/customers',
      headers: a.auth,
      remoteAddress: '10.1.2.3',
    });
    expect(other.statusCode).toBe(200);
  });

  it('keys an authenticated caller on its verified key: a changed header spelling does not open a new budget', async () => {
    await ownApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    const a = await h.newTenant('A');
    const key = a.auth.authorization!.replace(/^Bearer\s+/i, '');
    const spellings = [`Bearer ${key}`, `bearer ${key}`, `BEARER ${key}`, `Bearer   ${key}`, `Bearer ${key} `];
    for (let i = 0; i < LIMIT; i++)
      expect((await get({ authorization: spellings[i % spellings.length]! })).statusCode).toBe(200);
    expectRateLimited(await get({ authorization: `bEaReR ${key}` }), 'api_key');
  });
});
