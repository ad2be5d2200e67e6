// Identity endpoints on the wire: discovery documents, instance discovery, JWKS, token errors in Microsoft's shape.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../server.js';
import { trustEmulatorCa, userToken } from '../testing.js';

let emu: RunningEmulator;
let untrust: () => void;
let tenantId: string;

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    minimalSeed: true,
    quiet: true,
    autoConsent: true,
    dataDir: mkdtempSync(join(tmpdir(), 'emu-idp-')),
  });
  untrust = trustEmulatorCa(emu.caPem);
});
afterAll(async () => {
  untrust();
  await emu.close();
});
beforeEach(async () => {
  await emu.reset();
  tenantId = emu.directory.getUser(emu.users[0]!)!.tenantId;
});

async function token(form: Record<string, string>, tenant = 'common') {
  const res = await fetch(`${emu.baseUrl}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('discovery', () => {
  it('serves the v2.0 document for common, a tenant id and a tenant domain with matching issuer host', async () => {
    const host = new URL(emu.baseUrl).host;
    const common = (await (
      await fetch(`${emu.baseUrl}/common/v2.0/.well-known/openid-configuration`)
    ).json()) as Record<string, string>;
    expect(common.issuer).toBe(`https://${host}/{tenantid}/v2.0`);
    expect(common.token_endpoint).toBe(`https://${host}/common/oauth2/v2.0/token`);
    expect(common.authorization_endpoint).toBe(`https://${host}/common/oauth2/v2.0/authorize`);
    const domain = emu.directory.tenants.get(tenantId)!.domains[0]!;
    const byDomain = (await (
      await fetch(`${emu.baseUrl}/${domain}/v2.0/.well-known/openid-configuration`)
    ).json()) as Record<string, string>;
    expect(byDomain.issuer).toBe(`https://${host}/${tenantId}/v2.0`);
    expect(byDomain.jwks_uri).toBe(`https://${host}/${domain}/discovery/v2.0/keys`);
  });

  it('answers 400 invalid_tenant (AADSTS90002) for an unknown tenant', async () => {
    const res = await fetch(`${emu.baseUrl}/nosuch.example/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_codes: number[] };
    expect(body.error).toBe('invalid_tenant');
    expect(body.error_codes).toEqual([90002]);
  });

  it('answers MSAL instance discovery with this host as the only alias', async () => {
    const endpoint = encodeURIComponent(`${emu.baseUrl}/common/oauth2/v2.0/authorize`);
    const body = (await (
      await fetch(`${emu.baseUrl}/common/discovery/instance?api-version=1.1&authorization_endpoint=${endpoint}`)
    ).json()) as {
      tenant_discovery_endpoint: string;
      metadata: Array<{ aliases: string[] }>;
    };
    expect(body.tenant_discovery_endpoint).toBe(`${emu.baseUrl}/common/v2.0/.well-known/openid-configuration`);
    expect(body.metadata[0]!.aliases).toEqual([new URL(emu.baseUrl).host]);
  });

  it('publishes the key that signs the tokens', async () => {
    const jwks = (await (await fetch(`${emu.baseUrl}/common/discovery/v2.0/keys`)).json()) as Parameters<
      typeof createLocalJWKSet
    >[0];
    const res = await token(
      {
        grant_type: 'client_credentials',
        client_id: emu.app.clientId,
        client_secret: emu.app.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      },
      tenantId,
    );
    const { payload, protectedHeader } = await jwtVerify(String(res.body.access_token), createLocalJWKSet(jwks), {
      currentDate: new Date(emu.clock.now()),
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.tid).toBe(tenantId);
  });
});

describe('token endpoint errors', () => {
  it('uses Microsoft error JSON: AADSTS code first in the description, trace and correlation ids, timestamp', async () => {
    const res = await token({
      grant_type: 'authorization_code',
      client_id: emu.app.clientId,
      client_secret: emu.app.clientSecret,
      code: 'garbage',
      redirect_uri: emu.app.redirectUris[0]!,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.body.error_codes).toEqual([9002313]);
    const d = String(res.body.error_description);
    expect(d).toMatch(
      /^AADSTS9002313: .+ Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
    );
    expect(d).toContain(`Trace ID: ${String(res.body.trace_id)}`);
    expect(d).toContain(`Correlation ID: ${String(res.body.correlation_id)}`);
    expect(res.body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  });

  it('answers 401 invalid_client without a secret (AADSTS7000218) and 400 for an unknown client (AADSTS700016)', async () => {
    const noSecret = await token(
      { grant_type: 'client_credentials', client_id: emu.app.clientId, scope: 'https://graph.microsoft.com/.default' },
      tenantId,
    );
    expect(noSecret.status).toBe(401);
    expect(noSecret.body.error).toBe('invalid_client');
    expect(noSecret.body.error_codes).toEqual([7000218]);
    const unknown = await token(
      {
        grant_type: 'client_credentials',
        client_id: '00000000-0000-4000-8000-000000000001',
        client_secret: 'x',
        scope: 'https://graph.microsoft.com/.default',
      },
      tenantId,
    );
    expect(unknown.body.error_codes).toEqual([700016]);
  });

  it('refuses client credentials on /common (AADSTS50059) and without /.default (AADSTS1002012)', async () => {
    const creds = {
      grant_type: 'client_credentials',
      client_id: emu.app.clientId,
      client_secret: emu.app.clientSecret,
    };
    expect((await token({ ...creds, scope: 'https://graph.microsoft.com/.default' })).body.error_codes).toEqual([
      50059,
    ]);
    expect((await token({ ...creds, scope: 'Calendars.Read' }, tenantId)).body.error_codes).toEqual([1002012]);
  });

  it('reads only form bodies: JSON parameters count as missing (AADSTS900144)', async () => {
    const res = await fetch(`${emu.baseUrl}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: emu.app.clientId,
        client_secret: emu.app.clientSecret,
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_codes: number[] }).error_codes).toEqual([900144]);
  });

  it('refuses an unknown grant type and a missing grant type', async () => {
    const creds = { client_id: emu.app.clientId, client_secret: emu.app.clientSecret };
    const bad = await token({ ...creds, grant_type: 'password' });
    expect(bad.body.error).toBe('unsupported_grant_type');
    const missing = await token(creds);
    expect(missing.body.error_codes).toEqual([900144]);
  });

  it('asks for consent (AADSTS65001, suberror consent_required) when a refresh asks for a permission never granted', async () => {
    const { createHash, randomBytes } = await import('node:crypto');
    const verifier = randomBytes(32).toString('base64url');
    const q = new URLSearchParams({
      client_id: emu.app.clientId,
      response_type: 'code',
      redirect_uri: emu.app.redirectUris[0]!,
      scope: 'User.Read offline_access',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      login_hint: emu.users[0]!,
    });
    const redirect = await fetch(`${emu.baseUrl}/common/oauth2/v2.0/authorize?${q}`, { redirect: 'manual' });
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
    const creds = { client_id: emu.app.clientId, client_secret: emu.app.clientSecret };
    const first = await token({
      ...creds,
      grant_type: 'authorization_code',
      code,
      redirect_uri: emu.app.redirectUris[0]!,
      code_verifier: verifier,
    });
    expect(first.status).toBe(200);
    const refreshed = await token({
      ...creds,
      grant_type: 'refresh_token',
      refresh_token: String(first.body.refresh_token),
      scope: 'https://graph.microsoft.com/Place.Read.All offline_access',
    });
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error_codes).toEqual([65001]);
    expect(refreshed.body.suberror).toBe('consent_required');
  });
});

describe('sign-out and userinfo', () => {
  it('sends the user back to a registered origin on logout, else shows a page', async () => {
    const back = await fetch(
      `${emu.baseUrl}/common/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent('http://localhost:3000/')}&state=s`,
      { redirect: 'manual' },
    );
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('http://localhost:3000/?state=s');
    const stay = await fetch(
      `${emu.baseUrl}/common/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent('http://elsewhere.test/')}`,
      { redirect: 'manual' },
    );
    expect(stay.status).toBe(200);
    expect(await stay.text()).toContain('signed out');
  });

  it('answers userinfo for a user token and 401 without one', async () => {
    const t = await userToken(emu.baseUrl, emu.app, emu.users[0]!);
    const res = await fetch(`${emu.baseUrl}/oidc/userinfo`, { headers: { authorization: `Bearer ${t.access_token}` } });
    expect(res.status).toBe(200);
    const user = emu.directory.getUser(emu.users[0]!)!;
    expect(await res.json()).toMatchObject({ name: user.displayName, email: user.mail });
    expect((await fetch(`${emu.baseUrl}/oidc/userinfo`)).status).toBe(401);
  });
});
