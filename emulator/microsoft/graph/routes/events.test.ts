import type { FastifyInstance } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MailboxStore } from '../store.js';
import { corpusAvailable, NO_CORPUS } from '../../../conformance/corpus.js';
import { OTHER_TENANT, TENANT, appTokenFor, buildTestApp, conformanceCase, shapeDiff, tokenFor } from '../testing.js';
import events from './events.js';
import reminders from './reminders.js';

// The tests that compare with the shared corpus skip without it (saying so once, failing under CI).
const hasCorpus = corpusAvailable(
  'graph-conformance',
  'event routes against the documented shapes (emulator/microsoft/graph/routes/events.test.ts, 5 tests)',
);

const ADELE = 'a0000000-0000-4000-8000-000000000001';
const MEGAN = 'a0000000-0000-4000-8000-000000000002';
const LEGACY = 'a0000000-0000-4000-8000-000000000004';
const auth = (id = ADELE, scopes?: string[]) => ({ authorization: tokenFor(id, scopes) });

const lunch = (extra: Record<string, unknown> = {}) => ({
  subject: "Let's go for lunch",
  body: { contentType: 'HTML', content: 'Does noon work for you?' },
  start: { dateTime: '2026-11-20T12:00:00', timeZone: 'Pacific Standard Time' },
  end: { dateTime: '2026-11-20T14:00:00', timeZone: 'Pacific Standard Time' },
  location: { displayName: "Harry's Bar" },
  ...extra,
});

let app: FastifyInstance;
let store: MailboxStore;

beforeEach(async () => {
  ({ app, store } = await buildTestApp([events, reminders]));
});

async function post(body: Record<string, unknown>, user = ADELE, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/v1.0/me/events', headers: { ...auth(user), ...headers }, payload: body });
}

describe('create and read', () => {
  it('creates an event with the documented shape (user-post-events-4)', async ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    const doc = await conformanceCase('user-post-events-4');
    const r = await post(doc.request!.body as Record<string, unknown>, ADELE, {
      prefer: 'outlook.timezone="Pacific Standard Time"',
    });
    expect(r.statusCode).toBe(doc.response!.status);
    const body = r.json();
    expect(shapeDiff(doc.response!.body, body)).toEqual([]);
    expect(body['@odata.etag']).toBe(`W/"${body.changeKey}"`);
    expect(body.onlineMeeting.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    expect(r.headers['preference-applied']).toBe('outlook.timezone="Pacific Standard Time"');
    expect(body.start).toEqual({ dateTime: '2017-04-15T12:00:00.0000000', timeZone: 'Pacific Standard Time' });
  });

  it('renders times in UTC by default and in the Prefer zone (IANA or Windows) on request', async () => {
    const id = (await post(lunch())).json().id as string;
    const utc = (await app.inject({ method: 'GET', url: `/v1.0/me/events/${id}`, headers: auth() })).json();
    expect(utc.start).toEqual({ dateTime: '2026-11-20T20:00:00.0000000', timeZone: 'UTC' });
    const ny = await app.inject({
      method: 'GET',
      url: `/v1.0/me/events/${id}`,
      headers: { ...auth(), prefer: 'outlook.timezone="America/New_York"' },
    });
    expect(ny.json().end).toEqual({ dateTime: '2026-11-20T17:00:00.0000000', timeZone: 'America/New_York' });
    expect(ny.headers['preference-applied']).toContain('America/New_York');
  });

  it('matches the shape of a documented GET with $select (event-get-contrib-2)', async ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    const doc = await conformanceCase('event-get-contrib-2');
    const id = (await post(lunch({ attendees: [{ emailAddress: { address: 'megan.bowen@contoso.com' } }] }))).json()
      .id as string;
    const r = await app.inject({
      method: 'GET',
      url: `/v1.0/me/events/${id}?$select=subject,body,bodyPreview,organizer,attendees,start,end,location,locations`,
      headers: auth(),
    });
    const body = r.json();
    const expected = { ...(doc.response!.body as Record<string, unknown>) };
    for (const k of Object.keys(expected)) if (k.startsWith('calendar@')) delete expected[k];
    expect(shapeDiff(expected, body)).toEqual([]);
    expect(body['@odata.context']).toContain(
      '/events(subject,body,bodyPreview,organizer,attendees,start,end,location,locations)/$entity',
    );
    expect(body.type).toBeUndefined();
  });

  it('rejects bad input with 400s and unknown ids with 404', async () => {
    expect((await post({ subject: 'x' })).statusCode).toBe(400);
    expect(
      (await post(lunch({ start: { dateTime: '2026-11-20T12:00:00', timeZone: 'Mars/Olympus' } }))).json().error.code,
    ).toBe('TimeZoneNotSupportedException');
    const allDay = await post(lunch({ isAllDay: true }));
    expect(allDay.statusCode).toBe(400);
    const notFound = await app.inject({ method: 'GET', url: '/v1.0/me/events/AAMkAnope', headers: auth() });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.json().error.code).toBe('ErrorItemNotFound');
  });

  it('stores all-day events at midnight and renders them as floating dates', async () => {
    const r = await post({
      subject: 'Offsite',
      isAllDay: true,
      start: { dateTime: '2026-11-25T00:00:00', timeZone: 'Pacific Standard Time' },
      end: { dateTime: '2026-11-26T00:00:00', timeZone: 'Pacific Standard Time' },
    });
    expect(r.statusCode).toBe(201);
    expect(r.json().start.dateTime).toBe('2026-11-25T00:00:00.0000000');
    expect(r.json().showAs).toBe('free');
  });
});

