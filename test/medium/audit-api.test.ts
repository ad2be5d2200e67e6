// The audit trail through the API (issue 17): GET /api/audit filters (action, actor, targetType, since, until) and
// pages newest first with a keyset cursor (no entry twice or skipped, even with entries written between pages);
// GET /api/audit/export streams the same filters as JSON lines; both are the caller tenant's only and admins' only;
// the actions the issue names (sign-in, role change, settings change, disconnect…) are recorded, with no secret.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let a: { tenantId: string; userId: string; auth: { authorization: string } };
let b: { tenantId: string; userId: string; auth: { authorization: string } };

type Entry = {
  id: string;
  createdAt: string;
  actor: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
};

const get = (url: string, auth: { authorization: string }) => t.app.inject({ method: 'GET', url, headers: auth });
const list = async (q: string, auth = a.auth) => {
  const res = await get(`/api/audit?${q}`, auth);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { entries: Entry[]; nextCursor: string | null };
};

/** Writes `n` entries of tenant A at one-minute steps from `start` (created_at set explicitly). */
async function seed(n: number, start: string, over: { action?: string; actor?: string; targetType?: string } = {}) {
  for (let i = 0; i < n; i++) {
    await t.container.audit.record({
      tenantId: a.tenantId,
      actor: over.actor ?? a.userId,
      action: over.action ?? 'test.seeded',
      targetType: over.targetType ?? 'thing',
      targetId: `thing-${i}`,
      details: { i },
    });
    await sql`UPDATE audit_log SET created_at = ${new Date(Date.parse(start) + i * 60_000)}
      WHERE id = (SELECT max(id) FROM audit_log)`.execute(t.container.database.db);
  }
}

beforeAll(async () => {
  t = await createTestApp();
  a = await t.newTenant('Audit A'); // each tenant's first user is its admin
  b = await t.newTenant('Audit B');
  await seed(7, '2026-11-02T09:00:00Z');
  await seed(3, '2026-11-03T09:00:00Z', { action: 'test.other', actor: 'system', targetType: 'widget' });
}, 60_000);
afterAll(async () => t?.close());

describe('GET /api/audit', () => {
  it('filters by action, actor, target type and time, newest first', async () => {
    const seeded = (await list('action=test.seeded&limit=50')).entries;
    expect(seeded).toHaveLength(7);
    expect(seeded.map((e) => e.details.i)).toEqual([6, 5, 4, 3, 2, 1, 0]);
    expect(seeded[0]).toMatchObject({ actor: a.userId, targetType: 'thing', targetId: 'thing-6' });
    expect((await list('actor=system&targetType=widget')).entries.map((e) => e.action)).toEqual([
      'test.other',
      'test.other',
      'test.other',
    ]);
    expect((await list('targetType=widget&action=test.seeded')).entries).toEqual([]);
    // since is inclusive, until exclusive
    const window = (await list('action=test.seeded&since=2026-11-02T09:02:00Z&until=2026-11-02T09:05:00Z')).entries;
    expect(window.map((e) => e.details.i)).toEqual([4, 3, 2]);
    expect((await get('/api/audit?since=yesterday', a.auth)).statusCode).toBe(400);
    expect((await get('/api/audit?cursor=abc', a.auth)).statusCode).toBe(400);
    expect((await get('/api/audit?limit=0', a.auth)).statusCode).toBe(400);
  });

  it('pages with the cursor: every entry once, newest first, entries written meanwhile not shifting pages', async () => {
    const first = await list('action=test.seeded&limit=3');
    expect(first.entries.map((e) => e.details.i)).toEqual([6, 5, 4]);
    expect(first.nextCursor).not.toBeNull();
    // a new entry arrives between pages: it is newer than the cursor, so it never appears on later pages
    await seed(1, '2026-11-02T10:00:00Z');
    const second = await list(`action=test.seeded&limit=3&cursor=${first.nextCursor!}`);
    expect(second.entries.map((e) => e.details.i)).toEqual([3, 2, 1]);
    const third = await list(`action=test.seeded&limit=3&cursor=${second.nextCursor!}`);
    expect(third.entries.map((e) => e.details.i)).toEqual([0]);
    expect(third.nextCursor).toBeNull();
    // exactly a page left: no cursor to an empty page
    const exact = await list('action=test.other&limit=3');
    expect(exact.entries).toHaveLength(3);
    expect(exact.nextCursor).toBeNull();
  });

  it("is the caller tenant's only: another tenant's admin sees none of it, a cursor does not cross", async () => {
    const theirs = await list('limit=500', b.auth);
    expect(theirs.entries.length).toBeGreaterThan(0); // their own tenant.created, api_key.created
    expect(theirs.entries.every((e) => !e.action.startsWith('test.'))).toBe(true);
    expect(JSON.stringify(theirs)).not.toContain(a.tenantId);
    expect(JSON.stringify(theirs)).not.toContain(a.userId);
    expect((await list('action=test.seeded', b.auth)).entries).toEqual([]);
    const mine = await list('action=test.seeded&limit=2');
    expect((await list(`cursor=${mine.nextCursor!}`, b.auth)).entries.every((e) => !e.action.startsWith('test.'))).toBe(
      true,
    );
    const exported = await get('/api/audit/export?action=test.seeded', b.auth);
    expect(exported.statusCode).toBe(200);
    expect(exported.body).toBe('');
  });

  it('is for admins only', async () => {
    const k = await t.container.tenants.createApiKey(a.tenantId, 'approver@audit-a.example', { role: 'approver' });
    for (const url of ['/api/audit', '/api/audit/export']) {
      const res = await get(url, { authorization: `Bearer ${k.apiKey}` });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('role_required');
    }
  });
});

