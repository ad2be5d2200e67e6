// Test helpers for Google code against the in-process Google emulator: start it, sign a user in, token sources.
import type { Agent } from 'undici';
import {
  startGoogleEmulator,
  type GoogleEmulatorOptions,
  type RunningGoogleEmulator,
} from '../../emulator/google/server.js';
import type { GoogleWiring } from '../../src/main/wiring/google.js';
import type { OAuthTokens } from '../../src/ports/connections.js';
import type { TokenSource } from '../../src/providers/google/client.js';
import { GoogleOAuthClient, type GoogleAuthSettings } from '../../src/providers/google/index.js';
import { composeTestApp, type ComposedTestApp } from './connection-app.js';
import { followAuthorize, MemoryCacheStore, startEmulatorHarness, type EmulatorHarness } from './emulator-harness.js';

/** Follows an authorize URL (auto-consent + login_hint) and returns the redirect's query. */
export const followGoogleAuthorize = followAuthorize;

export type TestGoogleEmulator = EmulatorHarness<RunningGoogleEmulator>;

/**
 * The Google emulator over HTTPS on a free port, with its own data folder and an agent trusting its CA. Tests use plain
 * http loopback receivers: the emulator's explicit `allowHttpNotifications` mode (Google requires https).
 */
export const startTestGoogleEmulator = (opts: GoogleEmulatorOptions = {}): Promise<TestGoogleEmulator> =>
  startEmulatorHarness((dataDir) =>
    startGoogleEmulator({ port: 0, autoConsent: true, quiet: true, dataDir, allowHttpNotifications: true, ...opts }),
  );

export function googleAuthSettings(
  emu: RunningGoogleEmulator,
  extra: Partial<GoogleAuthSettings> = {},
): GoogleAuthSettings {
  return {
    clientId: emu.app.clientId,
    clientSecret: emu.app.clientSecret,
    redirectUri: emu.app.redirectUris[0]!,
    authBaseUrl: emu.baseUrl,
    tokenBaseUrl: emu.baseUrl,
    roomsEnabled: true,
    readOnly: false,
    ...extra,
  };
}

/** Signs `login` in through the Google OAuth client (PKCE code flow). */
export async function googleSignIn(
  oauth: GoogleOAuthClient,
  agent: Agent,
  login: string,
): Promise<{ tokens: OAuthTokens; cache: MemoryCacheStore }> {
  const pkce = await oauth.createPkce();
  const q = await followAuthorize(
    agent,
    await oauth.authorizeUrl({ state: 'test', codeChallenge: pkce.challenge, loginHint: login }),
  );
  const cache = new MemoryCacheStore();
  const tokens = await oauth.redeemCode({ code: q.get('code')!, codeVerifier: pkce.verifier, cache });
  return { tokens, cache };
}

/** A TokenSource refreshing through the OAuth client when forced. */
export function googleTokenSource(
  oauth: GoogleOAuthClient,
  s: { tokens: OAuthTokens; cache: MemoryCacheStore },
): TokenSource {
  let current = s.tokens.accessToken;
  return async ({ forceRefresh }) => {
    if (!forceRefresh) return current;
    current = (
      await oauth.acquireSilent({ homeAccountId: s.tokens.account.homeAccountId, cache: s.cache, forceRefresh: true })
    ).accessToken;
    return current;
  };
}

/** calbridge composed with the Google feature against a test Google emulator (configured as a real deployment would be). */
export async function startGoogleApp(emulatorOpts: GoogleEmulatorOptions = {}): Promise<GoogleTestApp> {
  const t = await startTestGoogleEmulator(emulatorOpts);
  const redirectUri = `${GOOGLE_APP_URL}/api/integrations/google/callback`;
  const app = t.emu.registerApp({ redirectUris: [redirectUri], name: 'calbridge e2e' });
  const composed = await composeTestApp(
    {
      GOOGLE_CLIENT_ID: app.clientId,
      GOOGLE_CLIENT_SECRET: app.clientSecret,
      GOOGLE_REDIRECT_URI: redirectUri,
      GOOGLE_AUTH_BASE_URL: t.emu.baseUrl,
      GOOGLE_API_BASE_URL: t.emu.baseUrl,
      GOOGLE_CA_FILE: t.emu.caFile,
    },
    { publicUrl: () => GOOGLE_APP_URL },
    () => t.close(),
  );
  return { ...composed, t, feature: composed.runtime.google };
}

export const GOOGLE_APP_URL = 'http://127.0.0.1:3998';

export interface GoogleTestApp extends ComposedTestApp {
  t: TestGoogleEmulator;
  feature: GoogleWiring;
}