describe('documented representations', () => {
  it('answers a POST without Prefer in the event zone (calendar-post-events-2)', async ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    const doc = await conformanceCase('calendar-post-events-2');
    const r = await post(doc.request!.body as Record<string, unknown>);
    expect(shapeDiff(doc.response!.body, r.json())).toEqual([]);
    expect(r.json().start).toEqual((doc.response!.body as { start: unknown }).start);
    const got = (await app.inject({ method: 'GET', url: `/v1.0/me/events/${r.json().id}`, headers: auth() })).json();
    expect(got.start.timeZone).toBe('UTC');
    expect(got['calendar@odata.navigationLink']).toContain(`/calendars('`);
  });

  it('fills every documented property of location, recurrence and onlineMeeting', async ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    const keys = async (id: string) =>
      Object.keys(((await conformanceCase(id)) as unknown as { data: object }).data).sort();
    const r = (
      await post(
        lunch({
          isOnlineMeeting: true,
          onlineMeetingProvider: 'teamsForBusiness',
          recurrence: {
            pattern: { type: 'weekly', daysOfWeek: ['Friday'] },
            range: { type: 'noEnd', startDate: '2026-11-20' },
          },
        }),
      )
    ).json();
    expect(Object.keys(r.location).sort()).toEqual(expect.arrayContaining(await keys('resource-location-1')));
    expect(Object.keys(r.location.coordinates).sort()).toEqual(await keys('resource-outlookgeocoordinates-1'));
    expect(Object.keys(r.location.address).sort()).toEqual(await keys('resource-physicaladdress-1'));
    expect(Object.keys(r.recurrence.pattern).sort()).toEqual(await keys('resource-recurrencepattern-1'));
    expect(Object.keys(r.recurrence.range).sort()).toEqual(await keys('resource-recurrencerange-1'));
    expect(r.recurrence.pattern).toMatchObject({
      interval: 1,
      month: 0,
      dayOfMonth: 0,
      daysOfWeek: ['friday'],
      firstDayOfWeek: 'sunday',
      index: 'first',
    });
    expect(r.recurrence.range).toMatchObject({
      endDate: '0001-01-01',
      numberOfOccurrences: 0,
      recurrenceTimeZone: 'Pacific Standard Time',
    });
    expect(Object.keys(r.onlineMeeting).sort()).toEqual(await keys('resource-onlinemeetinginfo-1'));
  });
});

