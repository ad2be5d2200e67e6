// Entra ID OAuth 2.0 through MSAL (ConfidentialClientApplication): PKCE sign-in URL, code redemption, silent refresh,
// admin-consent URL. One MSAL cache per connection, persisted by an ICachePlugin into the caller's TokenCacheStore.
import type {
  AuthenticationResult,
  ConfidentialClientApplication,
  Configuration,
  CryptoProvider,
  ICachePlugin,
} from '@azure/msal-node';
import type { Agent } from 'undici';
import { AppError } from '../../domain/errors.js';
import type { ConsentScope, OAuthClient, OAuthTokens, TokenCacheStore } from '../../ports/connections.js';
import { MsalNetworkClient } from './http.js';

const GRAPH = 'https://graph.microsoft.com';

export interface MicrosoftAuthSettings {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** e.g. `https://login.microsoftonline.com` or the emulator's base URL. */
  authorityHost: string;
  /** `organizations` for multi-tenant work accounts. */
  authorityTenant: string;
  roomsEnabled: boolean;
  readOnly: boolean;
}

const WHY: Record<string, string> = {
  'Calendars.ReadWrite':
    'Create, update and cancel the meetings calbridge schedules, and read events to keep them in sync.',
  'Calendars.Read': 'Read events to keep them in sync (read-only deployments).',
  'Calendars.Read.Shared': 'Read calendars teammates shared with the user (team views, delegates).',
  'Calendars.ReadWrite.Shared':
    'Read calendars teammates shared with the user, and book meetings in those they let the user edit (delegates).',
  'Mail.Send': 'Send meeting follow-ups and preparation briefs from the user’s mailbox.',
  'MailboxSettings.Read': 'Read the user’s time zone and working hours for scheduling.',
  'User.Read': 'Sign the user in and read their name and address.',
  'User.ReadBasic.All':
    'Find colleagues by name in the organisation’s directory when inviting people (names, addresses and job titles).',
  'Place.Read.All': 'List the organisation’s meeting rooms (needs an administrator’s consent).',
  offline_access: 'Keep access without the user present (refresh tokens).',
  openid: 'Identify the account (organisation id and user id).',
  profile: 'Show the account’s name.',
};

/** Delegated Graph permissions calbridge asks each user for. */
export function userScopes(s: Pick<MicrosoftAuthSettings, 'readOnly'>): ConsentScope[] {
  const graph = s.readOnly
    ? ['Calendars.Read', 'Calendars.Read.Shared', 'MailboxSettings.Read', 'User.Read', 'User.ReadBasic.All']
    : [
        'Calendars.ReadWrite',
        'Calendars.ReadWrite.Shared',
        'Mail.Send',
        'MailboxSettings.Read',
        'User.Read',
        'User.ReadBasic.All',
      ];
  return [...graph, 'offline_access', 'openid', 'profile'].map((scope) => ({
    scope,
    why: WHY[scope] ?? '',
    adminOnly: false,
  }));
}

/** What an administrator grants for the organisation: the user scopes plus Place.Read.All when rooms are on. */
export function adminScopes(s: Pick<MicrosoftAuthSettings, 'readOnly' | 'roomsEnabled'>): ConsentScope[] {
  const out = userScopes(s);
  if (s.roomsEnabled) out.push({ scope: 'Place.Read.All', why: WHY['Place.Read.All']!, adminOnly: true });
  return out;
}

const OIDC = new Set(['offline_access', 'openid', 'profile']);
const qualify = (scope: string) => (OIDC.has(scope) ? scope : `${GRAPH}/${scope}`);

/** The user scopes as the authorize request names them (Graph permissions qualified with the resource). */
export function userRequestScopes(s: Pick<MicrosoftAuthSettings, 'readOnly'>): string[] {
  return userScopes(s).map((x) => qualify(x.scope));
}

type Msal = typeof import('@azure/msal-node');
let msal: Msal | null = null;
/** MSAL (some 120 modules), imported when Microsoft sign-in or tokens are first needed, not on every start (issue 20). */
const loadMsal = async (): Promise<Msal> => (msal ??= await import('@azure/msal-node'));

const CONSENT_CODES = /AADSTS(65001|90094|900941|90008|65004)\b/;

