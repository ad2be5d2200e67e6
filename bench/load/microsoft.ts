// Signs a mailbox in against a (child-process) emulator through MSAL and builds the real Microsoft adapter for it.
import type { Agent } from 'undici';
import type { CalendarProvider } from '../../src/ports/calendar-provider.js';
import {
  MsalOAuthClient,
  createGraphTransport,
  createMicrosoftProvider,
} from '../../src/providers/microsoft-graph/index.js';
import { signIn } from '../../test/support/microsoft.js';

export interface SignedIn {
  provider: CalendarProvider;
  /** A current access token (MSAL's silent flow; refreshed when expired). */
  accessToken(): Promise<string>;
  defaultCalendarId: string;
}

export async function signInMailbox(
  emu: { baseUrl: string; app: { clientId: string; clientSecret: string; redirectUris: string[] } },
  agent: Agent,
  login: string,
): Promise<SignedIn> {
  const oauth = new MsalOAuthClient(
    {
      clientId: emu.app.clientId,
      clientSecret: emu.app.clientSecret,
      redirectUri: emu.app.redirectUris[0]!,
      authorityHost: emu.baseUrl,
      authorityTenant: 'organizations',
      roomsEnabled: true,
      readOnly: false,
    },
    agent,
  );
  const s = await signIn(oauth, agent, login);
  // kept in memory until a minute before it expires, as the service's TokenManager keeps it (MSAL's silent flow
  // reads its whole cache: a few percent of a sync's CPU when asked on every Graph call)
  let held: { token: string; expiresAt: number } | null = null;
  const token = async ({ forceRefresh }: { forceRefresh: boolean }) => {
    if (!forceRefresh && held && held.expiresAt - 60_000 > Date.now()) return held.token;
    const t = await oauth.acquireSilent({
      homeAccountId: s.tokens.account.homeAccountId,
      cache: s.cache,
      forceRefresh,
    });
    held = { token: t.accessToken, expiresAt: Date.parse(t.expiresAt) };
    return t.accessToken;
  };
  const provider = createMicrosoftProvider({
    graphBaseUrl: emu.baseUrl,
    transport: createGraphTransport({ agent }),
    token,
    mailbox: login,
    roomsEnabled: true,
  });
  const cals = await provider.listCalendars();
  const def = cals.find((c) => c.isDefault) ?? cals[0];
  if (!def) throw new Error(`${login} has no calendar`);
  return { provider, accessToken: () => token({ forceRefresh: false }), defaultCalendarId: def.id };
}
