// Test helpers for Google code against the in-process Google emulator: start it, sign a user in, token sources.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { fetch as undiciFetch, type Agent } from 'undici';
import {
  startGoogleEmulator,
  type GoogleEmulatorOptions,
  type RunningGoogleEmulator,
} from '../../emulator/google/server.js';
import { loadConfig } from '../../src/config/config.js';
import { buildApp } from '../../src/http/build-app.js';
import { createContainer, databaseReady, type Container } from '../../src/main/container.js';
import { googleFeatures, wireGoogle } from '../../src/main/features/google.js';
import type { OAuthTokens, TokenCacheStore } from '../../src/ports/connections.js';
import { createTestDatabase } from './db.js';
import type { TokenSource } from '../../src/providers/google/client.js';
import { GoogleOAuthClient, createAgent, type GoogleAuthSettings } from '../../src/providers/google/index.js';

export interface TestGoogleEmulator {
  emu: RunningGoogleEmulator;
  agent: Agent;
  close(): Promise<void>;
}

/** The Google emulator over HTTPS on a free port, with its own data folder and an agent trusting its CA. */
export async function startTestGoogleEmulator(opts: GoogleEmulatorOptions = {}): Promise<TestGoogleEmulator> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-gemu-'));
  const emu = await startGoogleEmulator({ port: 0, autoConsent: true, quiet: true, dataDir: dir, ...opts });
  const agent = createAgent(null, emu.caPem);
  return {
    emu,
    agent,
    close: async () => {
      await emu.close();
      await agent.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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

export class MemoryCache implements TokenCacheStore {
  value: string | null = null;
  async load(): Promise<string | null> {
    return this.value;
  }
  async save(serialized: string): Promise<void> {
    this.value = serialized;
  }
}

/** Follows an authorize URL (auto-consent + login_hint) and returns the redirect's query. */
export async function followGoogleAuthorize(agent: Agent, url: string): Promise<URLSearchParams> {
  const res = await undiciFetch(url, { redirect: 'manual', dispatcher: agent });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location)
    throw new Error(`authorize answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return new URL(location).searchParams;
}

/** Signs `login` in through the Google OAuth client (PKCE code flow). */
export async function googleSignIn(
  oauth: GoogleOAuthClient,
  agent: Agent,
  login: string,
): Promise<{ tokens: OAuthTokens; cache: MemoryCache }> {
  const pkce = await oauth.createPkce();
  const q = await followGoogleAuthorize(
    agent,
    await oauth.authorizeUrl({ state: 'test', codeChallenge: pkce.challenge, loginHint: login }),
  );
  const cache = new MemoryCache();
  const tokens = await oauth.redeemCode({ code: q.get('code')!, codeVerifier: pkce.verifier, cache });
  return { tokens, cache };
}

/** A TokenSource refreshing through the OAuth client when forced. */
export function googleTokenSource(
  oauth: GoogleOAuthClient,
  s: { tokens: OAuthTokens; cache: MemoryCache },
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
  const dir = mkdtempSync(join(tmpdir(), 'cb-gapp-'));
  const config = loadConfig({
    CALBRIDGE_DATA_DIR: dir,
    CALBRIDGE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
    CALBRIDGE_START_EMULATOR: 'false',
    RATE_LIMIT_PER_MINUTE: '100000',
    GOOGLE_CLIENT_ID: app.clientId,
    GOOGLE_CLIENT_SECRET: app.clientSecret,
    GOOGLE_REDIRECT_URI: redirectUri,
    GOOGLE_AUTH_BASE_URL: t.emu.baseUrl,
    GOOGLE_API_BASE_URL: t.emu.baseUrl,
    GOOGLE_CA_FILE: t.emu.caFile,
  });
  const database = await createTestDatabase();
  const container = await createContainer(config, { database, migrate: false });
  const wired = await wireGoogle({ container, config, emulator: null, publicUrl: () => GOOGLE_APP_URL });
  const stream = new PassThrough();
  let logged = '';
  stream.on('data', (c: Buffer) => (logged += c.toString('utf8')));
  const fastify = await buildApp({
    config,
    tenants: container.tenants,
    customers: container.customers,
    isDatabaseReady: databaseReady(container),
    logStream: stream,
    modules: wired.modules,
    publicPaths: wired.publicPaths,
  });
  return {
    t,
    app: fastify,
    container,
    feature: googleFeatures.get(container)!,
    logs: () => logged,
    close: async () => {
      await fastify.close();
      await wired.close?.();
      await container.close();
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const GOOGLE_APP_URL = 'http://127.0.0.1:3998';

export interface GoogleTestApp {
  t: TestGoogleEmulator;
  app: FastifyInstance;
  container: Container;
  feature: NonNullable<ReturnType<typeof googleFeatures.get>>;
  logs: () => string;
  close(): Promise<void>;
}
