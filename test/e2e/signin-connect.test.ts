// Issue 17: "signing in and connecting the calendar can be one consent". GET /api/auth/signin/<provider>?connect=1
// asks the identity provider for the calendar scopes in the sign-in request, so the person sees one consent page;
// after the sign-in callback the browser goes to GET /api/auth/connect/<provider>, which starts the calendar connect
// with prompt=none and the person's address as login hint, and the provider answers with a code without any page.
// Driven like a browser with fetch against both emulators over HTTP (redirects followed by hand, pages counted, forms
// posted, cookies carried by hand). The failure path: without a prior consent for the calendar scopes the silent
// connect comes back with the provider's error, lands on the settings page with it, and the session still works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch as undiciFetch, type Agent } from 'undici';
import { composeTestApp, type ComposedTestApp } from '../support/connection-app.js';
import { startTestGoogleEmulator, type TestGoogleEmulator } from '../support/google.js';
import { startTestEmulator, type TestEmulator } from '../support/microsoft.js';
import { parseForm } from '../journey/support.js';

let ms: TestEmulator;
let g: TestGoogleEmulator;
let h: ComposedTestApp;
let base = '';
let tenantId = '';

beforeAll(async () => {
  ms = await startTestEmulator();
  g = await startTestGoogleEmulator({ minimalSeed: true });
  let port = 0;
  const url = () => `http://127.0.0.1:${port}`;
  h = await composeTestApp(
    {},
    {
      dev: {
        emulators: {
          microsoft: { baseUrl: ms.emu.baseUrl, caFile: ms.emu.caFile },
          google: {
            baseUrl: g.emu.baseUrl,
            caFile: g.emu.caFile,
            registerApp: (a) => g.emu.registerApp(a),
            close: async () => undefined,
          },
        },
        demo: null,
        close: async () => undefined,
      },
      publicUrl: url,
    },
    async () => {
      await ms.close();
      await g.close();
    },
  );
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = h.app.server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  base = url();
  const entraTenantId = ms.emu.directory.getUser('adele.vance@contoso.com')!.tenantId;
  const t = await h.container.tenants.createTenant({
    name: 'Contoso',
    calendarProvider: 'MICROSOFT',
    settings: { signIn: { microsoftTenantIds: [entraTenantId], googleDomains: ['contoso.com'] } },
  });
  tenantId = t.id;
}, 120_000);
afterAll(async () => h?.close());

type Provider = 'microsoft' | 'google';
const slugOf = (p: Provider) => (p === 'microsoft' ? 'outlook' : 'google');

