// POST /api/integrations/outlook/connect with `returnTo` (issue 18: the calendar page's Connect Outlook comes back to
// the calendar page): a same-origin path is where the callback sends the browser after a successful connect; anything
// else is refused with 400 before a flow starts. Against the Microsoft emulator over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followAuthorize } from '../support/microsoft.js';
import { startOutlookApp, type OutlookTestApp } from '../support/outlook-app.js';

let h: OutlookTestApp;
let headers: { authorization: string };
const LOGIN = 'adele.vance@contoso.com';

beforeAll(async () => {
  h = await startOutlookApp();
  const tenant = await h.container.tenants.createTenant({ name: 'Contoso', calendarProvider: 'MICROSOFT' });
  const { apiKey } = await h.container.tenants.createApiKey(tenant.id, LOGIN);
  headers = { authorization: `Bearer ${apiKey}` };
});
afterAll(async () => h?.close());

const connect = (payload: object) =>
  h.app.inject({ method: 'POST', url: '/api/integrations/outlook/connect', headers, payload });

describe('connect with returnTo', () => {
  it('refuses a returnTo that is not a path on this server', async () => {
    for (const returnTo of ['https://evil.example/x', '//evil.example/x', '/\\evil.example', 'calendar']) {
      const res = await connect({ loginHint: LOGIN, returnTo });
      expect(res.statusCode, returnTo).toBe(400);
      expect(res.json().error.code).toBe('bad_request');
    }
  });

  it('sends the browser back to returnTo after a successful connect', async () => {
    const res = await connect({ loginHint: LOGIN, returnTo: '/app/calendar?view=day' });
    expect(res.statusCode, res.body).toBe(200);
    const q = await followAuthorize(h.t.agent, (res.json() as { authorizeUrl: string }).authorizeUrl);
    const cb = await h.app.inject({ method: 'GET', url: `/api/integrations/outlook/callback?${q.toString()}` });
    expect(cb.statusCode).toBe(302);
    expect(cb.headers.location).toBe('/app/calendar?view=day');
    const status = (await h.app.inject({ method: 'GET', url: '/api/integrations/outlook/status', headers })).json();
    expect(status.status).toBe('active');
  });

  it('without returnTo, still the settings page', async () => {
    const res = await connect({ loginHint: LOGIN });
    const q = await followAuthorize(h.t.agent, (res.json() as { authorizeUrl: string }).authorizeUrl);
    const cb = await h.app.inject({ method: 'GET', url: `/api/integrations/outlook/callback?${q.toString()}` });
    expect(cb.headers.location).toBe('/settings?connected=outlook');
  });
});
