// Outlook feature wiring: MSAL client, token manager, connection service, the MICROSOFT provider factory and routes.
// Without MICROSOFT_CLIENT_ID the bundled emulator's app is used, so `npm start` shows the whole flow offline.
import { fetch as undiciFetch, type Agent } from 'undici';
import type { Config } from '../../config/config.js';
import type { Connection } from '../../domain/connections.js';
import { AppError } from '../../domain/errors.js';
import { outlookRoutes, OUTLOOK_PUBLIC_PATHS } from '../../http/routes/integrations-outlook.js';
import type { OAuthClient } from '../../ports/connections.js';
import { observeErrors } from '../../providers/decorators/observe.js';
import {
  MsalOAuthClient,
  adminScopes,
  createAgent,
  createGraphTransport,
  createMicrosoftProvider,
  userScopes,
  type MicrosoftAuthSettings,
} from '../../providers/microsoft-graph/index.js';
import type { ProviderContext } from '../../providers/registry.js';
import { ConnectionService } from '../../services/connections/connection-service.js';
import { InProcessEventBus } from '../../services/connections/events.js';
import { TokenManager } from '../../services/connections/token-manager.js';
import { PgConnectionStore, subscriptionIdsOf } from '../../stores/connection-store.js';
import { registerFeature, registerProviderWiring, type FeatureWiring } from '../server.js';

export const CALLBACK_PATH = '/api/integrations/outlook/callback';
const DEMO_CLIENT_ID = '5c7b1e0a-2f4d-4c3b-9a8e-0ca1b41d9e01';

interface EmuApp {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

/** The emulator's demo app when it accepts our redirect URI; otherwise an app registered for it via the admin API. */
async function emulatorApp(baseUrl: string, agent: Agent, redirectUri: string): Promise<EmuApp> {
  const apps = (await (await undiciFetch(`${baseUrl}/_emulator/apps`, { dispatcher: agent })).json()) as EmuApp[];
  const usable =
    apps.find((a) => a.clientId === DEMO_CLIENT_ID && a.redirectUris.includes(redirectUri)) ??
    apps.find((a) => a.redirectUris.includes(redirectUri));
  if (usable) return usable;
  const res = await undiciFetch(`${baseUrl}/_emulator/apps`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: 'calbridge (local server)', redirectUris: [redirectUri] }),
  });
  if (res.status !== 201)
    throw new AppError('provider_unavailable', 'The bundled emulator refused to register the app.', {
      details: { status: res.status },
    });
  return (await res.json()) as EmuApp;
}

/** An OAuthClient whose settings are resolved on first use (the server's own URL is known only after listen). */
class LazyOAuthClient implements OAuthClient {
  readonly provider = 'MICROSOFT' as const;
  private client: Promise<MsalOAuthClient> | null = null;
  constructor(
    private readonly resolve: () => Promise<MicrosoftAuthSettings>,
    private readonly agent: Agent,
    private readonly base: Pick<MicrosoftAuthSettings, 'readOnly' | 'roomsEnabled'>,
  ) {}
  get scopes() {
    return userScopes(this.base);
  }
  get adminScopes() {
    return adminScopes(this.base);
  }
  private get(): Promise<MsalOAuthClient> {
    this.client ??= this.resolve()
      .then((s) => new MsalOAuthClient(s, this.agent))
      .catch((e: unknown) => {
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
}

/** Wires the Outlook feature; exported for tests that compose the app themselves. */
export const wireOutlook: FeatureWiring = async ({ container, config, emulator, publicUrl }) => {
  const ms: Config['microsoft'] = config.microsoft;
  const useEmulator = ms.clientId === null && emulator !== null;
  const authorityHost = useEmulator ? emulator.baseUrl : ms.authorityHost;
  const graphBaseUrl = useEmulator ? emulator.baseUrl : ms.graphBaseUrl;
  const agent = createAgent(ms.caFile ?? (useEmulator ? emulator.caFile : null));
  const redirectUri = () => ms.redirectUri ?? `${publicUrl().replace(/\/+$/, '')}${CALLBACK_PATH}`;
  const resolve = async (): Promise<MicrosoftAuthSettings> => {
    const base = {
      authorityHost,
      authorityTenant: ms.authorityTenant,
      roomsEnabled: ms.roomsEnabled,
      readOnly: ms.readOnly,
      redirectUri: redirectUri(),
    };
    if (ms.clientId && ms.clientSecret) return { ...base, clientId: ms.clientId, clientSecret: ms.clientSecret };
    if (useEmulator) {
      const app = await emulatorApp(emulator.baseUrl, agent, base.redirectUri);
      return { ...base, clientId: app.clientId, clientSecret: app.clientSecret };
    }
    throw new AppError(
      'provider_unavailable',
      'Outlook is not configured on this server: set MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET and MICROSOFT_REDIRECT_URI.',
    );
  };
  const oauth = new LazyOAuthClient(resolve, agent, ms);
  const store = new PgConnectionStore(container.database.db);
  const events = new InProcessEventBus();
  const now = () => new Date();
  const connectUrl = () => `${publicUrl().replace(/\/+$/, '')}/api/integrations/outlook/connect`;
  const tokens = new TokenManager({
    connections: store,
    vault: container.vault,
    oauth,
    audit: container.audit,
    events,
    now,
    connectUrl,
  });
  const transport = createGraphTransport({ agent });
  let service: ConnectionService | null = null;
  const factory = (ctx: ProviderContext) =>
    observeErrors(
      createMicrosoftProvider({
        graphBaseUrl,
        transport,
        token: (o) => tokens.accessToken(ctx.tenantId, ctx.connectionId, o),
        mailbox: ctx.mailbox,
        roomsEnabled: ms.roomsEnabled,
      }),
      async (e) => {
        const conn = await store.getById(ctx.tenantId, ctx.connectionId);
        if (conn && service) await service.onProviderError(conn, e);
      },
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
    subscriptionIds: (conn) => subscriptionIdsOf(container.database.db, conn.tenantId, conn.id),
    allowedTenants: ms.allowedTenants,
    defaultAdminTenant: ms.authorityTenant,
    settingsPath: '/settings',
  });
  container.providers.register('MICROSOFT', factory);
  outlookFeatures.set(container, { service, tokens, events, store });
  return { modules: [outlookRoutes(service)], publicPaths: OUTLOOK_PUBLIC_PATHS, close: () => agent.close() };
};

/** The wired parts per container (tests and other features look them up). */
export const outlookFeatures = new WeakMap<
  object,
  { service: ConnectionService; tokens: TokenManager; events: InProcessEventBus; store: PgConnectionStore }
>();

registerFeature(wireOutlook);

// Workers and the CLI have no HTTP server: they only need the MICROSOFT provider factory (routes are dropped).
registerProviderWiring(async (container, config) => {
  await wireOutlook({ container, config, emulator: null, publicUrl: () => config.publicBaseUrl ?? `http://${config.host}:${config.port}` });
});
