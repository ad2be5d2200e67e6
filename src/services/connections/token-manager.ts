// TokenManager: access tokens per connection from the provider's OAuth client, with the token cache persisted
// (encrypted) in the vault; refreshes are single-flight per connection; a lost grant marks the connection needs_reauth.
import type { Connection } from '../../domain/connections.js';
import { AppError, isAppError } from '../../domain/errors.js';
import type {
  ConnectionEventBus,
  ConnectionStore,
  OAuthClient,
  OAuthTokens,
  TokenCacheStore,
} from '../../ports/connections.js';
import type { AuditStore, TokenVault } from '../../ports/stores.js';

export interface TokenManagerDeps {
  connections: ConnectionStore;
  vault: TokenVault;
  oauth: OAuthClient;
  audit: AuditStore;
  events: ConnectionEventBus;
  now: () => Date;
  /** Where the user reconnects (shown in `reconnect_required` errors). */
  connectUrl: () => string;
  /** Renew tokens this long before they expire (default 5 minutes). */
  refreshSkewMs?: number;
}

/** What the vault holds for a connection: the serialized token cache and the account key inside it. */
interface ConnectionSecret {
  homeAccountId: string;
  tokenCache: string | null;
}

/** A TokenCacheStore kept in memory (code redemption happens before the connection row exists). */
export class MemoryTokenCache implements TokenCacheStore {
  value: string | null = null;
  async load(): Promise<string | null> {
    return this.value;
  }
  async save(serialized: string): Promise<void> {
    this.value = serialized;
  }
}

export class TokenManager {
  private readonly memory = new Map<string, { token: string; expiresAt: number }>();
  private readonly inflight = new Map<string, Promise<string>>();
  /** Token acquisitions that reached the OAuth client (tests, metrics). */
  acquisitions = 0;

  constructor(private readonly d: TokenManagerDeps) {}

  private get skew(): number {
    return this.d.refreshSkewMs ?? 300_000;
  }

  /** The vault-backed cache store of one connection. */
  cacheStore(tenantId: string, connectionId: string, homeAccountId: string): TokenCacheStore {
    return {
      load: async () =>
        ((await this.d.vault.load(tenantId, connectionId)) as ConnectionSecret | null)?.tokenCache ?? null,
      save: async (tokenCache) =>
        this.d.vault.save(tenantId, connectionId, { homeAccountId, tokenCache } satisfies ConnectionSecret),
    };
  }

  /** Stores a new connection's cache (after code redemption) and remembers its access token. */
  async store(conn: Connection, tokens: OAuthTokens, cache: MemoryTokenCache): Promise<void> {
    await this.d.vault.save(conn.tenantId, conn.id, {
      homeAccountId: tokens.account.homeAccountId,
      tokenCache: cache.value,
    } satisfies ConnectionSecret);
    this.memory.set(conn.id, { token: tokens.accessToken, expiresAt: Date.parse(tokens.expiresAt) });
  }

  forget(connectionId: string): void {
    this.memory.delete(connectionId);
  }

  /**
   * A valid access token for the connection. `forceRefresh` after the provider rejected `rejected`: if another
   * caller already replaced that token, the new one is returned without a second refresh.
   */
  async accessToken(
    tenantId: string,
    connectionId: string,
    opts: { forceRefresh?: boolean; rejected?: string } = {},
  ): Promise<string> {
    const m = this.memory.get(connectionId);
    const fresh = m !== undefined && m.expiresAt - this.skew > this.d.now().getTime();
    if (fresh && (!opts.forceRefresh || (opts.rejected !== undefined && m.token !== opts.rejected))) return m.token;
    const running = this.inflight.get(connectionId);
    if (running) return running;
    const p = this.acquire(tenantId, connectionId, opts.forceRefresh ?? false).finally(() =>
      this.inflight.delete(connectionId),
    );
    this.inflight.set(connectionId, p);
    return p;
  }

  private async acquire(tenantId: string, connectionId: string, forceRefresh: boolean): Promise<string> {
    const conn = await this.d.connections.getById(tenantId, connectionId);
    if (!conn) throw new AppError('not_connected');
    if (conn.status !== 'active') throw this.statusError(conn);
    const secret = (await this.d.vault.load(tenantId, connectionId)) as ConnectionSecret | null;
    if (!secret?.homeAccountId) {
      await this.markNeedsReauth(conn, 'no_tokens');
      throw this.reconnect(conn, 'no_tokens');
    }
    let tokens: OAuthTokens;
    try {
      this.acquisitions++;
      tokens = await this.d.oauth.acquireSilent({
        homeAccountId: secret.homeAccountId,
        cache: this.cacheStore(tenantId, connectionId, secret.homeAccountId),
        forceRefresh,
      });
    } catch (e) {
      if (isAppError(e, 'reconnect_required')) {
        const reason = String(e.details?.reason ?? 'invalid_grant');
        await this.markNeedsReauth(conn, reason);
        throw this.reconnect(conn, reason, e);
      }
      throw e;
    }
    this.memory.set(connectionId, { token: tokens.accessToken, expiresAt: Date.parse(tokens.expiresAt) });
    if (conn.tokenExpiresAt !== tokens.expiresAt)
      await this.d.connections.setTokenInfo(tenantId, connectionId, {
        expiresAt: tokens.expiresAt,
        scopes: tokens.scopes,
      });
    return tokens.accessToken;
  }

  /** The error an API call for a connection in this status answers with. */
  statusError(conn: Connection): AppError {
    if (conn.status === 'unsupported_mailbox') {
      return new AppError('unsupported_mailbox', conn.lastError ?? undefined, { details: { connectionId: conn.id } });
    }
    return this.reconnect(conn, conn.statusReason ?? conn.status);
  }

  reconnect(conn: Connection, reason: string, cause?: unknown): AppError {
    return new AppError('reconnect_required', undefined, {
      details: {
        connectionId: conn.id,
        status: conn.status === 'active' ? 'needs_reauth' : conn.status,
        reason,
        connectUrl: this.d.connectUrl(),
      },
      cause,
    });
  }

  /** Marks the connection needs_reauth (once), with an audit entry and an event. */
  async markNeedsReauth(conn: Connection, reason: string): Promise<void> {
    this.memory.delete(conn.id);
    if (conn.status === 'needs_reauth') return;
    await this.d.connections.setStatus(conn.tenantId, conn.id, 'needs_reauth', {
      reason,
      lastError:
        reason === 'consent_revoked'
          ? 'The consent given to calbridge was withdrawn (by an administrator of the organisation or by the user); the user must reconnect to grant it again, and where the organisation requires it an administrator grants consent first.'
          : `The authorisation was lost (${reason}); the user must reconnect.`,
    });
    await this.d.audit.record({
      tenantId: conn.tenantId,
      actor: 'system',
      action: 'outlook.needs_reauth',
      targetType: 'calendar_connection',
      targetId: conn.id,
      details: { reason },
    });
    await this.d.events.publish({
      type: 'connection.needs_reauth',
      tenantId: conn.tenantId,
      userId: conn.userId,
      connectionId: conn.id,
      provider: conn.provider,
      reason,
    });
  }
}
