// Postgres repository for calendar_connections, calendars and oauth_states; every query is scoped by tenant.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { ProviderType } from '../domain/calendar.js';
import type { ConnectedCalendar, Connection, ConnectionStatus } from '../domain/connections.js';
import type { CalendarInfo } from '../ports/calendar-provider.js';
import type {
  ConnectionInput,
  ConnectionStore,
  OAuthStateRecord,
  OAuthStateStore,
  StateRejection,
} from '../ports/connections.js';
import type { CalendarRow, ConnectionRow, DB, OauthStatesTable } from './schema.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function toConnection(r: ConnectionRow): Connection {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    userId: r.user_id,
    provider: r.provider,
    status: r.status,
    statusReason: r.status_reason,
    lastError: r.last_error,
    providerTenantId: r.provider_tenant_id,
    providerUserId: r.provider_user_id,
    accountEmail: r.account_email,
    accountName: r.account_name,
    scopes: r.scopes,
    tokenExpiresAt: iso(r.token_expires_at),
    connectedAt: iso(r.connected_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

function toCalendar(r: CalendarRow): ConnectedCalendar {
  return {
    id: r.id,
    connectionId: r.connection_id,
    providerCalendarId: r.provider_calendar_id,
    name: r.name,
    ownerEmail: r.owner_email,
    isShared: r.is_shared,
    isDefault: r.is_default,
    canEdit: r.can_edit,
    onlineMeetingProviders: r.online_meeting_providers,
  };
}

function toState(r: Selectable<OauthStatesTable>): OAuthStateRecord {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    userId: r.user_id,
    provider: r.provider,
    nonceHash: r.nonce_hash,
    verifierCiphertext: r.verifier_ciphertext,
    redirectAfter: r.redirect_after,
    allowOtherAccount: r.allow_other_account,
    sessionId: r.session_id,
    expiresAt: iso(r.expires_at)!,
  };
}

export class PgConnectionStore implements ConnectionStore, OAuthStateStore {
  constructor(private readonly db: Kysely<DB>) {}

