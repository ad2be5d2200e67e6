// The permissions calbridge asks Outlook users for, and connections made under an older set: a new sign-in is granted
// Calendars.ReadWrite.Shared (delegate writes); a connection consented before it was asked for still refreshes
// silently (Entra's token carries what was consented; asking for the new set would fail with AADSTS65001).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  followAuthorize,
  MemoryCacheStore,
  newOAuthClient,
  signIn,
  startTestEmulator,
  type TestEmulator,
} from '../../../test/support/microsoft.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ seed: 7 });
}, 60_000);
afterAll(async () => t?.close());

const bare = (scopes: string[]) => scopes.map((s) => s.replace('https://graph.microsoft.com/', ''));
const users = () => t.emu.users.filter((u) => u.endsWith('@contoso.com'));

describe('Outlook permissions over time', () => {
  it('asks a new user for Calendars.ReadWrite.Shared, and the token carries it', async () => {
    const oauth = newOAuthClient(t);
    expect(oauth.scopes.map((s) => s.scope)).toContain('Calendars.ReadWrite.Shared');
    const { tokens } = await signIn(oauth, t.agent, users()[0]!);
    expect(bare(tokens.scopes)).toEqual(expect.arrayContaining(['Calendars.ReadWrite', 'Calendars.ReadWrite.Shared']));
  });

  it('refreshes a connection consented under the older set without asking for what it was never granted', async () => {
    const oauth = newOAuthClient(t);
    const login = users()[1]!;
    // The consent an older calbridge asked for: Calendars.Read.Shared instead of Calendars.ReadWrite.Shared.
    const pkce = await oauth.createPkce();
    const url = new URL(await oauth.authorizeUrl({ state: 'old', codeChallenge: pkce.challenge, loginHint: login }));
    url.searchParams.set(
      'scope',
      url.searchParams.get('scope')!.replace('Calendars.ReadWrite.Shared', 'Calendars.Read.Shared'),
    );
    const code = (await followAuthorize(t.agent, url.toString())).get('code')!;
    expect(code).toBeTruthy();
    const cache = new MemoryCacheStore();
    const tokens = await oauth.redeemCode({ code, codeVerifier: pkce.verifier, cache });
    expect(bare(tokens.scopes)).toContain('Calendars.Read.Shared');
    expect(bare(tokens.scopes)).not.toContain('Calendars.ReadWrite.Shared');

    const refreshed = await oauth.acquireSilent({
      homeAccountId: tokens.account.homeAccountId,
      cache,
      forceRefresh: true,
    });
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(bare(refreshed.scopes)).toEqual(
      expect.arrayContaining(['Calendars.ReadWrite', 'Calendars.Read.Shared', 'Mail.Send']),
    );
    expect(bare(refreshed.scopes)).not.toContain('Calendars.ReadWrite.Shared');
  });
});
