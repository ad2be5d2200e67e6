import type { FastifyInstance } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MailboxStore } from '../store.js';
import { corpusAvailable, NO_CORPUS } from '../../../conformance/corpus.js';
import { buildTestApp, conformanceCase, shapeDiff, tokenFor } from '../testing.js';
import calendars from './calendars.js';
import events from './events.js';
import mailboxSettings from './mailbox-settings.js';
import users from './users.js';

// The tests that compare with the shared corpus skip without it (saying so once, failing under CI).
const hasCorpus = corpusAvailable(
  'graph-conformance',
  'calendar routes against the documented shapes (emulator/microsoft/graph/routes/calendars.test.ts, 4 tests)',
);

const ADELE = 'a0000000-0000-4000-8000-000000000001';
const MEGAN = 'a0000000-0000-4000-8000-000000000002';
const ALEX = 'a0000000-0000-4000-8000-000000000003';
const auth = (id = ADELE, scopes?: string[]) => ({ authorization: tokenFor(id, scopes) });

let app: FastifyInstance;
let store: MailboxStore;

beforeEach(async () => {
  ({ app, store } = await buildTestApp([calendars, events, mailboxSettings, users]));
});

describe('calendars', () => {
  it('gets the default calendar in the documented shape (calendar-get-1)', async ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    const doc = await conformanceCase('calendar-get-1');
    const body = (await app.inject({ method: 'GET', url: '/v1.0/me/calendar', headers: auth() })).json();
    expect(shapeDiff(doc.response!.body, body)).toEqual([]);
    expect(body).toMatchObject({
      name: 'Calendar',
      isDefaultCalendar: true,
      canEdit: true,
      owner: { address: 'adele.vance@contoso.com' },
    });
  });

  it('creates, lists, renames and deletes a secondary calendar; the default one cannot be deleted', async ({
    skip,
  }) => {
    skip(!hasCorpus, NO_CORPUS);
    const doc = await conformanceCase('user-post-calendars-1');
    const created = await app.inject({
      method: 'POST',
      url: '/v1.0/me/calendars',
      headers: auth(),
      payload: doc.request!.body as object,
    });
    expect(created.statusCode).toBe(201);
    expect(shapeDiff(doc.response!.body, created.json())).toEqual([]);
    const id = created.json().id as string;
    expect(
      (await app.inject({ method: 'POST', url: '/v1.0/me/calendars', headers: auth(), payload: { name: 'Volunteer' } }))
        .statusCode,
    ).toBe(409);
    const list = (await app.inject({ method: 'GET', url: '/v1.0/me/calendars', headers: auth() })).json().value;
    expect(list.map((c: { name: string }) => c.name)).toEqual(['Calendar', 'Volunteer']);
    const ev = await app.inject({
      method: 'POST',
      url: `/v1.0/me/calendars/${id}/events`,
      headers: auth(),
      payload: {
        subject: 'Soup kitchen',
        start: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-12-01T12:00:00', timeZone: 'UTC' },
      },
    });
    expect(ev.statusCode).toBe(201);
    expect(
      (await app.inject({ method: 'GET', url: `/v1.0/me/calendars/${id}/events`, headers: auth() })).json().value,
    ).toHaveLength(1);
    expect(
      (await app.inject({ method: 'GET', url: '/v1.0/me/calendar/events', headers: auth() })).json().value,
    ).toHaveLength(0);
    const renamed = await app.inject({
      method: 'PATCH',
      url: `/v1.0/me/calendars/${id}`,
      headers: auth(),
      payload: { name: 'Charity' },
    });
    expect(renamed.json().name).toBe('Charity');
    expect((await app.inject({ method: 'DELETE', url: '/v1.0/me/calendar', headers: auth() })).statusCode).toBe(400);
    expect((await app.inject({ method: 'DELETE', url: `/v1.0/me/calendars/${id}`, headers: auth() })).statusCode).toBe(
      204,
    );
    expect(store.listEvents(ADELE)).toHaveLength(0);
    expect((await app.inject({ method: 'GET', url: `/v1.0/me/calendars/${id}`, headers: auth() })).statusCode).toBe(
      404,
    );
  });
});

