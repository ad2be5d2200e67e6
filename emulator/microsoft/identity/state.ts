// Identity platform state: signing key, token lifetimes, authorization codes, refresh tokens, consents, revocations.
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';
import type { Clock } from '../contracts.js';

/** Token lifetimes in seconds (tests shorten them). */
export interface TokenLifetimes {
  accessTokenSeconds: number;
  /** Inactivity lifetime of a refresh token; each use issues a new one. */
  refreshTokenSeconds: number;
  authCodeSeconds: number;
  /** How long a rotated (superseded) refresh token keeps working. */
  refreshGraceSeconds: number;
}

export const DEFAULT_LIFETIMES: TokenLifetimes = {
  accessTokenSeconds: 3600,
  refreshTokenSeconds: 90 * 24 * 3600,
  authCodeSeconds: 600,
  refreshGraceSeconds: 30,
};

export interface AuthCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  tenantId: string;
  /** Requested scope string as sent to authorize (normalised later). */
  scope: string;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  nonce: string | null;
  expiresAt: number;
  redeemed: boolean;
}

export interface RefreshGrant {
  clientId: string;
  userId: string;
  tenantId: string;
  /** Graph permissions granted. */
  graph: string[];
  /** OIDC scopes granted (openid, profile, offline_access, ...). */
  oidc: string[];
  issuedAt: number;
  expiresAt: number;
  /** When a newer refresh token replaced this one (then it only works for the grace period). */
  rotatedAt: number | null;
}

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** Creates an RSA signing key for tokens. */
export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(20).toString('base64url');
  const jwk = await exportJWK(publicKey);
  return { kid, privateKey, publicJwk: { ...jwk, kid, use: 'sig', alg: 'RS256', x5t: kid } };
}

/** A signing key as JSON (private and public JWK), for the emulator's state file. */
export interface SigningKeyJson {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function exportSigningKey(key: SigningKey): Promise<SigningKeyJson> {
  return { kid: key.kid, privateJwk: await exportJWK(key.privateKey), publicJwk: key.publicJwk };
}

/** The key back from exportSigningKey(): tokens it signed before still verify. */
export async function importSigningKey(json: SigningKeyJson): Promise<SigningKey> {
  const privateKey = await importJWK(json.privateJwk, 'RS256', { extractable: true });
  if (privateKey instanceof Uint8Array) throw new Error('the saved signing key is not an RSA key');
  return { kid: json.kid, privateKey, publicJwk: json.publicJwk };
}

/** What a restarted emulator needs of IdentityState (not its configuration: lifetimes and flags come from options). */
export interface IdentityStateJson {
  codes: Array<[string, AuthCode]>;
  refreshTokens: Array<[string, RefreshGrant]>;
  userConsents: Array<[string, string[]]>;
  appRoleGrants: Array<[string, string[]]>;
  accessValidFrom: Array<[string, number]>;
  refreshValidFrom: Array<[string, number]>;
  globalAccessValidFrom: number;
}

/** Everything the identity endpoints remember; `reset()` forgets all but the signing key and lifetimes. */
export class IdentityState {
  lifetimes: TokenLifetimes;
  /** With auto-consent, authorize with a `login_hint` of a known user redirects straight back with a code. */
  autoConsent: boolean;
  /** Require PKCE (S256) on authorize. */
  pkceRequired = true;
  readonly codes = new Map<string, AuthCode>();
  readonly refreshTokens = new Map<string, RefreshGrant>();
  /** Delegated permissions a user consented to, key `${clientId}|${userId}`. */
  readonly userConsents = new Map<string, Set<string>>();
  /** Application permissions granted by an administrator, key `${tenantId}|${clientId}`. */
  readonly appRoleGrants = new Map<string, Set<string>>();
  /** Access tokens issued before this time (per user) are rejected (admin "expire tokens"). */
  readonly accessValidFrom = new Map<string, number>();
  /** Refresh tokens issued before this time (per user) are revoked. */
  readonly refreshValidFrom = new Map<string, number>();
  /** Access tokens issued before this time (everyone) are rejected: the "early token expiry" fault. */
  globalAccessValidFrom = 0;

  constructor(
    readonly key: SigningKey,
    readonly clock: Clock,
    opts: { lifetimes?: Partial<TokenLifetimes>; autoConsent?: boolean } = {},
  ) {
    this.lifetimes = { ...DEFAULT_LIFETIMES, ...opts.lifetimes };
    this.autoConsent = opts.autoConsent ?? false;
  }

  reset(): void {
    this.codes.clear();
    this.refreshTokens.clear();
    this.userConsents.clear();
    this.appRoleGrants.clear();
    this.accessValidFrom.clear();
    this.refreshValidFrom.clear();
    this.globalAccessValidFrom = 0;
  }

