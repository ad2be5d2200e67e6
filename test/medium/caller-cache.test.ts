// A verified API key's caller is remembered for CALLER_CACHE_MS in the process (requests skip the key lookup); a key
// revoked in the database stops working once that time has passed, and a wrong key is never remembered.
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
