// Test helpers for Microsoft code against the in-process emulator: start it, sign a user in through MSAL, token sources.
import type { Agent } from 'undici';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/microsoft/server.js';
import type { TokenSource } from '../../src/providers/microsoft-graph/client.js';
import { MsalOAuthClient, type MicrosoftAuthSettings } from '../../src/providers/microsoft-graph/index.js';
import type { OAuthTokens } from '../../src/ports/connections.js';
import { followAuthorize, MemoryCacheStore, startEmulatorHarness, type EmulatorHarness } from './emulator-harness.js';

export { followAuthorize, MemoryCacheStore };

export type TestEmulator = EmulatorHarness<RunningEmulator>;

/**
 * The emulator over HTTPS on a free port, with its own data folder and an agent trusting its CA. Subscriptions may
 * use plain http loopback receivers (the emulator's explicit `allowHttpNotifications` mode; Graph requires https).
 */
export const startTestEmulator = (opts: EmulatorOptions = {}): Promise<TestEmulator> =>
  startEmulatorHarness((dataDir) =>
    startEmulator({
      port: 0,
      autoConsent: true,
      quiet: true,
      dataDir,
      ...opts,
      subscriptions: { allowHttpNotifications: true, ...opts.subscriptions },
    }),
  );

export function authSettings(
  emu: RunningEmulator,
  app: { clientId: string; clientSecret: string; redirectUri: string } = {
    clientId: emu.app.clientId,
    clientSecret: emu.app.clientSecret,
    redirectUri: emu.app.redirectUris[0]!,
  },
  extra: Partial<MicrosoftAuthSettings> = {},
): MicrosoftAuthSettings {
  return {
    ...app,
    authorityHost: emu.baseUrl,
    authorityTenant: 'organizations',
    roomsEnabled: true,
    readOnly: false,
    ...extra,
  };
}

/** Signs `login` in through the MSAL client (PKCE code flow); returns the tokens and the account's cache. */
export async function signIn(
  oauth: MsalOAuthClient,
  agent: Agent,
  login: string,
): Promise<{ tokens: OAuthTokens; cache: MemoryCacheStore }> {
  const pkce = await oauth.createPkce();
  const url = await oauth.authorizeUrl({ state: 'test', codeChallenge: pkce.challenge, loginHint: login });
  const query = await followAuthorize(agent, url);
  const code = query.get('code');
  if (!code) throw new Error(`sign-in failed: ${query.get('error_description') ?? 'no code'}`);
  const cache = new MemoryCacheStore();
  const tokens = await oauth.redeemCode({ code, codeVerifier: pkce.verifier, cache });
  return { tokens, cache };
}

/** A token source over MSAL's silent flow for a signed-in account. */
export function tokenSource(oauth: MsalOAuthClient, s: { tokens: OAuthTokens; cache: MemoryCacheStore }): TokenSource {
  return async ({ forceRefresh }) =>
    (await oauth.acquireSilent({ homeAccountId: s.tokens.account.homeAccountId, cache: s.cache, forceRefresh }))
      .accessToken;
}

export function newOAuthClient(t: TestEmulator, extra: Partial<MicrosoftAuthSettings> = {}): MsalOAuthClient {
  return new MsalOAuthClient(authSettings(t.emu, undefined, extra), t.agent);
}

/** The seeded mailbox whose calendar cannot host Teams meetings, and a seeded room. */
export function seededSpecials(t: TestEmulator): { noTeams: string; room: string; onPremises: string } {
  const users = [...t.emu.directory.users.values()];
  const noTeams = users.find(
    (u) =>
      u.kind === 'user' &&
      t.emu.store.hasMailbox(u.id) &&
      t.emu.store.defaultCalendar(u.id).allowedOnlineMeetingProviders.length === 0,
  );
  const room = users.find((u) => u.kind === 'room');
  const onPremises = users.find((u) => u.mailbox === 'onPremises');
  if (!noTeams || !room || !onPremises)
    throw new Error('the emulator seed lacks a no-Teams mailbox, a room or an on-premises mailbox');
  return { noTeams: noTeams.userPrincipalName, room: room.userPrincipalName, onPremises: onPremises.userPrincipalName };
}
