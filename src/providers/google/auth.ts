// Google OAuth 2.0 through google-auth-library's OAuth2Client: PKCE sign-in URL (offline access), code redemption,
// refresh with the stored refresh token. The per-connection cache (JSON) is persisted by the caller's TokenCacheStore.
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { fetch as undiciFetch, type Agent } from 'undici';
import { AppError } from '../../domain/errors.js';
import type { ConsentScope, OAuthClient, OAuthTokens, TokenCacheStore } from '../../ports/connections.js';

const API = 'https://www.googleapis.com/auth/';

export interface GoogleAuthSettings {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Base of the authorization endpoint (`https://accounts.google.com` or the emulator's base URL). */
  authBaseUrl: string;
  /** Base of the token endpoint (`https://oauth2.googleapis.com` or the emulator's base URL). */
  tokenBaseUrl: string;
  roomsEnabled: boolean;
  readOnly: boolean;
}

const WHY: Record<string, string> = {
  'calendar.events':
    'Create, update and cancel the meetings calbridge schedules, and read events to keep them in sync.',
  'calendar.events.readonly': 'Read events to keep them in sync (read-only deployments).',
  'calendar.readonly': 'List the user’s calendars and read free/busy of colleagues and rooms.',
  'gmail.send': 'Send meeting preparation briefs from the user’s own mailbox (send only: no mail is read).',
  'admin.directory.resource.calendar.readonly': 'List the organisation’s meeting rooms (Workspace resource calendars).',
  'directory.readonly': 'Find colleagues by name in the Workspace directory when inviting people.',
  openid: 'Identify the account (Google user id).',
  email: 'Read the account’s address.',
  profile: 'Show the account’s name.',
};

/** The scopes calbridge asks each Google user for, with why. */
export function googleScopes(s: Pick<GoogleAuthSettings, 'readOnly' | 'roomsEnabled'>): ConsentScope[] {
  const api = [
    s.readOnly ? 'calendar.events.readonly' : 'calendar.events',
    'calendar.readonly',
    // Prep briefs by mail, as Outlook's Mail.Send (not in the read-only tier, as on Outlook).
    ...(s.readOnly ? [] : ['gmail.send']),
    ...(s.roomsEnabled ? ['admin.directory.resource.calendar.readonly'] : []),
    // People search for the attendee picker (People API searchDirectoryPeople); without it calbridge's own people only.
    'directory.readonly',
  ];
  return [
    ...api.map((x) => ({ scope: API + x, why: WHY[x] ?? '', adminOnly: false })),
    ...['openid', 'email', 'profile'].map((x) => ({ scope: x, why: WHY[x] ?? '', adminOnly: false })),
  ];
}

/** What the TokenCacheStore holds for a Google connection. */
interface GoogleCache {
  refreshToken: string | null;
  accessToken: string;
  expiresAt: number;
  scopes: string[];
  account: OAuthTokens['account'];
}

interface GaxiosLike {
  response?: { status?: number; data?: { error?: string; error_description?: string } };
  code?: string;
}

/** One token-endpoint failure → the AppError the services act on (never includes tokens). */
export function mapGoogleAuthError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  const g = e as GaxiosLike;
  const status = g?.response?.status;
  const error = g?.response?.data?.error;
  if (status === undefined)
    return new AppError('provider_unavailable', 'Google’s sign-in service cannot be reached.', {
      details: { provider: 'google' },
      cause: e,
    });
  const details = { provider: 'google', reason: error ?? 'unknown', status };
  if (error === 'invalid_grant')
    return new AppError(
      'reconnect_required',
      'Google no longer accepts this sign-in (expired or revoked); connect again.',
      { details, cause: e },
    );
  if (status >= 500) return new AppError('provider_unavailable', undefined, { details, cause: e });
  return new AppError('oauth_failed', `Google sign-in failed (${error ?? status}).`, { details, cause: e });
}

