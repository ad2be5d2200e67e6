// Directory search as Graph documents it: GET /users with $search (ConsistencyLevel: eventual or 400), startswith
// filters, the permission it needs (403 Authorization_RequestDenied without), tenant scoping; GET /me/people.
import { describe, expect, it } from 'vitest';
import { buildTestApp, TENANT, tokenFor } from '../testing.js';
import userSearchRoutes from './user-search.js';

const ADELE = 'a0000000-0000-4000-8000-000000000001';
const EVENTUAL = { consistencylevel: 'eventual' };

async function setup() {
  return buildTestApp([userSearchRoutes]);
}

const search = (s: string) => `/v1.0/users?$search=${encodeURIComponent(s)}`;

describe('GET /users directory search', () => {
  it('finds people by the start of a word of the name or of the address, with ConsistencyLevel: eventual', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'GET',
      url: `${search('"displayName:meg" OR "mail:meg"')}&$count=true&$select=displayName,mail,jobTitle&$top=5`,
      headers: { authorization: tokenFor(ADELE, ['User.ReadBasic.All']), ...EVENTUAL },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body['@odata.count']).toBe(1);
    expect(body.value).toEqual([{ displayName: 'Megan Bowen', mail: 'megan.bowen@contoso.com', jobTitle: null }]);
    // a later word of the name ("bowen") matches too; the other tenant's people never do
    const byWord = await app.inject({
      method: 'GET',
      url: search('"displayName:bow"'),
      headers: { authorization: tokenFor(ADELE, ['User.ReadBasic.All']), ...EVENTUAL },
    });
    expect(byWord.json().value.map((u: { mail: string }) => u.mail)).toEqual(['megan.bowen@contoso.com']);
    const other = await app.inject({
      method: 'GET',
      url: search('"displayName:bob"'),
      headers: { authorization: tokenFor(ADELE, ['User.ReadBasic.All']), ...EVENTUAL },
    });
    expect(other.json().value).toEqual([]);
  });

  it('lists room mailboxes too: in Entra ID they are user objects', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'GET',
      url: search('"mail:rainier"'),
      headers: { authorization: tokenFor(ADELE, ['User.ReadBasic.All']), ...EVENTUAL },
    });
    expect(res.json().value.map((u: { mail: string }) => u.mail)).toEqual(['rainier@contoso.com']);
  });

  it('refuses $search without the ConsistencyLevel header with the documented 400', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'GET',
      url: search('"displayName:meg"'),
      headers: { authorization: tokenFor(ADELE, ['User.ReadBasic.All']) },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'Request_UnsupportedQuery',
      message:
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    });
    expect(res.json().error.innerError['request-id']).toBeTruthy();
  });

  it('refuses a clause without a property, and a property it cannot search', async () => {
    const { app } = await setup();
    for (const s of ['"meg"', '"accountEnabled:true"']) {
      const res = await app.inject({
        method: 'GET',
        url: search(s),
        headers: { authorization: tokenFor(ADELE, ['User.ReadBasic.All']), ...EVENTUAL },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('Request_UnsupportedQuery');
    }
  });

  it('answers startswith filters without the header (a default query), $count=true only with it', async () => {
    const { app } = await setup();
    const url = `/v1.0/users?$filter=${encodeURIComponent("startswith(displayName,'Al') or startswith(mail,'al')")}`;
    const res = await app.inject({
      method: 'GET',
      url,
      headers: { authorization: tokenFor(ADELE, ['User.ReadBasic.All']) },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().value.map((u: { mail: string }) => u.mail)).toEqual(['alex.wilber@contoso.com']);
    const counted = await app.inject({
      method: 'GET',
      url: `${url}&$count=true`,
      headers: { authorization: tokenFor(ADELE, ['User.ReadBasic.All']) },
    });
    expect(counted.statusCode).toBe(400);
    expect(counted.json().error.code).toBe('Request_UnsupportedQuery');
  });

  it('needs User.ReadBasic.All (or a broader permission): User.Read alone is 403 Authorization_RequestDenied', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'GET',
      url: search('"displayName:meg"'),
      headers: { authorization: tokenFor(ADELE, ['User.Read', 'Calendars.ReadWrite']), ...EVENTUAL },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
    });
  });

  it('checks $top and $select', async () => {
    const { app } = await setup();
    const auth = { authorization: tokenFor(ADELE, ['User.ReadBasic.All']), ...EVENTUAL };
    const top = await app.inject({ method: 'GET', url: `${search('"displayName:a"')}&$top=0`, headers: auth });
    expect(top.statusCode).toBe(400);
    const sel = await app.inject({ method: 'GET', url: `${search('"displayName:a"')}&$select=nope`, headers: auth });
    expect(sel.statusCode).toBe(400);
    expect(sel.json().error.message).toBe("Could not find a property named 'nope' on type 'microsoft.graph.user'.");
  });
});

describe('GET /me/people', () => {
  it('searches people (no rooms, not the caller) with People.Read, and is 403 without it', async () => {
    const { app, directory } = await setup();
    expect(directory.getUser('rainier@contoso.com')?.tenantId).toBe(TENANT);
    const res = await app.inject({
      method: 'GET',
      url: `/v1.0/me/people?$search=${encodeURIComponent('"r"')}`,
      headers: { authorization: tokenFor(ADELE, ['People.Read']) },
    });
    expect(res.statusCode).toBe(200);
    const people = res.json().value as Array<{ scoredEmailAddresses: Array<{ address: string }>; personType: unknown }>;
    expect(people.map((p) => p.scoredEmailAddresses[0]!.address)).toEqual([]);
    const meg = await app.inject({
      method: 'GET',
      url: `/v1.0/me/people?$search=${encodeURIComponent('"meg"')}`,
      headers: { authorization: tokenFor(ADELE, ['People.Read']) },
    });
    expect(meg.json().value[0]).toMatchObject({
      displayName: 'Megan Bowen',
      personType: { class: 'Person', subclass: 'OrganizationUser' },
    });
    const denied = await app.inject({
      method: 'GET',
      url: '/v1.0/me/people?$search=meg',
      headers: { authorization: tokenFor(ADELE, ['User.Read']) },
    });
    expect(denied.statusCode).toBe(403);
  });
});
