// Issue 17 part 1: "Sign in with Microsoft" and "Sign in with Google" (OpenID Connect, code flow + PKCE, state and
// nonce) against both emulators over HTTP, calbridge listening on a loopback port and driven with fetch like a browser:
// redirects followed by hand, the emulator's sign-in/consent form posted, cookies carried by hand. Then the session
// cookie works (GET /api/auth/session; a write needs X-CSRF-Token), and every way a sign-in can go wrong is refused
// with its stable code on /app/signin?error=<code>. Last, a calendar connect started in one browser session completes
// only in that session (issue 17 hole 1).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeTestApp, type ComposedTestApp } from '../support/connection-app.js';
import { startTestGoogleEmulator, type TestGoogleEmulator } from '../support/google.js';
import { startTestEmulator, type TestEmulator } from '../support/microsoft.js';
import { consentThroughPage } from '../journey/support.js';

const ADELE = 'adele.vance@contoso.com';
const MEGAN = 'megan.bowen@contoso.com';
const ALEX = 'alex.wilber@contoso.com';
let ms: TestEmulator;
let g: TestGoogleEmulator;
let h: ComposedTestApp;
let base = '';
let tenantId = '';
let entraTenantId = '';

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
  entraTenantId = ms.emu.directory.getUser(ADELE)!.tenantId;
  const t = await h.container.tenants.createTenant({
    name: 'Contoso',
    calendarProvider: 'MICROSOFT',
    settings: { signIn: { microsoftTenantIds: [entraTenantId.toUpperCase()], googleDomains: ['contoso.com'] } },
  });
  tenantId = t.id;
  // Adele is the tenant's admin already (made by an operator); Alex was deactivated.
  await h.container.tenants.ensureUser(tenantId, ADELE, { role: 'admin' });
  await h.container.tenantStore.createUser({ tenantId, email: ALEX, role: 'member', status: 'deactivated' });
}, 120_000);
afterAll(async () => h?.close());

type Provider = 'microsoft' | 'google';

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

async function get(jar: Jar, path: string, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(`${base}${path}`, { redirect: 'manual', headers: { cookie: jar.header(), ...headers } });
  jar.take(res);
  return res;
}

