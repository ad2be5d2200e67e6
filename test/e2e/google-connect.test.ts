// End to end through the HTTP API: connect Google Calendar against the Google emulator (state + PKCE, offline
// access), encrypted tokens, calendars, a Meet event, single-flight refresh on an expired token, revoked consent →
// needs_reauth → reconnect, declined consent, disconnect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/domain/errors.js';
import { connectionApi } from '../support/connection-app.js';
import { followGoogleAuthorize, startGoogleApp, type GoogleTestApp } from '../support/google.js';

const LOGIN = 'megan.bowen@contoso.com';
let h: GoogleTestApp;
const api = connectionApi('google');
const { inject, callback, status } = api;

async function authorize(loginHint = LOGIN): Promise<URLSearchParams> {
  const url = await api.connectUrl(loginHint);
  expect(url.origin).toBe(h.t.emu.baseUrl);
  expect(url.searchParams.get('access_type')).toBe('offline');
  return followGoogleAuthorize(h.t.agent, url.toString());
}

const refreshes = () => h.t.emu.requestLog.list({}).filter((r) => r.method === 'POST' && r.route === '/token').length;
const provider = () => api.provider(h, 'GOOGLE');

beforeAll(async () => {
  h = await startGoogleApp({ minimalSeed: true, accessTokenSeconds: 3600 });
  await api.signUp(h, { name: 'Contoso (Google)', calendarProvider: 'GOOGLE' }, LOGIN);
});
afterAll(async () => h?.close());

describe('Google Calendar connection over the HTTP API', () => {
  it('rejects a tampered or unknown state with 400 invalid_state', async () => {
    const q = await authorize();
    const tampered = new URLSearchParams(q);
    const st = q.get('state')!;
    tampered.set('state', (st[0] === 'A' ? 'B' : 'A') + st.slice(1));
    for (const bad of [tampered, new URLSearchParams({ state: 'x', code: 'y' })]) {
      const res = await callback(bad);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('invalid_state');
    }
  });

  it('connects: stores the connection with encrypted tokens and lists the calendars', async () => {
    const res = await callback(await authorize());
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/settings?connected=google');
    const s = await status();
    expect(s).toMatchObject({
      connected: true,
      status: 'active',
      providerTenantId: 'contoso.com',
      account: { email: LOGIN },
      reconnectUrl: null,
    });
    expect(s.scopes).toEqual(expect.arrayContaining(['https://www.googleapis.com/auth/calendar.events', 'openid']));
    const cals = s.calendars as Array<{ isDefault: boolean; isShared: boolean; onlineMeetingProviders: string[] }>;
    expect(cals.filter((c) => c.isDefault && !c.isShared)).toHaveLength(1);
    expect(cals.find((c) => c.isDefault)?.onlineMeetingProviders).toEqual(['googleMeet']);
    const row = await h.container.database.db
      .selectFrom('calendar_connections')
      .selectAll()
      .where('provider', '=', 'GOOGLE')
      .executeTakeFirstOrThrow();
    const secret = (await h.container.vault.load(api.tenantId, row.id)) as { tokenCache: string };
    const cache = JSON.parse(secret.tokenCache) as { accessToken: string; refreshToken: string };
    expect(cache.refreshToken).toMatch(/^1\/\//);
    const raw = JSON.stringify(row);
    const audit = JSON.stringify(await h.container.audit.list(api.tenantId, { limit: 100 }));
    for (const token of [cache.accessToken, cache.refreshToken]) {
      expect(raw).not.toContain(token);
      expect(audit).not.toContain(token);
      expect(h.logs()).not.toContain(token);
    }
    expect(audit).toContain('google.connected');
  });

  it('creates a Google Meet event through the provider chosen for the connection', async () => {
    const p = await provider();
    expect(p.type).toBe('GOOGLE');
    const start = Date.now() + 7 * 86_400_000;
    const ev = await p.createEvent({
      event: {
        subject: 'Meet check',
        start: new Date(start).toISOString(),
        end: new Date(start + 1_800_000).toISOString(),
        onlineMeeting: true,
      },
    });
    expect(ev.onlineMeeting).toMatchObject({ provider: 'googleMeet' });
    expect(ev.onlineMeeting?.joinUrl).toMatch(/^https:\/\/meet\.google\.com\//);
  });

  it('refreshes an expired access token once for concurrent callers (single flight)', async () => {
    const p = await provider();
    const before = refreshes();
    h.t.emu.clock.advance(2 * 3600_000); // the emulator now rejects the stored access token with 401
    const results = await Promise.all(Array.from({ length: 5 }, () => p.listCalendars()));
    expect(results.every((r) => r.length > 0)).toBe(true);
    expect(refreshes() - before).toBe(1);
  });

  it('revoked consent marks the connection needs_reauth; reconnecting restores it', async () => {
    h.t.emu.oauth.revokeUser(LOGIN);
    h.t.emu.clock.advance(2 * 3600_000);
    const err = await (await provider()).listCalendars().catch((e: unknown) => e);
    expect(isAppError(err, 'reconnect_required')).toBe(true);
    const s = await status();
    expect(s.status).toBe('needs_reauth');
    expect(String(s.reconnectUrl)).toContain('/o/oauth2/v2/auth');
    expect((await callback(await authorize())).statusCode).toBe(302);
    expect((await status()).status).toBe('active');
    expect((await (await provider()).listCalendars()).length).toBeGreaterThan(0);
  });

  it('a declined consent redirects to settings with the error and changes nothing', async () => {
    const res = await inject('POST', '/api/integrations/google/connect', { loginHint: LOGIN });
    const url = new URL((res.json() as { authorizeUrl: string }).authorizeUrl);
    const form = new URLSearchParams(url.searchParams);
    form.set('decision', 'deny');
    const { fetch } = await import('undici');
    const denied = await fetch(`${h.t.emu.baseUrl}/o/oauth2/v2/auth/consent`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
      dispatcher: h.t.agent,
    });
    const back = new URL(denied.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('access_denied');
    const cb = await callback(back.searchParams);
    expect(cb.headers.location).toBe('/settings?connected=google&error=access_denied');
    expect((await status()).status).toBe('active');
  });

  it('disconnect erases the tokens and marks the connection revoked', async () => {
    const res = await inject('POST', '/api/integrations/google/disconnect');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'revoked' });
    expect((await status()).connected).toBe(false);
    const err = await (await provider()).listCalendars().catch((e: unknown) => e);
    expect(isAppError(err, 'reconnect_required')).toBe(true);
  });
});