describe('update and delete', () => {
  it('changes changeKey and etag on every update and answers 412 on a stale If-Match', async () => {
    const created = (await post(lunch())).json();
    const ok = await app.inject({
      method: 'PATCH',
      url: `/v1.0/me/events/${created.id}`,
      headers: { ...auth(), 'if-match': created['@odata.etag'] },
      payload: { subject: 'Brunch' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().subject).toBe('Brunch');
    expect(ok.json().changeKey).not.toBe(created.changeKey);
    const stale = await app.inject({
      method: 'PATCH',
      url: `/v1.0/me/events/${created.id}`,
      headers: { ...auth(), 'if-match': created['@odata.etag'] },
      payload: { subject: 'Dinner' },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().error.code).toBe('ErrorIrresolvableConflict');
    const del = await app.inject({
      method: 'DELETE',
      url: `/v1.0/me/events/${created.id}`,
      headers: { ...auth(), 'if-match': created['@odata.etag'] },
    });
    expect(del.statusCode).toBe(412);
    expect(
      (
        await app.inject({
          method: 'DELETE',
          url: `/v1.0/me/events/${created.id}`,
          headers: { ...auth(), 'if-match': ok.json()['@odata.etag'] },
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (await app.inject({ method: 'GET', url: `/v1.0/me/events/${created.id}`, headers: auth() })).statusCode,
    ).toBe(404);
  });

  it('keeps the Teams meeting when the subject changes, drops it when isOnlineMeeting is false', async () => {
    const created = (await post(lunch({ isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' }))).json();
    const joinUrl = created.onlineMeeting.joinUrl as string;
    // (a body without the join block turns the meeting off: teams-block.test.ts)
    const p1 = await app.inject({
      method: 'PATCH',
      url: `/v1.0/me/events/${created.id}`,
      headers: auth(),
      payload: { subject: 'Lunch, online' },
    });
    expect(p1.json().onlineMeeting.joinUrl).toBe(joinUrl);
    const p2 = await app.inject({
      method: 'PATCH',
      url: `/v1.0/me/events/${created.id}`,
      headers: auth(),
      payload: { isOnlineMeeting: false },
    });
    expect(p2.json().onlineMeeting).toBeNull();
    expect(p2.json().isOnlineMeeting).toBe(false);
  });

  it('creates no Teams meeting on a calendar that does not allow teamsForBusiness', async () => {
    const cal = store.defaultCalendar(MEGAN);
    store.updateCalendar(MEGAN, cal.id, { allowedOnlineMeetingProviders: [], defaultOnlineMeetingProvider: 'unknown' });
    const r = await post(lunch({ isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' }), MEGAN);
    expect(r.statusCode).toBe(201);
    expect(r.json().onlineMeeting).toBeNull();
    expect(r.json().isOnlineMeeting).toBe(false);
  });

  it('returns the first event for a repeated transactionId', async () => {
    const a = await post(lunch({ transactionId: 'tx-1' }));
    const b = await post(lunch({ transactionId: 'tx-1', subject: 'Other' }));
    expect(b.json().id).toBe(a.json().id);
    expect(b.json().subject).toBe("Let's go for lunch");
    expect(store.listEvents(ADELE)).toHaveLength(1);
    const c = await post(lunch({ transactionId: 'tx-1' }), MEGAN);
    expect(c.json().id).not.toBe(a.json().id);
  });
});

describe('list options', () => {
  beforeEach(async () => {
    for (let i = 0; i < 25; i++) {
      await post({
        subject: `Meeting ${String(i).padStart(2, '0')}`,
        categories: i % 5 === 0 ? ['Customer'] : [],
        start: { dateTime: `2026-12-${String(i + 1).padStart(2, '0')}T10:00:00`, timeZone: 'UTC' },
        end: { dateTime: `2026-12-${String(i + 1).padStart(2, '0')}T11:00:00`, timeZone: 'UTC' },
      });
    }
  });

  it('pages with absolute nextLinks until every event is seen once', async () => {
    const seen: string[] = [];
    let url: string | undefined = '/v1.0/me/events?$orderby=start/dateTime';
    let pages = 0;
    while (url) {
      const r = await app.inject({ method: 'GET', url, headers: auth() });
      const b = r.json() as { value: Array<{ subject: string }>; '@odata.nextLink'?: string };
      seen.push(...b.value.map((v: { subject: string }) => v.subject));
      url = b['@odata.nextLink'] ? (b['@odata.nextLink'] as string).replace('https://graph.test', '') : undefined;
      if (b['@odata.nextLink'])
        expect(b['@odata.nextLink']).toMatch(/^https:\/\/graph\.test\/v1\.0\/me\/events\?.*\$skip=\d+/);
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });

  it('applies $filter, $orderby, $top, $select and $count', async () => {
    const f = encodeURIComponent("start/dateTime ge '2026-12-10T00:00:00' and categories/any(c:c eq 'Customer')");
    const r = await app.inject({
      method: 'GET',
      url: `/v1.0/me/events?$filter=${f}&$orderby=start/dateTime desc&$top=2&$select=subject&$count=true`,
      headers: auth(),
    });
    const b = r.json();
    expect(b['@odata.count']).toBe(3);
    expect(b.value.map((v: { subject: string }) => v.subject)).toEqual(['Meeting 20', 'Meeting 15']);
    expect(Object.keys(b.value[0]).sort()).toEqual(['@odata.etag', 'id', 'subject']);
    const c = await app.inject({
      method: 'GET',
      url: `/v1.0/me/events?$filter=${encodeURIComponent("contains(subject,'ing 0') or subject eq 'Meeting 24'")}`,
      headers: auth(),
    });
    expect(c.json().value).toHaveLength(10);
    const bad = await app.inject({
      method: 'GET',
      url: `/v1.0/me/events?$filter=${encodeURIComponent('subject eq')}`,
      headers: auth(),
    });
    expect(bad.statusCode).toBe(400);
    const badSel = await app.inject({ method: 'GET', url: '/v1.0/me/events?$select=nope', headers: auth() });
    expect(badSel.statusCode).toBe(400);
  });

  it('honours Prefer odata.maxpagesize and says so', async () => {
    const r = await app.inject({
      method: 'GET',
      url: '/v1.0/me/events',
      headers: { ...auth(), prefer: 'odata.maxpagesize=7' },
    });
    expect(r.json().value).toHaveLength(7);
    expect(r.headers['preference-applied']).toBe('odata.maxpagesize=7');
  });
});

describe('uid', () => {
  it('gives a series master, its occurrences and an exception one shared uid, and honours $select', async () => {
    const master = (
      await post(
        lunch({
          recurrence: {
            pattern: { type: 'daily', interval: 1 },
            range: { type: 'numbered', startDate: '2026-11-20', numberOfOccurrences: 3 },
          },
        }),
      )
    ).json();
    expect(typeof master.uid).toBe('string');
    expect(master.uid.length).toBeGreaterThan(0);
    const list = async () =>
      (
        await app.inject({
          method: 'GET',
          url: `/v1.0/me/events/${master.id}/instances?startDateTime=2026-11-19T00:00:00Z&endDateTime=2026-11-25T00:00:00Z`,
          headers: auth(),
        })
      ).json().value as Array<{ id: string; uid: string; type: string }>;
    const occurrences = await list();
    expect(occurrences).toHaveLength(3);
    expect(occurrences.every((o) => o.uid === master.uid && o.id !== master.id)).toBe(true);
    const patched = await app.inject({
      method: 'PATCH',
      url: `/v1.0/me/events/${occurrences[1]!.id}`,
      headers: auth(),
      payload: { subject: 'moved lunch' },
    });
    expect(patched.json()).toMatchObject({ type: 'exception', uid: master.uid });
    const other = (await post(lunch())).json();
    expect(other.uid).not.toBe(master.uid);
    const selected = await app.inject({
      method: 'GET',
      url: `/v1.0/me/events/${master.id}?$select=subject`,
      headers: auth(),
    });
    expect(selected.json().uid).toBeUndefined();
  });
});

describe('meetings across mailboxes', () => {
  it('puts invitations in attendee calendars and reports responses to the organizer', async () => {
    const org = (
      await post(
        lunch({
          attendees: [
            { emailAddress: { address: 'megan.bowen@contoso.com' }, type: 'required' },
            { emailAddress: { address: 'bob@acmecorp.com' } },
          ],
        }),
      )
    ).json();
    const megansList = (await app.inject({ method: 'GET', url: '/v1.0/me/events', headers: auth(MEGAN) })).json().value;
    expect(megansList).toHaveLength(1);
    const copy = megansList[0];
    expect(copy).toMatchObject({
      iCalUId: org.iCalUId,
      isOrganizer: false,
      type: 'singleInstance',
      responseStatus: { response: 'none' },
    });
    const bob = 'b0000000-0000-4000-8000-000000000001';
    expect(store.listEvents(bob)).toHaveLength(1);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/v1.0/me/events/${copy.id}/accept`,
          headers: auth(MEGAN),
          payload: { comment: 'ok', sendResponse: true },
        })
      ).statusCode,
    ).toBe(202);
    const after = (await app.inject({ method: 'GET', url: `/v1.0/me/events/${org.id}`, headers: auth() })).json();
    const megan = after.attendees.find(
      (a: { emailAddress: { address: string } }) => a.emailAddress.address === 'megan.bowen@contoso.com',
    );
    expect(megan.status.response).toBe('accepted');
    const mine = (await app.inject({ method: 'GET', url: `/v1.0/me/events/${copy.id}`, headers: auth(MEGAN) })).json();
    expect(mine.responseStatus.response).toBe('accepted');
    const own = await app.inject({
      method: 'POST',
      url: `/v1.0/me/events/${org.id}/accept`,
      headers: auth(),
      payload: {},
    });
    expect(own.statusCode).toBe(400);
  });

  it('answers one occurrence: a decline removes only it from the invitee, the organizer sees it on that occurrence', async () => {
    const org = (
      await post(
        lunch({
          attendees: [{ emailAddress: { address: 'megan.bowen@contoso.com' }, type: 'required' }],
          recurrence: {
            pattern: { type: 'daily', interval: 1 },
            range: { type: 'numbered', startDate: '2026-11-20', numberOfOccurrences: 3 },
          },
        }),
      )
    ).json();
    const window = 'startDateTime=2026-11-19T00:00:00Z&endDateTime=2026-11-25T00:00:00Z';
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    type Ev = Record<string, any>;
    const view = async (user: string) => {
      const masters = (await app.inject({ method: 'GET', url: '/v1.0/me/events', headers: auth(user) })).json()
        .value as Ev[];
      const master = masters.find((e) => e.iCalUId === org.iCalUId)!;
      const url = `/v1.0/me/events/${master.id}/instances?${window}`;
      return (await app.inject({ method: 'GET', url, headers: auth(user) })).json().value as Ev[];
    };
    const theirs = await view(MEGAN);
    expect(theirs).toHaveLength(3);
    const declined = await app.inject({
      method: 'POST',
      url: `/v1.0/me/events/${theirs[1]!.id}/decline`,
      headers: auth(MEGAN),
      payload: { comment: 'Away that day', sendResponse: true },
    });
    expect(declined.statusCode).toBe(202);
    expect((await view(MEGAN)).map((e) => e.start.dateTime)).toEqual([
      theirs[0]!.start.dateTime,
      theirs[2]!.start.dateTime,
    ]);
    const mine = await view(ADELE);
    expect(mine).toHaveLength(3);
    const megan = (e: Ev) =>
      e.attendees.find(
        (a: { emailAddress: { address: string } }) => a.emailAddress.address === 'megan.bowen@contoso.com',
      ).status.response;
    expect(mine.map(megan)).toEqual(['none', 'declined', 'none']);
    expect(mine[1]).toMatchObject({ type: 'exception', seriesMasterId: org.id });
  });

  it('records a proposed new time on the organizer copy and lists reminders', async ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    const org = (await post(lunch({ attendees: [{ emailAddress: { address: 'megan.bowen@contoso.com' } }] }))).json();
    const copy = (await app.inject({ method: 'GET', url: '/v1.0/me/events', headers: auth(MEGAN) })).json().value[0];
    const proposal = {
      Start: { DateTime: '2026-11-21T12:00:00', TimeZone: 'Pacific Standard Time' },
      End: { DateTime: '2026-11-21T14:00:00', TimeZone: 'Pacific Standard Time' },
    };
    const r = await app.inject({
      method: 'POST',
      url: `/v1.0/me/events/${copy.id}/tentativelyAccept`,
      headers: auth(MEGAN),
      payload: { comment: 'next day?', sendResponse: 'true', proposedNewTime: proposal },
    });
    expect(r.statusCode).toBe(202);
    const doc = await conformanceCase('concept-outlook-calendar-meeting-proposals-4');
    const got = (
      await app.inject({
        method: 'GET',
        url: `/v1.0/me/events/${org.id}?$select=subject,allowNewTimeProposals,start,end,attendees,organizer`,
        headers: auth(),
      })
    ).json();
    expect(shapeDiff(doc.response!.body, got)).toEqual([]);
    expect(got.attendees[0].proposedNewTime.start).toEqual({
      dateTime: '2026-11-21T12:00:00.0000000',
      timeZone: 'Pacific Standard Time',
    });
    const rem = await app.inject({
      method: 'GET',
      url: "/v1.0/me/reminderView(startDateTime='2026-11-20T00:00:00.0000000',endDateTime='2026-11-22T00:00:00.0000000')",
      headers: auth(),
    });
    expect(rem.statusCode).toBe(200);
    expect(shapeDiff((await conformanceCase('user-reminderview-1')).response!.body, rem.json())).toEqual([]);
    expect(rem.json().value[0]).toMatchObject({
      eventId: org.id,
      reminderFireTime: { dateTime: '2026-11-20T19:45:00.0000000', timeZone: 'UTC' },
    });
  });

  it('propagates cancellation to attendee copies', async () => {
    const org = (await post(lunch({ attendees: [{ emailAddress: { address: 'megan.bowen@contoso.com' } }] }))).json();
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/v1.0/me/events/${org.id}/cancel`,
          headers: auth(),
          payload: { comment: 'sorry' },
        })
      ).statusCode,
    ).toBe(202);
    expect(store.listEvents(ADELE)).toHaveLength(0);
    const copy = (await app.inject({ method: 'GET', url: '/v1.0/me/events', headers: auth(MEGAN) })).json().value[0];
    expect(copy.isCancelled).toBe(true);
    expect(copy.subject).toBe("Canceled: Let's go for lunch");
  });

  it('lets rooms accept when free and decline when busy', async () => {
    const room = { emailAddress: { address: 'rainier@contoso.com' } };
    const first = (await post(lunch({ attendees: [room] }))).json();
    expect(first.attendees[0]).toMatchObject({ type: 'resource', status: { response: 'accepted' } });
    const second = (await post(lunch({ attendees: [room] }), MEGAN)).json();
    const status = (
      await app.inject({ method: 'GET', url: `/v1.0/me/events/${second.id}`, headers: auth(MEGAN) })
    ).json().attendees[0].status.response;
    expect(status).toBe('declined');
  });

  it('expands single-value extended properties only on request', async () => {
    const pid = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name calbridgeId';
    const created = (await post(lunch({ singleValueExtendedProperties: [{ id: pid, value: 'cb-123' }] }))).json();
    expect(created.singleValueExtendedProperties).toBeUndefined();
    const q = encodeURIComponent(`singleValueExtendedProperties($filter=id eq '${pid}')`);
    const r = (
      await app.inject({ method: 'GET', url: `/v1.0/me/events/${created.id}?$expand=${q}`, headers: auth() })
    ).json();
    expect(r.singleValueExtendedProperties).toEqual([{ id: pid, value: 'cb-123' }]);
    const f = encodeURIComponent(`singleValueExtendedProperties/Any(ep: ep/id eq '${pid}' and ep/value eq 'cb-123')`);
    expect(
      (await app.inject({ method: 'GET', url: `/v1.0/me/events?$filter=${f}`, headers: auth() })).json().value,
    ).toHaveLength(1);
  });
});

describe('access', () => {
  it('answers 404 MailboxNotEnabledForRESTAPI for an on-premises mailbox', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1.0/me/events', headers: auth(LEGACY) });
    expect(r.statusCode).toBe(404);
    expect(r.json().error).toMatchObject({
      code: 'MailboxNotEnabledForRESTAPI',
      message: 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
    });
  });

  it('needs a calendar scope', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1.0/me/events', headers: auth(ADELE, ['User.Read']) });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('ErrorAccessDenied');
    const w = await app.inject({
      method: 'POST',
      url: '/v1.0/me/events',
      headers: auth(ADELE, ['Calendars.Read']),
      payload: lunch(),
    });
    expect(w.statusCode).toBe(403);
  });

  it('lets an application with Calendars roles use any mailbox of its tenant only', async () => {
    await post(lunch());
    const read = { authorization: appTokenFor(TENANT, ['Calendars.Read']) };
    expect(
      (await app.inject({ method: 'GET', url: '/v1.0/users/adele.vance@contoso.com/events', headers: read })).json()
        .value,
    ).toHaveLength(1);
    expect(
      (await app.inject({ method: 'POST', url: `/v1.0/users/${MEGAN}/events`, headers: read, payload: lunch() }))
        .statusCode,
    ).toBe(403);
    const write = { authorization: appTokenFor(TENANT, ['Calendars.ReadWrite']) };
    expect(
      (await app.inject({ method: 'POST', url: `/v1.0/users/${MEGAN}/events`, headers: write, payload: lunch() }))
        .statusCode,
    ).toBe(201);
    expect((await app.inject({ method: 'GET', url: '/v1.0/me/events', headers: write })).statusCode).toBe(400);
    const foreign = { authorization: appTokenFor(OTHER_TENANT, ['Calendars.Read']) };
    expect(
      (await app.inject({ method: 'GET', url: '/v1.0/users/adele.vance@contoso.com/events', headers: foreign }))
        .statusCode,
    ).toBe(404);
  });

  it('reads another mailbox only when it is shared with the caller', async () => {
    await post(lunch());
    const url = '/v1.0/users/adele.vance@contoso.com/calendar/events';
    const shared = ['Calendars.Read.Shared'];
    expect((await app.inject({ method: 'GET', url, headers: auth(MEGAN, shared) })).statusCode).toBe(403);
    store.sharePermission(ADELE, store.defaultCalendar(ADELE).id, 'megan.bowen@contoso.com', 'read');
    const ok = await app.inject({ method: 'GET', url, headers: auth(MEGAN, shared) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().value).toHaveLength(1);
    expect((await app.inject({ method: 'GET', url, headers: auth(MEGAN, ['Calendars.Read']) })).statusCode).toBe(403);
    expect(
      (
        await app.inject({
          method: 'POST',
          url,
          headers: auth(MEGAN, ['Calendars.ReadWrite.Shared']),
          payload: lunch(),
        })
      ).statusCode,
    ).toBe(403);
    const bob = await app.inject({
      method: 'GET',
      url: '/v1.0/users/bob@acmecorp.com/events',
      headers: auth(MEGAN, shared),
    });
    expect(bob.statusCode).toBe(404);
    expect(bob.json().error.code).toBe('ErrorInvalidUser');
  });
});
