// Sign-in with Microsoft and Google (OpenID Connect, authorization code flow with PKCE S256, state and nonce) through
// openid-client: the ID token's issuer, audience, nonce, expiry and signature (against the provider's JWKS) are checked
// by the library. A flow is kept server-side for 10 minutes, bound to the browser that started it (the hash of a random
// value in a short-lived cookie), to its provider, and spent once. The signed-in account must belong to a tenant that
// allows it (Microsoft `tid`, Google verified `hd`), and is then found by address in that tenant, or created as a
// member; a deactivated user is refused. The session itself is SessionService's.
import { createHash, randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { AppError, isAppError } from '../../domain/errors.js';
import type { User } from '../../domain/tenancy.js';
import type { AuditStore } from '../../ports/stores.js';
import type { SecretSealer } from '../../ports/connections.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import type { SignInProvider, SignInStore } from '../../ports/signin.js';
import type { SessionService, StartedSession } from './session-service.js';

export type { SignInProvider };
export const SIGNIN_PROVIDERS: readonly SignInProvider[] = ['microsoft', 'google'];
/** Where a sign-in with `connect` sends the browser once the session exists: the silent calendar connect. */
export const SIGNIN_CONNECT_PATH = '/api/auth/connect';
/** The cookie binding a sign-in in progress to the browser that started it. */
export const SIGNIN_COOKIE = 'cb_signin';
export const SIGNIN_FLOW_TTL_MS = 10 * 60_000;

/** How to reach one identity provider as an OpenID Connect client. */
export interface OidcClientSettings {
  clientId: string;
  clientSecret: string;
  /** This server's callback for the provider: /api/auth/callback/<provider>. */
  redirectUri: string;
  /**
   * The issuer to discover. Microsoft: `<authority host>/<tenant>/v2.0`, where `<tenant>` is `organizations` (or
   * `common`) at the start and the signed-in user's tenant id at the callback (see `issuerFor`).
   */
  issuer: string;
  /** Microsoft only: the issuer of one Entra tenant (its discovery document names that tenant's own issuer). */
  issuerFor?: (tenantId: string) => string;
  /** HTTP for discovery, JWKS and the token endpoint (a private CA for the emulators). */
  fetch?: oidc.CustomFetch;
  /**
   * The scopes the calendar connect of this provider asks for, with the same client: a sign-in with `connect` asks
   * for them too, so one consent screen covers signing in and connecting the calendar.
   */
  connectScopes?: string[];
}

export type OidcSource = () => Promise<OidcClientSettings>;

export interface SignInResult extends StartedSession {
  user: User;
  returnTo: string;
  /** The session cookie's Max-Age: until the session's absolute end. */
  maxAgeSeconds: number;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A same-origin path to come back to after sign-in: starts with one `/`, no scheme, host, backslash or control
 * character (so `//evil.example`, `/\evil.example` and `https://…` are refused).
 */
export function safeReturnTo(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  if (value.length > 1000 || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return null;
  if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return null;
  try {
    const u = new URL(value, 'http://calbridge.invalid');
    if (u.origin !== 'http://calbridge.invalid') return null;
    return u.pathname + u.search + u.hash;
  } catch {
    return null;
  }
}

export class SignInService {
  private readonly configs = new Map<string, Promise<oidc.Configuration>>();

  constructor(
    private readonly d: {
      providers: Record<SignInProvider, OidcSource | null>;
      store: SignInStore;
      sessions: SessionService;
      sealer: SecretSealer;
      audit: AuditStore;
      clock?: Clock;
      /** Where to go after signing in when no returnTo was given. */
      home?: string;
    },
  ) {}

  private get clock(): Clock {
    return this.d.clock ?? systemClock;
  }

  private async settings(provider: SignInProvider): Promise<OidcClientSettings> {
    const source = this.d.providers[provider];
    if (!source)
      throw new AppError('provider_unavailable', `Sign-in with ${provider} is not configured on this server.`);
    return source();
  }

  /** The provider's configuration from its discovery document (cached per issuer; a failed discovery is retried). */
  private config(s: OidcClientSettings, issuer: string): Promise<oidc.Configuration> {
    const key = `${s.clientId} ${issuer}`;
    let found = this.configs.get(key);
    if (!found) {
      found = oidc
        .discovery(
          new URL(issuer),
          s.clientId,
          { client_secret: s.clientSecret },
          oidc.ClientSecretPost(s.clientSecret),
          {
            ...(s.fetch ? { [oidc.customFetch]: s.fetch } : {}),
            timeout: 10,
          },
        )
        .then((c) => {
          // The ID token's signature is checked against the provider's JWKS (not only the TLS channel).
          oidc.enableNonRepudiationChecks(c);
          return c;
        });
      found.catch(() => this.configs.delete(key));
      this.configs.set(key, found);
    }
    return found;
  }

  /**
   * Microsoft's multi-tenant discovery document (organizations, common) names a `{tenantid}` issuer; the authorize
   * endpoint is all the start needs from it, read without the issuer check.
   */
  private async startConfig(s: OidcClientSettings): Promise<oidc.Configuration> {
    if (!s.issuer.includes('/organizations/') && !s.issuer.includes('/common/')) return this.config(s, s.issuer);
    const key = `${s.clientId} ${s.issuer} start`;
    let found = this.configs.get(key);
    if (!found) {
      found = oidc.discovery(
        new URL(`${s.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`),
        s.clientId,
        { client_secret: s.clientSecret },
        oidc.ClientSecretPost(s.clientSecret),
        { ...(s.fetch ? { [oidc.customFetch]: s.fetch } : {}), timeout: 10 },
      );
      found.catch(() => this.configs.delete(key));
      this.configs.set(key, found);
    }
    return found;
  }

  /**
   * Starts a sign-in: the provider's authorize URL (code flow, PKCE S256, state, nonce) and the value of the cookie
   * that binds the flow to this browser. `returnTo` must be a same-origin path (else validation_failed). With
   * `connect`, the request also asks for the calendar connect's scopes (one consent screen for both), and after the
   * sign-in the browser goes to SIGNIN_CONNECT_PATH/<provider>, which connects the calendar without a second page.
   */
  async start(
    provider: SignInProvider,
    opts: { returnTo?: string; connect?: boolean } = {},
  ): Promise<{ url: string; browserBinding: string; maxAgeSeconds: number }> {
    const returnTo = opts.returnTo === undefined ? null : safeReturnTo(opts.returnTo);
    if (opts.returnTo !== undefined && opts.returnTo !== '' && returnTo === null)
      throw new AppError('validation_failed', 'returnTo must be a path on this server, such as /app/approvals/123.', {
        details: { field: 'returnTo' },
      });
    const s = await this.settings(provider);
    const config = await this.startConfig(s);
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const verifier = oidc.randomPKCECodeVerifier();
    const browserBinding = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const stateHash = sha256(state);
    const after = opts.connect
      ? `${SIGNIN_CONNECT_PATH}/${provider}${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`
      : returnTo;
    await this.d.store.createFlow(
      {
        stateHash,
        browserHash: sha256(browserBinding),
        provider,
        nonce,
        verifierCiphertext: this.d.sealer.seal(verifier, `signin:${stateHash}`),
        returnTo: after,
        expiresAt: new Date(now.getTime() + SIGNIN_FLOW_TTL_MS),
      },
      now,
    );
    const params: Record<string, string> = {
      redirect_uri: s.redirectUri,
      scope: [...new Set(['openid', 'profile', 'email', ...(opts.connect ? (s.connectScopes ?? []) : [])])].join(' '),
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      prompt: 'select_account',
      response_mode: 'query',
    };
    // Microsoft sends the signed-in user's tenant id back with the code (client_info), so the callback can check it
    // against the allow-lists and validate the ID token against that tenant's own issuer.
    if (provider === 'microsoft') params.client_info = '1';
    // Google: the grant adds to what the person granted this client before (the connect then asks for no more).
    if (provider === 'google' && opts.connect) params.include_granted_scopes = 'true';
    const url = oidc.buildAuthorizationUrl(config, params);
    return { url: url.href, browserBinding, maxAgeSeconds: SIGNIN_FLOW_TTL_MS / 1000 };
  }

  /**
   * Completes a sign-in from the provider's redirect: the flow must be this provider's, started in this browser,
   * unused and not expired (signin_state_invalid); the code is redeemed and the ID token validated by openid-client
   * (signin_failed); the account must be allowed by a tenant (signin_not_allowed) and not deactivated
   * (signin_user_deactivated). Then a session starts.
   */
  async finish(
    provider: SignInProvider,
    query: Record<string, string | undefined>,
    browserBinding: string | undefined,
    meta: { userAgent?: string | null; ip?: string | null },
  ): Promise<SignInResult> {
    const state = query.state;
    if (!state || state.length > 200)
      throw new AppError('signin_state_invalid', undefined, { details: { reason: 'missing' } });
    if (!browserBinding)
      throw new AppError('signin_state_invalid', undefined, { details: { reason: 'other_browser' } });
    const stateHash = sha256(state);
    const flow = await this.d.store.consumeFlow(stateHash, sha256(browserBinding), provider, this.clock.now());
    if ('rejected' in flow)
      throw new AppError('signin_state_invalid', undefined, { details: { reason: flow.rejected } });
    if (query.error)
      throw new AppError('signin_failed', 'The sign-in was cancelled or refused at the identity provider.', {
        details: { reason: query.error === 'access_denied' ? 'access_denied' : 'provider_error' },
      });
    const verifier = this.d.sealer.open(flow.verifierCiphertext, `signin:${stateHash}`);
    const s = await this.settings(provider);
    let issuer = s.issuer;
    if (provider === 'microsoft' && s.issuerFor) {
      const tid = tenantOfClientInfo(query.client_info);
      if (!tid) throw new AppError('signin_failed', 'Microsoft did not say which organisation the account is in.');
      issuer = s.issuerFor(tid);
    }
    const current = new URL(s.redirectUri);
    for (const [k, v] of Object.entries(query)) if (typeof v === 'string') current.searchParams.set(k, v);
    let claims: oidc.IDToken;
    try {
      const config = await this.config(s, issuer);
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims()!;
    } catch (e) {
      if (isAppError(e)) throw e;
      const code = (e as { code?: unknown }).code;
      throw new AppError('signin_failed', undefined, {
        details: { reason: typeof code === 'string' ? code : 'token_rejected' },
      });
    }
    const user = await this.findPerson(provider, claims);
    const started = await this.d.sessions.start(user, { provider, userAgent: meta.userAgent, ip: meta.ip });
    const maxAgeSeconds = Math.max(
      1,
      Math.floor((started.session.expiresAt.getTime() - this.clock.now().getTime()) / 1000),
    );
    return { ...started, user, returnTo: flow.returnTo ?? this.d.home ?? '/app', maxAgeSeconds };
  }

  /** The tenants allowing the account, then the person by address in them (created as a member when missing). */
  private async findPerson(provider: SignInProvider, claims: oidc.IDToken): Promise<User> {
    let tenantIds: string[];
    let email: string;
    const refuse = (reason: string, details: Record<string, unknown> = {}) =>
      new AppError('signin_not_allowed', undefined, { details: { provider, reason, ...details } });
    if (provider === 'microsoft') {
      const tid = typeof claims.tid === 'string' ? claims.tid.toLowerCase() : '';
      if (!GUID.test(tid)) throw refuse('no_tenant');
      email = String(claims.preferred_username ?? claims.email ?? '')
        .trim()
        .toLowerCase();
      tenantIds = await this.d.store.tenantsAllowing('microsoftTenantIds', tid);
      if (tenantIds.length === 0) throw refuse('tenant_not_listed', { providerTenantId: tid });
    } else {
      const hd = typeof claims.hd === 'string' ? claims.hd.toLowerCase() : '';
      email = String(claims.email ?? '')
        .trim()
        .toLowerCase();
      if (claims.email_verified !== true) throw refuse('email_not_verified');
      if (!hd) throw refuse('no_hosted_domain');
      // The address must be of the hosted domain the token vouches for.
      if (!email.endsWith(`@${hd}`)) throw refuse('email_outside_domain', { domain: hd });
      tenantIds = await this.d.store.tenantsAllowing('googleDomains', hd);
      if (tenantIds.length === 0) throw refuse('domain_not_listed', { domain: hd });
    }
    if (!/^[^@\s]+@[^@\s]+$/.test(email) || email.length > 320) throw refuse('no_email');
    const known = await this.d.store.usersByEmail(tenantIds, email);
    // A person already in one of the allowing tenants signs in there (the oldest such tenant when several).
    const existing = tenantIds.map((t) => known.find((u) => u.tenantId === t)).find((u) => u !== undefined);
    if (existing) {
      if (existing.status === 'deactivated')
        throw new AppError('signin_user_deactivated', undefined, { details: { provider } });
      if (existing.status === 'invited') {
        await this.d.store.activate(existing.tenantId, existing.id);
        await this.d.audit.record({
          tenantId: existing.tenantId,
          actor: existing.id,
          action: 'user.activated',
          targetType: 'user',
          targetId: existing.id,
          details: { provider },
        });
        return { ...existing, status: 'active' };
      }
      return existing;
    }
    const tenantId = tenantIds[0]!;
    const name = typeof claims.name === 'string' ? claims.name.slice(0, 200) : null;
    const user = await this.d.store.createUser({
      tenantId,
      email,
      displayName: name,
      role: 'member',
      status: 'active',
    });
    await this.d.audit.record({
      tenantId,
      actor: user.id,
      action: 'user.created_by_signin',
      targetType: 'user',
      targetId: user.id,
      details: { provider, role: 'member' },
    });
    return user;
  }
}

/** The tenant id (`utid`) in Microsoft's `client_info` (base64url JSON), when it is a GUID. */
function tenantOfClientInfo(value: string | undefined): string | null {
  if (!value || value.length > 2000) return null;
  try {
    const info = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { utid?: unknown };
    return typeof info.utid === 'string' && GUID.test(info.utid) ? info.utid.toLowerCase() : null;
  } catch {
    return null;
  }
}
