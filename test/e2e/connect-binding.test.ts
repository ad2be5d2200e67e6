// Probe hole 1 (issue 17): a connect flow is bound to its provider and to the person who started it. calbridge with
// both emulators, over HTTP through their sign-in and consent pages: a Google state at the Outlook callback (and the
// reverse) is invalid_state `wrong_provider` and stays usable at its own callback; someone else signing in on the
// consent page is 403 account_mismatch and nothing is stored on the initiator, unless the initiator allowed another
// account when connecting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeTestApp, tenantUser, type ComposedTestApp } from '../support/connection-app.js';
import { startTestGoogleEmulator, type TestGoogleEmulator } from '../support/google.js';
import { startTestEmulator, type TestEmulator } from '../support/microsoft.js';
import { consentThroughPage } from '../journey/support.js';

const URL_BASE = 'http://127.0.0.1:3997';
const ADELE = 'adele.vance@contoso.com';
const MEGAN = 'megan.bowen@contoso.com';
let ms: TestEmulator;
let g: TestGoogleEmulator;
let h: ComposedTestApp;
let adele: { authorization: string };

beforeAll(async () => {
  ms = await startTestEmulator();
  g = await startTestGoogleEmulator({ minimalSeed: true });
  const redirectUri = `${URL_BASE}/api/integrations/google/callback`;
  const app = g.emu.registerApp({ redirectUris: [redirectUri], name: 'calbridge e2e' });
  h = await composeTestApp(
    {
      GOOGLE_CLIENT_ID: app.clientId,
      GOOGLE_CLIENT_SECRET: app.clientSecret,
      GOOGLE_REDIRECT_URI: redirectUri,
      GOOGLE_AUTH_BASE_URL: g.emu.baseUrl,
      GOOGLE_API_BASE_URL: g.emu.baseUrl,
      GOOGLE_CA_FILE: g.emu.caFile,
    },
    {
      dev: {
        emulators: { microsoft: { baseUrl: ms.emu.baseUrl, caFile: ms.emu.caFile }, google: null },
        demo: null,
        close: async () => undefined,
      },
      publicUrl: () => URL_BASE,
    },
    async () => {
      await ms.close();
      await g.close();
    },
  );
  // One calbridge user, Adele, calls both providers' routes.
  adele = (await tenantUser(h.container, { name: 'Contoso', calendarProvider: 'MICROSOFT' }, ADELE)).auth;
}, 120_000);
afterAll(async () => h?.close());

const as = (method: 'GET' | 'POST', url: string, body?: object) =>
  h.app.inject({ method, url, headers: adele, ...(body ? { payload: body } : {}) });

/** POST connect for `slug` as Adele; the authorize URL. */
async function start(slug: 'outlook' | 'google', body: object = {}): Promise<string> {
  const res = await as('POST', `/api/integrations/${slug}/connect`, body);
  expect(res.statusCode).toBe(200);
  return (res.json() as { authorizeUrl: string }).authorizeUrl;
}

/** Signs in on the emulator's page as `who` and returns the callback query the provider sent back. */
async function signIn(slug: 'outlook' | 'google', authorizeUrl: string, who: string): Promise<URLSearchParams> {
  const fill: Record<string, string> =
    slug === 'outlook'
      ? { login: who, password: ms.emu.directory.getUser(who)!.password, action: 'accept' }
      : { account: who, decision: 'allow' };
  const back = await consentThroughPage(
    slug === 'outlook' ? ms.agent : g.agent,
    authorizeUrl,
    fill,
    `${URL_BASE}/api/integrations/${slug}/callback`,
  );
  return back.searchParams;
}

const callback = (slug: 'outlook' | 'google', q: URLSearchParams) =>
  h.app.inject({ method: 'GET', url: `/api/integrations/${slug}/callback?${q.toString()}` });
const status = async (slug: 'outlook' | 'google') =>
  (await as('GET', `/api/integrations/${slug}/status`)).json() as {
    status: string;
    account: { email: string | null } | null;
  };
const disconnect = (slug: 'outlook' | 'google') => as('POST', `/api/integrations/${slug}/disconnect`);

describe('a state is bound to its provider', () => {
  it.each([
    ['google', 'outlook'],
    ['outlook', 'google'],
  ] as const)(
    'a %s state at the %s callback is invalid_state wrong_provider, and still works at its own',
    async (own, other) => {
      const otherBefore = (await status(other)).status;
      const q = await signIn(own, await start(own, { loginHint: ADELE }), ADELE);
      const wrong = await callback(other, q);
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().error).toMatchObject({ code: 'invalid_state', details: { reason: 'wrong_provider' } });
      expect((await status(other)).status).toBe(otherBefore);
      const right = await callback(own, q);
      expect(right.statusCode).toBe(302);
      expect(right.headers.location).toBe(`/settings?connected=${own}`);
      expect(await status(own)).toMatchObject({ status: 'active', account: { email: ADELE } });
      await disconnect(own);
    },
  );
});

describe('the signed-in account must be the initiator', () => {
  it.each(['outlook', 'google'] as const)(
    '%s: someone else signing in on the consent page is 403 account_mismatch, and nothing is stored',
    async (slug) => {
      const before = await status(slug);
      const q = await signIn(slug, await start(slug), MEGAN);
      const res = await callback(slug, q);
      expect(res.statusCode).toBe(403);
      const error = res.json().error;
      expect(error).toMatchObject({
        code: 'account_mismatch',
        details: { expected: ADELE, got: MEGAN, provider: slug === 'outlook' ? 'MICROSOFT' : 'GOOGLE' },
      });
      expect(error.message).toContain(ADELE);
      expect(res.body).not.toMatch(/access_token|refresh_token|eyJ/);
      const after = await status(slug);
      expect(after.status).toBe(before.status);
      expect(after.account?.email ?? null).not.toBe(MEGAN);
      // The state is spent: the same redirect cannot be replayed.
      expect((await callback(slug, q)).json().error).toMatchObject({
        code: 'invalid_state',
        details: { reason: 'used' },
      });
    },
  );

  it.each(['outlook', 'google'] as const)(
    '%s: with allowOtherAccount the initiator connects another account, and may reconnect it later',
    async (slug) => {
      const q = await signIn(slug, await start(slug, { allowOtherAccount: true }), MEGAN);
      const res = await callback(slug, q);
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe(`/settings?connected=${slug}`);
      expect(await status(slug)).toMatchObject({ status: 'active', account: { email: MEGAN } });
      // A reconnect of the account already connected needs no flag; yet another account still does.
      const again = await callback(slug, await signIn(slug, await start(slug), MEGAN));
      expect(again.statusCode).toBe(302);
      const third = await callback(slug, await signIn(slug, await start(slug), 'lynne.robbins@contoso.com'));
      expect(third.statusCode).toBe(403);
      expect(third.json().error.details).toMatchObject({ expected: ADELE, got: 'lynne.robbins@contoso.com' });
      expect((await status(slug)).account?.email).toBe(MEGAN);
      await disconnect(slug);
    },
  );
});