  /** Codes (unexpired), refresh tokens, consents, app role grants and revocations as JSON. */
  toJSON(): IdentityStateJson {
    const now = this.clock();
    const sets = (m: Map<string, Set<string>>) => [...m].map(([k, v]): [string, string[]] => [k, [...v]]);
    return {
      codes: [...this.codes].filter(([, c]) => c.expiresAt > now),
      refreshTokens: [...this.refreshTokens],
      userConsents: sets(this.userConsents),
      appRoleGrants: sets(this.appRoleGrants),
      accessValidFrom: [...this.accessValidFrom],
      refreshValidFrom: [...this.refreshValidFrom],
      globalAccessValidFrom: this.globalAccessValidFrom,
    };
  }

  /** Replaces codes, tokens, consents and revocations with those of toJSON(). */
  load(json: IdentityStateJson): void {
    this.reset();
    for (const [k, v] of json.codes) this.codes.set(k, v);
    for (const [k, v] of json.refreshTokens) this.refreshTokens.set(k, v);
    for (const [k, v] of json.userConsents) this.userConsents.set(k, new Set(v));
    for (const [k, v] of json.appRoleGrants) this.appRoleGrants.set(k, new Set(v));
    for (const [k, v] of json.accessValidFrom) this.accessValidFrom.set(k, v);
    for (const [k, v] of json.refreshValidFrom) this.refreshValidFrom.set(k, v);
    this.globalAccessValidFrom = json.globalAccessValidFrom;
  }

  newCode(code: Omit<AuthCode, 'expiresAt' | 'redeemed'>): string {
    const value = `1.${randomBytes(48).toString('base64url')}`;
    this.codes.set(value, {
      ...code,
      expiresAt: this.clock() + this.lifetimes.authCodeSeconds * 1000,
      redeemed: false,
    });
    return value;
  }

  newRefreshToken(grant: Omit<RefreshGrant, 'issuedAt' | 'expiresAt' | 'rotatedAt'>): string {
    const value = `0.A${randomBytes(96).toString('base64url')}`;
    const now = this.clock();
    this.refreshTokens.set(value, {
      ...grant,
      issuedAt: now,
      expiresAt: now + this.lifetimes.refreshTokenSeconds * 1000,
      rotatedAt: null,
    });
    return value;
  }

  consentedScopes(clientId: string, userId: string): Set<string> {
    return this.userConsents.get(`${clientId}|${userId}`) ?? new Set();
  }

  addUserConsent(clientId: string, userId: string, scopes: Iterable<string>): void {
    const key = `${clientId}|${userId}`;
    const set = this.userConsents.get(key) ?? new Set<string>();
    for (const s of scopes) set.add(s);
    this.userConsents.set(key, set);
  }

  appRoles(tenantId: string, clientId: string): Set<string> | undefined {
    return this.appRoleGrants.get(`${tenantId}|${clientId}`);
  }

  grantAppRoles(tenantId: string, clientId: string, roles: Iterable<string>): void {
    const key = `${tenantId}|${clientId}`;
    const set = this.appRoleGrants.get(key) ?? new Set<string>();
    for (const r of roles) set.add(r);
    this.appRoleGrants.set(key, set);
  }

  /** Revokes the user's refresh tokens (and optionally their consents). */
  revokeUser(userId: string, opts: { consents?: boolean } = {}): void {
    this.refreshValidFrom.set(userId, this.clock());
    if (opts.consents)
      for (const key of [...this.userConsents.keys()]) if (key.endsWith(`|${userId}`)) this.userConsents.delete(key);
  }

  /**
   * An administrator removes the app's permission grants in a tenant (Entra: deleting its oauth2PermissionGrants or
   * its service principal): the tenant's admin consent and every user consent of the tenant's users. Refresh tokens
   * are not revoked, but redeeming one now fails with AADSTS65001 (`consent_required`). Returns the users affected.
   */
  revokeAppConsent(clientId: string, userIds: readonly string[]): number {
    let n = 0;
    for (const id of userIds) if (this.userConsents.delete(`${clientId}|${id}`)) n++;
    return n;
  }

  /** Makes the user's current access tokens invalid (refresh tokens keep working). */
  expireUserTokens(userId: string): void {
    this.accessValidFrom.set(userId, this.clock());
  }

  /** Makes every access token issued so far invalid. */
  expireAllAccessTokens(): void {
    this.globalAccessValidFrom = this.clock();
  }

  /** A GUID for trace and correlation ids. */
  static id(): string {
    return randomUUID();
  }
}
