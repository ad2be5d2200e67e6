// The real @azure/msal-node against the emulator's identity platform: PKCE code flow, silent refresh, rotation,
// revocation, wrong secret, PKCE mismatch, admin-only scopes, client credentials, and Graph's 401 on expiry.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfidentialClientApplication, CryptoProvider, type AuthenticationResult } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../server.js';
import { followAuthorize, msalConfig, trustEmulatorCa } from '../testing.js';
import { createAuthenticate } from './tokens.js';

const GRAPH = 'https://graph.microsoft.com';
const SCOPES = [`${GRAPH}/Calendars.ReadWrite`, 'offline_access'];
let emu: RunningEmulator;
let untrust: () => void;
let user: string;
let redirectUri: string;

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    minimalSeed: true,
    autoConsent: true,
    quiet: true,
    dataDir: mkdtempSync(join(tmpdir(), 'emu-msal-')),
  });
  untrust = trustEmulatorCa(emu.caPem);
  user = emu.users[0]!;
  redirectUri = emu.app.redirectUris[0]!;
});
afterAll(async () => {
  untrust();
  await emu.close();
});
beforeEach(async () => {
  await emu.reset();
  emu.identity.lifetimes = {
    accessTokenSeconds: 60,
    refreshTokenSeconds: 3600,
    authCodeSeconds: 60,
    refreshGraceSeconds: 0,
  };
});

function newClient(secret = emu.app.clientSecret) {
  return new ConfidentialClientApplication(
    msalConfig(emu.baseUrl, { clientId: emu.app.clientId, clientSecret: secret }),
  );
}

async function codeFor(
  cca: ConfidentialClientApplication,
  scopes: string[],
  extra: { state?: string; nonce?: string } = {},
) {
  const pkce = await new CryptoProvider().generatePkceCodes();
  const url = await cca.getAuthCodeUrl({
    scopes,
    redirectUri,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: 'S256',
    loginHint: user,
    ...extra,
  });
  return { query: await followAuthorize(url), verifier: pkce.verifier };
}

async function signIn(cca: ConfidentialClientApplication, scopes = SCOPES): Promise<AuthenticationResult> {
  const { query, verifier } = await codeFor(cca, scopes);
  return cca.acquireTokenByCode({ code: query.get('code')!, redirectUri, scopes, codeVerifier: verifier });
}

function cachedRefreshToken(cca: ConfidentialClientApplication): string {
  const cache = JSON.parse(cca.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> };
  const entries = Object.values(cache.RefreshToken);
  expect(entries).toHaveLength(1);
  return entries[0]!.secret;
}

