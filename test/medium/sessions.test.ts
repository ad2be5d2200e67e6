// Browser sessions as the server checks them: the cookie authenticates, writes need the session's CSRF token, idle and
// absolute lifetimes end a session, sign out (here or everywhere) and a deactivated user end it at once, and the role
// check answers 403 before the body is looked at. Sessions are started directly here; sign-in itself is tested over
// the emulators in test/e2e.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/ports/clock.js';
import { SESSION_COOKIE } from '../../src/services/tenancy/session-service.js';
import { createTestApp, type TestApp } from '../support/app.js';

const clock = fixedClock('2026-12-07T09:00:00Z');
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ SESSION_IDLE_MINUTES: '30', SESSION_MAX_HOURS: '8' }, { clock });
});
afterAll(async () => {
  await t?.close();
});

async function signedIn(tenantId: string, userId: string) {
  const user = await t.container.tenants.getUser({ tenantId, userId });
  const { token, session } = await t.container.sessions.start(user, { provider: 'microsoft', ip: '127.0.0.1' });
  return { cookie: `${SESSION_COOKIE}=${token}`, csrf: session.csrfToken, id: session.id };
}

const get = (url: string, cookie: string) => t.app.inject({ url, headers: { cookie } });

describe('browser sessions', () => {
  it('authenticate by cookie, tell the CSRF token, and refuse a cookie write without that token', async () => {
    const k = await t.newTenant('Cookie Co');
    const s = await signedIn(k.tenantId, k.userId);
    const info = await get('/api/auth/session', s.cookie);
    expect(info.statusCode).toBe(200);
    expect(info.json()).toMatchObject({ via: 'session', userId: k.userId, role: 'admin', csrfToken: s.csrf });

    const write = (headers: Record<string, string>) =>
      t.app.inject({ method: 'PATCH', url: '/api/settings', headers: { cookie: s.cookie, ...headers }, payload: {} });
    const none = await write({});
    expect(none.statusCode).toBe(403);
    expect(none.json().error.code).toBe('csrf_failed');
    const wrong = await write({ 'x-csrf-token': s.csrf.slice(0, -1) + (s.csrf.endsWith('A') ? 'B' : 'A') });
    expect(wrong.json().error.code).toBe('csrf_failed');
    expect((await write({ 'x-csrf-token': s.csrf })).statusCode).toBe(200);
    // An API key needs no CSRF token (no browser sends it by itself), even with a cookie beside it.
    expect((await write({ ...k.auth })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/auth/session', headers: k.auth })).json()).toMatchObject({
      via: 'api_key',
      csrfToken: null,
    });
  });

  it('end after the idle time without requests, and at the absolute end however busy', async () => {
    const k = await t.newTenant('Idle Co');
    const idle = await signedIn(k.tenantId, k.userId);
    clock.advance(29 * 60_000);
    expect((await get('/api/me', idle.cookie)).statusCode).toBe(200);
    clock.advance(29 * 60_000); // 58 minutes after sign-in, 29 after the last request
    expect((await get('/api/me', idle.cookie)).statusCode).toBe(200);
    clock.advance(30 * 60_000 + 1);
    const gone = await get('/api/me', idle.cookie);
    expect(gone.statusCode).toBe(401);
    expect(gone.json().error.code).toBe('unauthenticated');

    const busy = await signedIn(k.tenantId, k.userId);
    for (let i = 0; i < 19; i++) {
      clock.advance(25 * 60_000);
      expect((await get('/api/me', busy.cookie)).statusCode, `after ${(i + 1) * 25} minutes`).toBe(200);
    }
    clock.advance(25 * 60_000); // 8 h 20 min after sign-in (7 h 55 min at the last request)
    expect((await get('/api/me', busy.cookie)).statusCode).toBe(401);
  });

  it('end at sign out; sign out everywhere ends the user’s other sessions too, not other users’', async () => {
    const k = await t.newTenant('Signout Co');
    const other = await t.container.tenants.createApiKey(k.tenantId, 'colleague@signout.example');
    const a = await signedIn(k.tenantId, k.userId);
    const b = await signedIn(k.tenantId, k.userId);
    const c = await signedIn(k.tenantId, k.userId);
    const colleague = await signedIn(k.tenantId, other.userId);

    const list = await get('/api/auth/sessions', a.cookie);
    expect(
      list
        .json()
        .sessions.map((x: { id: string }) => x.id)
        .sort(),
    ).toEqual([a.id, b.id, c.id].sort());
    expect(list.json().sessions.find((x: { current: boolean }) => x.current).id).toBe(a.id);

    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/signout',
      headers: { cookie: a.cookie, 'x-csrf-token': a.csrf, host: 'calbridge.example' },
    });
    expect(out.statusCode).toBe(204);
    const cleared = String(out.headers['set-cookie']);
    expect(cleared).toContain(`${SESSION_COOKIE}=;`);
    expect(cleared).toMatch(/HttpOnly/i);
    expect(cleared).toMatch(/SameSite=Lax/i);
    expect(cleared).toMatch(/Secure/i);
    expect((await get('/api/me', a.cookie)).statusCode).toBe(401);
    expect((await get('/api/me', b.cookie)).statusCode).toBe(200);

    const all = await t.app.inject({
      method: 'POST',
      url: '/api/auth/signout-everywhere',
      headers: { cookie: b.cookie, 'x-csrf-token': b.csrf, host: 'localhost:3000' },
    });
    expect(all.json()).toEqual({ ended: 2 });
    // on a loopback host the cookie cannot be Secure (plain http in the offline demo)
    expect(String(all.headers['set-cookie'])).not.toMatch(/Secure/i);
    expect((await get('/api/me', b.cookie)).statusCode).toBe(401);
    expect((await get('/api/me', c.cookie)).statusCode).toBe(401);
    expect((await get('/api/me', colleague.cookie)).statusCode).toBe(200);

    const audit = await t.container.audit.list(k.tenantId, { limit: 50 });
    const actions = audit.map((e) => e.action);
    expect(actions).toContain('session.signed_out');
    expect(actions).toContain('session.signed_out_everywhere');
    expect(actions.filter((x) => x === 'session.signed_in')).toHaveLength(4);
  });

  it('stop working at once when the user is deactivated, and a made-up cookie is refused', async () => {
    const k = await t.newTenant('Deactivated Co');
    const s = await signedIn(k.tenantId, k.userId);
    expect((await get('/api/me', s.cookie)).statusCode).toBe(200);
    await sql`UPDATE users SET status = 'deactivated' WHERE id = ${k.userId}::uuid`.execute(t.container.database.db);
    expect((await get('/api/me', s.cookie)).statusCode).toBe(401);
    expect((await get('/api/me', `${SESSION_COOKIE}=not-a-session`)).statusCode).toBe(401);
    await expect(
      t.container.sessions.start(await t.container.tenants.getUser(k), { provider: null }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('check the role before the body: a member gets 403 role_required on an admin route whatever it sends', async () => {
    const k = await t.newTenant('Roles Co');
    const member = await t.container.tenants.createApiKey(k.tenantId, 'member@roles.example');
    const approver = await t.container.tenants.createApiKey(k.tenantId, 'approver@roles.example', {
      role: 'approver',
    });
    for (const key of [member, approver]) {
      const r = await t.app.inject({
        method: 'PATCH',
        url: '/api/settings',
        headers: { authorization: `Bearer ${key.apiKey}` },
        payload: { notASetting: true },
      });
      expect(r.statusCode).toBe(403);
      expect(r.json().error).toMatchObject({ code: 'role_required', details: { required: 'admin' } });
    }
    const admin = await t.app.inject({
      method: 'PATCH',
      url: '/api/settings',
      headers: k.auth,
      payload: { notASetting: true },
    });
    expect(admin.statusCode).toBe(400);
    // the same member may read what members may
    expect(
      (await t.app.inject({ url: '/api/customers', headers: { authorization: `Bearer ${member.apiKey}` } })).statusCode,
    ).toBe(200);
  });
});
