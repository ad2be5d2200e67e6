// Users over the HTTP API (issue 17): invite, role change (audited, the last active admin protected), deactivate (the
// user's API key and browser session stop working at once, their Outlook connection is stopped with its tokens
// erased, their data kept), reactivate, delete (tokens gone from the vault, personal rows gone, a record kept in the
// audit trail), and the tenant's API keys. calbridge with the Microsoft emulator; Adele connects over OAuth.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followAuthorize } from '../support/microsoft.js';
import { startOutlookApp, type OutlookTestApp } from '../support/outlook-app.js';

const ADMIN = 'admin@contoso.com';
const ADELE = 'adele.vance@contoso.com';
const MEGAN = 'megan.bowen@contoso.com';

let h: OutlookTestApp;
let tenantId: string;
let admin: { authorization: string; userId: string };

type Json = Record<string, unknown>;
const call = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  who: { authorization?: string; cookie?: string },
  body?: object,
) =>
  h.app.inject({
    method,
    url,
    headers: {
      ...(who.authorization ? { authorization: who.authorization } : {}),
      ...(who.cookie ? { cookie: who.cookie } : {}),
    },
    ...(body ? { payload: body } : {}),
  });

/** A user of the tenant with an API key (created with `role`). */
async function person(email: string, role: 'member' | 'approver' | 'admin' = 'member') {
  const k = await h.container.tenants.createApiKey(tenantId, email, { role });
  return { userId: k.userId, keyId: k.keyId, authorization: `Bearer ${k.apiKey}` };
}

/** A browser session for the user, as a sign-in starts it; the Cookie header carrying it. */
async function browser(userId: string): Promise<string> {
  const user = (await h.container.tenantStore.getUser(tenantId, userId))!;
  const { token } = await h.container.sessions.start(user, { provider: 'microsoft' });
  return `cb_session=${token}`;
}

/** Connects the user's Outlook through the emulator (consent with login_hint) and returns the connection id. */
async function connectOutlook(who: { authorization: string }, login: string): Promise<string> {
  const res = await call('POST', '/api/integrations/outlook/connect', who, { loginHint: login });
  expect(res.statusCode).toBe(200);
  const q = await followAuthorize(h.t.agent, (res.json() as { authorizeUrl: string }).authorizeUrl);
  const back = await h.app.inject({ method: 'GET', url: `/api/integrations/outlook/callback?${q.toString()}` });
  expect(back.statusCode).toBe(302);
  const status = (await call('GET', '/api/integrations/outlook/status', who)).json() as Json;
  expect(status.status).toBe('active');
  const [row] = await sql<{
    id: string;
  }>`SELECT id FROM calendar_connections WHERE tenant_id = ${tenantId}::uuid AND account_email = ${login}`
    .execute(h.container.database.db)
    .then((r) => r.rows);
  return row!.id;
}

const audit = async (q: string) =>
  ((await call('GET', `/api/audit?${q}`, admin)).json() as { entries: Array<Json & { details: Json }> }).entries;

beforeAll(async () => {
  h = await startOutlookApp();
  tenantId = (await h.container.tenants.createTenant({ name: 'Contoso', calendarProvider: 'MICROSOFT' })).id;
  // the tenant's first user is its admin
  const k = await h.container.tenants.createApiKey(tenantId, ADMIN);
  admin = { authorization: `Bearer ${k.apiKey}`, userId: k.userId };
}, 120_000);
afterAll(async () => h?.close());