describe('calendar permissions and shared calendars', () => {
  it('lists, adds, updates and deletes permissions in the documented shape', async ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    const list = (
      await app.inject({ method: 'GET', url: '/v1.0/me/calendar/calendarPermissions', headers: auth() })
    ).json().value;
    expect(list).toHaveLength(1);
    const doc = await conformanceCase('calendarpermission-get-1');
    expect(shapeDiff(doc.response!.body, list[0])).toEqual([]);
    expect(list[0]).toMatchObject({ id: 'RGVmYXVsdA==', isRemovable: false, role: 'freeBusyRead' });
    const added = await app.inject({
      method: 'POST',
      url: '/v1.0/me/calendar/calendarPermissions',
      headers: auth(),
      payload: { emailAddress: { address: 'megan.bowen@contoso.com' }, role: 'read' },
    });
    expect(added.statusCode).toBe(201);
    const pid = added.json().id as string;
    const upd = await app.inject({
      method: 'PATCH',
      url: `/v1.0/users/adele.vance@contoso.com/calendar/calendarPermissions/${encodeURIComponent(pid)}`,
      headers: auth(),
      payload: { role: 'write' },
    });
    expect(upd.statusCode).toBe(200);
    expect(upd.json()).toMatchObject({
      role: 'write',
      emailAddress: { address: 'megan.bowen@contoso.com', name: 'Megan Bowen' },
      isInsideOrganization: true,
    });
    const bad = await app.inject({
      method: 'PATCH',
      url: `/v1.0/me/calendar/calendarPermissions/${encodeURIComponent(pid)}`,
      headers: auth(),
      payload: { role: 'emperor' },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      (
        await app.inject({
          method: 'DELETE',
          url: '/v1.0/me/calendar/calendarPermissions/RGVmYXVsdA==',
          headers: auth(),
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await app.inject({
          method: 'DELETE',
          url: `/v1.0/me/calendar/calendarPermissions/${encodeURIComponent(pid)}`,
          headers: auth(),
        })
      ).statusCode,
    ).toBe(204);
  });

  it('lets a sharee read (and with write role, edit) the shared calendar, and no one else', async () => {
    const calId = store.defaultCalendar(ADELE).id;
    const shared = ['Calendars.ReadWrite.Shared'];
    const url = '/v1.0/users/adele.vance@contoso.com/calendar/events';
    const payload = {
      subject: 'Delegated',
      start: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-01T11:00:00', timeZone: 'UTC' },
    };
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/v1.0/users/adele.vance@contoso.com/calendar',
          headers: auth(MEGAN, shared),
        })
      ).statusCode,
    ).toBe(403);
    store.sharePermission(ADELE, calId, 'megan.bowen@contoso.com', 'read');
    const cal = await app.inject({
      method: 'GET',
      url: '/v1.0/users/adele.vance@contoso.com/calendar',
      headers: auth(MEGAN, shared),
    });
    expect(cal.json()).toMatchObject({ canEdit: false, canShare: false });
    expect((await app.inject({ method: 'POST', url, headers: auth(MEGAN, shared), payload })).statusCode).toBe(403);
    store.sharePermission(ADELE, calId, 'megan.bowen@contoso.com', 'write');
    const created = await app.inject({ method: 'POST', url, headers: auth(MEGAN, shared), payload });
    expect(created.statusCode).toBe(201);
    expect(created.json().organizer.emailAddress.address).toBe('adele.vance@contoso.com');
    expect((await app.inject({ method: 'GET', url, headers: auth(ALEX, shared) })).statusCode).toBe(403);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: `/v1.0/users/adele.vance@contoso.com/calendar/calendarPermissions`,
          headers: auth(MEGAN, shared),
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe('calendars shared with me', () => {
  it('lists a calendar shared with the caller in /me/calendars and lets a write delegate create events in it', async () => {
    const calId = store.defaultCalendar(ADELE).id;
    store.sharePermission(ADELE, calId, 'megan.bowen@contoso.com', 'write');
    const mine = (await app.inject({ method: 'GET', url: '/v1.0/me/calendars', headers: auth(MEGAN) })).json().value;
    const shared = mine.find((c: { id: string }) => c.id === calId);
    expect(shared).toMatchObject({ canEdit: true, canShare: false, owner: { address: 'adele.vance@contoso.com' } });
    const payload = {
      subject: 'On behalf',
      start: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-12-01T11:00:00', timeZone: 'UTC' },
    };
    const created = await app.inject({
      method: 'POST',
      url: `/v1.0/me/calendars/${calId}/events`,
      headers: auth(MEGAN),
      payload,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().organizer.emailAddress.address).toBe('adele.vance@contoso.com');
    expect(store.listEvents(ADELE).map((e) => e.data.subject)).toEqual(['On behalf']);
    const noShared = await app.inject({
      method: 'POST',
      url: `/v1.0/me/calendars/${calId}/events`,
      headers: auth(MEGAN, ['Calendars.ReadWrite']),
      payload,
    });
    expect(noShared.statusCode).toBe(403);
    expect(
      (await app.inject({ method: 'GET', url: `/v1.0/me/calendars/${calId}/events`, headers: auth(ALEX) })).statusCode,
    ).toBe(404);
  });
});

describe('mailboxSettings and profile', () => {
  it('returns settings in the documented shape and patches working hours', async ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    const doc = await conformanceCase('user-get-mailboxsettings-contrib-1');
    const got = (await app.inject({ method: 'GET', url: '/v1.0/me/mailboxSettings', headers: auth() })).json();
    expect(shapeDiff(doc.response!.body, got)).toEqual([]);
    const patch = await app.inject({
      method: 'PATCH',
      url: '/v1.0/me/mailboxSettings',
      headers: auth(),
      payload: {
        timeZone: 'Pacific Standard Time',
        workingHours: {
          daysOfWeek: ['Monday', 'Tuesday'],
          startTime: '09:00:00',
          endTime: '18:30:00.0000000',
          timeZone: { name: 'Pacific Standard Time' },
        },
      },
    });
    expect(patch.statusCode).toBe(200);
    expect(Object.keys(patch.json()).sort()).toEqual(['@odata.context', 'timeZone', 'workingHours']);
    const wh = (
      await app.inject({ method: 'GET', url: '/v1.0/me/mailboxSettings/workingHours', headers: auth() })
    ).json();
    expect(wh).toMatchObject({
      daysOfWeek: ['monday', 'tuesday'],
      startTime: '09:00:00.0000000',
      endTime: '18:30:00.0000000',
      timeZone: { name: 'Pacific Standard Time' },
    });
    expect(
      (await app.inject({ method: 'GET', url: '/v1.0/me/mailboxSettings/timeZone', headers: auth() })).json().value,
    ).toBe('Pacific Standard Time');
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: '/v1.0/me/mailboxSettings',
          headers: auth(),
          payload: { timeZone: 'Nowhere/Land' },
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (await app.inject({ method: 'GET', url: '/v1.0/me/mailboxSettings', headers: auth(ADELE, ['Calendars.Read']) }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/v1.0/users/adele.vance@contoso.com/mailboxSettings',
          headers: auth(MEGAN),
        })
      ).statusCode,
    ).toBe(403);
  });

  it('lists supported time zones in Windows and IANA forms', async () => {
    const win = (
      await app.inject({ method: 'GET', url: '/v1.0/me/outlook/supportedTimeZones', headers: auth() })
    ).json().value;
    expect(win.map((z: { alias: string }) => z.alias)).toContain('Pacific Standard Time');
    const iana = (
      await app.inject({
        method: 'GET',
        url: "/v1.0/me/outlook/supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'Iana')",
        headers: auth(),
      })
    ).json().value;
    expect(iana.map((z: { alias: string }) => z.alias)).toContain('America/Los_Angeles');
  });

  it('returns /me and /users/{upn} profiles, 404 for strangers', async () => {
    const me = (await app.inject({ method: 'GET', url: '/v1.0/me', headers: auth(ADELE, ['User.Read']) })).json();
    expect(me).toMatchObject({
      id: ADELE,
      displayName: 'Adele Vance',
      mail: 'adele.vance@contoso.com',
      userPrincipalName: 'adele.vance@contoso.com',
    });
    expect(me['@odata.context']).toMatch(/\$metadata#users\/\$entity$/);
    const sel = (
      await app.inject({ method: 'GET', url: '/v1.0/me?$select=displayName', headers: auth(ADELE, ['User.Read']) })
    ).json();
    expect(Object.keys(sel).sort()).toEqual(['@odata.context', 'displayName', 'id']);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/v1.0/users/megan.bowen@contoso.com',
          headers: auth(ADELE, ['User.Read']),
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/v1.0/users/megan.bowen@contoso.com',
          headers: auth(ADELE, ['User.ReadBasic.All']),
        })
      ).json().id,
    ).toBe(MEGAN);
    const nobody = await app.inject({
      method: 'GET',
      url: '/v1.0/users/bob@acmecorp.com',
      headers: auth(ADELE, ['User.ReadBasic.All']),
    });
    expect(nobody.statusCode).toBe(404);
    expect(nobody.json().error.code).toBe('Request_ResourceNotFound');
  });
});
