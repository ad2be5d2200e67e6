// What the Outlook and Google features wire alike: an OAuth client resolved on first use, the token manager, the
// connection service and the provider factory bound to each connection's tokens.
import type { ProviderType } from '../../domain/calendar.js';
import type { Connection } from '../../domain/connections.js';
import type { CalendarProvider } from '../../ports/calendar-provider.js';
import type { ConsentScope, OAuthClient } from '../../ports/connections.js';
import { observeErrors } from '../../providers/decorators/observe.js';
import type { ProviderContext, ProviderFactory } from '../../providers/registry.js';
import { ConnectionService } from '../../services/connections/connection-service.js';
import { InProcessEventBus } from '../../services/connections/events.js';
import { TokenManager } from '../../services/connections/token-manager.js';
import { PgConnectionStore, subscriptionIdsOf } from '../../stores/connection-store.js';
import type { Clock } from '../../ports/clock.js';
import type { Container } from '../container.js';

/** An OAuthClient whose settings are resolved on first use (the server's own URL is known only after listen). */
class LazyOAuthClient implements OAuthClient {
  private client: Promise<OAuthClient> | null = null;
  constructor(
    readonly provider: ProviderType,
    private readonly create: () => Promise<OAuthClient>,
    private readonly scopeSets: { scopes: () => ConsentScope[]; adminScopes: () => ConsentScope[] },
  ) {}
  get scopes() {
    return this.scopeSets.scopes();
  }
  get adminScopes() {
    return this.scopeSets.adminScopes();
  }
  private get(): Promise<OAuthClient> {
    this.client ??= this.create().catch((e: unknown) => {
      this.client = null;
      throw e;
    });
    return this.client;
  }
  createPkce: OAuthClient['createPkce'] = async () => (await this.get()).createPkce();
  authorizeUrl: OAuthClient['authorizeUrl'] = async (p) => (await this.get()).authorizeUrl(p);
  adminConsentUrl: OAuthClient['adminConsentUrl'] = async (p) => (await this.get()).adminConsentUrl(p);
  redeemCode: OAuthClient['redeemCode'] = async (p) => (await this.get()).redeemCode(p);
  acquireSilent: OAuthClient['acquireSilent'] = async (p) => (await this.get()).acquireSilent(p);
  revoke: NonNullable<OAuthClient['revoke']> = async (p) => {
    // Microsoft has no per-token revocation: known without building the client (which needs its settings)
    if (this.provider === 'MICROSOFT') return 'unsupported';
    const client = await this.get();
    return client.revoke ? client.revoke(p) : 'unsupported';
  };
}

/** `path` under the server's public URL. */
export const publicUrlOf = (publicUrl: () => string, path: string) => `${publicUrl().replace(/\/+$/, '')}${path}`;

export interface ConnectionWiringSpec {
  container: Container;
  publicUrl: () => string;
  clock: Clock;
  provider: ProviderType;
  /** Its name in routes, audit actions and redirects. */
  slug: string;
  /** Its name in messages. */
  label: string;
  /** The provider's OAuth client, created on first use (its settings may need the server's own URL). */
  oauth: { create: () => Promise<OAuthClient>; scopes: () => ConsentScope[]; adminScopes: () => ConsentScope[] };
  /** The adapter for one connection; `token` reads (and refreshes) the connection's access token. */
  createProvider: (
    ctx: ProviderContext,
    token: (o: { forceRefresh?: boolean; rejected?: string }) => Promise<string>,
  ) => CalendarProvider;
  /** Whether provider errors seen in use (revoked consent, unsupported mailbox) update the connection. */
  reportProviderErrors: boolean;
  /** Provider tenant ids allowed to connect; empty = any. */
  allowedTenants: string[];
  /** The tenant segment for admin consent when the organisation is unknown. */
  defaultAdminTenant: string;
}

export interface ConnectionWiring {
  service: ConnectionService;
  tokens: TokenManager;
  events: InProcessEventBus;
  store: PgConnectionStore;
  factory: ProviderFactory;
}

/** Wires one provider's connections and registers its provider factory on the container. */
export function wireConnections(spec: ConnectionWiringSpec): ConnectionWiring {
  const { container } = spec;
  const oauth = new LazyOAuthClient(spec.provider, spec.oauth.create, spec.oauth);
  const store = new PgConnectionStore(container.database.db);
  const events = new InProcessEventBus();
  const now = () => spec.clock.now();
  const tokens = new TokenManager({
    connections: store,
    vault: container.vault,
    oauth,
    audit: container.audit,
    events,
    now,
    connectUrl: () => publicUrlOf(spec.publicUrl, `/api/integrations/${spec.slug}/connect`),
  });
  let service: ConnectionService | null = null;
  const factory = (ctx: ProviderContext) =>
    observeErrors(
      spec.createProvider(ctx, (o) => tokens.accessToken(ctx.tenantId, ctx.connectionId, o)),
      spec.reportProviderErrors
        ? async (e) => {
            const conn = await store.getById(ctx.tenantId, ctx.connectionId);
            if (conn && service) await service.onProviderError(conn, e);
          }
        : async () => undefined,
    );
  const ctxOf = (conn: Connection): ProviderContext => ({
    tenantId: conn.tenantId,
    userId: conn.userId,
    connectionId: conn.id,
    mailbox: conn.accountEmail ?? '',
  });
  service = new ConnectionService({
    connections: store,
    states: store,
    sealer: container.vault,
    vault: container.vault,
    oauth,
    tokens,
    audit: container.audit,
    events,
    now,
    providerFor: (conn) => factory(ctxOf(conn)),
    userEmail: async (who) => (await container.tenants.getUser(who)).email,
    subscriptionIds: (conn) => subscriptionIdsOf(container.database.db, conn.tenantId, conn.id),
    allowedTenants: spec.allowedTenants,
    defaultAdminTenant: spec.defaultAdminTenant,
    settingsPath: '/settings',
    provider: spec.provider,
    slug: spec.slug,
    label: spec.label,
  });
  container.providers.register(spec.provider, factory);
  return { service, tokens, events, store, factory };
}
