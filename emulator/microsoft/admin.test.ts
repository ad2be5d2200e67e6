// The admin API end to end: faults on real Graph routes, request log, revocation and expiry, apps, clock, snapshots.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from './server.js';
import { trustEmulatorCa, userToken, type TokenSet } from './testing.js';

let emu: RunningEmulator;
let untrust: () => void;
let upn: string;
let tokens: TokenSet;

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    minimalSeed: true,
    quiet: true,
    autoConsent: true,
    dataDir: mkdtempSync(join(tmpdir(), 'emu-admin-')),
  });
  untrust = trustEmulatorCa(emu.caPem);
});
afterAll(async () => {
  untrust();
  await emu.close();
});
beforeEach(async () => {
  await admin('POST', '/reset');
  upn = emu.users[0]!;
  tokens = await userToken(emu.baseUrl, emu.app, upn);
});

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.baseUrl}/_emulator${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : null) as Record<string, unknown> & Array<Record<string, unknown>>,
  };
}

async function graph(path: string, token = tokens.access_token) {
  const res = await fetch(`${emu.baseUrl}/v1.0${path}`, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as { error?: { code: string; message: string } },
  };
}

describe('admin API', () => {
  it('reports health', async () => {
    const h = await admin('GET', '/health');
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: 'ok', apps: 1 });
    expect(Number(h.body.users)).toBeGreaterThan(0);
  });

  it('throttles a mailbox with a tiny budget set through PUT /faults; counters show it; other mailboxes pass', async () => {
    const put = await admin('PUT', '/faults', { throttle: { requestsPerWindow: 2, windowSeconds: 60 } });
    expect(put.status).toBe(200);
    expect(put.body.throttle).toMatchObject({ requestsPerWindow: 2, concurrentRequests: 4 });
    expect((await graph('/me/events')).status).toBe(200);
    expect((await graph('/me/events')).status).toBe(200);
    const third = await graph('/me/events');
    expect(third.status).toBe(429);
    expect(third.body.error?.code).toBe('ApplicationThrottled');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    const other = await userToken(emu.baseUrl, emu.app, emu.users[1]!);
    expect((await graph('/me/events', other.access_token)).status).toBe(200);
    const log = await admin('GET', '/requests');
    const counters = log.body.counters as {
      byStatus: Record<string, number>;
      byFault: Record<string, number>;
      byMailbox: Record<string, number>;
      byRoute: Record<string, number>;
    };
    expect(counters.byStatus['429']).toBe(1);
    expect(counters.byFault['throttle-rate']).toBe(1);
    expect(counters.byMailbox[emu.directory.getUser(upn)!.id]).toBe(3);
    expect(Object.keys(counters.byRoute).some((r) => r.startsWith('GET /v1.0/'))).toBe(true);
    // The window passes on the emulator clock.
    await admin('POST', '/clock', { advanceMs: 61_000 });
    tokens = await userToken(emu.baseUrl, emu.app, upn);
    expect((await graph('/me/events')).status).toBe(200);
    expect((await admin('DELETE', '/requests')).status).toBe(204);
    expect(((await admin('GET', '/requests')).body.counters as { total: number }).total).toBe(0);
  });

  it('rejects invalid fault settings with 400 and keeps the old ones', async () => {
    const bad = await admin('PATCH', '/faults', { errors: { rate: 3 } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'InvalidFaultConfig' } });
    expect(((await admin('GET', '/faults')).body.errors as { rate: number }).rate).toBe(0);
    const patched = await admin('PATCH', '/faults', { errors: { rate: 1, statuses: [503] } });
    expect(patched.status).toBe(200);
    expect((await graph('/me/events')).status).toBe(503);
  });

  it("expires a user's access tokens (Graph 401) while the refresh token still works", async () => {
    expect((await graph('/me/events')).status).toBe(200);
    expect((await admin('POST', `/users/${encodeURIComponent(upn)}/expire-tokens`)).status).toBe(200);
    const res = await graph('/me/events');
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Access token has expired or is not yet valid.',
    });
    const refreshed = await fetch(`${emu.baseUrl}/common/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_id: emu.app.clientId,
        client_secret: emu.app.clientSecret,
      }).toString(),
    });
    expect(refreshed.status).toBe(200);
    const fresh = (await refreshed.json()) as TokenSet;
    expect((await graph('/me/events', fresh.access_token)).status).toBe(200);
  });

  it('expires every access token with expireTokensNow', async () => {
    await admin('PATCH', '/faults', { expireTokensNow: true });
    expect((await graph('/me/events')).status).toBe(401);
  });

  it('registers apps (201), refuses duplicates (409) and bad bodies (400); the new app can sign users in', async () => {
    const clientId = '0f0e0d0c-0b0a-4909-8807-060504030201';
    const created = await admin('POST', '/apps', {
      clientId,
      clientSecret: 'another-secret',
      redirectUris: ['http://localhost:9999/cb'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ clientId, multiTenant: true });
    expect((await admin('POST', '/apps', { clientId, redirectUris: ['http://localhost:9999/cb'] })).status).toBe(409);
    expect((await admin('POST', '/apps', { redirectUris: [] })).status).toBe(400);
    expect((await admin('POST', '/apps', { redirectUris: ['x'], nope: 1 })).status).toBe(400);
    const t = await userToken(
      emu.baseUrl,
      { clientId, clientSecret: 'another-secret', redirectUris: ['http://localhost:9999/cb'] },
      upn,
    );
    expect((await graph('/me/events', t.access_token)).status).toBe(200);
    expect(((await admin('GET', '/apps')).body as unknown as unknown[]).length).toBe(2);
  });

  it('answers 404 for unknown users and tenants', async () => {
    expect((await admin('POST', '/users/nobody@nowhere.test/revoke')).status).toBe(404);
    expect((await admin('PATCH', '/tenants/nowhere.test', { userConsentDisabled: true })).status).toBe(404);
    expect((await admin('POST', '/delta/invalidate', { userId: 'nobody@nowhere.test' })).status).toBe(404);
  });

  it('invalidates delta tokens of one mailbox', async () => {
    const id = emu.directory.getUser(upn)!.id;
    const before = emu.store.syncState(id).epoch;
    const res = await admin('POST', '/delta/invalidate', { userId: upn });
    expect(res.body).toEqual({ invalidated: id });
    expect(emu.store.syncState(id).epoch).toBe(before + 1);
  });

  it('changes token lifetimes and moves the clock', async () => {
    const l = await admin('POST', '/tokens/lifetimes', { accessTokenSeconds: 120 });
    expect(l.body.accessTokenSeconds).toBe(120);
    const t = await userToken(emu.baseUrl, emu.app, upn);
    expect(t.expires_in).toBe(120);
    await admin('POST', '/clock', { advanceMs: 121_000 });
    expect((await graph('/me/events', t.access_token)).status).toBe(401);
    expect((await admin('POST', '/clock', {})).status).toBe(400);
  });

  it('reset forgets refresh tokens and consents and rewinds the clock', async () => {
    await admin('POST', '/clock', { advanceMs: 5000 });
    expect((await admin('POST', '/reset')).status).toBe(200);
    expect(emu.clock.offset).toBe(0);
    const res = await fetch(`${emu.baseUrl}/common/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_id: emu.app.clientId,
        client_secret: emu.app.clientSecret,
      }).toString(),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_codes: number[] }).error_codes).toEqual([9002313]);
    expect(emu.identity.userConsents.size).toBe(0);
  });

  it('round-trips a snapshot', async () => {
    const snap = await admin('GET', '/snapshot');
    expect(snap.body.version).toBe(1);
    const users = emu.directory.users.size;
    emu.directory.users.clear();
    const loaded = await admin('POST', '/snapshot', snap.body);
    expect(loaded.status).toBe(200);
    expect(emu.directory.users.size).toBe(users);
    expect((await admin('POST', '/snapshot', { version: 2, directory: {}, store: {} })).status).toBe(400);
  });
});