function claims(idToken: string | null | undefined): Record<string, unknown> {
  // The id_token comes straight from the token endpoint over TLS, so its signature need not be checked (OIDC 3.1.3.7).
  const part = idToken?.split('.')[1];
  if (!part) throw new AppError('oauth_failed', 'Google returned no id_token (is the openid scope granted?).');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export class GoogleOAuthClient implements OAuthClient {
  readonly provider = 'GOOGLE' as const;
  private readonly fetchImpl: typeof fetch;

  constructor(
    private readonly s: GoogleAuthSettings,
    agent: Agent,
  ) {
    this.fetchImpl = ((url: string | URL, init?: RequestInit) =>
      undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
  }

  get scopes(): ConsentScope[] {
    return googleScopes(this.s);
  }

  /** Google has no organisation-wide consent step for these scopes (a Workspace admin may pre-approve the app). */
  get adminScopes(): ConsentScope[] {
    return googleScopes(this.s);
  }

  private client(): OAuth2Client {
    const auth = this.s.authBaseUrl.replace(/\/+$/, '');
    const token = this.s.tokenBaseUrl.replace(/\/+$/, '');
    return new OAuth2Client({
      clientId: this.s.clientId,
      clientSecret: this.s.clientSecret,
      redirectUri: this.s.redirectUri,
      endpoints: {
        oauth2AuthBaseUrl: `${auth}/o/oauth2/v2/auth`,
        oauth2TokenUrl: `${token}/token`,
        oauth2RevokeUrl: `${token}/revoke`,
      },
      transporterOptions: { fetchImplementation: this.fetchImpl, retry: false },
    });
  }

  async createPkce(): Promise<{ verifier: string; challenge: string }> {
    const r = await this.client().generateCodeVerifierAsync();
    return { verifier: r.codeVerifier, challenge: r.codeChallenge ?? '' };
  }

  async authorizeUrl(p: {
    state: string;
    codeChallenge: string;
    loginHint?: string;
    prompt?: 'select_account' | 'consent' | 'login' | 'none';
  }): Promise<string> {
    return this.client().generateAuthUrl({
      access_type: 'offline',
      scope: this.scopes.map((x) => x.scope),
      state: p.state,
      code_challenge: p.codeChallenge,
      code_challenge_method: CodeChallengeMethod.S256,
      include_granted_scopes: true,
      // Google issues a refresh token only with consent; `login` has no Google equivalent. `none` (no page: the user
      // granted these scopes to this client before, e.g. at sign-in) gets one when the client holds no live one.
      prompt: p.prompt === 'none' ? 'none' : p.prompt === 'select_account' ? 'select_account consent' : 'consent',
      ...(p.loginHint ? { login_hint: p.loginHint } : {}),
    });
  }

  adminConsentUrl(): Promise<string> {
    return Promise.reject(
      new AppError(
        'bad_request',
        'Google Workspace has no admin-consent link; an administrator can trust the app in the Admin console.',
      ),
    );
  }

  private toTokens(c: GoogleCache): OAuthTokens {
    return {
      accessToken: c.accessToken,
      expiresAt: new Date(c.expiresAt).toISOString(),
      scopes: c.scopes,
      account: c.account,
    };
  }

  async redeemCode(p: { code: string; codeVerifier: string; cache: TokenCacheStore }): Promise<OAuthTokens> {
    let t;
    try {
      t = (
        await this.client().getToken({ code: p.code, codeVerifier: p.codeVerifier, redirect_uri: this.s.redirectUri })
      ).tokens;
    } catch (e) {
      throw mapGoogleAuthError(e);
    }
    const c = claims(t.id_token);
    const email = String(c.email ?? '').toLowerCase();
    const cache: GoogleCache = {
      refreshToken: t.refresh_token ?? null,
      accessToken: t.access_token ?? '',
      expiresAt: t.expiry_date ?? Date.now() + 3_600_000,
      scopes: (t.scope ?? '').split(' ').filter(Boolean),
      account: {
        providerTenantId: String(c.hd ?? email.split('@')[1] ?? 'gmail.com'),
        providerUserId: String(c.sub ?? ''),
        username: email,
        name: typeof c.name === 'string' ? c.name : null,
        homeAccountId: String(c.sub ?? email),
      },
    };
    if (!cache.refreshToken)
      throw new AppError('oauth_failed', 'Google returned no refresh token (offline access was not granted).', {
        details: { provider: 'google', reason: 'no_refresh_token' },
      });
    await p.cache.save(JSON.stringify(cache));
    return this.toTokens(cache);
  }

  async revoke(p: { cache: TokenCacheStore }): Promise<'revoked' | 'invalid' | 'none'> {
    const raw = await p.cache.load();
    const cache = raw ? (JSON.parse(raw) as GoogleCache) : null;
    const token = cache?.refreshToken ?? cache?.accessToken;
    if (!token) return 'none';
    try {
      // revoking the refresh token ends the whole grant (its access tokens too)
      await this.client().revokeToken(token);
      return 'revoked';
    } catch (e) {
      const status =
        (e as { response?: { status?: number }; status?: number }).response?.status ??
        (e as { status?: number }).status;
      if (status === 400) return 'invalid';
      throw mapGoogleAuthError(e);
    }
  }

  async acquireSilent(p: {
    homeAccountId: string;
    cache: TokenCacheStore;
    forceRefresh: boolean;
  }): Promise<OAuthTokens> {
    const raw = await p.cache.load();
    const cache = raw ? (JSON.parse(raw) as GoogleCache) : null;
    if (!cache?.refreshToken)
      throw new AppError('reconnect_required', undefined, { details: { provider: 'google', reason: 'no_tokens' } });
    if (!p.forceRefresh && cache.expiresAt - 60_000 > Date.now()) return this.toTokens(cache);
    const client = this.client();
    client.setCredentials({ refresh_token: cache.refreshToken, expiry_date: 1 });
    try {
      await client.getAccessToken();
    } catch (e) {
      throw mapGoogleAuthError(e);
    }
    const cr = client.credentials;
    const next: GoogleCache = {
      ...cache,
      refreshToken: cr.refresh_token ?? cache.refreshToken,
      accessToken: cr.access_token ?? '',
      expiresAt: cr.expiry_date ?? Date.now() + 3_600_000,
      scopes: cr.scope ? cr.scope.split(' ') : cache.scopes,
    };
    await p.cache.save(JSON.stringify(next));
    return this.toTokens(next);
  }
}