/** A browser's cookies for calbridge (name → value), kept by hand. */
class Jar {
  readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      const expired = attrs.some((a) => /^\s*max-age=0\b/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function get(jar: Jar, path: string): Promise<Response> {
  const res = await fetch(`${base}${path}`, { redirect: 'manual', headers: { cookie: jar.header() } });
  jar.take(res);
  return res;
}

interface Journey {
  /** Every URL the browser was at, in order (calbridge paths and provider URLs). */
  visited: string[];
  /** The provider pages shown to the person (sign-in / consent forms). */
  pages: string[];
  /** Where the browser ended: the first calbridge location that is not under /api/. */
  landed: string;
}

/**
 * A browser starting at `path` on calbridge: follows every redirect (calbridge with the jar's cookies, the provider
 * through its agent), fills each provider page with `fill`, and stops at the first calbridge page outside /api/.
 */
async function browse(jar: Jar, path: string, provider: Provider, fill: Record<string, string>): Promise<Journey> {
  const agent: Agent = provider === 'microsoft' ? ms.agent : g.agent;
  const visited: string[] = [];
  const pages: string[] = [];
  let next = new URL(path, base);
  let post: { body: string } | null = null;
  for (let i = 0; i < 20; i++) {
    visited.push(next.origin === base ? next.pathname + next.search : next.href);
    if (next.origin === base) {
      if (!next.pathname.startsWith('/api/')) return { visited, pages, landed: next.pathname + next.search };
      const res = await get(jar, next.pathname + next.search);
      expect(res.status, `${next.pathname} answered ${res.status}`).toBe(302);
      next = new URL(res.headers.get('location')!, next);
      continue;
    }
    const res = await undiciFetch(next.href, {
      dispatcher: agent,
      redirect: 'manual',
      ...(post
        ? { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: post.body }
        : {}),
    });
    post = null;
    const location = res.headers.get('location');
    if (location) {
      next = new URL(location, next);
      continue;
    }
    expect(res.status, `${next.href} answered ${res.status}`).toBe(200);
    pages.push(next.href);
    const form = parseForm(await res.text(), next.href);
    post = { body: new URLSearchParams({ ...form.fields, ...fill }).toString() };
    next = new URL(form.action);
  }
  throw new Error(`the browser never came back to a calbridge page: ${visited.join(' → ')}`);
}

const fillFor = (provider: Provider, who: string): Record<string, string> =>
  provider === 'microsoft'
    ? { login: who, password: ms.emu.directory.getUser(who)!.password, action: 'accept' }
    : { account: who, decision: 'allow' };

async function sessionOf(jar: Jar) {
  const res = await get(jar, '/api/auth/session');
  expect(res.status).toBe(200);
  return (await res.json()) as { via: string; userId: string; tenantId: string; role: string; csrfToken: string };
}

async function statusOf(jar: Jar, provider: Provider) {
  const res = await get(jar, `/api/integrations/${slugOf(provider)}/status`);
  expect(res.status).toBe(200);
  return (await res.json()) as { connected: boolean; status: string; account: { email: string | null } | null };
}

describe.each([
  ['microsoft', 'lynne.robbins@contoso.com', 'diego.siciliani@contoso.com', 'megan.bowen@contoso.com'],
  ['google', 'patti.fernandez@contoso.com', 'nestor.wilke@contoso.com', 'alex.wilber@contoso.com'],
] as const)('sign in with %s and connect the calendar', (provider, newcomer, other, third) => {
  it('a new person sees one consent page and ends signed in with an active calendar connection', async () => {
    const jar = new Jar();
    const start = await get(jar, `/api/auth/signin/${provider}?connect=1`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    // the sign-in request asks for the calendar scopes too (one consent covers both)
    const scope = authorize.searchParams.get('scope')!.split(' ');
    expect(scope).toContain('openid');
    expect(scope).toContain(
      provider === 'microsoft'
        ? 'https://graph.microsoft.com/Calendars.ReadWrite'
        : 'https://www.googleapis.com/auth/calendar.events',
    );
    if (provider === 'google') expect(authorize.searchParams.get('include_granted_scopes')).toBe('true');

    const journey = await browse(jar, authorize.href, provider, fillFor(provider, newcomer));
    expect(journey.pages, journey.visited.join('\n')).toHaveLength(1);
    // the way it went: sign-in callback → the silent connect → the provider again (no page) → the connect callback
    const ours = journey.visited.filter((v) => v.startsWith('/'));
    expect(ours.map((v) => v.split('?')[0])).toEqual([
      `/api/auth/callback/${provider}`,
      `/api/auth/connect/${provider}`,
      `/api/integrations/${slugOf(provider)}/callback`,
      '/settings',
    ]);
    const silent = new URL(journey.visited.find((v) => v.includes('prompt=none'))!);
    expect(silent.searchParams.get('login_hint')).toBe(newcomer);
    expect(journey.landed).toBe(`/settings?connected=${slugOf(provider)}`);

    const s = await sessionOf(jar);
    expect(s).toMatchObject({ via: 'session', tenantId, role: 'member' });
    expect((await h.container.tenantStore.findUserByEmail(tenantId, newcomer))?.id).toBe(s.userId);
    const status = await statusOf(jar, provider);
    expect(status).toMatchObject({ connected: true, status: 'active' });
    expect(status.account?.email?.toLowerCase()).toBe(newcomer);
  });

  it('with returnTo the browser ends there once connected; signed in again, a connected person goes straight on', async () => {
    const path = `/api/auth/signin/${provider}?connect=1&returnTo=${encodeURIComponent('/app/approvals')}`;
    const jar = new Jar();
    const journey = await browse(jar, path, provider, fillFor(provider, third));
    expect(journey.pages).toHaveLength(1);
    expect(journey.visited.some((v) => v.includes('prompt=none'))).toBe(true);
    expect(journey.landed).toBe('/app/approvals');
    expect((await statusOf(jar, provider)).status).toBe('active');

    const again = new Jar();
    const second = await browse(again, path, provider, fillFor(provider, third));
    expect(second.pages).toHaveLength(1);
    // the connection is active: no second round trip to the provider
    expect(second.visited.some((v) => v.includes('prompt=none'))).toBe(false);
    expect(second.landed).toBe('/app/approvals');
    expect((await statusOf(again, provider)).status).toBe('active');
  });

  it('without a prior consent to the calendar scopes the silent connect fails visibly; the session still works', async () => {
    // a plain sign-in: consent for signing in only
    const jar = new Jar();
    const signedIn = await browse(jar, `/api/auth/signin/${provider}`, provider, fillFor(provider, other));
    expect(signedIn.pages).toHaveLength(1);
    expect(signedIn.landed).toBe('/app');
    const journey = await browse(jar, `/api/auth/connect/${provider}`, provider, {});
    // no page: the provider answered the silent request with an error, which the connect callback shows
    expect(journey.pages).toHaveLength(0);
    const landed = new URL(journey.landed, base);
    expect(landed.pathname).toBe('/settings');
    expect(landed.searchParams.get('connected')).toBe(slugOf(provider));
    expect(landed.searchParams.get('error')).toBeTruthy();
    expect((await statusOf(jar, provider)).status).not.toBe('active');
    const s = await sessionOf(jar);
    expect(s.via).toBe('session');
    expect((await h.container.tenantStore.findUserByEmail(tenantId, other))?.id).toBe(s.userId);
  });
});

describe('GET /api/auth/connect/:provider', () => {
  it('needs a browser session: an API key is 400, no caller 401', async () => {
    const { apiKey } = await h.container.tenants.createApiKey(tenantId, 'lynne.robbins@contoso.com');
    const withKey = await fetch(`${base}/api/auth/connect/microsoft`, {
      redirect: 'manual',
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(withKey.status).toBe(400);
    expect(((await withKey.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    const none = await fetch(`${base}/api/auth/connect/microsoft`, { redirect: 'manual' });
    expect(none.status).toBe(401);
  });
});