/** One MSAL failure → the AppError the services act on (never includes tokens). */
export function mapMsalError(e: unknown, stage: 'redeem' | 'silent'): AppError {
  if (e instanceof AppError) return e;
  // MSAL not loaded yet: nothing it threw
  if (!msal || !(e instanceof msal.AuthError)) return new AppError('oauth_failed', undefined, { cause: e });
  const text = `${e.errorCode} ${e.subError} ${e.errorMessage}`;
  const aadsts = /AADSTS(\d+)/.exec(text)?.[0] ?? null;
  const details = { reason: e.errorCode || 'unknown', aadsts, subError: e.subError || null };
  if (e.errorCode === 'network_error' || e.errorCode === 'endpoints_resolution_error') {
    return new AppError('provider_unavailable', 'The Microsoft identity platform cannot be reached.', {
      details,
      cause: e,
    });
  }
  if (stage === 'redeem' && CONSENT_CODES.test(text)) {
    return new AppError('admin_consent_required', undefined, { details, cause: e });
  }
  const grantGone =
    stage === 'silent' &&
    (e.name === 'InteractionRequiredAuthError' ||
      [
        'invalid_grant',
        'interaction_required',
        'consent_required',
        'login_required',
        'no_tokens_found',
        'bad_token',
      ].includes(e.errorCode) ||
      /AADSTS(50173|700082|70000|65001|70043|50076|50079)\b/.test(text));
  if (grantGone) {
    // AADSTS65001 / suberror consent_required on a refresh: the grant itself is gone (an administrator removed the
    // app's consent, or the user withdrew it), not just the token; reconnecting asks for consent again.
    const consentRevoked = e.subError === 'consent_required' || /AADSTS65001\b/.test(text);
    return new AppError('reconnect_required', undefined, {
      details: consentRevoked ? { ...details, reason: 'consent_revoked' } : details,
      cause: e,
    });
  }
  return new AppError('oauth_failed', `The Microsoft sign-in failed (${aadsts ?? e.errorCode}).`, {
    details,
    cause: e,
  });
}

function cachePlugin(store: TokenCacheStore): ICachePlugin {
  return {
    beforeCacheAccess: async (ctx) => {
      const serialized = await store.load();
      if (serialized) ctx.tokenCache.deserialize(serialized);
    },
    afterCacheAccess: async (ctx) => {
      if (ctx.cacheHasChanged) await store.save(ctx.tokenCache.serialize());
    },
  };
}

function toTokens(r: AuthenticationResult | null): OAuthTokens {
  if (!r?.account || !r.accessToken) throw new AppError('oauth_failed', 'The identity platform returned no token.');
  const claims = (r.idTokenClaims ?? r.account.idTokenClaims ?? {}) as { tid?: string; oid?: string };
  return {
    accessToken: r.accessToken,
    expiresAt: (r.expiresOn ?? new Date()).toISOString(),
    scopes: r.scopes.map((s) => s.replace(`${GRAPH}/`, '')),
    account: {
      providerTenantId: claims.tid ?? r.tenantId ?? r.account.tenantId,
      providerUserId: claims.oid ?? r.uniqueId ?? r.account.localAccountId,
      username: r.account.username,
      name: r.account.name ?? null,
      homeAccountId: r.account.homeAccountId,
    },
  };
}

/**
 * MSAL-backed OAuthClient for Entra ID (multi-tenant). `agent` carries the CA trust for a local authority.
 * @example new MsalOAuthClient(settings, createAgent(config.microsoft.caFile))
 */
export class MsalOAuthClient implements OAuthClient {
  readonly provider = 'MICROSOFT' as const;
  readonly scopes: ConsentScope[];
  readonly adminScopes: ConsentScope[];
  private readonly network: MsalNetworkClient;
  private metadata: Promise<string> | null = null;
  private crypto: CryptoProvider | null = null;

  constructor(
    private readonly settings: MicrosoftAuthSettings,
    agent: Agent,
  ) {
    this.network = new MsalNetworkClient(agent);
    this.scopes = userScopes(settings);
    this.adminScopes = adminScopes(settings);
  }

  private get authority(): string {
    return `${this.settings.authorityHost}/${this.settings.authorityTenant}`;
  }

  private get requestScopes(): string[] {
    return this.scopes.map((s) => qualify(s.scope));
  }

