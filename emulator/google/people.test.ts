// People API searchDirectoryPeople over HTTPS, as Google documents it: required query, readMask and sources, the
// caller's own domain only (no rooms, no other organisations), directory.readonly or 403 PERMISSION_DENIED.
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGoogleEmulator } from './server.js';
import { startGoogleTestEmulator, type GoogleTestEmulator } from './testing.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

let emu: RunningGoogleEmulator;
let agent: Agent;
let harness: GoogleTestEmulator;

const ADELE = 'adele.vance@contoso.com';
const DIRECTORY = 'https://www.googleapis.com/auth/directory.readonly';
const CALENDAR = 'https://www.googleapis.com/auth/calendar';
const PROFILE = 'DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE';

async function search(params: Record<string, string | string[]>, scopes = [DIRECTORY]) {
  const u = new URL(`${emu.baseUrl}/v1/people:searchDirectoryPeople`);
  for (const [k, v] of Object.entries(params)) for (const x of [v].flat()) u.searchParams.append(k, x);
  const res = await fetch(u, {
    headers: { authorization: `Bearer ${emu.oauth.mint(ADELE, emu.app.clientId, scopes)}` },
    dispatcher: agent,
  });
  return { status: res.status, json: (await res.json()) as Json };
}

beforeAll(async () => {
  harness = await startGoogleTestEmulator();
  emu = harness.emu;
  agent = harness.agent;
  emu.store.addUser({
    ...emu.store.users.get('megan.bowen@contoso.com')!,
    email: 'meg.ryan@contoso.com',
    name: 'Meg Ryan',
    title: 'Counsel',
  });
}, 60_000);
afterAll(async () => harness?.close());

describe('people:searchDirectoryPeople', () => {
  it('finds domain profiles by the start of a name word or the address, with the fields of readMask', async () => {
    const r = await search({ query: 'meg', readMask: 'names,emailAddresses,organizations', sources: PROFILE });
    expect(r.status).toBe(200);
    expect(r.json.totalSize).toBe(2);
    const emails = r.json.people.map((p: Json) => p.emailAddresses[0].value);
    expect(emails).toEqual(['meg.ryan@contoso.com', 'megan.bowen@contoso.com']);
    expect(r.json.people[0]).toMatchObject({
      resourceName: expect.stringMatching(/^people\//),
      names: [expect.objectContaining({ displayName: 'Meg Ryan' })],
      organizations: [expect.objectContaining({ title: 'Counsel' })],
    });
    const byWord = await search({ query: 'bow', readMask: 'names', sources: PROFILE });
    expect(byWord.json.people).toHaveLength(1);
    expect(byWord.json.people[0].emailAddresses).toBeUndefined();
  });

  it('leaves out rooms and people of other organisations', async () => {
    const rooms = await search({ query: 'conf', readMask: 'names', sources: PROFILE });
    expect(rooms.json).toMatchObject({ totalSize: 0 });
    const customer = await search({ query: 'wile', readMask: 'names', sources: PROFILE });
    expect(customer.json.totalSize).toBe(0);
  });

  it('pages with pageSize and nextPageToken', async () => {
    const first = await search({ query: 'meg', readMask: 'names', sources: PROFILE, pageSize: '1' });
    expect(first.json.people).toHaveLength(1);
    expect(first.json.nextPageToken).toBeTruthy();
    const second = await search({
      query: 'meg',
      readMask: 'names',
      sources: PROFILE,
      pageSize: '1',
      pageToken: first.json.nextPageToken,
    });
    expect(second.json.people[0].names[0].displayName).toBe('Megan Bowen');
    expect(second.json.nextPageToken).toBeUndefined();
  });

  it('answers 400 INVALID_ARGUMENT without readMask or sources, or with an unknown source', async () => {
    const cases: Array<Record<string, string>> = [
      { query: 'meg', sources: PROFILE },
      { query: 'meg', readMask: 'names' },
      { query: 'meg', readMask: 'names', sources: 'DIRECTORY_SOURCE_TYPE_EVERYONE' },
      { query: 'meg', readMask: 'shoeSize', sources: PROFILE },
    ];
    for (const p of cases) {
      const r = await search(p);
      expect(r.status).toBe(400);
      expect(r.json.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    }
  });

  it('answers 403 PERMISSION_DENIED (ACCESS_TOKEN_SCOPE_INSUFFICIENT) without directory.readonly', async () => {
    const r = await search({ query: 'meg', readMask: 'names', sources: PROFILE }, [CALENDAR]);
    expect(r.status).toBe(403);
    expect(r.json.error).toMatchObject({
      code: 403,
      status: 'PERMISSION_DENIED',
      message: 'Request had insufficient authentication scopes.',
      details: [expect.objectContaining({ reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' })],
    });
  });

  it('answers 401 without a token', async () => {
    const res = await fetch(`${emu.baseUrl}/v1/people:searchDirectoryPeople?query=meg`, { dispatcher: agent });
    expect(res.status).toBe(401);
  });
});