  async upsert(input: ConnectionInput): Promise<Connection> {
    const values = {
      provider_tenant_id: input.providerTenantId,
      provider_user_id: input.providerUserId,
      account_email: input.accountEmail.toLowerCase(),
      account_name: input.accountName,
      scopes: input.scopes,
      token_expires_at: input.tokenExpiresAt,
      status: input.status,
      status_reason: input.statusReason ?? null,
      last_error: null,
    };
    const row = await this.db
      .insertInto('calendar_connections')
      .values({ tenant_id: input.tenantId, user_id: input.userId, provider: input.provider, ...values })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'user_id', 'provider'])
          .doUpdateSet({ ...values, connected_at: new Date(), updated_at: new Date() }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toConnection(row);
  }

  async get(tenantId: string, userId: string, provider: ProviderType): Promise<Connection | null> {
    const row = await this.db
      .selectFrom('calendar_connections')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    return row ? toConnection(row) : null;
  }

  async getById(tenantId: string, id: string): Promise<Connection | null> {
    const row = await this.db
      .selectFrom('calendar_connections')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toConnection(row) : null;
  }

  async setStatus(
    tenantId: string,
    id: string,
    status: ConnectionStatus,
    opts: { reason?: string | null; lastError?: string | null } = {},
  ): Promise<void> {
    await this.db
      .updateTable('calendar_connections')
      .set({
        status,
        status_reason: opts.reason ?? null,
        ...(opts.lastError !== undefined ? { last_error: opts.lastError } : {}),
        updated_at: new Date(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async setTokenInfo(
    tenantId: string,
    id: string,
    info: { expiresAt: string | null; scopes?: string[] },
  ): Promise<void> {
    await this.db
      .updateTable('calendar_connections')
      .set({
        token_expires_at: info.expiresAt,
        ...(info.scopes ? { scopes: info.scopes } : {}),
        updated_at: new Date(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async replaceCalendars(
    tenantId: string,
    userId: string,
    connectionId: string,
    calendars: CalendarInfo[],
  ): Promise<ConnectedCalendar[]> {
    await this.db.transaction().execute(async (trx) => {
      // Serialises with PATCH /api/calendars/:id (one default per connection, a partial unique index).
      await trx
        .selectFrom('calendar_connections')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', connectionId)
        .forUpdate()
        .execute();
      const keep = calendars.map((c) => c.id);
      let del = trx.deleteFrom('calendars').where('tenant_id', '=', tenantId).where('connection_id', '=', connectionId);
      if (keep.length > 0) del = del.where('provider_calendar_id', 'not in', keep);
      await del.execute();
      // The default the user chose survives a refresh; otherwise the provider's own default calendar is the default
      // (someone else's shared calendar never is). Exactly one per connection.
      const chosen = await trx
        .selectFrom('calendars')
        .select('provider_calendar_id')
        .where('tenant_id', '=', tenantId)
        .where('connection_id', '=', connectionId)
        .where('is_default', '=', true)
        .executeTakeFirst();
      const providerDefault = calendars.find((c) => c.isDefault && !c.isShared) ?? calendars.find((c) => !c.isShared);
      const defaultId = chosen?.provider_calendar_id ?? providerDefault?.id ?? null;
      for (const c of calendars) {
        const values = {
          name: c.name,
          owner_email: c.ownerEmail,
          is_shared: c.isShared,
          can_edit: c.canEdit,
          online_meeting_providers: c.allowedOnlineMeetingProviders,
        };
        await trx
          .insertInto('calendars')
          .values({
            tenant_id: tenantId,
            user_id: userId,
            connection_id: connectionId,
            provider_calendar_id: c.id,
            is_default: false,
            ...values,
          })
          .onConflict((oc) =>
            // Listed again (re-shared): a calendar marked lost syncs again.
            oc
              .columns(['connection_id', 'provider_calendar_id'])
              .doUpdateSet({ ...values, access_lost_at: null, access_lost_reason: null, updated_at: new Date() }),
          )
          .execute();
      }
      if (defaultId && !chosen)
        await trx
          .updateTable('calendars')
          .set({ is_default: true })
          .where('tenant_id', '=', tenantId)
          .where('connection_id', '=', connectionId)
          .where('provider_calendar_id', '=', defaultId)
          .execute();
    });
    return this.listCalendars(tenantId, connectionId);
  }

  async listCalendars(tenantId: string, connectionId: string): Promise<ConnectedCalendar[]> {
    const rows = await this.db
      .selectFrom('calendars')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('connection_id', '=', connectionId)
      .orderBy('is_default', 'desc')
      .orderBy('name')
      .execute();
    return rows.map(toCalendar);
  }

  async create(input: Omit<OAuthStateRecord, 'id'>): Promise<void> {
    await this.db
      .insertInto('oauth_states')
      .values({
        tenant_id: input.tenantId,
        user_id: input.userId,
        provider: input.provider,
        nonce_hash: input.nonceHash,
        verifier_ciphertext: input.verifierCiphertext,
        redirect_after: input.redirectAfter,
        allow_other_account: input.allowOtherAccount,
        session_id: input.sessionId,
        expires_at: input.expiresAt,
      })
      .execute();
  }

  /**
   * The callback knows no tenant yet: the state's hash (unguessable) is the lookup key; the row yields the tenant. Only
   * the callback of the provider the state was issued for spends it.
   */
  async consume(
    nonceHash: string,
    now: Date,
    provider: ProviderType,
  ): Promise<OAuthStateRecord | { rejected: StateRejection }> {
    const row = await this.db
      .updateTable('oauth_states')
      .set({ used_at: now })
      .where('nonce_hash', '=', nonceHash)
      .where('provider', '=', provider)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    if (row) return toState(row);
    const existing = await this.db
      .selectFrom('oauth_states')
      .select(['used_at', 'provider', sql<boolean>`expires_at <= ${now}`.as('expired')])
      .where('nonce_hash', '=', nonceHash)
      .executeTakeFirst();
    if (!existing) return { rejected: 'unknown' };
    if (existing.provider !== provider) return { rejected: 'wrong_provider' };
    return { rejected: existing.used_at ? 'used' : 'expired' };
  }
}

/** Change-subscription ids recorded for a connection's calendars (deleted at disconnect). */
export async function subscriptionIdsOf(db: Kysely<DB>, tenantId: string, connectionId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('calendar_sync_state as s')
    .innerJoin('calendars as c', 'c.id', 's.calendar_id')
    .select('s.subscription_id')
    .where('s.tenant_id', '=', tenantId)
    .where('c.tenant_id', '=', tenantId)
    .where('c.connection_id', '=', connectionId)
    .where('s.subscription_id', 'is not', null)
    .execute();
  return rows.map((r) => r.subscription_id!);
}