  /**
   * What a silent refresh asks for: one permission every tier holds. Entra answers with every Graph permission the
   * user (or an administrator) consented to for the app, so nothing granted is lost; asking for the whole current set
   * instead would fail with AADSTS65001 for each connection made before a permission was added to it (e.g.
   * Calendars.ReadWrite.Shared), which must keep working until its user reconnects.
   */
  private readonly silentScopes = [qualify('User.Read')];

  /** The discovery document, fetched once per process and handed to every MSAL instance (no per-connection fetch). */
  private authorityMetadata(): Promise<string> {
    this.metadata ??= this.network
      .sendGetRequestAsync<Record<string, unknown>>(`${this.authority}/v2.0/.well-known/openid-configuration`)
      .then((r) => {
        if (r.status !== 200)
          throw new AppError('provider_unavailable', 'The identity platform has no discovery document.', {
            details: { status: r.status },
          });
        return JSON.stringify(r.body);
      })
      .catch((e: unknown) => {
        this.metadata = null;
        throw e;
      });
    return this.metadata;
  }

  private async app(cache?: TokenCacheStore): Promise<ConfidentialClientApplication> {
    const config: Configuration = {
      auth: {
        clientId: this.settings.clientId,
        clientSecret: this.settings.clientSecret,
        authority: this.authority,
        knownAuthorities: [new URL(this.settings.authorityHost).host],
        authorityMetadata: await this.authorityMetadata(),
      },
      system: { networkClient: this.network },
      ...(cache ? { cache: { cachePlugin: cachePlugin(cache) } } : {}),
    };
    const { ConfidentialClientApplication } = await loadMsal();
    return new ConfidentialClientApplication(config);
  }

  async createPkce(): Promise<{ verifier: string; challenge: string }> {
    this.crypto ??= new (await loadMsal()).CryptoProvider();
    return this.crypto.generatePkceCodes();
  }

  async authorizeUrl(p: {
    state: string;
    codeChallenge: string;
    loginHint?: string;
    prompt?: 'select_account' | 'consent' | 'login' | 'none';
  }): Promise<string> {
    const app = await this.app();
    return app.getAuthCodeUrl({
      scopes: this.requestScopes,
      redirectUri: this.settings.redirectUri,
      state: p.state,
      codeChallenge: p.codeChallenge,
      codeChallengeMethod: 'S256',
      responseMode: 'query',
      ...(p.loginHint ? { loginHint: p.loginHint } : {}),
      ...(p.prompt ? { prompt: p.prompt } : {}),
    });
  }

  async adminConsentUrl(p: { tenant: string; state: string }): Promise<string> {
    const url = new URL(`${this.settings.authorityHost}/${encodeURIComponent(p.tenant)}/adminconsent`);
    url.searchParams.set('client_id', this.settings.clientId);
    url.searchParams.set('redirect_uri', this.settings.redirectUri);
    url.searchParams.set('state', p.state);
    url.searchParams.set(
      'scope',
      this.adminScopes
        .filter((s) => !OIDC.has(s.scope))
        .map((s) => qualify(s.scope))
        .join(' '),
    );
    return url.toString();
  }

  async redeemCode(p: { code: string; codeVerifier: string; cache: TokenCacheStore }): Promise<OAuthTokens> {
    try {
      const app = await this.app(p.cache);
      const r = await app.acquireTokenByCode({
        code: p.code,
        codeVerifier: p.codeVerifier,
        redirectUri: this.settings.redirectUri,
        scopes: this.requestScopes,
      });
      return toTokens(r);
    } catch (e) {
      throw mapMsalError(e, 'redeem');
    }
  }

  async acquireSilent(p: {
    homeAccountId: string;
    cache: TokenCacheStore;
    forceRefresh: boolean;
  }): Promise<OAuthTokens> {
    try {
      const app = await this.app(p.cache);
      const account = await app.getTokenCache().getAccountByHomeId(p.homeAccountId);
      if (!account) throw new AppError('reconnect_required', undefined, { details: { reason: 'no_tokens' } });
      const r = await app.acquireTokenSilent({ account, scopes: this.silentScopes, forceRefresh: p.forceRefresh });
      return toTokens(r);
    } catch (e) {
      throw mapMsalError(e, 'silent');
    }
  }
}
