// Token lifecycle and mailbox edge cases with a real database and the emulator: single-flight refresh under
// concurrency, 429s retried after Retry-After, on-premises mailboxes, consent errors and the tenant allow-list.
import { fetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/domain/errors.js';
import { followAuthorize, seededSpecials } from '../support/microsoft.js';
import { connectOutlookUser, startOutlookApp, type OutlookTestApp } from '../support/outlook-app.js';

let h: OutlookTestApp | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const tokenCalls = (app: OutlookTestApp) =>
  app.t.emu.requestLog.list({}).filter((r) => r.method === 'POST' && r.url.includes('/oauth2/v2.0/token')).length;

describe('Outlook tokens and mailboxes', () => {
  it('refreshes once for many concurrent requests (rotating refresh tokens never race)', async () => {
    h = await startOutlookApp();
    // A rotated refresh token stops working at once: a second, racing refresh would fail with invalid_grant.
    h.t.emu.identity.lifetimes = { ...h.t.emu.identity.lifetimes, refreshGraceSeconds: 0 };
    const { actor, conn } = await connectOutlookUser(h, 'adele.vance@contoso.com');
    const p = h.container.providers.forConnection('MICROSOFT', {
      ...actor,
      connectionId: conn!.id,
      mailbox: conn!.accountEmail!,
    });
    h.t.emu.identity.expireUserTokens(conn!.providerUserId!);
    const before = tokenCalls(h);
    const results = await Promise.all(Array.from({ length: 12 }, () => p.listCalendars()));
    expect(results.every((r) => r.length > 0)).toBe(true);
    expect(tokenCalls(h)).toBe(before + 1);
    expect((await h.feature.store.getById(actor.tenantId, conn!.id))!.status).toBe('active');
  });

  it('retries 429s after their Retry-After and never exceeds 4 concurrent requests per mailbox', async () => {
    h = await startOutlookApp();
    const { actor, conn } = await connectOutlookUser(h, 'adele.vance@contoso.com');
    const p = h.container.providers.forConnection('MICROSOFT', {
      ...actor,
      connectionId: conn!.id,
      mailbox: conn!.accountEmail!,
    });
    h.t.emu.requestLog.reset();
    h.t.emu.faults.update({
      throttle: { enabled: true, requestsPerWindow: 5, windowSeconds: 1, concurrentRequests: 4 },
    });
    const results = await Promise.all(Array.from({ length: 12 }, () => p.listCalendars()));
    expect(results.every((r) => r.length > 0)).toBe(true);
    const graph = h.t.emu.requestLog.list({}).filter((r) => r.url.startsWith('/v1.0/me/calendars'));
    const throttled = graph.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every((r) => r.fault === 'throttle-rate')).toBe(true);
    // every 429 was followed by one more attempt, and all 12 calls finally succeeded
    expect(graph.filter((r) => r.status === 200)).toHaveLength(12);
    expect(graph).toHaveLength(12 + throttled.length);
  });

  it('marks an on-premises mailbox unsupported_mailbox with a clear message, without failing the callback', async () => {
    h = await startOutlookApp();
    const onPrem = seededSpecials(h.t).onPremises;
    const { location, headers } = await connectOutlookUser(h, onPrem);
    expect(location).toBe('/settings?connected=outlook&status=unsupported_mailbox');
    const s = (await h.app.inject({ method: 'GET', url: '/api/integrations/outlook/status', headers })).json();
    expect(s.status).toBe('unsupported_mailbox');
    expect(s.lastError).toMatch(/on-premises|Exchange/i);
    const res = await h.app.inject({ method: 'GET', url: '/api/integrations/outlook/calendars', headers });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('unsupported_mailbox');
  });

  it('records consent_required when the organisation disabled user consent, and offers the admin consent URL', async () => {
    h = await startOutlookApp();
    const login = 'megan.bowen@contoso.com';
    const { headers } = await connectOutlookUser(h, login);
    const tid = h.t.emu.directory.getUser(login)!.tenantId;
    const tenant = h.t.emu.directory.getTenant(tid)!;
    tenant.userConsentDisabled = true;
    h.t.emu.identity.userConsents.clear();
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/integrations/outlook/connect',
      headers,
      payload: { loginHint: login },
    });
    const q = await followAuthorize(h.t.agent, (res.json() as { authorizeUrl: string }).authorizeUrl);
    expect(q.get('error')).toBe('consent_required');
    const cb = await h.app.inject({ method: 'GET', url: `/api/integrations/outlook/callback?${q.toString()}` });
    expect(cb.headers.location).toBe('/settings?connected=outlook&error=admin_consent_required');
    const s = (await h.app.inject({ method: 'GET', url: '/api/integrations/outlook/status', headers })).json();
    expect(s.status).toBe('consent_required');
    const consent = (
      await h.app.inject({ method: 'GET', url: '/api/integrations/outlook/admin-consent-url', headers })
    ).json();
    const granted = await followAuthorize(h.t.agent, consent.url);
    expect(granted.get('admin_consent')).toBe('True');
    await h.app.inject({ method: 'GET', url: `/api/integrations/outlook/callback?${granted.toString()}` });
    const again = await h.app.inject({
      method: 'POST',
      url: '/api/integrations/outlook/connect',
      headers,
      payload: { loginHint: login },
    });
    const ok = await followAuthorize(h.t.agent, (again.json() as { authorizeUrl: string }).authorizeUrl);
    expect(
      (await h.app.inject({ method: 'GET', url: `/api/integrations/outlook/callback?${ok.toString()}` })).headers
        .location,
    ).toBe('/settings?connected=outlook');
  });

  it('refuses organisations outside MICROSOFT_ALLOWED_TENANTS with 403 tenant_not_allowed', async () => {
    h = await startOutlookApp({ MICROSOFT_ALLOWED_TENANTS: '00000000-0000-0000-0000-000000000001' });
    const tenant = await h.container.tenants.createTenant({ name: 'T', calendarProvider: 'MICROSOFT' });
    const { apiKey } = await h.container.tenants.createApiKey(tenant.id, 'adele.vance@contoso.com');
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/integrations/outlook/connect',
      headers: { authorization: `Bearer ${apiKey}` },
      payload: { loginHint: 'adele.vance@contoso.com' },
    });
    const q = await followAuthorize(h.t.agent, (res.json() as { authorizeUrl: string }).authorizeUrl);
    const cb = await h.app.inject({ method: 'GET', url: `/api/integrations/outlook/callback?${q.toString()}` });
    expect(cb.statusCode).toBe(403);
    expect(cb.json().error.code).toBe('tenant_not_allowed');
  });

  it('creates, renews and deletes a change subscription against a live receiver; disconnect deletes it', async () => {
    h = await startOutlookApp();
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken');
      res.writeHead(token ? 200 : 202, { 'content-type': 'text/plain' }).end(token ?? '');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { actor, conn } = await connectOutlookUser(h, 'adele.vance@contoso.com');
      const p = h.container.providers.forConnection('MICROSOFT', {
        ...actor,
        connectionId: conn!.id,
        mailbox: conn!.accountEmail!,
      });
      const cal = (await p.listCalendars()).find((c) => c.isDefault)!;
      const port = (server.address() as { port: number }).port;
      const sub = await p.createSubscription({
        calendarId: cal.id,
        notificationUrl: `http://127.0.0.1:${port}/hook`,
        clientState: 's3cret',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
      const renewed = await p.renewSubscription(sub.id, new Date(Date.now() + 2 * 86_400_000).toISOString());
      expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.parse(sub.expiresAt));
      await p.deleteSubscription(sub.id);
      expect(isAppError(await p.deleteSubscription(sub.id).catch((e: unknown) => e), 'not_found')).toBe(true);
      const sub2 = await p.createSubscription({
        calendarId: cal.id,
        notificationUrl: `http://127.0.0.1:${port}/hook`,
        clientState: 's3cret',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
      const row = await h.container.database.db
        .selectFrom('calendars')
        .select('id')
        .where('connection_id', '=', conn!.id)
        .where('is_default', '=', true)
        .executeTakeFirstOrThrow();
      await h.container.database.db
        .insertInto('calendar_sync_state')
        .values({ calendar_id: row.id, tenant_id: actor.tenantId, subscription_id: sub2.id })
        .execute();
      await h.feature.service.disconnect(actor);
      const remaining = (await (
        await fetch(`${h.t.emu.baseUrl}/_emulator/subscriptions`, { dispatcher: h.t.agent })
      ).json()) as { value: Array<{ id: string }> };
      expect(remaining.value.map((s) => s.id)).not.toContain(sub2.id);
    } finally {
      server.close();
    }
  });
});
