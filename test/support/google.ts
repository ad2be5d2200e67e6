// Test helpers for Google code against the in-process Google emulator: start it, sign a user in, token sources, the
// whole server wired to it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Agent } from 'undici';
import {
  startGoogleEmulator,
  type GoogleEmulatorOptions,
  type RunningGoogleEmulator,
} from '../../emulator/google/server.js';
import { loadConfig } from '../../src/config/config.js';
import { createRuntime } from '../../src/main/runtime.js';
import type { GoogleWiring } from '../../src/main/wiring/google.js';
import type { OAuthTokens } from '../../src/ports/connections.js';
import type { TokenSource } from '../../src/providers/google/client.js';
import { GoogleOAuthClient, type GoogleAuthSettings } from '../../src/providers/google/index.js';
import { composeTestApp, type ComposedTestApp } from './connection-app.js';
import { createTestDatabase } from './db.js';
import { followAuthorize, MemoryCacheStore, startEmulatorHarness, type EmulatorHarness } from './emulator-harness.js';
import { freePort } from './sync-server.js';

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

/**
 * The whole server (createRuntime, listening, its jobs started) wired to a fresh in-process Google emulator with an
 * OAuth client registered for it, on a test database: what the Google push and deletion tests run against.
 */
export async function startGoogleServer(opts: { name: string; logLevel?: string; onLog?: (line: string) => void }) {
  const g = await startTestGoogleEmulator({ minimalSeed: true, accessTokenSeconds: 3600 });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const client = g.emu.registerApp({ redirectUris: [`${base}/api/integrations/google/callback`], name: opts.name });
  const dir = mkdtempSync(join(tmpdir(), 'cb-google-'));
  const config = loadConfig({
    CALBRIDGE_DATA_DIR: dir,
    CALBRIDGE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: opts.logLevel ?? 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: base,
    RATE_LIMIT_PER_MINUTE: '1000000',
    SYNC_POLL_INTERVAL_SECONDS: '86400',
    CALBRIDGE_START_EMULATOR: 'false',
    GOOGLE_CLIENT_ID: client.clientId,
    GOOGLE_CLIENT_SECRET: client.clientSecret,
    GOOGLE_REDIRECT_URI: `${base}/api/integrations/google/callback`,
    GOOGLE_AUTH_BASE_URL: g.emu.baseUrl,
    GOOGLE_API_BASE_URL: g.emu.baseUrl,
    GOOGLE_CA_FILE: g.emu.caFile,
  });
  const database = await createTestDatabase();
  const logStream = new PassThrough();
  if (opts.onLog) logStream.on('data', (c: Buffer) => opts.onLog!(c.toString('utf8')));
  else logStream.resume();
  const rt = await createRuntime(config, { database, logStream });
  const app = await rt.http();
  const url = await rt.listen();
  await rt.jobs.start();
  return {
    g,
    rt,
    app,
    url,
    database,
    async close() {
      await rt.close();
      await database.close();
      await g.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new Google tenant whose user `login` connects through the emulator's consent; its API key's headers. */
export async function connectGoogleUser(
  server: Awaited<ReturnType<typeof startGoogleServer>>,
  tenantName: string,
  login: string,
) {
  const tenant = await server.rt.container.tenants.createTenant({ name: tenantName, calendarProvider: 'GOOGLE' });
  const { apiKey } = await server.rt.container.tenants.createApiKey(tenant.id, login);
  const auth = { authorization: `Bearer ${apiKey}` };
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/integrations/google/connect',
    headers: auth,
    payload: { loginHint: login },
  });
  if (res.statusCode !== 200) throw new Error(`connect answered ${res.statusCode}: ${res.body}`);
  const q = await followAuthorize(server.g.agent, (res.json() as { authorizeUrl: string }).authorizeUrl);
  const callback = await server.app.inject({
    method: 'GET',
    url: `/api/integrations/google/callback?${q.toString()}`,
  });
  return { tenantId: tenant.id, auth, callback };
}
