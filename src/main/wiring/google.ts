// Google Calendar wiring: Google OAuth client, token manager, connection service, the GOOGLE provider factory and
// routes. Without GOOGLE_CLIENT_ID the bundled Google emulator (started by the dev wiring) is used.
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
import type { RouteModule } from '../../http/app-deps.js';
import type { Clock } from '../../ports/clock.js';
import type { MailSenderResolver } from '../../ports/mail.js';
import { createGmailMailSender } from '../../providers/google/send-mail.js';
import { PgWorkingHoursStore } from '../../stores/working-hours-store.js';
import type { Container } from '../container.js';
import { fetch as undiciFetch } from 'undici';
import { SIGNIN_CALLBACK_PATH } from '../../http/routes/auth-signin.js';
import type { OidcSource } from '../../services/tenancy/signin-service.js';
import { publicUrlOf, wireConnections, type ConnectionWiring } from './connection-wiring.js';

export const GOOGLE_CALLBACK_PATH = callbackPath('google');
const GOOGLE_ACCOUNTS = 'https://accounts.google.com';
const GOOGLE_APIS = 'https://www.googleapis.com';
const GMAIL_SEND = 'https://www.googleapis.com/auth/gmail.send';

/** The bundled Google emulator (dev wiring): its URL, CA, and app registration for our redirect URI. */
export interface BundledGoogle {
  baseUrl: string;
  caFile: string;
  registerApp(a: { redirectUris: string[]; name?: string }): { clientId: string; clientSecret: string };
  close(): Promise<void>;
}

export interface GoogleWiring extends Omit<ConnectionWiring, 'factory'> {
  /** "Sign in with Google" (OpenID Connect) with the same OAuth client, or null when Google is not configured. */
  signIn: OidcSource | null;
  /**
   * Gmail `messages.send` as the user's active Google connection when it was granted `gmail.send` (prep briefs by
   * mail); null otherwise.
   */
  mailSender: MailSenderResolver;
  /** The bundled emulator in use, if any. */
  emulator: BundledGoogle | null;
  modules: RouteModule[];
  publicPaths: RegExp[];
  close(): Promise<void>;
}

/** Wires Google connections on the container (registers the GOOGLE provider factory). */
export function createGoogle(o: {
  container: Container;
  config: Config;
  emulator: BundledGoogle | null;
  publicUrl: () => string;
  clock: Clock;
}): GoogleWiring {
  const { container, config, publicUrl } = o;
  const g: Config['google'] = config.google;
  const bundled = g.clientId === null ? o.emulator : null;
  const apiBaseUrl = bundled ? bundled.baseUrl : g.apiBaseUrl;
  const authBaseUrl = bundled ? bundled.baseUrl : g.authBaseUrl;
  // Google's token endpoint lives on its own host; a custom auth base (emulator, proxy) serves both.
  const tokenBaseUrl =
    authBaseUrl.replace(/\/+$/, '') === GOOGLE_ACCOUNTS ? 'https://oauth2.googleapis.com' : authBaseUrl;
  const agent = createAgent(g.caFile ?? bundled?.caFile ?? null);
  const redirectUri = () => g.redirectUri ?? publicUrlOf(publicUrl, GOOGLE_CALLBACK_PATH);
  const signInRedirect = () => publicUrlOf(publicUrl, `${SIGNIN_CALLBACK_PATH}/google`);
  // In the emulator one OAuth client carries the connect's and the sign-in's redirect URIs (as in production), so a
  // grant made at sign-in covers the connect.
  let emulatorApp: { clientId: string; clientSecret: string; uris: string } | null = null;
  const sharedEmulatorApp = () => {
    const uris = [redirectUri(), signInRedirect()];
    if (emulatorApp?.uris !== uris.join(' '))
      emulatorApp = {
        ...bundled!.registerApp({ redirectUris: uris, name: 'calbridge (local server)' }),
        uris: uris.join(' '),
      };
    return { clientId: emulatorApp.clientId, clientSecret: emulatorApp.clientSecret };
  };
  const resolve = async (): Promise<GoogleAuthSettings> => {
    const base = { redirectUri: redirectUri(), authBaseUrl, tokenBaseUrl, roomsEnabled: true, readOnly: g.readOnly };
    if (g.clientId && g.clientSecret) return { ...base, clientId: g.clientId, clientSecret: g.clientSecret };
    if (bundled) {
      return { ...base, ...sharedEmulatorApp() };
    }
    throw new AppError(
      'provider_unavailable',
      'Google Calendar is not configured on this server: set GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_REDIRECT_URI.',
    );
  };
  // Sign-in uses the same OAuth client with its own redirect URI.
  const signIn: OidcSource | null =
    (g.clientId && g.clientSecret) || bundled
      ? async () => {
          const redirectUri = signInRedirect();
          const app =
            g.clientId && g.clientSecret ? { clientId: g.clientId, clientSecret: g.clientSecret } : sharedEmulatorApp();
          return {
            clientId: app.clientId,
            clientSecret: app.clientSecret,
            redirectUri,
            issuer: authBaseUrl.replace(/\/+$/, ''),
            connectScopes: scopes().map((x) => x.scope),
            fetch: (url, init) =>
              undiciFetch(url, { ...init, dispatcher: agent } as never) as unknown as Promise<Response>,
          };
        }
      : null;
  const scopes = () => googleScopes({ readOnly: g.readOnly, roomsEnabled: true });
  const transport = createGoogleTransport({ agent });
  const workingHours = new PgWorkingHoursStore(container.database.db);
  // Gmail lives on its own host in production; an emulator or proxy at a custom API base serves it there too.
  const gmailBaseUrl =
    apiBaseUrl.replace(/\/+$/, '') === GOOGLE_APIS ? 'https://gmail.googleapis.com' : apiBaseUrl.replace(/\/+$/, '');
  const { service, tokens, events, store } = wireConnections({
    container,
    publicUrl,
    clock: o.clock,
    provider: 'GOOGLE',
    slug: 'google',
    label: 'Google Calendar',
    oauth: { create: async () => new GoogleOAuthClient(await resolve(), agent), scopes, adminScopes: scopes },
    createProvider: (ctx, token) =>
      createGoogleProvider({
        apiBaseUrl,
        transport,
        token,
        mailbox: ctx.mailbox,
        roomsEnabled: true,
        budget: ctx.callBudget,
        // Google's API has no working hours: the adapter answers the ones the user keeps in calbridge.
        workingHours: async () => (await workingHours.get(ctx.tenantId, ctx.userId))?.hours ?? null,
      }),
    reportProviderErrors: false,
    allowedTenants: [],
    defaultAdminTenant: '',
  });
  const mailSender: MailSenderResolver = async (tenantId, userId) => {
    const conn = await store.get(tenantId, userId, 'GOOGLE');
    if (!conn || conn.status !== 'active' || !conn.accountEmail || !conn.scopes.includes(GMAIL_SEND)) return null;
    return createGmailMailSender({
      gmailBaseUrl,
      transport,
      token: (t) => tokens.accessToken(tenantId, conn.id, t),
      mailbox: conn.accountEmail,
    });
  };
  return {
    service,
    tokens,
    events,
    store,
    mailSender,
    emulator: bundled,
    modules: [googleRoutes(service)],
    publicPaths: GOOGLE_PUBLIC_PATHS,
    signIn,
    close: () => agent.close(),
  };
}
