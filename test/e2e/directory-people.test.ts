// GET /api/directory/people finds people of the connected mailbox's organisation directory that calbridge has never
// seen (no user, no stakeholder, no meeting), for an Outlook user (Graph /users $search on the Microsoft emulator) and a
// Google user (People API searchDirectoryPeople on the Google emulator), merged with calbridge's own people; a grant
// without the directory permission still answers calbridge's own people and says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionApi } from '../support/connection-app.js';
import { followGoogleAuthorize, startGoogleApp, type GoogleTestApp } from '../support/google.js';
import { followAuthorize } from '../support/microsoft.js';
import { startOutlookApp, type OutlookTestApp } from '../support/outlook-app.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const ZELDA = 'zelda.quartermaine@contoso.com';

describe('people search through the API: Outlook', () => {
  let h: OutlookTestApp;
  const api = connectionApi('outlook');
  const narrow = connectionApi('outlook');
  beforeAll(async () => {
    h = await startOutlookApp();
    const tenant = h.t.emu.directory.getUser('adele.vance@contoso.com')!.tenantId;
    h.t.emu.directory.addUser({
      id: 'd1d1d1d1-0000-4000-8000-0000000000e2',
      tenantId: tenant,
      userPrincipalName: ZELDA,
      mail: ZELDA,
      displayName: 'Zelda Quartermaine',
      givenName: 'Zelda',
      surname: 'Quartermaine',
      jobTitle: 'Head of Legal',
      kind: 'user',
      mailbox: 'exchangeOnline',
      password: 'x',
    });
    await api.signUp(h, { name: 'Contoso', calendarProvider: 'MICROSOFT' }, 'adele.vance@contoso.com');
    const q = await followAuthorize(h.t.agent, (await api.connectUrl('adele.vance@contoso.com')).toString());
    expect((await api.callback(q)).statusCode).toBe(302);
    // A second organisation's user whose consent predates the directory permission.
    await narrow.signUp(
      h,
      { name: 'Contoso (older consent)', calendarProvider: 'MICROSOFT' },
      'megan.bowen@contoso.com',
    );
    const url = await narrow.connectUrl('megan.bowen@contoso.com');
    url.searchParams.set(
      'scope',
      url.searchParams.get('scope')!.replace(/\s*https:\/\/graph\.microsoft\.com\/User\.ReadBasic\.All/, ''),
    );
    expect((await narrow.callback(await followAuthorize(h.t.agent, url.toString()))).statusCode).toBe(302);
  }, 120_000);
  afterAll(async () => h?.close());

  it('finds a directory colleague calbridge has never seen, with the job title, and says the directory answered', async () => {
    const res = await api.inject('GET', '/api/directory/people?q=quart');
    expect(res.statusCode).toBe(200);
    const body = res.json() as Json;
    expect(body.items).toEqual([
      {
        email: ZELDA,
        name: 'Zelda Quartermaine',
        kind: 'directory',
        customerId: null,
        customerName: null,
        role: null,
        jobTitle: 'Head of Legal',
      },
    ]);
    expect(body.sources.provider).toMatchObject({ status: 'ok', provider: 'MICROSOFT' });
    // the signed-in user is a calbridge colleague; the directory adds her job title to the same entry, once
    const adele = (await api.inject('GET', '/api/directory/people?q=adele')).json() as Json;
    expect(adele.items.filter((p: Json) => p.email === 'adele.vance@contoso.com')).toEqual([
      expect.objectContaining({ kind: 'colleague' }),
    ]);
    // rooms are not people
    const rooms = (await api.inject('GET', '/api/directory/people?q=conf')).json() as Json;
    expect(rooms.items.filter((p: Json) => /room/i.test(p.name ?? ''))).toEqual([]);
  });

  it('without User.ReadBasic.All: calbridge’s own people, and scope_missing with the permission to grant', async () => {
    const res = await narrow.inject('GET', '/api/directory/people?q=zel');
    expect(res.statusCode).toBe(200);
    const body = res.json() as Json;
    expect(body.items).toEqual([]);
    expect(body.sources.provider).toMatchObject({
      status: 'scope_missing',
      provider: 'MICROSOFT',
      missingScope: 'User.ReadBasic.All',
      connectUrl: expect.any(String),
    });
    const own = (await narrow.inject('GET', '/api/directory/people?q=megan')).json() as Json;
    expect(own.items.map((p: Json) => [p.email, p.kind])).toEqual([['megan.bowen@contoso.com', 'colleague']]);
  });
});

describe('people search through the API: Google', () => {
  let h: GoogleTestApp;
  const api = connectionApi('google');
  beforeAll(async () => {
    h = await startGoogleApp({ minimalSeed: true });
    const base = h.t.emu.store.users.get('megan.bowen@contoso.com')!;
    h.t.emu.store.addUser({ ...base, email: ZELDA, name: 'Zelda Quartermaine', title: 'Head of Legal' });
    await api.signUp(h, { name: 'Contoso (Google)', calendarProvider: 'GOOGLE' }, 'megan.bowen@contoso.com');
    const q = await followGoogleAuthorize(h.t.agent, (await api.connectUrl('megan.bowen@contoso.com')).toString());
    expect((await api.callback(q)).statusCode).toBe(302);
  }, 120_000);
  afterAll(async () => h?.close());

  it('finds a Workspace directory colleague calbridge has never seen', async () => {
    const res = await api.inject('GET', '/api/directory/people?q=zelda');
    expect(res.statusCode).toBe(200);
    const body = res.json() as Json;
    expect(body.items).toEqual([
      expect.objectContaining({ email: ZELDA, kind: 'directory', jobTitle: 'Head of Legal' }),
    ]);
    expect(body.sources.provider).toMatchObject({ status: 'ok', provider: 'GOOGLE' });
    // a customer's people are not in the organisation's directory
    const wile = (await api.inject('GET', '/api/directory/people?q=wile')).json() as Json;
    expect(wile.items).toEqual([]);
  });

  it('a provider that does not answer in time leaves calbridge’s own people, marked timeout', async () => {
    h.t.emu.faults.update({ latency: { fixedMs: 6000 } });
    try {
      const started = Date.now();
      const res = await api.inject('GET', '/api/directory/people?q=megan');
      // answered at the 1.5 s limit, long before the provider would have (6 s)
      expect(Date.now() - started).toBeLessThan(4500);
      const body = res.json() as Json;
      expect(body.sources.provider.status).toBe('timeout');
      expect(body.items.map((p: Json) => [p.email, p.kind])).toEqual([['megan.bowen@contoso.com', 'colleague']]);
    } finally {
      h.t.emu.faults.update({ latency: { fixedMs: 0 } });
    }
  });
});
