// Directory people search through the Microsoft adapter against the emulator over HTTPS: Graph /users $search with
// ConsistencyLevel: eventual, people never met before found, rooms left out, and a connection consented before
// calbridge asked for User.ReadBasic.All refused as permission_denied naming the permission.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../domain/errors.js';
import {
  followAuthorize,
  MemoryCacheStore,
  newOAuthClient,
  seededSpecials,
  signIn,
  startTestEmulator,
  tokenSource,
  type TestEmulator,
} from '../../../test/support/microsoft.js';
import { createGraphTransport, createMicrosoftProvider } from './index.js';

const ADELE = 'adele.vance@contoso.com';
let t: TestEmulator;

beforeAll(async () => {
  t = await startTestEmulator({ seed: 11 });
  const tenant = t.emu.directory.getUser(ADELE)!.tenantId;
  // Someone calbridge has never seen: only the directory knows her.
  t.emu.directory.addUser({
    id: 'd1d1d1d1-0000-4000-8000-000000000001',
    tenantId: tenant,
    userPrincipalName: 'zelda.quartermaine@contoso.com',
    mail: 'zelda.quartermaine@contoso.com',
    displayName: 'Zelda Quartermaine',
    givenName: 'Zelda',
    surname: 'Quartermaine',
    jobTitle: 'Head of Legal',
    kind: 'user',
    mailbox: 'exchangeOnline',
    password: 'x',
  });
  t.emu.directory.getTenant(tenant)!.adminConsents.set(t.emu.app.clientId, new Set(['Place.Read.All']));
}, 60_000);
afterAll(async () => t?.close());

const transport = () => createGraphTransport({ agent: t.agent, retry: { maxRetries: 2, baseDelayMs: 10 } });

async function providerFor(login: string, token: Parameters<typeof createMicrosoftProvider>[0]['token']) {
  return createMicrosoftProvider({
    graphBaseUrl: t.emu.baseUrl,
    transport: transport(),
    token,
    mailbox: login,
    roomsEnabled: true,
  });
}

describe('Microsoft adapter: searchPeople', () => {
  it('finds directory people by a word of the name, with job title, and sends the advanced-query header', async () => {
    const oauth = newOAuthClient(t);
    const p = await providerFor(ADELE, tokenSource(oauth, await signIn(oauth, t.agent, ADELE)));
    t.emu.requestLog.reset();
    const found = await p.searchPeople!({ query: 'quarter', limit: 5 });
    expect(found).toEqual([
      { email: 'zelda.quartermaine@contoso.com', name: 'Zelda Quartermaine', jobTitle: 'Head of Legal' },
    ]);
    const sent = t.emu.requestLog.list({ limit: 20 }).find((r) => r.url.includes('/v1.0/users?'));
    expect(sent?.status).toBe(200);
    expect(decodeURIComponent(sent!.url)).toContain('$search="displayName:quarter" OR "mail:quarter"');
  });

  it('leaves rooms out (they are user objects in the directory)', async () => {
    const oauth = newOAuthClient(t);
    const p = await providerFor(ADELE, tokenSource(oauth, await signIn(oauth, t.agent, ADELE)));
    const room = seededSpecials(t).room;
    const found = await p.searchPeople!({ query: room.split('@')[0]!, limit: 5 });
    expect(found.map((x) => x.email)).not.toContain(room.toLowerCase());
  });

  it('answers permission_denied naming User.ReadBasic.All for a connection consented without it', async () => {
    const oauth = newOAuthClient(t);
    const login = 'megan.bowen@contoso.com';
    const pkce = await oauth.createPkce();
    const url = new URL(await oauth.authorizeUrl({ state: 'old', codeChallenge: pkce.challenge, loginHint: login }));
    url.searchParams.set(
      'scope',
      url.searchParams.get('scope')!.replace(/\s*https:\/\/graph\.microsoft\.com\/User\.ReadBasic\.All/, ''),
    );
    const code = (await followAuthorize(t.agent, url.toString())).get('code')!;
    const cache = new MemoryCacheStore();
    const tokens = await oauth.redeemCode({ code, codeVerifier: pkce.verifier, cache });
    expect(tokens.scopes.join(' ')).not.toContain('User.ReadBasic.All');
    const p = await providerFor(login, tokenSource(oauth, { tokens, cache }));
    const err = await p.searchPeople!({ query: 'zel', limit: 5 }).catch((e: unknown) => e);
    expect(isAppError(err, 'permission_denied')).toBe(true);
    expect((err as { details: Record<string, unknown> }).details).toMatchObject({
      missingScope: 'User.ReadBasic.All',
      graphCode: 'Authorization_RequestDenied',
    });
  });
});