describe('MSAL ConfidentialClientApplication against the emulator', () => {
  it('signs in with the PKCE code flow and gets Graph tokens for the user', async () => {
    const cca = newClient();
    const { query, verifier } = await codeFor(cca, SCOPES, { state: 'st-1', nonce: 'n-1' });
    expect(query.get('state')).toBe('st-1');
    const result = await cca.acquireTokenByCode({
      code: query.get('code')!,
      redirectUri,
      scopes: SCOPES,
      codeVerifier: verifier,
      nonce: 'n-1',
    });
    const at = decodeJwt(result.accessToken);
    const person = emu.directory.getUser(user)!;
    expect(at.aud).toBe(GRAPH);
    expect(at.tid).toBe(person.tenantId);
    expect(at.iss).toBe(`https://sts.windows.net/${person.tenantId}/`);
    expect(at.oid).toBe(person.id);
    expect(at.appid).toBe(emu.app.clientId);
    expect(String(at.scp).split(' ')).toContain('Calendars.ReadWrite');
    expect(at.upn).toBe(person.userPrincipalName);
    expect(result.account?.username).toBe(person.userPrincipalName);
    expect(result.account?.tenantId).toBe(person.tenantId);
    expect(result.idTokenClaims).toMatchObject({
      aud: emu.app.clientId,
      nonce: 'n-1',
      oid: person.id,
      tid: person.tenantId,
    });
  });

  it('refreshes silently once the access token is (nearly) expired, rotating the refresh token', async () => {
    const cca = newClient();
    const first = await signIn(cca);
    const oldRt = cachedRefreshToken(cca);
    // 60 s tokens are inside MSAL's 5-minute renewal window, so the silent call must use the refresh token.
    const second = await cca.acquireTokenSilent({ account: first.account!, scopes: SCOPES });
    expect(second.accessToken).not.toBe(first.accessToken);
    const newRt = cachedRefreshToken(cca);
    expect(newRt).not.toBe(oldRt);
    const tokenCalls = emu.requestLog.list({ route: 'POST /:tenant/oauth2/v2.0/token' });
    expect(tokenCalls.map((r) => r.status)).toEqual([200, 200]);
    // Grace is 0 s: the superseded refresh token no longer works; the new one does.
    await expect(cca.acquireTokenByRefreshToken({ refreshToken: oldRt, scopes: SCOPES })).rejects.toMatchObject({
      errorCode: 'invalid_grant',
      errorMessage: expect.stringContaining('AADSTS70000'),
    });
    const third = await cca.acquireTokenByRefreshToken({ refreshToken: newRt, scopes: SCOPES });
    expect(third?.accessToken).toBeTruthy();
  });

  it('keeps a rotated refresh token usable during the grace period only', async () => {
    emu.identity.lifetimes.refreshGraceSeconds = 30;
    const cca = newClient();
    const first = await signIn(cca);
    const oldRt = cachedRefreshToken(cca);
    await cca.acquireTokenSilent({ account: first.account!, scopes: SCOPES, forceRefresh: true });
    expect(
      (await newClient().acquireTokenByRefreshToken({ refreshToken: oldRt, scopes: SCOPES }))?.accessToken,
    ).toBeTruthy();
    emu.clock.advance(31_000);
    await expect(newClient().acquireTokenByRefreshToken({ refreshToken: oldRt, scopes: SCOPES })).rejects.toMatchObject(
      { errorCode: 'invalid_grant' },
    );
  });

  it('rejects refresh tokens after the admin revokes the user (AADSTS50173)', async () => {
    const cca = newClient();
    const first = await signIn(cca);
    const res = await fetch(`${emu.baseUrl}/_emulator/users/${encodeURIComponent(user)}/revoke`, { method: 'POST' });
    expect(res.status).toBe(200);
    const err = await cca
      .acquireTokenSilent({ account: first.account!, scopes: SCOPES, forceRefresh: true })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ errorCode: 'invalid_grant', errorMessage: expect.stringContaining('AADSTS50173') });
  });

  it('rejects an expired refresh token (AADSTS700082) and an expired code (AADSTS70008)', async () => {
    const cca = newClient();
    const first = await signIn(cca);
    emu.clock.advance(3601_000);
    await expect(
      cca.acquireTokenSilent({ account: first.account!, scopes: SCOPES, forceRefresh: true }),
    ).rejects.toMatchObject({
      errorMessage: expect.stringContaining('AADSTS700082'),
    });
    const { query, verifier } = await codeFor(cca, SCOPES);
    emu.clock.advance(61_000);
    await expect(
      cca.acquireTokenByCode({ code: query.get('code')!, redirectUri, scopes: SCOPES, codeVerifier: verifier }),
    ).rejects.toMatchObject({
      errorCode: 'invalid_grant',
      errorMessage: expect.stringContaining('AADSTS70008'),
    });
  });

  it('rejects a PKCE verifier that does not match, and a code redeemed twice', async () => {
    const cca = newClient();
    const { query, verifier } = await codeFor(cca, SCOPES);
    const other = await new CryptoProvider().generatePkceCodes();
    await expect(
      cca.acquireTokenByCode({ code: query.get('code')!, redirectUri, scopes: SCOPES, codeVerifier: other.verifier }),
    ).rejects.toMatchObject({
      errorCode: 'invalid_grant',
      errorMessage: expect.stringContaining('AADSTS50148'),
    });
    // The failed attempt did not burn the code; the right verifier redeems it once.
    await cca.acquireTokenByCode({ code: query.get('code')!, redirectUri, scopes: SCOPES, codeVerifier: verifier });
    await expect(
      cca.acquireTokenByCode({ code: query.get('code')!, redirectUri, scopes: SCOPES, codeVerifier: verifier }),
    ).rejects.toMatchObject({
      errorMessage: expect.stringContaining('AADSTS54005'),
    });
  });

  it('rejects a wrong client secret (AADSTS7000215, invalid_client)', async () => {
    const { query, verifier } = await codeFor(newClient(), SCOPES);
    const bad = newClient('not-the-secret');
    await expect(
      bad.acquireTokenByCode({ code: query.get('code')!, redirectUri, scopes: SCOPES, codeVerifier: verifier }),
    ).rejects.toMatchObject({
      errorCode: 'invalid_client',
      errorMessage: expect.stringContaining('AADSTS7000215'),
    });
  });

  it('needs admin consent for an admin-only scope; after /adminconsent the sign-in works', async () => {
    const cca = newClient();
    const scopes = [`${GRAPH}/Place.Read.All`, 'offline_access'];
    const denied = await codeFor(cca, scopes, { state: 's2' });
    expect(denied.query.get('error')).toBe('consent_required');
    expect(denied.query.get('error_description')).toMatch(/^AADSTS65001:/);
    expect(denied.query.get('state')).toBe('s2');
    const tenantId = emu.directory.getUser(user)!.tenantId;
    const admin = await followAuthorize(
      `${emu.baseUrl}/${tenantId}/adminconsent?client_id=${emu.app.clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&state=a1`,
    );
    expect(Object.fromEntries(admin)).toMatchObject({ admin_consent: 'True', tenant: tenantId, state: 'a1' });
    const result = await signIn(cca, scopes);
    expect(String(decodeJwt(result.accessToken).scp).split(' ')).toContain('Place.Read.All');
  });

  it('asks for admin approval of every scope when the tenant disables user consent (AADSTS90094)', async () => {
    const tenant = emu.directory.getTenant(emu.directory.getUser(user)!.tenantId)!;
    tenant.userConsentDisabled = true;
    const denied = await codeFor(newClient(), SCOPES);
    expect(denied.query.get('error_description')).toMatch(/^AADSTS90094:/);
  });

  it('issues application tokens with roles after admin consent (client credentials)', async () => {
    const tenantId = emu.directory.getUser(user)!.tenantId;
    const cca = new ConfidentialClientApplication(msalConfig(emu.baseUrl, emu.app, tenantId));
    const before = await cca.acquireTokenByClientCredential({ scopes: [`${GRAPH}/.default`] });
    expect(decodeJwt(before!.accessToken).roles).toEqual([]);
    await followAuthorize(
      `${emu.baseUrl}/${tenantId}/adminconsent?client_id=${emu.app.clientId}&redirect_uri=${encodeURIComponent(redirectUri)}`,
    );
    const after = await cca.acquireTokenByClientCredential({ scopes: [`${GRAPH}/.default`], skipCache: true });
    const claims = decodeJwt(after!.accessToken);
    expect(claims.roles).toContain('Calendars.ReadWrite');
    expect(claims.idtyp).toBe('app');
    expect(claims.scp).toBeUndefined();
  });

  it('Graph answers a Graph-shaped 401 once the access token expired', async () => {
    const result = await signIn(newClient());
    const principal = await createAuthenticate(emu.identity)(`Bearer ${result.accessToken}`);
    expect(principal.userId).toBe(emu.directory.getUser(user)!.id);
    emu.clock.advance(61_000);
    await expect(createAuthenticate(emu.identity)(`Bearer ${result.accessToken}`)).rejects.toMatchObject({
      status: 401,
      code: 'InvalidAuthenticationToken',
      message: 'Access token has expired or is not yet valid.',
    });
    const res = await fetch(`${emu.baseUrl}/v1.0/subscriptions`, {
      headers: { authorization: `Bearer ${result.accessToken}` },
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
    expect(body.error.code).toBe('InvalidAuthenticationToken');
    expect(body.error.message).toBe('Access token has expired or is not yet valid.');
    expect(body.error.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