describe('users', () => {
  it('lists colleagues to every member, and invites as admin (status invited)', async () => {
    const member = await person('lister@contoso.com');
    const list = await call('GET', '/api/users', member);
    expect(list.statusCode).toBe(200);
    const users = (list.json() as { users: Json[] }).users;
    expect(users.map((u) => u.email)).toEqual(expect.arrayContaining([ADMIN, 'lister@contoso.com']));
    expect(Object.keys(users[0]!).sort()).toEqual(['displayName', 'email', 'id', 'role', 'status']);

    expect((await call('POST', '/api/users', member, { email: 'x@contoso.com', role: 'member' })).statusCode).toBe(403);
    const invited = await call('POST', '/api/users', admin, {
      email: 'Nestor.Wilke@contoso.com',
      displayName: 'Nestor Wilke',
      role: 'approver',
    });
    expect(invited.statusCode).toBe(201);
    expect(invited.json()).toMatchObject({ email: 'nestor.wilke@contoso.com', role: 'approver', status: 'invited' });
    const again = await call('POST', '/api/users', admin, { email: 'nestor.wilke@contoso.com', role: 'member' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('already_exists');
    const [entry] = await audit('action=user.invited');
    expect(entry).toMatchObject({
      actor: admin.userId,
      targetId: (invited.json() as Json).id,
      details: { role: 'approver' },
    });
    // an invited user gets no key until they are active
    const key = await call('POST', '/api/api-keys', admin, { userId: (invited.json() as Json).id });
    expect(key.statusCode).toBe(409);
    expect(key.json().error.code).toBe('user_not_active');
  });

  it('changes a role (audited, effective at once) and never removes the last active admin', async () => {
    const p = await person('promoted@contoso.com');
    expect((await call('GET', '/api/audit', p)).statusCode).toBe(403);
    const up = await call('PATCH', `/api/users/${p.userId}`, admin, { role: 'admin' });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toMatchObject({ role: 'admin' });
    // the key's remembered caller is forgotten: the new role counts on the next request
    expect((await call('GET', '/api/audit', p)).statusCode).toBe(200);
    const [changed] = await audit(`action=user.role_changed&targetType=user`);
    expect(changed).toMatchObject({
      actor: admin.userId,
      targetId: p.userId,
      details: { from: 'member', to: 'admin' },
    });
    // two admins: one may step down; then the other is the last and may not
    expect((await call('PATCH', `/api/users/${p.userId}`, admin, { role: 'member' })).statusCode).toBe(200);
    const last = await call('PATCH', `/api/users/${admin.userId}`, admin, { role: 'approver' });
    expect(last.statusCode).toBe(409);
    expect(last.json().error.code).toBe('last_admin');
    const selfOff = await call('POST', `/api/users/${admin.userId}/deactivate`, admin);
    expect(selfOff.statusCode).toBe(409);
    expect(selfOff.json().error.code).toBe('last_admin');
    const selfDelete = await call('DELETE', `/api/users/${admin.userId}`, admin);
    expect(selfDelete.statusCode).toBe(409);
    expect(selfDelete.json().error.code).toBe('last_admin');
    // still an admin, still active
    const me = (await h.container.tenantStore.getUser(tenantId, admin.userId))!;
    expect(me).toMatchObject({ role: 'admin', status: 'active' });

    // two admins demoting each other at once: exactly one succeeds, one admin is left
    const other = await person('co-admin@contoso.com', 'admin');
    const [x, y] = await Promise.all([
      call('PATCH', `/api/users/${other.userId}`, admin, { role: 'member' }),
      call('PATCH', `/api/users/${admin.userId}`, other, { role: 'member' }),
    ]);
    expect([x.statusCode, y.statusCode].sort()).toEqual([200, 409]);
    const admins = (await h.container.tenantStore.listUsers(tenantId)).filter(
      (u) => u.role === 'admin' && u.status === 'active',
    );
    expect(admins).toHaveLength(1);
    // put the test's admin back if it was the one demoted
    if (admins[0]!.id !== admin.userId)
      expect((await call('PATCH', `/api/users/${admin.userId}`, other, { role: 'admin' })).statusCode).toBe(200);
  });

  it('deactivates: key and session refused at once, Outlook stopped and its tokens erased, data kept', async () => {
    const adele = await person(ADELE);
    const connectionId = await connectOutlook(adele, ADELE);
    expect(await h.container.vault.load(tenantId, connectionId)).not.toBeNull();
    const cookie = await browser(adele.userId);
    expect((await call('GET', '/api/me', adele)).statusCode).toBe(200);
    expect((await call('GET', '/api/me', { cookie })).statusCode).toBe(200);

    const res = await call('POST', `/api/users/${adele.userId}/deactivate`, admin);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user: { status: 'deactivated' }, sessionsRevoked: 1, apiKeysRevoked: 1 });
    // at once: the key was remembered by this process a moment ago
    expect((await call('GET', '/api/me', adele)).statusCode).toBe(401);
    expect((await call('GET', '/api/me', { cookie })).statusCode).toBe(401);
    // the connection is stopped, its tokens erased; the row and the user are kept
    const conn = await h.feature.store.getById(tenantId, connectionId);
    expect(conn?.status).toBe('revoked');
    expect(await h.container.vault.load(tenantId, connectionId)).toBeNull();
    expect(await h.container.tenantStore.getUser(tenantId, adele.userId)).toMatchObject({ status: 'deactivated' });
    const keys = (await call('GET', '/api/api-keys', admin)).json() as { apiKeys: Json[] };
    expect(keys.apiKeys.find((k) => k.id === adele.keyId)?.revokedAt).toEqual(expect.any(String));
    // audited with the acting admin, and no secret in any entry
    const entries = await audit(`actor=${admin.userId}`);
    expect(entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['user.deactivated', 'session.revoked', 'outlook.disconnected']),
    );
    expect(entries.find((e) => e.action === 'user.deactivated')?.details).toMatchObject({ connections: ['outlook'] });
    expect(JSON.stringify(entries)).not.toContain(adele.authorization.slice(7));
    // a deactivated user cannot start a session
    await expect(browser(adele.userId)).rejects.toThrow();

    // reactivated: may sign in again; the old key stays revoked
    const back = await call('POST', `/api/users/${adele.userId}/reactivate`, admin);
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ status: 'active' });
    expect((await call('GET', '/api/me', adele)).statusCode).toBe(401);
    const again = await browser(adele.userId);
    expect((await call('GET', '/api/me', { cookie: again })).statusCode).toBe(200);

    // an admin ends her sessions: the cookie is refused on its next request
    const ended = await call('DELETE', `/api/users/${adele.userId}/sessions`, admin);
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toEqual({ ended: 1 });
    expect((await call('GET', '/api/me', { cookie: again })).statusCode).toBe(401);
  });

  it('deletes: tokens erased from the vault at once, personal rows gone, a record kept in the audit trail', async () => {
    const megan = await person(MEGAN, 'approver');
    const connectionId = await connectOutlook(megan, MEGAN);
    const cookie = await browser(megan.userId);
    expect(await h.container.vault.load(tenantId, connectionId)).not.toBeNull();
    const [{ n: tokensBefore }] = (
      await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM calendar_connections WHERE token_ciphertext IS NOT NULL`.execute(
        h.container.database.db,
      )
    ).rows as [{ n: number }];

    const res = await call('DELETE', `/api/users/${megan.userId}`, admin);
    expect(res.statusCode).toBe(204);
    expect((await call('GET', '/api/me', megan)).statusCode).toBe(401);
    expect((await call('GET', '/api/me', { cookie })).statusCode).toBe(401);
    expect(await h.container.vault.load(tenantId, connectionId)).toBeNull();
    const db = h.container.database.db;
    const left = async (table: string) =>
      (
        await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE user_id = ${megan.userId}::uuid`.execute(db)
      ).rows[0]!.n;
    for (const table of ['calendar_connections', 'calendars', 'meetings', 'sessions', 'api_keys', 'oauth_states'])
      expect(await left(table), table).toBe(0);
    const [{ n: tokensAfter }] = (
      await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM calendar_connections WHERE token_ciphertext IS NOT NULL`.execute(db)
    ).rows as [{ n: number }];
    expect(tokensAfter).toBe(tokensBefore - 1);
    expect(await h.container.tenantStore.getUser(tenantId, megan.userId)).toBeNull();
    expect(JSON.stringify((await call('GET', '/api/users', admin)).json())).not.toContain(MEGAN);

    const [deleted] = await audit('action=user.deleted');
    expect(deleted).toMatchObject({
      actor: admin.userId,
      targetType: 'user',
      targetId: megan.userId,
      details: { role: 'approver', connectionsStopped: ['outlook'], tokensErased: 1, apiKeys: 1, sessions: 1 },
    });
    expect((await call('DELETE', `/api/users/${megan.userId}`, admin)).statusCode).toBe(404);
  });

  it('issues, lists and revokes API keys (shown once, revoked at once)', async () => {
    const user = await person('machine@contoso.com');
    const made = await call('POST', '/api/api-keys', admin, { userId: user.userId });
    expect(made.statusCode).toBe(201);
    const { apiKey, key } = made.json() as { apiKey: string; key: Json };
    expect(apiKey).toMatch(/^cbk_/);
    expect(key).toMatchObject({ user: { id: user.userId, email: 'machine@contoso.com' }, revokedAt: null });
    const auth = { authorization: `Bearer ${apiKey}` };
    expect((await call('GET', '/api/me', auth)).statusCode).toBe(200);
    const list = (await call('GET', '/api/api-keys', admin)).json() as { apiKeys: Json[] };
    const listed = list.apiKeys.find((k) => k.id === key.id)!;
    expect(listed.lastUsedAt).toEqual(expect.any(String));
    expect(JSON.stringify(list)).not.toContain(apiKey.slice(12));

    const revoked = await call('DELETE', `/api/api-keys/${key.id as string}`, admin);
    expect(revoked.statusCode).toBe(200);
    expect((await call('GET', '/api/me', auth)).statusCode).toBe(401);
    const [entry] = await audit('action=api_key.revoked');
    expect(entry).toMatchObject({ actor: admin.userId, targetId: key.id, details: { userId: user.userId } });
    expect(JSON.stringify(entry)).not.toContain(apiKey.slice(12));
    expect((await call('DELETE', `/api/api-keys/00000000-0000-4000-8000-000000000000`, admin)).statusCode).toBe(404);
  });
});
