// Test helpers for code that talks to the emulator: trust its CA in-process, MSAL configuration, auto-consent sign-in.
import { rootCertificates } from 'node:tls';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import type { Configuration } from '@azure/msal-node';

/**
 * Makes Node's global `fetch` (used by MSAL and the Graph client) trust the emulator's CA besides the public roots.
 * Returns a function restoring the previous dispatcher.
 */
export function trustEmulatorCa(caPem: string): () => void {
  const previous: Dispatcher = getGlobalDispatcher();
  setGlobalDispatcher(new Agent({ connect: { ca: [caPem, ...rootCertificates] } }));
  return () => setGlobalDispatcher(previous);
}

/** MSAL ConfidentialClientApplication configuration for the emulator (https authority, known authority host:port). */
export function msalConfig(
  baseUrl: string,
  app: { clientId: string; clientSecret: string },
  tenant = 'common',
): Configuration {
  return {
    auth: {
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      authority: `${baseUrl}/${tenant}`,
      knownAuthorities: [new URL(baseUrl).host],
    },
  };
}

/** Follows an authorize URL without a browser (auto-consent or prompt=none); returns the redirect's query. */
export async function followAuthorize(url: string): Promise<URLSearchParams> {
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) {
    throw new Error(`authorize answered ${res.status} without a redirect: ${(await res.text()).slice(0, 300)}`);
  }
  return new URL(location).searchParams;
}

export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  expires_in: number;
  scope?: string;
}

async function postToken(baseUrl: string, tenant: string, form: Record<string, string>): Promise<TokenSet> {
  const res = await fetch(`${baseUrl}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await res.json()) as TokenSet & { error?: string; error_description?: string };
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}: ${body.error_description ?? body.error}`);
  return body;
}

/**
 * Signs `login` (UPN) in to `app` through the authorize endpoint without MSAL or a browser and redeems the code.
 * Works with auto-consent on (redirect) and off (the consent form is submitted with the user's seeded password).
 *
 * @example
 * const { access_token } = await userToken(emu.baseUrl, emu.app, 'adele.vance@contoso.com');
 */
export async function userToken(
  baseUrl: string,
  app: { clientId: string; clientSecret: string; redirectUris: readonly string[] },
  login: string,
  scopes: string[] = ['https://graph.microsoft.com/Calendars.ReadWrite', 'offline_access', 'openid', 'profile'],
): Promise<TokenSet> {
  const { createHash, randomBytes } = await import('node:crypto');
  const verifier = randomBytes(32).toString('base64url');
  const redirectUri = app.redirectUris[0] ?? '';
  const params = new URLSearchParams({
    client_id: app.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: scopes.join(' '),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    login_hint: login,
  });
  let res = await fetch(`${baseUrl}/common/oauth2/v2.0/authorize?${params}`, { redirect: 'manual' });
  if (res.status === 200) {
    const users = (await (await fetch(`${baseUrl}/_emulator/users`)).json()) as Array<{
      userPrincipalName: string;
      password: string;
    }>;
    const password = users.find((u) => u.userPrincipalName.toLowerCase() === login.toLowerCase())?.password ?? '';
    const form = new URLSearchParams(params);
    form.set('login', login);
    form.set('password', password);
    form.set('action', 'accept');
    res = await fetch(`${baseUrl}/common/oauth2/v2.0/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
  }
  const location = res.headers.get('location');
  const query = location ? new URL(location).searchParams : null;
  const code = query?.get('code');
  if (!code)
    throw new Error(`sign-in of ${login} failed: ${query?.get('error_description') ?? `status ${res.status}`}`);
  return postToken(baseUrl, 'common', {
    grant_type: 'authorization_code',
    client_id: app.clientId,
    client_secret: app.clientSecret,
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
}

/** An application (client credentials) token for `tenantId`. */
export async function appToken(
  baseUrl: string,
  app: { clientId: string; clientSecret: string },
  tenantId: string,
): Promise<TokenSet> {
  return postToken(baseUrl, tenantId, {
    grant_type: 'client_credentials',
    client_id: app.clientId,
    client_secret: app.clientSecret,
    scope: 'https://graph.microsoft.com/.default',
  });
}
