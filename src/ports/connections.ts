// Ports of the connection lifecycle: connection and OAuth-state persistence, the OAuth client, sealing, events.
import type { Instant, ProviderType } from '../domain/calendar.js';
import type { ConnectedCalendar, Connection, ConnectionEvent, ConnectionStatus } from '../domain/connections.js';
import type { CalendarInfo } from './calendar-provider.js';

export interface ConnectionInput {
  tenantId: string;
  userId: string;
  provider: ProviderType;
  providerTenantId: string;
  providerUserId: string;
  accountEmail: string;
  accountName: string | null;
  scopes: string[];
  tokenExpiresAt: Instant | null;
  status: ConnectionStatus;
  statusReason?: string | null;
}

/** calendar_connections and calendars; every method is scoped by the calbridge tenant. */
export interface ConnectionStore {
  /** Creates the user's connection for the provider or replaces the existing one's account fields (same id). */
  upsert(input: ConnectionInput): Promise<Connection>;
  get(tenantId: string, userId: string, provider: ProviderType): Promise<Connection | null>;
  getById(tenantId: string, id: string): Promise<Connection | null>;
  setStatus(
    tenantId: string,
    id: string,
    status: ConnectionStatus,
    opts?: { reason?: string | null; lastError?: string | null },
  ): Promise<void>;
  setTokenInfo(tenantId: string, id: string, info: { expiresAt: Instant | null; scopes?: string[] }): Promise<void>;
  /** Replaces the connection's calendars with `calendars` (keeps ids of calendars still present). */
  replaceCalendars(
    tenantId: string,
    userId: string,
    connectionId: string,
    calendars: CalendarInfo[],
  ): Promise<ConnectedCalendar[]>;
  listCalendars(tenantId: string, connectionId: string): Promise<ConnectedCalendar[]>;
}

export interface OAuthStateRecord {
  id: string;
  tenantId: string;
  userId: string;
  provider: ProviderType;
  nonceHash: string;
  verifierCiphertext: string;
  redirectAfter: string | null;
  /** The initiator allowed signing in with an account other than their own (`allowOtherAccount` at connect). */
  allowOtherAccount: boolean;
  /** The browser session that started the flow (null for an API key): the callback must come back in it. */
  sessionId: string | null;
  expiresAt: Instant;
}

/** Why a state cannot be used; `wrong_provider`: it was issued for another provider's callback (and is left unused). */
export type StateRejection = 'unknown' | 'used' | 'expired' | 'wrong_provider';

export interface OAuthStateStore {
  create(input: Omit<OAuthStateRecord, 'id'>): Promise<void>;
  /**
   * Marks the state with this hash used, atomically, when it was issued for `provider` and is unused and not expired
   * at `now`. Returns the record, or why it cannot be used; a state of another provider is not marked used.
   */
  consume(
    nonceHash: string,
    now: Date,
    provider: ProviderType,
  ): Promise<OAuthStateRecord | { rejected: StateRejection }>;
}

/** Encrypts small secrets bound to a purpose (PKCE verifiers bound to their state). PgTokenVault implements it. */
export interface SecretSealer {
  seal(plaintext: string, aad: string): string;
  open(ciphertext: string, aad: string): string;
}

/** Where one connection's serialized OAuth token cache (MSAL's) is read and written. */
export interface TokenCacheStore {
  load(): Promise<string | null>;
  save(serialized: string): Promise<void>;
}

export interface OAuthAccount {
  /** Entra `tid`. */
  providerTenantId: string;
  /** Entra `oid`. */
  providerUserId: string;
  username: string;
  name: string | null;
  /** The key of the account in the token cache. */
  homeAccountId: string;
}

export interface OAuthTokens {
  accessToken: string;
  expiresAt: Instant;
  scopes: string[];
  account: OAuthAccount;
}

export interface ConsentScope {
  scope: string;
  why: string;
  adminOnly: boolean;
}

/**
 * The provider's OAuth 2.0 client (MSAL for Microsoft). Failures are AppErrors: `reconnect_required`
 * (details.reason = `invalid_grant` …) when the grant is gone, `admin_consent_required` when the organisation must
 * consent first, `oauth_failed` otherwise, `provider_unavailable` when the identity platform cannot be reached.
 */
export interface OAuthClient {
  readonly provider: ProviderType;
  /** Delegated scopes asked for at sign-in, with why each is needed. */
  readonly scopes: ConsentScope[];
  /** Scopes an administrator grants for the whole organisation (includes admin-only ones such as Place.Read.All). */
  readonly adminScopes: ConsentScope[];
  createPkce(): Promise<{ verifier: string; challenge: string }>;
  authorizeUrl(p: {
    state: string;
    codeChallenge: string;
    loginHint?: string;
    prompt?: 'select_account' | 'consent' | 'login' | 'none';
  }): Promise<string>;
  adminConsentUrl(p: { tenant: string; state: string }): Promise<string>;
  redeemCode(p: { code: string; codeVerifier: string; cache: TokenCacheStore }): Promise<OAuthTokens>;
  /** A valid access token from the cache, refreshing it (rotating the refresh token) when needed or forced. */
  acquireSilent(p: { homeAccountId: string; cache: TokenCacheStore; forceRefresh: boolean }): Promise<OAuthTokens>;
  /**
   * Revokes the grant at the provider (the refresh token and the access tokens it issued), where the provider has a
   * per-token revocation endpoint (Google). `revoked`: done; `invalid`: the provider no longer knew the token;
   * `none`: no token in the cache; `unsupported`: the provider has no such endpoint (Microsoft: tokens are erased,
   * not revoked). May be absent on a provider without one.
   */
  revoke?(p: { cache: TokenCacheStore }): Promise<'revoked' | 'invalid' | 'none' | 'unsupported'>;
}

export interface ConnectionEventBus {
  /** Resolves when the listeners have handled the event (those that return a promise). */
  publish(event: ConnectionEvent): void | Promise<void>;
  subscribe(listener: (event: ConnectionEvent) => void | Promise<void>): () => void;
}