/** GET /api/auth/signin/<provider>: the authorize URL the browser is sent to (and the flow cookie in the jar). */
async function startSignIn(jar: Jar, provider: Provider, returnTo?: string): Promise<URL> {
  const res = await get(
    jar,
    `/api/auth/signin/${provider}${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`,
  );
  expect(res.status).toBe(302);
  const to = new URL(res.headers.get('location')!);
  expect(to.origin).toBe(provider === 'microsoft' ? ms.emu.baseUrl : g.emu.baseUrl);
  expect(to.searchParams.get('code_challenge_method')).toBe('S256');
  expect(to.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(to.searchParams.get('state')).toBeTruthy();
  expect(to.searchParams.get('nonce')).toBeTruthy();
  expect(to.searchParams.get('scope')).toContain('openid');
  const flow = res.headers.getSetCookie().find((c) => c.startsWith('cb_signin='))!;
  expect(flow).toMatch(/HttpOnly/i);
  expect(flow).toMatch(/SameSite=Lax/i);
  expect(flow).toMatch(/Max-Age=600/i);
  return to;
}

/** The emulator's sign-in/consent page filled as `who`; the callback URL the provider sent the browser back to. */
async function atProvider(provider: Provider, authorizeUrl: URL, who: string): Promise<URL> {
  const fill: Record<string, string> =
    provider === 'microsoft'
      ? { login: who, password: ms.emu.directory.getUser(who)!.password, action: 'accept' }
      : { account: who, decision: 'allow' };
  return consentThroughPage(
    provider === 'microsoft' ? ms.agent : g.agent,
    authorizeUrl.href,
    fill,
    `${base}/api/auth/callback/${provider}`,
  );
}

/** The callback as the browser makes it: the provider's redirect with the jar's cookies. */
const callback = (jar: Jar, back: URL, provider?: Provider) =>
  get(jar, `${provider ? `/api/auth/callback/${provider}` : back.pathname}${back.search}`);

/** Expects the browser to be sent to the sign-in page with `code`, and no session cookie set. */
function expectRefused(res: Response, code: string): void {
  expect(res.status).toBe(302);
  expect(res.headers.get('location')).toBe(`/app/signin?error=${code}`);
  expect(res.headers.getSetCookie().some((c) => c.startsWith('cb_session='))).toBe(false);
}

/** A whole sign-in; the jar then carries the session. */
async function signIn(provider: Provider, who: string, returnTo?: string): Promise<{ jar: Jar; res: Response }> {
  const jar = new Jar();
  const back = await atProvider(provider, await startSignIn(jar, provider, returnTo), who);
  const res = await callback(jar, back);
  return { jar, res };
}

async function sessionOf(jar: Jar) {
  const res = await get(jar, '/api/auth/session');
  expect(res.status).toBe(200);
  return (await res.json()) as { via: string; userId: string; tenantId: string; role: string; csrfToken: string };
}

describe.each(['microsoft', 'google'] as const)('sign in with %s', (provider) => {
  it('signs the person in: a session cookie, back to returnTo; the cookie works and writes need the CSRF token', async () => {
    const { jar, res } = await signIn(provider, ADELE, '/app/approvals/123?tab=details');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/app/approvals/123?tab=details');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('cb_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Max-Age=\d+/i);
    expect(jar.cookies.has('cb_signin')).toBe(false);
    const s = await sessionOf(jar);
    expect(s).toMatchObject({ via: 'session', tenantId, role: 'admin' });
    const me = (await (await get(jar, '/api/me')).json()) as { user: { email: string } };
    expect(me.user.email).toBe(ADELE);

    const write = (headers: Record<string, string>) =>
      fetch(`${base}/api/customers`, {
        method: 'POST',
        headers: { cookie: jar.header(), 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name: `Fabrikam ${provider}`, domains: [`fabrikam-${provider}.com`] }),
      });
    const without = await write({});
    expect(without.status).toBe(403);
    expect(((await without.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
    const withToken = await write({ 'x-csrf-token': s.csrfToken });
    expect(withToken.status).toBe(201);

    const audit = await h.container.audit.list(tenantId, { limit: 50, action: 'session.signed_in' });
    expect(audit.some((a) => a.details?.provider === provider && a.actor === s.userId)).toBe(true);
  });

  it('without returnTo goes to /app; a returnTo off this server is refused before the provider is asked', async () => {
    const { res } = await signIn(provider, ADELE);
    expect(res.headers.get('location')).toBe('/app');
    for (const bad of ['https://evil.example/app', '//evil.example/app', '/\\evil.example', 'app']) {
      const r = await get(new Jar(), `/api/auth/signin/${provider}?returnTo=${encodeURIComponent(bad)}`);
      expectRefused(r, 'validation_failed');
    }
  });

  it('the first sign-in of a person of the tenant creates their user as a member; an invited user becomes active', async () => {
    const first = await signIn(provider, MEGAN);
    expect(first.res.headers.get('location')).toBe('/app');
    const s = await sessionOf(first.jar);
    expect(s.role).toBe('member');
    expect(s.tenantId).toBe(tenantId);
    const megan = await h.container.tenantStore.findUserByEmail(tenantId, MEGAN);
    expect(megan).toMatchObject({ id: s.userId, role: 'member', status: 'active' });
    // again: the same user, no second one
    const again = await sessionOf((await signIn(provider, MEGAN)).jar);
    expect(again.userId).toBe(s.userId);
    expect((await h.container.tenantStore.listUsers(tenantId)).filter((u) => u.email === MEGAN)).toHaveLength(1);
  });

  it('a deactivated user is refused', async () => {
    const { res } = await signIn(provider, ALEX);
    expectRefused(res, 'signin_user_deactivated');
  });

  it('a replayed callback is refused (the flow is spent once)', async () => {
    const jar = new Jar();
    const back = await atProvider(provider, await startSignIn(jar, provider), ADELE);
    const flowCookie = jar.cookies.get('cb_signin')!;
    expect((await callback(jar, back)).status).toBe(302);
    // the same redirect with the same flow cookie, as an attacker who captured both would send it
    const replay = new Jar();
    replay.cookies.set('cb_signin', flowCookie);
    const res = await callback(replay, back);
    expectRefused(res, 'signin_state_invalid');
  });

  it("a state of the other provider is refused at this provider's callback, and stays usable at its own", async () => {
    const other: Provider = provider === 'microsoft' ? 'google' : 'microsoft';
    const jar = new Jar();
    const back = await atProvider(other, await startSignIn(jar, other), ADELE);
    const flowCookie = jar.cookies.get('cb_signin')!;
    const wrong = await callback(jar, back, provider);
    expectRefused(wrong, 'signin_state_invalid');
    jar.cookies.set('cb_signin', flowCookie);
    const right = await callback(jar, back);
    expect(right.status).toBe(302);
    expect(right.headers.get('location')).toBe('/app');
  });

  it('a callback in a browser without the flow cookie (a link sent to someone else) is refused', async () => {
    const jar = new Jar();
    const back = await atProvider(provider, await startSignIn(jar, provider), ADELE);
    const res = await callback(new Jar(), back);
    expectRefused(res, 'signin_state_invalid');
    // and the starter's own browser can still finish it
    expect((await callback(jar, back)).headers.get('location')).toBe('/app');
  });

  it('an ID token with another nonce than the flow’s is refused', async () => {
    const jar = new Jar();
    const authorize = await startSignIn(jar, provider);
    authorize.searchParams.set('nonce', 'a-nonce-the-flow-never-issued-0123456789');
    const back = await atProvider(provider, authorize, ADELE);
    const res = await callback(jar, back);
    expectRefused(res, 'signin_failed');
    // refused by openid-client's nonce check (not by anything before it)
    expect(h.logs()).toContain('"reason":"OAUTH_JWT_CLAIM_COMPARISON_FAILED"');
  });

  it('a callback with an error from the provider (declined) is refused', async () => {
    const jar = new Jar();
    const authorize = await startSignIn(jar, provider);
    const back = new URL(`${base}/api/auth/callback/${provider}`);
    back.searchParams.set('state', authorize.searchParams.get('state')!);
    back.searchParams.set('error', 'access_denied');
    expectRefused(await callback(jar, back), 'signin_failed');
  });
});

describe('the allow-list', () => {
  it('a Microsoft account of an Entra tenant no calbridge tenant lists is refused', async () => {
    await h.container.tenantStore.updateSettings(tenantId, {
      signIn: { microsoftTenantIds: [randomUUID()], googleDomains: ['contoso.com'] },
    });
    try {
      const { res } = await signIn('microsoft', ADELE);
      expectRefused(res, 'signin_not_allowed');
    } finally {
      await h.container.tenantStore.updateSettings(tenantId, {
        signIn: { microsoftTenantIds: [entraTenantId], googleDomains: ['contoso.com'] },
      });
    }
  });

  it('a Google account of a domain no calbridge tenant lists is refused', async () => {
    await h.container.tenantStore.updateSettings(tenantId, {
      signIn: { microsoftTenantIds: [entraTenantId], googleDomains: ['fabrikam.com'] },
    });
    try {
      const { res } = await signIn('google', ADELE);
      expectRefused(res, 'signin_not_allowed');
    } finally {
      await h.container.tenantStore.updateSettings(tenantId, {
        signIn: { microsoftTenantIds: [entraTenantId], googleDomains: ['contoso.com'] },
      });
    }
  });

  it('the setting is checked at write: unknown keys and values that are not tenant ids or domains are 400', async () => {
    const { jar } = await signIn('microsoft', ADELE);
    const { csrfToken } = await sessionOf(jar);
    const patch = (signIn: unknown) =>
      fetch(`${base}/api/settings`, {
        method: 'PATCH',
        headers: { cookie: jar.header(), 'content-type': 'application/json', 'x-csrf-token': csrfToken },
        body: JSON.stringify({ signIn }),
      });
    for (const bad of [{ microsoftTenantIds: ['contoso'] }, { googleDomains: ['com'] }, { other: [] }]) {
      const res = await patch(bad);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    }
    const ok = await patch({ microsoftTenantIds: [entraTenantId], googleDomains: ['contoso.com'] });
    expect(ok.status).toBe(200);
  });
});

describe('a calendar connect is bound to the browser session that started it (issue 17 hole 1)', () => {
  /** POST connect with the session cookie and its CSRF token; the authorize URL. */
  async function connectAs(jar: Jar, slug: 'outlook' | 'google'): Promise<string> {
    const { csrfToken } = await sessionOf(jar);
    const res = await fetch(`${base}/api/integrations/${slug}/connect`, {
      method: 'POST',
      headers: { cookie: jar.header(), 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify({ loginHint: ADELE }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { authorizeUrl: string }).authorizeUrl;
  }

  it.each(['outlook', 'google'] as const)(
    '%s: completed in a browser with another session, or none, is 403 connect_session_mismatch; in its own it connects',
    async (slug) => {
      const adele = (await signIn('microsoft', ADELE)).jar;
      const megan = (await signIn('microsoft', MEGAN)).jar;
      const provider = slug === 'outlook' ? ms : g;
      const fill: Record<string, string> =
        slug === 'outlook'
          ? { login: ADELE, password: ms.emu.directory.getUser(ADELE)!.password, action: 'accept' }
          : { account: ADELE, decision: 'allow' };
      const consent = async () =>
        consentThroughPage(
          provider.agent,
          await connectAs(adele, slug),
          fill,
          `${base}/api/integrations/${slug}/callback`,
        );

      for (const other of [megan, new Jar()]) {
        const back = await consent();
        const res = await get(other, `${back.pathname}${back.search}`);
        expect(res.status).toBe(403);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('connect_session_mismatch');
      }
      const status = async () =>
        ((await (await get(adele, `/api/integrations/${slug}/status`)).json()) as { status: string }).status;
      expect(await status()).not.toBe('active');

      const back = await consent();
      const res = await get(adele, `${back.pathname}${back.search}`);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(`/settings?connected=${slug}`);
      expect(await status()).toBe('active');
    },
  );

  it('a connect started with an API key (a platform back end) still completes without a browser session', async () => {
    const { apiKey } = await h.container.tenants.createApiKey(tenantId, ADELE);
    const res = await fetch(`${base}/api/integrations/google/connect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ loginHint: ADELE }),
    });
    const { authorizeUrl } = (await res.json()) as { authorizeUrl: string };
    const back = await consentThroughPage(
      g.agent,
      authorizeUrl,
      { account: ADELE, decision: 'allow' },
      `${base}/api/integrations/google/callback`,
    );
    const done = await get(new Jar(), `${back.pathname}${back.search}`);
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/settings?connected=google');
  });
});
