// Directory people search through the Google adapter against the Google emulator over HTTPS: People API
// searchDirectoryPeople, a colleague never met before found with the job title, other organisations and rooms left out,
// and a grant without directory.readonly refused as permission_denied naming the scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../domain/errors.js';
import {
  googleAuthSettings,
  googleSignIn,
  googleTokenSource,
  startTestGoogleEmulator,
  type TestGoogleEmulator,
} from '../../../test/support/google.js';
import { GoogleOAuthClient, createGoogleProvider, createGoogleTransport } from './index.js';
import { DIRECTORY_SCOPE, peopleBaseUrlFor, PEOPLE_API } from './people.js';

const ADELE = 'adele.vance@contoso.com';
let t: TestGoogleEmulator;

beforeAll(async () => {
  t = await startTestGoogleEmulator({ minimalSeed: true });
  const base = t.emu.store.users.get('megan.bowen@contoso.com')!;
  t.emu.store.addUser({
    ...base,
    email: 'zelda.quartermaine@contoso.com',
    name: 'Zelda Quartermaine',
    title: 'Head of Legal',
  });
}, 60_000);
afterAll(async () => t?.close());

const provider = (token: Parameters<typeof createGoogleProvider>[0]['token']) =>
  createGoogleProvider({
    apiBaseUrl: t.emu.baseUrl,
    transport: createGoogleTransport({ agent: t.agent, retry: { maxRetries: 2, baseDelayMs: 10 } }),
    token,
    mailbox: ADELE,
    roomsEnabled: true,
  });

describe('Google adapter: searchPeople', () => {
  it('finds domain profiles by a word of the name, with the job title; not rooms, not customers', async () => {
    const oauth = new GoogleOAuthClient(googleAuthSettings(t.emu), t.agent);
    const p = provider(googleTokenSource(oauth, await googleSignIn(oauth, t.agent, ADELE)));
    expect(await p.searchPeople!({ query: 'quarter', limit: 5 })).toEqual([
      { email: 'zelda.quartermaine@contoso.com', name: 'Zelda Quartermaine', jobTitle: 'Head of Legal' },
    ]);
    expect(await p.searchPeople!({ query: 'rainier', limit: 5 })).toEqual([]);
    expect(await p.searchPeople!({ query: 'wile', limit: 5 })).toEqual([]);
    const sent = t.emu.requestLog
      .list({ limit: 50 })
      .filter((r) => r.url.startsWith('/v1/people:searchDirectoryPeople'));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent[0]!.url).toContain('sources=DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE');
  });

  it('answers permission_denied naming directory.readonly for a grant without it', async () => {
    // A grant made before calbridge asked for the directory scope: calendar access only.
    const token = t.emu.oauth.mint(ADELE, t.emu.app.clientId, ['https://www.googleapis.com/auth/calendar.events']);
    const err = await provider(async () => token).searchPeople!({ query: 'zel', limit: 5 }).catch((e: unknown) => e);
    expect(isAppError(err, 'permission_denied')).toBe(true);
    expect((err as { details: Record<string, unknown> }).details).toMatchObject({
      missingScope: DIRECTORY_SCOPE,
      status: 403,
      reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
    });
  });

  it("uses Google's People API host in production and the emulator's base otherwise", () => {
    expect(peopleBaseUrlFor('https://www.googleapis.com/')).toBe(PEOPLE_API);
    expect(peopleBaseUrlFor('https://127.0.0.1:8444')).toBe('https://127.0.0.1:8444');
  });
});
