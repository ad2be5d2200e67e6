// Per-API-key rate limiting: over the limit → 429 rate_limited with Retry-After; other keys and tenants keep working.
// (Requests without a valid key are answered 401 by the auth hook before the limiter runs.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

const LIMIT = 5;
let h: TestApp;

beforeEach(async () => {
  h = await createTestApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
});
afterEach(async () => h.close());

const get = (headers: Record<string, string>, url = '/api/customers') => h.app.inject({ method: 'GET', url, headers });

describe('rate limit per API key', () => {
  it('answers 429 with Retry-After and the error body once a key spends its budget', async () => {
    const a = await h.newTenant('A');
    for (let i = 0; i < LIMIT; i++) expect((await get(a.auth)).statusCode).toBe(200);
    const over = await get(a.auth);
    expect(over.statusCode).toBe(429);
    const retryAfter = Number(over.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(over.json().error).toMatchObject({ code: 'rate_limited' });
    expect(over.body).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
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
