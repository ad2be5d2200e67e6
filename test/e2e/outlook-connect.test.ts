// End to end through the HTTP API: connect Outlook against the emulator (state + PKCE), encrypted tokens, calendars,
// a Teams meeting, silent refresh, revocation → needs_reauth → 409 reconnect_required → reconnect, disconnect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionApi } from '../support/connection-app.js';
import { followAuthorize } from '../support/microsoft.js';
import { startOutlookApp, type OutlookTestApp } from '../support/outlook-app.js';

const LOGIN = 'adele.vance@contoso.com';
let h: OutlookTestApp;
const api = connectionApi('outlook');
const { inject, callback, status } = api;

/** POST connect → authorize at the emulator (auto-consent with login_hint) → the callback query. */
async function authorize(loginHint = LOGIN): Promise<URLSearchParams> {
  const url = await api.connectUrl(loginHint);
  expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return followAuthorize(h.t.agent, url.toString());
}

const tokenCalls = () =>
  h.t.emu.requestLog.list({}).filter((r) => r.method === 'POST' && r.url.includes('/oauth2/v2.0/token')).length;
const provider = () => api.provider(h, 'MICROSOFT');

beforeAll(async () => {
  h = await startOutlookApp();
  await api.signUp(h, { name: 'Contoso', calendarProvider: 'MICROSOFT' }, LOGIN);
});
afterAll(async () => h?.close());

