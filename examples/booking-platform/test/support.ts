// Test support: calbridge's emulators with signed-in users, a token store the way the platform keeps one, and fixed
// future slots. Imports only calbridge's entry points, as the platform's own test suite would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followAuthorize, startEmulator, startGoogleEmulator, trustEmulatorCa, userToken } from 'calbridge/emulator';
import { createAgent, GoogleOAuthClient } from 'calbridge/providers/google';
import type { TokenCacheStore } from 'calbridge/ports';
import type { CalendarProviderKind } from '../src/calendar-provider.js';
import { createContainer, type Container, type ContainerConfig } from '../src/container.js';

/** The platform's token storage: provider + email → access token (its real one is a database table). */
export class TokenStore {
  private readonly tokens = new Map<string, string>();
  /** How often the adapters asked for a refreshed token. */
  forcedRefreshes = 0;

  set(provider: CalendarProviderKind, email: string, token: string): void {
    this.tokens.set(`${provider}:${email.toLowerCase()}`, token);
  }

  /** The user revoked the app's access: their stored token is no longer accepted. Returns the function that undoes it. */
  revoke(provider: CalendarProviderKind, email: string): () => void {
    const key = `${provider}:${email.toLowerCase()}`;
    const token = this.tokens.get(key);
    this.tokens.set(key, 'revoked');
    return () => (token === undefined ? this.tokens.delete(key) : this.tokens.set(key, token));
  }

  accessToken: ContainerConfig['accessToken'] = async (provider, email, { forceRefresh }) => {
    if (forceRefresh) this.forcedRefreshes += 1;
    const token = this.tokens.get(`${provider}:${email.toLowerCase()}`);
    if (!token) throw new Error(`${email} has not connected a ${provider} calendar`);
    return token;
  };
}

export interface LiveSetup {
  container: Container;
  tokens: TokenStore;
  /** Signed-in users of the emulator: [practitioner, client, another practitioner]. */
  users: string[];
  close(): Promise<void>;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'booking-emu-'));
}

/** The Microsoft 365 emulator with its first users signed in, and a container for MICROSOFT tenants. */
export async function startMicrosoft(): Promise<LiveSetup> {
  const dataDir = tempDir();
  const emu = await startEmulator({ port: 0, autoConsent: true, quiet: true, dataDir });
  const tokens = new TokenStore();
  const users = emu.users.slice(0, 3);
  // The sign-in helpers use the global fetch: trust the emulator's CA for them only.
  const untrust = trustEmulatorCa(emu.caPem);
  try {
    for (const u of users) tokens.set('MICROSOFT', u, (await userToken(emu.baseUrl, emu.app, u)).access_token);
  } finally {
    untrust();
  }
  const container = createContainer({
    calendar: 'live',
    microsoft: { graphBaseUrl: emu.baseUrl, caPem: emu.caPem },
    accessToken: tokens.accessToken,
  });
  return {
    container,
    tokens,
    users,
    close: async () => {
      await container.close();
      await emu.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

class MemoryTokenCache implements TokenCacheStore {
  private value: string | null = null;
  async load(): Promise<string | null> {
    return this.value;
  }
  async save(serialized: string): Promise<void> {
    this.value = serialized;
  }
}

/** The Google Calendar emulator with its first users signed in (OAuth code flow with PKCE), and a container. */
export async function startGoogle(): Promise<LiveSetup> {
  const dataDir = tempDir();
  const emu = await startGoogleEmulator({ port: 0, autoConsent: true, quiet: true, dataDir });
  const tokens = new TokenStore();
  const users = emu.users.slice(0, 3);
  const agent = createAgent(null, emu.caPem);
  const oauth = new GoogleOAuthClient(
    {
      clientId: emu.app.clientId,
      clientSecret: emu.app.clientSecret,
      redirectUri: emu.app.redirectUris[0] ?? '',
      authBaseUrl: emu.baseUrl,
      tokenBaseUrl: emu.baseUrl,
      roomsEnabled: false,
      readOnly: false,
    },
    agent,
  );
  const untrust = trustEmulatorCa(emu.caPem);
  try {
    for (const u of users) {
      const pkce = await oauth.createPkce();
      const redirect = await followAuthorize(
        await oauth.authorizeUrl({ state: 'test', codeChallenge: pkce.challenge, loginHint: u }),
      );
      const code = redirect.get('code');
      if (!code) throw new Error(`Google sign-in of ${u} failed: ${redirect.toString()}`);
      const signedIn = await oauth.redeemCode({ code, codeVerifier: pkce.verifier, cache: new MemoryTokenCache() });
      tokens.set('GOOGLE', u, signedIn.accessToken);
    }
  } finally {
    untrust();
    await agent.close();
  }
  const container = createContainer({
    calendar: 'live',
    google: { apiBaseUrl: emu.baseUrl, caPem: emu.caPem },
    accessToken: tokens.accessToken,
  });
  return {
    container,
    tokens,
    users,
    close: async () => {
      await container.close();
      await emu.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The first Monday after 2031-03-05 (a fixed day in the future, so the tests do not depend on today). */
export const MONDAY = ((): Date => {
  const d = new Date('2031-03-05T00:00:00Z');
  do d.setUTCDate(d.getUTCDate() + 1);
  while (d.getUTCDay() !== 1);
  return d;
})();

/** A 50-minute session on MONDAY starting at `hour`:`minute` UTC. */
export function slot(hour: number, minute = 0, minutes = 50): { start: Date; end: Date } {
  const start = new Date(MONDAY.getTime() + (hour * 60 + minute) * 60_000);
  return { start, end: new Date(start.getTime() + minutes * 60_000) };
}
