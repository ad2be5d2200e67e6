// Google Calendar feature wiring: Google OAuth client, token manager, connection service, the GOOGLE provider factory
// and routes. Without GOOGLE_CLIENT_ID (and with the bundled emulators on) the Google emulator runs in-process too.
import { join } from 'node:path';
import type { Config } from '../../config/config.js';
import { AppError } from '../../domain/errors.js';
import { callbackPath } from '../../http/routes/integrations-connection.js';
import { GOOGLE_PUBLIC_PATHS, googleRoutes } from '../../http/routes/integrations-google.js';
import {
  GoogleOAuthClient,
  createAgent,
  createGoogleProvider,
  createGoogleTransport,
  googleScopes,
  type GoogleAuthSettings,
} from '../../providers/google/index.js';
import type { FeatureWiring } from '../server.js';
import { publicUrlOf, registerConnectionFeature, wireConnections, type ConnectionWiring } from './connection-wiring.js';

export const GOOGLE_CALLBACK_PATH = callbackPath('google');
const GOOGLE_ACCOUNTS = 'https://accounts.google.com';

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
  const redirectUri = () => g.redirectUri ?? publicUrlOf(publicUrl, GOOGLE_CALLBACK_PATH);
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
  const scopes = () => googleScopes({ readOnly: false, roomsEnabled: true });
  const transport = createGoogleTransport({ agent });
  const { service, tokens, events, store } = wireConnections({
    container,
    publicUrl,
    provider: 'GOOGLE',
    slug: 'google',
    label: 'Google Calendar',
    oauth: { create: async () => new GoogleOAuthClient(await resolve(), agent), scopes, adminScopes: scopes },
    createProvider: (ctx, token) =>
      createGoogleProvider({ apiBaseUrl, transport, token, mailbox: ctx.mailbox, roomsEnabled: true }),
    reportProviderErrors: false,
    allowedTenants: [],
    defaultAdminTenant: '',
  });
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
  Omit<ConnectionWiring, 'factory'> & { emulator: BundledGoogle | null }
>();

registerConnectionFeature(wireGoogle);