describe('Outlook connection over the HTTP API', () => {
  it('rejects a missing, tampered or unknown state with 400 invalid_state', async () => {
    const q = await authorize();
    const tampered = new URLSearchParams(q);
    const st = q.get('state')!;
    tampered.set('state', (st[0] === 'A' ? 'B' : 'A') + st.slice(1));
    for (const bad of [
      tampered,
      new URLSearchParams({ code: q.get('code')! }),
      new URLSearchParams({ state: 'x', code: 'y' }),
    ]) {
      const res = await callback(bad);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('invalid_state');
    }
  });

  it('connects: callback stores the connection with encrypted tokens and lists calendars', async () => {
    const before = tokenCalls();
    const res = await callback(await authorize());
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/settings?connected=outlook');
    expect(tokenCalls()).toBe(before + 1);
    const s = await status();
    const person = h.t.emu.directory.getUser(LOGIN)!;
    expect(s).toMatchObject({
      connected: true,
      status: 'active',
      providerTenantId: person.tenantId,
      providerUserId: person.id,
      reconnectUrl: null,
    });
    expect(s.scopes).toEqual(
      expect.arrayContaining([
        'Calendars.ReadWrite',
        'Calendars.ReadWrite.Shared',
        'Mail.Send',
        'MailboxSettings.Read',
        'User.Read',
      ]),
    );
    const cals = s.calendars as Array<{ isDefault: boolean; isShared: boolean }>;
    expect(cals.filter((c) => c.isDefault && !c.isShared)).toHaveLength(1);
    // The raw row holds only ciphertext: neither the access token nor the refresh token appears in it.
    const row = await h.container.database.db.selectFrom('calendar_connections').selectAll().executeTakeFirstOrThrow();
    const secret = (await h.container.vault.load(api.tenantId, row.id)) as { tokenCache: string };
    const cache = JSON.parse(secret.tokenCache) as {
      AccessToken: Record<string, { secret: string }>;
      RefreshToken: Record<string, { secret: string }>;
    };
    const secrets = [...Object.values(cache.AccessToken), ...Object.values(cache.RefreshToken)].map((e) => e.secret);
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    const raw = JSON.stringify(row);
    const audit = JSON.stringify(await h.container.audit.list(api.tenantId, { limit: 100 }));
    for (const token of secrets) {
      expect(raw).not.toContain(token);
      expect(audit).not.toContain(token);
      expect(h.logs()).not.toContain(token);
    }
    expect(row.token_ciphertext).toMatch(/^v1\./);
    expect(audit).toContain('outlook.connected');
  });

  it('replays of a used state are rejected', async () => {
    const q = await authorize();
    expect((await callback(q)).statusCode).toBe(302);
    const again = await callback(q);
    expect(again.statusCode).toBe(400);
    expect(again.json().error).toMatchObject({ code: 'invalid_state', details: { reason: 'used' } });
  });

  it('rejects an expired state', async () => {
    const q = await authorize();
    await h.container.database.db
      .updateTable('oauth_states')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('used_at', 'is', null)
      .execute();
    const res = await callback(q);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.reason).toBe('expired');
  });

  it('enforces PKCE: a code redeemed with another verifier is refused by the identity platform', async () => {
    const q = await authorize();
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(q.get('state')!).digest('hex');
    await h.container.database.db
      .updateTable('oauth_states')
      .set({ verifier_ciphertext: h.container.vault.seal('x'.repeat(43), hash) })
      .where('nonce_hash', '=', hash)
      .execute();
    const res = await callback(q);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/settings?connected=outlook&error=oauth_failed');
  });

  it('creates a Teams meeting, and an update keeps it', async () => {
    const p = await provider();
    const start = Date.now() + 30 * 86_400_000;
    const created = await p.createEvent({
      event: {
        subject: 'Acme QBR',
        start: new Date(start).toISOString(),
        end: new Date(start + 3600_000).toISOString(),
        timeZone: 'Europe/Berlin',
        onlineMeeting: true,
      },
      externalId: 'mtg-e2e-1',
    });
    expect(created.onlineMeeting?.provider).toBe('teamsForBusiness');
    const moved = await p.updateEvent({
      eventId: created.id,
      changes: {
        subject: 'Acme QBR (moved)',
        start: new Date(start + 3600_000).toISOString(),
        end: new Date(start + 7200_000).toISOString(),
        timeZone: 'Europe/Berlin',
      },
      ifMatch: created.changeKey!,
    });
    expect(moved.onlineMeeting?.joinUrl).toBe(created.onlineMeeting?.joinUrl);
    expect((await p.getEvent(created.id)).externalId).toBe('mtg-e2e-1');
  });

  it('refreshes silently when Graph rejects an expired token', async () => {
    const person = h.t.emu.directory.getUser(LOGIN)!;
    await fetchAdmin(`/users/${person.id}/expire-tokens`);
    const before = tokenCalls();
    const res = await inject('GET', '/api/integrations/outlook/calendars');
    expect(res.statusCode).toBe(200);
    expect(tokenCalls()).toBe(before + 1);
    expect((await status()).status).toBe('active');
  });

  it('revocation → needs_reauth → 409 reconnect_required → reconnect works', async () => {
    const person = h.t.emu.directory.getUser(LOGIN)!;
    await fetchAdmin(`/users/${person.id}/revoke`, {});
    await fetchAdmin(`/users/${person.id}/expire-tokens`);
    const res = await inject('GET', '/api/integrations/outlook/calendars');
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'reconnect_required',
      details: { connectUrl: 'http://127.0.0.1:3999/api/integrations/outlook/connect' },
    });
    const s = await status();
    expect(s.status).toBe('needs_reauth');
    expect(String(s.reconnectUrl)).toContain('/oauth2/v2.0/authorize');
    expect(h.feature.events.recent.some((e) => e.type === 'connection.needs_reauth')).toBe(true);
    expect(JSON.stringify(await h.container.audit.list(api.tenantId, { limit: 50 }))).toContain('outlook.needs_reauth');
    const again = await inject('GET', '/api/integrations/outlook/calendars');
    expect(again.statusCode).toBe(409);
    expect((await callback(await authorize())).headers.location).toBe('/settings?connected=outlook');
    expect((await status()).status).toBe('active');
    expect((await inject('GET', '/api/integrations/outlook/calendars')).statusCode).toBe(200);
  });

  it('offers an admin consent URL with the scopes and why', async () => {
    const res = await inject('GET', '/api/integrations/outlook/admin-consent-url');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { url: string; scopes: Array<{ scope: string; why: string; adminOnly: boolean }> };
    const url = new URL(body.url);
    expect(url.pathname).toBe(`/${h.t.emu.directory.getUser(LOGIN)!.tenantId}/adminconsent`);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.scopes.find((s) => s.scope === 'Place.Read.All')).toMatchObject({ adminOnly: true });
    expect(body.scopes.every((s) => s.why.length > 10)).toBe(true);
    const q = await followAuthorize(h.t.agent, body.url);
    expect(q.get('admin_consent')).toBe('True');
    expect((await callback(q)).headers.location).toBe('/settings?admin_consent=granted');
  });

  it('disconnects: tokens erased, status revoked, API calls answer 409', async () => {
    const res = await inject('POST', '/api/integrations/outlook/disconnect');
    expect(res.json()).toEqual({ status: 'revoked' });
    const row = await h.container.database.db.selectFrom('calendar_connections').selectAll().executeTakeFirstOrThrow();
    expect(row.token_ciphertext).toBeNull();
    expect((await inject('GET', '/api/integrations/outlook/calendars')).json().error.code).toBe('reconnect_required');
  });

  it('documents every Outlook route in the OpenAPI document', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, unknown> };
    for (const p of ['connect', 'callback', 'status', 'admin-consent-url', 'calendars', 'disconnect']) {
      expect(Object.keys(doc.paths)).toContain(`/api/integrations/outlook/${p}`);
    }
  });

  it('requires the API key except on the callback', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/api/integrations/outlook/status' })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/api/integrations/outlook/callback' })).json().error.code).toBe(
      'invalid_state',
    );
  });
});

async function fetchAdmin(path: string, body?: object): Promise<void> {
  const { fetch } = await import('undici');
  const res = await fetch(`${h.t.emu.baseUrl}/_emulator${path}`, {
    method: 'POST',
    dispatcher: h.t.agent,
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  expect(res.status).toBeLessThan(300);
}
