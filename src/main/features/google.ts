// Google Calendar feature wiring: Google OAuth client, token manager, connection service, the GOOGLE provider factory
// and routes. Without GOOGLE_CLIENT_ID (and with the bundled emulators on) the Google emulator runs in-process too.
import { join } from 'node:path';
import type { Agent } from 'undici';
import type { Config } from '../../config/config.js';
import type { Connection } from '../../domain/connections.js';
import { AppError } from '../../domain/errors.js';
import { GOOGLE_PUBLIC_PATHS, googleRoutes } from '../../http/routes/integrations-google.js';
import type { OAuthClient } from '../../ports/connections.js';
import { observeErrors } from '../../providers/decorators/observe.js';
import {
  GoogleOAuthClient,
  createAgent,
  createGoogleProvider,
  createGoogleTransport,
  googleScopes,
  type GoogleAuthSettings,
} from '../../providers/google/index.js';
import type { ProviderContext } from '../../providers/registry.js';
import { ConnectionService } from '../../services/connections/connection-service.js';
import { InProcessEventBus } from '../../services/connections/events.js';
import { TokenManager } from '../../services/connections/token-manager.js';
import { PgConnectionStore, subscriptionIdsOf } from '../../stores/connection-store.js';
import { registerFeature, registerProviderWiring, type FeatureWiring } from '../server.js';

export const GOOGLE_CALLBACK_PATH = '/api/integrations/google/callback';
const GOOGLE_ACCOUNTS = 'https://accounts.google.com';

/** An OAuthClient whose settings are resolved on first use (the server's own URL is known only after listen). */
class LazyGoogleOAuthClient implements OAuthClient {
  readonly provider = 'GOOGLE' as const;
  private client: Promise<GoogleOAuthClient> | null = null;
  constructor(
    private readonly resolve: () => Promise<GoogleAuthSettings>,
    private readonly agent: Agent,
  ) {}
  get scopes() {
    return googleScopes({ readOnly: false, roomsEnabled: true });
  }
  get adminScopes() {
    return this.scopes;
  }
  private get(): Promise<GoogleOAuthClient> {
    this.client ??= this.resolve()
      .then((s) => new GoogleOAuthClient(s, this.agent))
      .catch((e: unknown) => {
        this.client = null;
        throw e;
      });
    return this.client;
  }
  createPkce: OAuthClient['createPkce'] = async () => (await this.get()).createPkce();
  authorizeUrl: OAuthClient['authorizeUrl'] = async (p) => (await this.get()).authorizeUrl(p);
  adminConsentUrl: OAuthClient['adminConsentUrl'] = async () => (await this.get()).adminConsentUrl();
  redeemCode: OAuthClient['redeemCode'] = async (p) => (await this.get()).redeemCode(p);
  acquireSilent: OAuthClient['acquireSilent'] = async (p) => (await this.get()).acquireSilent(p);
}

interface BundledGoogle {
  baseUrl: string;
  caFile: string;
  registerApp(a: { redirectUris: string[]; name?: string }): { clientId: string; clientSecret: string };
  close(): Promise<void>;
}

/** Wires the Google feature; exported for tests that compose the app themselves. */
export const wireGoogle: FeatureWiring = async ({ container, config, emulator, publicUrl }) => {
  const g: Config['google'] = config.google;
  let bundled: BundledGoogle | null = null;
  if (g.clientId === null && emulator !== null) {
    const { startGoogleEmulator } = await import('../../../emulator/google/server.js');
    bundled = await startGoogleEmulator({ port: 0, dataDir: join(config.dataDir, 'emulator'), quiet: true });
  }
  const apiBaseUrl = bundled ? bundled.baseUrl : g.apiBaseUrl;
  const authBaseUrl = bundled ? bundled.baseUrl : g.authBaseUrl;
  // Google's token endpoint lives on its own host; a custom auth base (emulator, proxy) serves both.
  const tokenBaseUrl =
    authBaseUrl.replace(/\/+$/, '') === GOOGLE_ACCOUNTS ? 'https://oauth2.googleapis.com' : authBaseUrl;
  const agent = createAgent(g.caFile ?? bundled?.caFile ?? null);
  const redirectUri = () => g.redirectUri ?? `${publicUrl().replace(/\/+$/, '')}${GOOGLE_CALLBACK_PATH}`;
  let emulatorApp: { clientId: string; clientSecret: string } | null = null;
  const resolve = async (): Promise<GoogleAuthSettings> => {
    const base = { redirectUri: redirectUri(), authBaseUrl, tokenBaseUrl, roomsEnabled: true, readOnly: false };
    if (g.clientId && g.clientSecret) return { ...base, clientId: g.clientId, clientSecret: g.clientSecret };
    if (bundled) {
      emulatorApp ??= bundled.registerApp({ redirectUris: [base.redirectUri], name: 'calbridge (local server)' });
      return { ...base, ...emulatorApp };
    }
    throw new AppError(
      'provider_unavailable',
      'Google Calendar is not configured on this server: set GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_REDIRECT_URI.',
    );
  };
  const oauth = new LazyGoogleOAuthClient(resolve, agent);
  const store = new PgConnectionStore(container.database.db);
  const events = new InProcessEventBus();
  const now = () => new Date();
  const tokens = new TokenManager({
    connections: store,
    vault: container.vault,
    oauth,
    audit: container.audit,
    events,
    now,
    connectUrl: () => `${publicUrl().replace(/\/+$/, '')}/api/integrations/google/connect`,
  });
  const transport = createGoogleTransport({ agent });
  const factory = (ctx: ProviderContext) =>
    observeErrors(
      createGoogleProvider({
        apiBaseUrl,
        transport,
        token: (o) => tokens.accessToken(ctx.tenantId, ctx.connectionId, o),
        mailbox: ctx.mailbox,
        roomsEnabled: true,
      }),
      async () => undefined,
    );
  const ctxOf = (conn: Connection): ProviderContext => ({
    tenantId: conn.tenantId,
    userId: conn.userId,
    connectionId: conn.id,
    mailbox: conn.accountEmail ?? '',
  });
  const service = new ConnectionService({
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
    allowedTenants: [],
    defaultAdminTenant: '',
    settingsPath: '/settings',
    provider: 'GOOGLE',
    slug: 'google',
    label: 'Google Calendar',
  });
  container.providers.register('GOOGLE', factory);
  googleFeatures.set(container, { service, tokens, events, store, emulator: bundled });
  return {
    modules: [googleRoutes(service)],
    publicPaths: GOOGLE_PUBLIC_PATHS,
    close: async () => {
      await agent.close();
      await bundled?.close();
    },
  };
};

/** The wired parts per container (tests and other features look them up). */
export const googleFeatures = new WeakMap<
  object,
  {
    service: ConnectionService;
    tokens: TokenManager;
    events: InProcessEventBus;
    store: PgConnectionStore;
    emulator: BundledGoogle | null;
  }
>();

registerFeature(wireGoogle);

// Workers and the CLI have no HTTP server: they only need the GOOGLE provider factory (routes are dropped).
registerProviderWiring(async (container, config) => {
  await wireGoogle({
    container,
    config,
    emulator: null,
    publicUrl: () => config.publicBaseUrl ?? `http://${config.host}:${config.port}`,
  });
});
