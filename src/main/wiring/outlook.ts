// Outlook wiring: MSAL client, token manager, connection service, the MICROSOFT provider factory and routes.
// Without MICROSOFT_CLIENT_ID the bundled emulator's app is used (dev wiring), so `npm start` shows the whole flow offline.
import { fetch as undiciFetch, type Agent } from 'undici';
import type { Config } from '../../config/config.js';
import { AppError } from '../../domain/errors.js';
import { callbackPath } from '../../http/routes/integrations-connection.js';
import { outlookRoutes, OUTLOOK_PUBLIC_PATHS } from '../../http/routes/integrations-outlook.js';
import { SIGNIN_CALLBACK_PATH } from '../../http/routes/auth-signin.js';
import {
  MsalOAuthClient,
  adminScopes,
  createAgent,
  createGraphTransport,
  createMicrosoftProvider,
  userRequestScopes,
  userScopes,
  type MicrosoftAuthSettings,
} from '../../providers/microsoft-graph/index.js';
import type { RouteModule } from '../../http/app-deps.js';
import type { Clock } from '../../ports/clock.js';
import type { Container } from '../container.js';
import type { OidcSource } from '../../services/tenancy/signin-service.js';
import { publicUrlOf, wireConnections, type ConnectionWiring } from './connection-wiring.js';

export const CALLBACK_PATH = callbackPath('outlook');
const DEMO_CLIENT_ID = '5c7b1e0a-2f4d-4c3b-9a8e-0ca1b41d9e01';

interface EmuApp {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

/**
 * The emulator's app accepting all our redirect URIs (the calendar connect's and the sign-in's: one app registration,
 * as in production, so a consent given at sign-in covers the connect): the demo app when it does, another registered
 * one, or a new one registered via the admin API.
 */
async function emulatorApp(baseUrl: string, agent: Agent, redirectUris: string[]): Promise<EmuApp> {
  const apps = (await (await undiciFetch(`${baseUrl}/_emulator/apps`, { dispatcher: agent })).json()) as EmuApp[];
  const covers = (a: EmuApp) => redirectUris.every((u) => a.redirectUris.includes(u));
  const usable = apps.find((a) => a.clientId === DEMO_CLIENT_ID && covers(a)) ?? apps.find(covers);
  if (usable) return usable;
  const res = await undiciFetch(`${baseUrl}/_emulator/apps`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: 'calbridge (local server)', redirectUris }),
  });
  if (res.status !== 201)
    throw new AppError('provider_unavailable', 'The bundled emulator refused to register the app.', {
      details: { status: res.status },
    });
  return (await res.json()) as EmuApp;
}

/** An emulator serving the identity platform and Graph (the bundled one in development). */
export interface EmulatorEndpoint {
  baseUrl: string;
  caFile: string;
}

export interface OutlookWiring extends Omit<ConnectionWiring, 'factory'> {
  modules: RouteModule[];
  publicPaths: RegExp[];
  /** "Sign in with Microsoft" (OpenID Connect) with the same app registration, or null when Outlook is not configured. */
  signIn: OidcSource | null;
  close(): Promise<void>;
}

/** Wires Outlook connections on the container (registers the MICROSOFT provider factory). */
export function createOutlook(o: {
  container: Container;
  config: Config;
  emulator: EmulatorEndpoint | null;
  publicUrl: () => string;
  clock: Clock;
}): OutlookWiring {
  const { container, config, emulator, publicUrl } = o;
  const ms: Config['microsoft'] = config.microsoft;
  const useEmulator = ms.clientId === null && emulator !== null;
  const authorityHost = useEmulator ? emulator.baseUrl : ms.authorityHost;
  const graphBaseUrl = useEmulator ? emulator.baseUrl : ms.graphBaseUrl;
  const agent = createAgent(ms.caFile ?? (useEmulator ? emulator.caFile : null));
  const redirectUri = () => ms.redirectUri ?? publicUrlOf(publicUrl, CALLBACK_PATH);
  const signInRedirect = () => publicUrlOf(publicUrl, `${SIGNIN_CALLBACK_PATH}/microsoft`);
  // One emulator app for the connect and the sign-in (looked up again if the public URL changes).
  const emuApps = new Map<string, Promise<EmuApp>>();
  const sharedEmulatorApp = (): Promise<EmuApp> => {
    const uris = [redirectUri(), signInRedirect()];
    const key = uris.join(' ');
    let found = emuApps.get(key);
    if (!found) {
      found = emulatorApp(emulator!.baseUrl, agent, uris);
      found.catch(() => emuApps.delete(key));
      emuApps.set(key, found);
    }
    return found;
  };
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
      const app = await sharedEmulatorApp();
      return { ...base, clientId: app.clientId, clientSecret: app.clientSecret };
    }
    throw new AppError(
      'provider_unavailable',
      'Outlook is not configured on this server: set MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET and MICROSOFT_REDIRECT_URI.',
    );
  };
  // Sign-in uses the same app registration with its own redirect URI (in the emulator, one app carries both).
  const authority = authorityHost.replace(/\/+$/, '');
  const signIn: OidcSource | null =
    (ms.clientId && ms.clientSecret) || useEmulator
      ? async () => {
          const redirectUri = signInRedirect();
          const app =
            ms.clientId && ms.clientSecret
              ? { clientId: ms.clientId, clientSecret: ms.clientSecret }
              : await sharedEmulatorApp();
          return {
            clientId: app.clientId,
            clientSecret: app.clientSecret,
            redirectUri,
            issuer: `${authority}/${ms.authorityTenant}/v2.0`,
            issuerFor: (tid) => `${authority}/${tid}/v2.0`,
            connectScopes: userRequestScopes(ms),
            fetch: (url, init) =>
              undiciFetch(url, { ...init, dispatcher: agent } as never) as unknown as Promise<Response>,
          };
        }
      : null;
  const transport = createGraphTransport({ agent });
  const { service, tokens, events, store } = wireConnections({
    container,
    publicUrl,
    clock: o.clock,
    provider: 'MICROSOFT',
    slug: 'outlook',
    label: 'Outlook',
    oauth: {
      create: async () => new MsalOAuthClient(await resolve(), agent),
      scopes: () => userScopes(ms),
      adminScopes: () => adminScopes(ms),
    },
    createProvider: (ctx, token) =>
      createMicrosoftProvider({
        graphBaseUrl,
        transport,
        token,
        mailbox: ctx.mailbox,
        roomsEnabled: ms.roomsEnabled,
        budget: ctx.callBudget,
      }),
    reportProviderErrors: true,
    allowedTenants: ms.allowedTenants,
    defaultAdminTenant: ms.authorityTenant,
  });
  return {
    service,
    tokens,
    events,
    store,
    modules: [outlookRoutes(service)],
    publicPaths: OUTLOOK_PUBLIC_PATHS,
    signIn,
    close: () => agent.close(),
  };
}
