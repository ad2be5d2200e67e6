// ConnectionService: connect (authorize URL with state + PKCE), callback (validate state, redeem code, store the
// connection and its calendars), status, admin consent URL, calendar refresh and disconnect, all audited.
import type { ProviderType } from '../../domain/calendar.js';
import type { Connection } from '../../domain/connections.js';
import { AppError, isAppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/tenancy.js';
import type { CalendarProvider } from '../../ports/calendar-provider.js';
import type {
  ConnectionEventBus,
  ConnectionStore,
  OAuthClient,
  OAuthStateStore,
  SecretSealer,
} from '../../ports/connections.js';
import type { AuditStore, TokenVault } from '../../ports/stores.js';
import { ADMIN_CONSENT_MARKER, hashNonce, isWellFormedNonce, newNonce } from './oauth-state.js';
import { MemoryTokenCache, type TokenManager } from './token-manager.js';

export interface ConnectionServiceDeps {
  connections: ConnectionStore;
  states: OAuthStateStore;
  sealer: SecretSealer;
  vault: TokenVault;
  oauth: OAuthClient;
  tokens: TokenManager;
  audit: AuditStore;
  events: ConnectionEventBus;
  now: () => Date;
  /** The provider bound to a connection (for calendars and subscription clean-up). */
  providerFor: (conn: Connection) => CalendarProvider;
  /** Subscription ids to delete at disconnect. */
  subscriptionIds?: (conn: Connection) => Promise<string[]>;
  /** The address of the calbridge user who started a flow: the account they may connect unless they allowed another. */
  userEmail: (who: { tenantId: string; userId: string }) => Promise<string | null>;
  /** Entra tenant ids allowed to connect; empty = any. */
  allowedTenants: string[];
  /** The tenant segment for admin consent when the organisation is unknown (`organizations`). */
  defaultAdminTenant: string;
  /** Where the browser goes after the callback (the settings page). */
  settingsPath: string;
  /** The provider this service connects (default MICROSOFT). */
  provider?: ProviderType;
  /** Its name in routes, audit actions and redirects (default `outlook`). */
  slug?: string;
  /** Its name in messages (default `Outlook`). */
  label?: string;
}

export interface ConnectResult {
  authorizeUrl: string;
  expiresAt: string;
}

export type CallbackQuery = Partial<
  Record<'state' | 'code' | 'error' | 'error_description' | 'admin_consent' | 'tenant', string>
>;

const STATE_TTL_MS = 10 * 60_000;
const CONSENT_ERROR = /AADSTS(65001|90094|900941)\b/;

export class ConnectionService {
  private readonly provider: ProviderType;
  private readonly slug: string;

  constructor(private readonly d: ConnectionServiceDeps) {
    this.provider = d.provider ?? 'MICROSOFT';
    this.slug = d.slug ?? 'outlook';
  }

  private async newState(
    actor: Pick<Actor, 'tenantId' | 'userId' | 'sessionId'>,
    verifier: string,
    allowOtherAccount = false,
    redirectAfter: string | null = null,
  ): Promise<{ nonce: string; expiresAt: string }> {
    const nonce = newNonce();
    const hash = hashNonce(nonce);
    const expiresAt = new Date(this.d.now().getTime() + STATE_TTL_MS).toISOString();
    await this.d.states.create({
      tenantId: actor.tenantId,
      userId: actor.userId,
      provider: this.provider,
      nonceHash: hash,
      verifierCiphertext: this.d.sealer.seal(verifier, hash),
      redirectAfter,
      allowOtherAccount,
      sessionId: actor.sessionId ?? null,
      expiresAt,
    });
    return { nonce, expiresAt };
  }

  /**
   * Starts the sign-in: a single-use state bound to the caller and to this provider, and a PKCE pair whose verifier is
   * sealed. The callback accepts only the caller's own account (their calbridge address, or the account already
   * connected) unless `allowOtherAccount` is set here.
   */
  async connect(
    actor: Actor,
    opts: {
      loginHint?: string;
      /** `none` (internal: not offered by the connect route) answers without a page when consent exists. */
      prompt?: 'select_account' | 'consent' | 'login' | 'none';
      allowOtherAccount?: boolean;
      /** Internal: a same-origin path the browser goes to after a successful connect (instead of the settings page). */
      redirectAfter?: string;
    } = {},
  ): Promise<ConnectResult> {
    const pkce = await this.d.oauth.createPkce();
    const allowOther = opts.allowOtherAccount === true;
    const { nonce, expiresAt } = await this.newState(actor, pkce.verifier, allowOther, opts.redirectAfter ?? null);
    const authorizeUrl = await this.d.oauth.authorizeUrl({
      state: nonce,
      codeChallenge: pkce.challenge,
      loginHint: opts.loginHint,
      prompt: opts.prompt,
    });
    await this.audit(actor.tenantId, actor.userId, `${this.slug}.connect_started`, undefined, {
      ...(allowOther ? { allowOtherAccount: true } : {}),
    });
    return { authorizeUrl, expiresAt };
  }

  /** The organisation-wide consent link, with the scopes and why each is needed. */
  async adminConsentUrl(actor: Actor, tenant?: string) {
    const conn = await this.d.connections.get(actor.tenantId, actor.userId, this.provider);
    const { nonce, expiresAt } = await this.newState(actor, ADMIN_CONSENT_MARKER);
    const target = tenant ?? conn?.providerTenantId ?? this.d.defaultAdminTenant;
    return {
      url: await this.d.oauth.adminConsentUrl({ tenant: target, state: nonce }),
      expiresAt,
      scopes: this.d.oauth.adminScopes,
    };
  }

  /**
   * The OAuth redirect. A bad, reused or expired state, or one issued for another provider's callback (left unused),
   * is `invalid_state` (nothing else happens); provider-side failures are recorded on the connection and the browser
   * is sent to the settings page with the outcome. An account other than the initiator's is `account_mismatch` and
   * nothing is stored, unless the initiator allowed it. A flow started with a browser session must come back with the
   * same session (`browser`), else `connect_session_mismatch` (403) and nothing happens.
   */
  async callback(
    q: CallbackQuery,
    browser: { sessionId: string | null } = { sessionId: null },
  ): Promise<{ redirect: string }> {
    if (!q.state || !isWellFormedNonce(q.state))
      throw new AppError('invalid_state', undefined, { details: { reason: 'malformed' } });
    const hash = hashNonce(q.state);
    const rec = await this.d.states.consume(hash, this.d.now(), this.provider);
    if ('rejected' in rec) throw new AppError('invalid_state', undefined, { details: { reason: rec.rejected } });
    // A flow started in a browser session completes only in that session: a link passed to someone else (or opened
    // signed out) connects nothing.
    if (rec.sessionId && rec.sessionId !== browser.sessionId) {
      await this.audit(rec.tenantId, rec.userId, `${this.slug}.session_mismatch`, undefined, {
        callbackSession: browser.sessionId ? 'other' : 'none',
      });
      throw new AppError('connect_session_mismatch', undefined, { details: { provider: this.provider } });
    }
    const verifier = this.d.sealer.open(rec.verifierCiphertext, hash);
    const who = { tenantId: rec.tenantId, userId: rec.userId };
    if (verifier === ADMIN_CONSENT_MARKER) return this.adminConsentDone(who, q);
    if (q.error || !q.code) return this.authorizeFailed(who, q);
    const cache = new MemoryTokenCache();
    let tokens;
    try {
      tokens = await this.d.oauth.redeemCode({ code: q.code, codeVerifier: verifier, cache });
    } catch (e) {
      if (isAppError(e, 'admin_consent_required'))
        return this.consentRequired(who, String(e.details?.aadsts ?? 'consent_required'));
      if (isAppError(e)) return this.failed(who, e.code, e.message);
      throw e;
    }
    const tid = tokens.account.providerTenantId.toLowerCase();
    if (this.d.allowedTenants.length > 0 && !this.d.allowedTenants.includes(tid)) {
      await this.audit(who.tenantId, who.userId, `${this.slug}.tenant_rejected`, undefined, { providerTenantId: tid });
      throw new AppError('tenant_not_allowed', undefined, { details: { providerTenantId: tid } });
    }
    if (!rec.allowOtherAccount) await this.assertOwnAccount(who, tokens.account.username);
    const conn = await this.d.connections.upsert({
      ...who,
      provider: this.provider,
      providerTenantId: tid,
      providerUserId: tokens.account.providerUserId,
      accountEmail: tokens.account.username,
      accountName: tokens.account.name,
      scopes: tokens.scopes,
      tokenExpiresAt: tokens.expiresAt,
      status: 'active',
    });
    await this.d.tokens.store(conn, tokens, cache);
    const calendars = await this.syncCalendars(conn).catch((e: unknown) => e);
    const unsupported = isAppError(calendars, 'unsupported_mailbox');
    if (unsupported) await this.setUnsupported(conn, calendars.message);
    await this.audit(conn.tenantId, conn.userId, `${this.slug}.connected`, conn.id, {
      providerTenantId: tid,
      providerUserId: conn.providerUserId,
      scopes: tokens.scopes,
      calendars: Array.isArray(calendars) ? calendars.length : null,
    });
    await this.d.events.publish({
      type: 'connection.connected',
      tenantId: conn.tenantId,
      userId: conn.userId,
      connectionId: conn.id,
      provider: this.provider,
    });
    if (rec.redirectAfter && !unsupported) return { redirect: rec.redirectAfter };
    return {
      redirect: `${this.d.settingsPath}?connected=${this.slug}${unsupported ? '&status=unsupported_mailbox' : ''}`,
    };
  }

  /**
   * The signed-in account must be the initiator's: their calbridge address, or the account of their existing
   * connection (a reconnect). Otherwise `account_mismatch` (audited); the tokens just redeemed are dropped unstored.
   */
  private async assertOwnAccount(who: { tenantId: string; userId: string }, username: string): Promise<void> {
    const got = username.trim().toLowerCase();
    const expected = (await this.d.userEmail(who).catch(() => null))?.trim().toLowerCase() ?? null;
    const existing = await this.d.connections.get(who.tenantId, who.userId, this.provider);
    const accepted = [expected, existing?.accountEmail?.trim().toLowerCase() ?? null];
    if (got && accepted.includes(got)) return;
    const label = this.d.label ?? 'Outlook';
    await this.audit(who.tenantId, who.userId, `${this.slug}.account_mismatch`, existing?.id, { expected, got });
    throw new AppError(
      'account_mismatch',
      `The ${label} sign-in was made as ${got || 'an unnamed account'}, but this connection was started for ${expected ?? 'another account'}: nothing was connected. Sign in as ${expected ?? 'your own account'}, or start again with allowOtherAccount: true to connect a different account to your calbridge user.`,
      { details: { expected, got: got || null, provider: this.provider } },
    );
  }

  private async adminConsentDone(who: { tenantId: string; userId: string }, q: CallbackQuery) {
    const granted = q.admin_consent?.toLowerCase() === 'true' && !q.error;
    await this.audit(
      who.tenantId,
      who.userId,
      granted ? `${this.slug}.admin_consent_granted` : `${this.slug}.admin_consent_failed`,
      undefined,
      {
        providerTenantId: q.tenant ?? null,
        error: q.error ?? null,
      },
    );
    return { redirect: `${this.d.settingsPath}?admin_consent=${granted ? 'granted' : 'failed'}` };
  }

  private async authorizeFailed(who: { tenantId: string; userId: string }, q: CallbackQuery) {
    const description = q.error_description ?? '';
    if (q.error === 'consent_required' || CONSENT_ERROR.test(description)) {
      return this.consentRequired(who, CONSENT_ERROR.exec(description)?.[0] ?? q.error ?? 'consent_required');
    }
    return this.failed(
      who,
      q.error ?? 'no_code',
      q.error === 'access_denied' ? 'The user declined the consent.' : 'The sign-in returned no code.',
    );
  }

  private async consentRequired(who: { tenantId: string; userId: string }, reason: string) {
    const existing = await this.d.connections.get(who.tenantId, who.userId, this.provider);
    if (existing)
      await this.d.connections.setStatus(who.tenantId, existing.id, 'consent_required', {
        reason: 'admin_consent_required',
        lastError: reason,
      });
    await this.audit(who.tenantId, who.userId, `${this.slug}.consent_required`, existing?.id, { reason });
    if (existing)
      await this.d.events.publish({
        type: 'connection.consent_required',
        ...who,
        connectionId: existing.id,
        provider: this.provider,
        reason,
      });
    return { redirect: `${this.d.settingsPath}?connected=${this.slug}&error=admin_consent_required` };
  }

  private async failed(who: { tenantId: string; userId: string }, code: string, message: string) {
    await this.audit(who.tenantId, who.userId, `${this.slug}.connect_failed`, undefined, { error: code, message });
    return { redirect: `${this.d.settingsPath}?connected=${this.slug}&error=${encodeURIComponent(code)}` };
  }

  private async setUnsupported(conn: Connection, message: string): Promise<void> {
    await this.d.connections.setStatus(conn.tenantId, conn.id, 'unsupported_mailbox', {
      reason: 'mailbox_not_in_exchange_online',
      lastError: message,
    });
    this.d.tokens.forget(conn.id);
    await this.d.events.publish({
      type: 'connection.unsupported_mailbox',
      tenantId: conn.tenantId,
      userId: conn.userId,
      connectionId: conn.id,
      provider: this.provider,
      reason: 'on_premises',
    });
  }

  /** Reacts to provider errors seen anywhere (wired as a provider decorator). */
  async onProviderError(conn: Connection, e: AppError): Promise<void> {
    if (e.code === 'unsupported_mailbox' && conn.status === 'active') {
      await this.setUnsupported(
        conn,
        'This mailbox is hosted on-premises (Exchange Server) and cannot be reached through Microsoft Graph.',
      );
      await this.audit(conn.tenantId, conn.userId, `${this.slug}.unsupported_mailbox`, conn.id, {
        graphCode: e.details?.graphCode ?? null,
      });
    }
  }

  /** Reads the connection's calendars (own and shared) from the provider into `calendars`. */
  async syncCalendars(conn: Connection) {
    const calendars = await this.d.providerFor(conn).listCalendars();
    return this.d.connections.replaceCalendars(conn.tenantId, conn.userId, conn.id, calendars);
  }

  async refreshCalendars(actor: Actor) {
    return this.syncCalendars(await this.activeConnection(actor));
  }

  /** The caller's connection when usable; otherwise the error its status calls for. */
  async activeConnection(actor: Actor): Promise<Connection> {
    const conn = await this.d.connections.get(actor.tenantId, actor.userId, this.provider);
    if (!conn)
      throw new AppError(
        'not_connected',
        `Connect ${this.d.label ?? 'Outlook'} first (POST /api/integrations/${this.slug}/connect).`,
      );
    if (conn.status !== 'active') throw this.d.tokens.statusError(conn);
    return conn;
  }

  async status(actor: Actor) {
    const conn = await this.d.connections.get(actor.tenantId, actor.userId, this.provider);
    if (!conn) return { connected: false as const, status: 'not_connected' as const, connection: null, calendars: [] };
    const calendars = await this.d.connections.listCalendars(actor.tenantId, conn.id);
    return { connected: conn.status === 'active', status: conn.status, connection: conn, calendars };
  }

  /**
   * Deletes subscriptions (best effort), erases the tokens, marks the connection revoked. `userId`: another user's
   * connection of the caller's tenant (an admin deactivating or deleting them); audited with the caller as actor.
   * `revokeGrant`: also revoke the grant at the provider, where it has a revocation endpoint (Google; deleting a
   * user or a tenant); a failure there is counted, not thrown (the tokens are erased either way).
   */
  async disconnect(
    actor: Actor,
    userId: string = actor.userId,
    opts: { revokeGrant?: boolean } = {},
  ): Promise<
    Connection & { grant?: 'revoked' | 'invalid' | 'none' | 'unsupported' | 'failed'; subscriptionsDeleted?: number }
  > {
    const conn = await this.d.connections.get(actor.tenantId, userId, this.provider);
    if (!conn) throw new AppError('not_connected');
    let deleted = 0;
    if (conn.status === 'active' && this.d.subscriptionIds) {
      const provider = this.d.providerFor(conn);
      for (const id of await this.d.subscriptionIds(conn)) {
        if (
          await provider.deleteSubscription(id).then(
            () => true,
            () => false,
          )
        )
          deleted++;
      }
    }
    // after the subscriptions (deleting a Google channel needs a valid token), before the tokens are erased
    let grant: 'revoked' | 'invalid' | 'none' | 'unsupported' | 'failed' | undefined;
    if (opts.revokeGrant) {
      const revoke = this.d.oauth.revoke?.bind(this.d.oauth);
      grant = !revoke
        ? 'unsupported'
        : await revoke({ cache: this.d.tokens.cacheStore(conn.tenantId, conn.id, '') }).catch(() => 'failed' as const);
    }
    await this.d.vault.erase(conn.tenantId, conn.id);
    this.d.tokens.forget(conn.id);
    await this.d.connections.setStatus(conn.tenantId, conn.id, 'revoked', { reason: 'disconnected', lastError: null });
    await this.audit(conn.tenantId, actor.userId, `${this.slug}.disconnected`, conn.id, {
      subscriptionsDeleted: deleted,
      ...(userId !== actor.userId ? { userId } : {}),
      ...(grant ? { grant } : {}),
    });
    await this.d.events.publish({
      type: 'connection.revoked',
      tenantId: conn.tenantId,
      userId: conn.userId,
      connectionId: conn.id,
      provider: this.provider,
      reason: 'disconnected',
    });
    return {
      ...(await this.d.connections.getById(conn.tenantId, conn.id))!,
      ...(grant ? { grant } : {}),
      subscriptionsDeleted: deleted,
    };
  }

  private audit(
    tenantId: string,
    actor: string,
    action: string,
    connectionId: string | undefined,
    details: Record<string, unknown>,
  ) {
    return this.d.audit.record({
      tenantId,
      actor,
      action,
      targetType: connectionId ? 'calendar_connection' : undefined,
      targetId: connectionId,
      details,
    });
  }
}