describe('GET /api/audit/export', () => {
  it('streams every matching entry as JSON lines, newest first, with the same filters', async () => {
    // more entries than one read of the export (500) so it pages internally
    await seed(520, '2026-10-01T00:00:00Z', { action: 'test.bulk' });
    const res = await get('/api/audit/export?action=test.bulk', a.auth);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = res.body.split('\n');
    expect(lines.pop()).toBe('');
    const entries = lines.map((l) => JSON.parse(l) as Entry);
    expect(entries).toHaveLength(520);
    expect(entries.map((e) => e.details.i)).toEqual(Array.from({ length: 520 }, (_, i) => 519 - i));
    expect(new Set(entries.map((e) => e.id)).size).toBe(520);
    const windowed = await get(
      '/api/audit/export?action=test.bulk&since=2026-10-01T00:10:00Z&until=2026-10-01T00:12:00Z',
      a.auth,
    );
    expect(
      windowed.body
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as Entry).details.i),
    ).toEqual([11, 10]);
  });
});

describe('what is audited', () => {
  it('records settings changes, role changes, sign-ins, sign-outs and key revocations with the acting user, no secret', async () => {
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/api/settings',
      headers: a.auth,
      payload: { bufferMinutes: 10 },
    });
    expect(patch.statusCode).toBe(200);
    const secret = await t.app.inject({ method: 'POST', url: '/api/settings/webhook-secret', headers: a.auth });
    expect(secret.statusCode).toBe(200);
    const whsec = (secret.json() as { secret: string }).secret;
    const other = await t.container.tenants.createApiKey(a.tenantId, 'colleague@audit-a.example');
    const role = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${other.userId}`,
      headers: a.auth,
      payload: { role: 'approver' },
    });
    expect(role.statusCode).toBe(200);
    const user = (await t.container.tenantStore.getUser(a.tenantId, other.userId))!;
    const { token } = await t.container.sessions.start(user, { provider: 'microsoft', ip: '203.0.113.7' });
    const session = (
      await t.app.inject({ method: 'GET', url: '/api/auth/session', cookies: { cb_session: token } })
    ).json() as { csrfToken: string };
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/signout',
      cookies: { cb_session: token },
      headers: { 'x-csrf-token': session.csrfToken },
    });
    expect(out.statusCode).toBe(204);
    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/api-keys/${other.keyId}`, headers: a.auth });
    expect(revoked.statusCode).toBe(200);

    const entries = (await list('limit=100')).entries;
    const find = (action: string) => entries.find((e) => e.action === action);
    expect(find('tenant.settings_updated')).toMatchObject({ actor: a.userId, details: { keys: ['bufferMinutes'] } });
    expect(find('tenant.webhook_secret_rotated')).toMatchObject({ actor: a.userId });
    expect(find('user.role_changed')).toMatchObject({
      actor: a.userId,
      targetId: other.userId,
      details: { from: 'member', to: 'approver' },
    });
    expect(find('session.signed_in')).toMatchObject({ actor: other.userId, details: { provider: 'microsoft' } });
    expect(find('session.signed_out')).toMatchObject({ actor: other.userId });
    expect(find('api_key.revoked')).toMatchObject({ actor: a.userId, targetId: other.keyId });
    const all = JSON.stringify(entries);
    for (const s of [whsec, token, session.csrfToken, other.apiKey]) expect(all).not.toContain(s);
  });
});
