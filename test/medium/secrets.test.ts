// Tokens never appear in the raw database, in captured logs or in responses; key rotation re-encrypts.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keyring } from '../../src/stores/crypto/keyring.js';
import { PgTokenVault } from '../../src/stores/token-vault.js';
import { createTestApp, type TestApp } from '../support/app.js';

const ACCESS = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.known-access-${randomBytes(6).toString('hex')}`;
const REFRESH = `0.AAAA-known-refresh-${randomBytes(6).toString('hex')}`;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function newConnection(tenantId: string, userId: string): Promise<string> {
  const row = await t.container.database.db
    .insertInto('calendar_connections')
    .values({ tenant_id: tenantId, user_id: userId, provider: 'MICROSOFT', account_email: 'adele@contoso.com' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function rawDump(): Promise<string> {
  const tables = ['calendar_connections', 'oauth_states', 'audit_log', 'api_keys'];
  let out = '';
  for (const table of tables) {
    const r = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(t.container.database.db);
    out += JSON.stringify(r.rows);
  }
  return out;
}

describe('token vault', () => {
  it('keeps tokens unreadable in the raw table and in logs', async () => {
    const a = await t.newTenant();
    const id = await newConnection(a.tenantId, a.userId);
    await t.container.vault.save(a.tenantId, id, { accessToken: ACCESS, refreshToken: REFRESH });
    expect(await t.container.vault.load(a.tenantId, id)).toEqual({ accessToken: ACCESS, refreshToken: REFRESH });
    const dump = await rawDump();
    expect(dump).not.toContain(ACCESS);
    expect(dump).not.toContain(REFRESH);
    expect(dump).not.toContain('known-access');
    // Something that logs a token-shaped object, a request carrying the token, and an OAuth-style query.
    t.app.log.info(
      { accessToken: ACCESS, nested: { refresh_token: REFRESH, deeper: { token: ACCESS } } },
      'token refreshed',
    );
    await t.app.inject({
      url: `/api/me?code=${REFRESH}&state=${ACCESS}`,
      headers: { authorization: `Bearer ${ACCESS}` },
    });
    await t.app.inject({ url: '/api/me', headers: a.auth });
    const logs = t.logs();
    expect(logs).toContain('token refreshed');
    expect(logs).not.toContain(ACCESS);
    expect(logs).not.toContain(REFRESH);
    expect(logs).not.toContain(a.apiKey);
  });

  it('scopes the vault by tenant', async () => {
    const a = await t.newTenant();
    const b = await t.newTenant();
    const id = await newConnection(a.tenantId, a.userId);
    await t.container.vault.save(a.tenantId, id, { refreshToken: REFRESH });
    expect(await t.container.vault.load(b.tenantId, id)).toBeNull();
  });

  it('rotates: old ciphertexts decrypt until re-encrypted, then carry the new key id', async () => {
    const a = await t.newTenant();
    const id = await newConnection(a.tenantId, a.userId);
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const oldVault = new PgTokenVault(t.container.database.db, new Keyring(oldKey));
    await oldVault.save(a.tenantId, id, { refreshToken: REFRESH });
    // The ring also holds the container's key: other tests' rows were written with it.
    const containerKey = t.container.keyring as unknown as { keys: Map<string, Buffer> };
    const newRing = new Keyring(newKey, [oldKey, containerKey.keys.get(t.container.keyring.currentId)!]);
    const vault = new PgTokenVault(t.container.database.db, newRing);
    expect(await vault.load(a.tenantId, id)).toEqual({ refreshToken: REFRESH });
    const n = await vault.reencryptAll();
    expect(n).toBeGreaterThanOrEqual(1);
    const row = await t.container.database.db
      .selectFrom('calendar_connections')
      .select(['token_ciphertext', 'token_key_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.token_key_id).toBe(newRing.currentId);
    expect(Keyring.keyIdOfEnvelope(row.token_ciphertext!)).toBe(newRing.currentId);
    expect(await new PgTokenVault(t.container.database.db, new Keyring(newKey)).load(a.tenantId, id)).toEqual({
      refreshToken: REFRESH,
    });
    await expect(new PgTokenVault(t.container.database.db, new Keyring(oldKey)).load(a.tenantId, id)).rejects.toThrow(
      /no key/,
    );
  });
});
