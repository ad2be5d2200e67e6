// getSchedule and findMeetingTimes over HTTP (app.inject, fake authenticate), checked against the conformance corpus.
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import { describe, expect, it } from 'vitest';
import { corpusAvailable, graphCase, NO_CORPUS } from '../../../conformance/corpus.js';
import type { MailboxStore } from '../store.js';
import { buildTestApp, tokenFor } from '../testing.js';
import { localToUtcMs, requireZone } from '../time.js';
import calendarRoutes from './calendars.js';
import eventRoutes from './events.js';
import schedulingRoutes from './scheduling.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const corpus = (id: string) => graphCase<Json>(id);
// The tests that compare with the shared corpus skip without it (saying so once, failing under CI).
const hasCorpus = corpusAvailable(
  'graph-conformance',
  'getSchedule and findMeetingTimes routes against the documented examples (emulator/microsoft/graph/routes/scheduling.test.ts, 5 tests)',
);

const ADELE = 'a0000000-0000-4000-8000-000000000001';
const MEGAN = 'a0000000-0000-4000-8000-000000000002';
const ALEX = 'a0000000-0000-4000-8000-000000000003';
const ROOM = 'a0000000-0000-4000-8000-000000000005';
const PST = 'Pacific Standard Time';

interface EvIn {
  subject?: string;
  start: string;
  end: string;
  zone?: string;
  showAs?: MicrosoftGraph.FreeBusyStatus;
  sensitivity?: MicrosoftGraph.Sensitivity;
  location?: string;
  recurrence?: MicrosoftGraph.PatternedRecurrence;
}

function addEvent(store: MailboxStore, userId: string, e: EvIn): void {
  const zone = e.zone ?? PST;
  const data: MicrosoftGraph.Event = {
    id: store.newId(),
    type: e.recurrence ? 'seriesMaster' : 'singleInstance',
    subject: e.subject ?? 'Busy',
    start: { dateTime: e.start, timeZone: zone },
    end: { dateTime: e.end, timeZone: zone },
    showAs: e.showAs ?? 'busy',
    sensitivity: e.sensitivity ?? 'normal',
    location: { displayName: e.location ?? '' },
    isCancelled: false,
    recurrence: e.recurrence ?? null,
  };
  store.insertEvent(userId, store.defaultCalendar(userId).id, data, {
    startMs: localToUtcMs(e.start, zone),
    endMs: localToUtcMs(e.end, zone),
    zone: requireZone(zone),
  });
}

async function setup(now = '2019-01-01T00:00:00Z') {
  const t = await buildTestApp([schedulingRoutes], { now: Date.parse(now) });
  for (const id of [ADELE, MEGAN, ALEX, ROOM]) {
    t.store.updateSettings(id, { workingHours: { ...t.store.getSettings(id).workingHours, timeZone: { name: PST } } });
  }
  return t;
}

const stripLocal = (s: string) => s.replace(/\.0+$/, '');

describe('POST /me/calendar/getSchedule', () => {
  it('matches the conformance example: availability views, item shapes per access level, times in the Prefer zone', async ({
    skip,
  }) => {
    skip(!hasCorpus, NO_CORPUS);
    const c = corpus('calendar-getschedule-1');
    const { app, store, directory } = await setup();
    const expected = c.response.body.value as Json[];
    const owners = [ADELE, MEGAN];
    expected.forEach((info, i) => {
      for (const it of info.scheduleItems as Json[]) {
        addEvent(store, owners[i]!, {
          subject: it.subject,
          location: it.location,
          showAs: it.status,
          start: stripLocal(it.start.dateTime),
          end: stripLocal(it.end.dateTime),
          zone: it.start.timeZone,
        });
      }
    });
    const mails = owners.map((id) => directory.users.get(id)!.mail);
    const res = await app.inject({
      method: 'POST',
      url: '/v1.0/me/calendar/getSchedule',
      headers: { ...c.request.headers, authorization: tokenFor(ADELE) },
      payload: { ...c.request.body, schedules: mails },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as Json;
    expect(body['@odata.context']).toMatch(/\$metadata#Collection\(microsoft\.graph\.scheduleInformation\)$/);
    expect(body.value).toHaveLength(expected.length);
    body.value.forEach((got: Json, i: number) => {
      const want = expected[i]!;
      expect(got.scheduleId).toBe(mails[i]);
      expect(got.availabilityView).toBe(want.availabilityView);
      const order = (xs: Json[]) =>
        [...xs].sort((a, b) => a.start.dateTime.localeCompare(b.start.dateTime) || a.status.localeCompare(b.status));
      const g = order(got.scheduleItems);
      const w = order(want.scheduleItems);
      expect(g.map((x) => Object.keys(x).sort())).toEqual(w.map((x) => Object.keys(x).sort()));
      expect(g.map((x) => [x.start, x.end, x.status])).toEqual(w.map((x) => [x.start, x.end, x.status]));
      expect(Object.keys(got.workingHours).sort()).toEqual(Object.keys(want.workingHours).sort());
    });
    // Adele sees her own subject; Megan's calendar only grants free/busy to the organisation.
    expect(body.value[0].scheduleItems[0].subject).toBe(expected[0]!.scheduleItems[0].subject);
  });

  it('answers freeBusyError entries for unknown, external and on-premises addresses, keeping the order', async ({
    skip,
  }) => {
    skip(!hasCorpus, NO_CORPUS);
    const { app } = await setup();
    const schedules = [
      'nobody@contoso.com',
      'megan.bowen@contoso.com',
      'bob@acmecorp.com',
      'legacy.user@contoso.com',
      'x@gmail.com',
    ];
    const res = await app.inject({
      method: 'POST',
      url: '/v1.0/me/calendar/getSchedule',
      headers: { authorization: tokenFor(ADELE) },
      payload: {
        schedules,
        startTime: { dateTime: '2019-03-15T00:00:00', timeZone: 'UTC' },
        endTime: { dateTime: '2019-03-16T00:00:00', timeZone: 'UTC' },
      },
    });
    const value = (res.json() as Json).value as Json[];
    expect(value.map((v) => v.scheduleId)).toEqual(schedules);
    for (const i of [0, 2, 3, 4]) {
      expect(Object.keys(value[i]!.error).sort()).toEqual(Object.keys(corpus('resource-freebusyerror-1').data).sort());
      expect(value[i]!.error.responseCode).toBe('ErrorMailRecipientNotFound');
    }
    expect(value[1]!.error).toBeUndefined();
    expect(value[1]!.availabilityView).toBe('0'.repeat(48));
  });

  it('hides private subjects, expands recurring series and covers rooms', async () => {
    const { app, store } = await setup();
    store.sharePermission(MEGAN, store.defaultCalendar(MEGAN).id, 'adele.vance@contoso.com', 'read');
    addEvent(store, MEGAN, {
      subject: 'Doctor',
      start: '2026-03-09T09:00:00',
      end: '2026-03-09T10:00:00',
      sensitivity: 'private',
    });
    addEvent(store, MEGAN, {
      subject: 'Planning',
      start: '2026-03-09T11:00:00',
      end: '2026-03-09T11:30:00',
      showAs: 'tentative',
    });
    addEvent(store, MEGAN, {
      subject: 'Lunch',
      start: '2026-03-09T12:00:00',
      end: '2026-03-09T13:00:00',
      showAs: 'free',
    });
    addEvent(store, ROOM, {
      subject: 'Standup',
      start: '2026-03-02T10:00:00',
      end: '2026-03-02T10:15:00',
      recurrence: { pattern: { type: 'daily', interval: 1 }, range: { type: 'noEnd', startDate: '2026-03-02' } },
    });
    const res = await app.inject({
      method: 'POST',
      url: '/v1.0/me/calendar/getSchedule',
      headers: { authorization: tokenFor(ADELE), prefer: `outlook.timezone="${PST}"` },
      payload: {
        schedules: ['megan.bowen@contoso.com', 'rainier@contoso.com'],
        startTime: { dateTime: '2026-03-09T08:00:00', timeZone: PST },
        endTime: { dateTime: '2026-03-09T14:00:00', timeZone: PST },
        availabilityViewInterval: 60,
      },
    });
    expect(res.headers['preference-applied']).toBe(`outlook.timezone="${PST}"`);
    const [megan, room] = (res.json() as Json).value as Json[];
    expect(megan!.availabilityView).toBe('020100');
    expect(megan!.scheduleItems).toHaveLength(2);
    expect(megan!.scheduleItems[0]).toMatchObject({ isPrivate: true, status: 'busy' });
    expect(megan!.scheduleItems[0].subject).toBeUndefined();
    expect(megan!.scheduleItems[1]).toMatchObject({ isPrivate: false, subject: 'Planning', status: 'tentative' });
    expect(room!.availabilityView).toBe('002000');
    expect(room!.scheduleItems[0].start).toEqual({ dateTime: '2026-03-09T10:00:00.0000000', timeZone: PST });
  });

  it('rejects bad requests like Graph', async () => {
    const { app } = await setup();
    const base = {
      schedules: ['megan.bowen@contoso.com'],
      startTime: { dateTime: '2019-03-01T00:00:00', timeZone: 'UTC' },
      endTime: { dateTime: '2019-03-02T00:00:00', timeZone: 'UTC' },
    };
    const post = (payload: unknown, token = tokenFor(ADELE), url = '/v1.0/me/calendar/getSchedule') =>
      app.inject({ method: 'POST', url, headers: { authorization: token }, payload: payload as object });
    const tooLong = await post({ ...base, endTime: { dateTime: '2019-05-03T00:00:00', timeZone: 'UTC' } });
    expect(tooLong.statusCode).toBe(400);
    expect((tooLong.json() as Json).error.code).toBe('ErrorTimeIntervalTooBig');
    expect((await post({ ...base, endTime: { dateTime: '2019-05-02T00:00:00', timeZone: 'UTC' } })).statusCode).toBe(
      200,
    );
    for (const iv of [4, 1441, 'x'])
      expect((await post({ ...base, availabilityViewInterval: iv })).statusCode).toBe(400);
    expect(
      (await post({ ...base, schedules: Array.from({ length: 21 }, (_, i) => `u${i}@contoso.com`) })).statusCode,
    ).toBe(400);
    expect((await post({ ...base, startTime: { dateTime: 'soon', timeZone: 'UTC' } })).statusCode).toBe(400);
    expect(
      (await post({ ...base, startTime: { dateTime: '2019-03-01T00:00:00', timeZone: 'Mars Time' } })).statusCode,
    ).toBe(400);
    expect((await post({ ...base, endTime: base.startTime })).statusCode).toBe(400);
    const noScope = await post(base, tokenFor(ADELE, ['User.Read']));
    expect(noScope.statusCode).toBe(403);
    expect((await post(base, 'Bearer nope')).statusCode).toBe(401);
    expect((await post(base, tokenFor(ADELE), `/v1.0/users/${MEGAN}/calendar/getSchedule`)).statusCode).toBe(200);
    expect((await post(base, tokenFor(ADELE), '/v1.0/users/ghost@contoso.com/calendar/getSchedule')).statusCode).toBe(
      404,
    );
  });
});

describe('POST /me/findMeetingTimes', () => {
  async function find(
    body: Json,
    headers: Record<string, string> = {},
    now = '2019-04-01T00:00:00Z',
    seed?: (s: MailboxStore) => void,
  ) {
    const t = await setup(now);
    seed?.(t.store);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1.0/me/findMeetingTimes',
      headers: { authorization: tokenFor(ADELE), ...headers },
      payload: body,
    });
    return res;
  }

  it('answers the API example request with suggestions shaped like the documented ones', async ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    const c = corpus('user-findmeetingtimes-1');
    const body = structuredClone(c.request.body) as Json;
    body.attendees[0].emailAddress.address = 'alex.wilber@contoso.com';
    const res = await find(body, c.request.headers, '2019-04-01T00:00:00Z', (s) => {
      addEvent(s, ADELE, { start: '2019-04-16T08:00:00', end: '2019-04-16T17:00:00' });
      addEvent(s, ADELE, { start: '2019-04-17T08:00:00', end: '2019-04-17T17:00:00', showAs: 'oof' });
      addEvent(s, ADELE, { start: '2019-04-18T09:00:00', end: '2019-04-18T10:00:00', showAs: 'tentative' });
      addEvent(s, ALEX, { start: '2019-04-18T10:00:00', end: '2019-04-18T12:00:00' });
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['preference-applied']).toBe(c.response.headers['Preference-Applied']);
    const got = res.json() as Json;
    const want = c.response.body as Json;
    expect(got['@odata.context']).toMatch(/\$metadata#microsoft\.graph\.meetingTimeSuggestionsResult$/);
    expect(got.emptySuggestionsReason).toBe(want.emptySuggestionsReason);
    expect(got.meetingTimeSuggestions.length).toBeGreaterThan(3);
    const wantKeys = Object.keys(want.meetingTimeSuggestions[0]).sort();
    for (const s of got.meetingTimeSuggestions as Json[]) {
      expect(Object.keys(s).sort()).toEqual(wantKeys);
      expect(s.confidence).toBe(100);
      expect(s.suggestionReason).toBe(want.meetingTimeSuggestions[0].suggestionReason);
      expect(s.locations).toEqual(want.meetingTimeSuggestions[0].locations);
      expect(s.meetingTimeSlot.start.timeZone).toBe(PST);
      expect(s.meetingTimeSlot.start.dateTime.startsWith('2019-04-18T')).toBe(true);
      const hour = Number(s.meetingTimeSlot.start.dateTime.slice(11, 13));
      expect([s.meetingTimeSlot.start.dateTime, hour >= 8 && hour <= 16 && (hour < 10 || hour >= 12)]).toEqual([
        s.meetingTimeSlot.start.dateTime,
        true,
      ]);
      expect(s.attendeeAvailability).toEqual([
        { attendee: { type: 'required', emailAddress: { address: 'alex.wilber@contoso.com' } }, availability: 'free' },
      ]);
    }
    expect((got.meetingTimeSuggestions as Json[]).map((s) => s.order)).toEqual(
      got.meetingTimeSuggestions.map((_: unknown, i: number) => i + 1),
    );
    expect(
      got.meetingTimeSuggestions.find((s: Json) => s.meetingTimeSlot.start.dateTime === '2019-04-18T09:00:00.0000000')
        ?.organizerAvailability,
    ).toBe('tentative');
  });

  it('gives the documented empty reason when the attendee is away (concept example)', async ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    const c = corpus('concept-findmeetingtimes-example-1');
    const body = structuredClone(c.request.body) as Json;
    body.attendees[0].emailAddress.address = 'megan.bowen@contoso.com';
    const res = await find(body, c.request.headers, '2017-04-01T00:00:00Z', (s) => {
      addEvent(s, MEGAN, { start: '2017-04-18T00:00:00', end: '2017-04-20T00:00:00', showAs: 'oof' });
      addEvent(s, MEGAN, { start: '2017-04-20T09:00:00', end: '2017-04-20T12:00:00' });
      addEvent(s, ADELE, { start: '2017-04-20T12:00:00', end: '2017-04-20T15:30:00' });
    });
    expect(res.json()).toEqual({
      '@odata.context': expect.stringMatching(/meetingTimeSuggestionsResult$/),
      emptySuggestionsReason: c.response.body.emptySuggestionsReason,
      meetingTimeSuggestions: [],
    });
  });

  it('suggests the documented 2-4 pm slot for the concept example second request when the calendars allow only that', async ({
    skip,
  }) => {
    skip(!hasCorpus, NO_CORPUS);
    const c = corpus('concept-findmeetingtimes-example-1');
    const body = structuredClone(c.request.body) as Json;
    body.attendees[0].emailAddress.address = 'megan.bowen@contoso.com';
    body.timeConstraint.timeslots = [
      {
        start: { dateTime: '2017-04-21T09:00:00', timeZone: PST },
        end: { dateTime: '2017-04-21T17:00:00', timeZone: PST },
      },
    ];
    const res = await find(body, c.request.headers, '2017-04-01T00:00:00Z', (s) => {
      addEvent(s, ADELE, { start: '2017-04-21T09:00:00', end: '2017-04-21T14:00:00' });
      addEvent(s, MEGAN, { start: '2017-04-21T16:00:00', end: '2017-04-21T17:00:00' });
    });
    const got = res.json() as Json;
    expect(got.emptySuggestionsReason).toBe('');
    expect(got.meetingTimeSuggestions).toHaveLength(1);
    expect(got.meetingTimeSuggestions[0]).toMatchObject({
      confidence: 100,
      organizerAvailability: 'free',
      meetingTimeSlot: {
        start: { dateTime: '2017-04-21T14:00:00.0000000', timeZone: PST },
        end: { dateTime: '2017-04-21T16:00:00.0000000', timeZone: PST },
      },
      attendeeAvailability: [
        { availability: 'free', attendee: { type: 'required', emailAddress: { address: 'megan.bowen@contoso.com' } } },
      ],
      locations: [{ displayName: 'Conf room Hood' }],
    });
  });

  it('treats external attendees as unknown and checks rooms', async () => {
    const slot = {
      start: { dateTime: '2026-03-09T09:00:00', timeZone: PST },
      end: { dateTime: '2026-03-09T17:00:00', timeZone: PST },
    };
    const ext = await find(
      {
        attendees: [{ type: 'required', emailAddress: { address: 'x@gmail.com' } }],
        timeConstraint: { timeSlots: [slot] },
        minimumAttendeePercentage: 100,
      },
      {},
      '2026-03-01T00:00:00Z',
    );
    expect((ext.json() as Json).emptySuggestionsReason).toBe('AttendeesUnavailableOrUnknown');
    const extLow = await find(
      {
        attendees: [{ type: 'required', emailAddress: { address: 'x@gmail.com' } }],
        timeConstraint: { timeSlots: [slot] },
        minimumAttendeePercentage: 40,
      },
      {},
      '2026-03-01T00:00:00Z',
    );
    const first = (extLow.json() as Json).meetingTimeSuggestions[0];
    expect(first.confidence).toBe(49);
    expect(first.attendeeAvailability[0].availability).toBe('unknown');
    expect(first.meetingTimeSlot.start.timeZone).toBe('UTC');
    const roomBusy = (s: MailboxStore) =>
      addEvent(s, ROOM, { start: '2026-03-09T00:00:00', end: '2026-03-10T00:00:00' });
    const locs = {
      isRequired: true,
      suggestLocation: false,
      locations: [{ displayName: 'Conf Room Rainier', locationEmailAddress: 'rainier@contoso.com' }],
    };
    const busyRoom = await find(
      { timeConstraint: { timeSlots: [slot] }, locationConstraint: locs },
      {},
      '2026-03-01T00:00:00Z',
      roomBusy,
    );
    expect((busyRoom.json() as Json).emptySuggestionsReason).toBe('LocationsUnavailable');
    const suggest = await find(
      { timeConstraint: { timeSlots: [slot] }, locationConstraint: { isRequired: false, suggestLocation: true } },
      {},
      '2026-03-01T00:00:00Z',
    );
    expect((suggest.json() as Json).meetingTimeSuggestions[0].locations).toEqual([
      { displayName: 'Conf Room Rainier', locationEmailAddress: 'rainier@contoso.com' },
    ]);
  });

  it("without timeConstraint, searches the organizer's next two working days, whatever day it is asked on", async () => {
    // Saturday 2026-12-12, Sunday 2026-12-13, Friday 2026-12-11 afternoon (PST working hours 08:00-17:00, Mon-Fri).
    const cases: [string, string[]][] = [
      ['2026-12-12T18:00:00Z', ['2026-12-14', '2026-12-15']],
      ['2026-12-13T23:30:00Z', ['2026-12-14', '2026-12-15']],
      ['2026-12-11T20:00:00Z', ['2026-12-11', '2026-12-14']],
    ];
    for (const [now, days] of cases) {
      const res = await find(
        { meetingDuration: 'PT1H', maxCandidates: 100 },
        { Prefer: `outlook.timezone="${PST}"` },
        now,
      );
      expect(res.statusCode).toBe(200);
      const got = res.json() as Json;
      expect(got.emptySuggestionsReason, now).toBe('');
      const seen = new Set(
        (got.meetingTimeSuggestions as Json[]).map((s) => String(s.meetingTimeSlot.start.dateTime).slice(0, 10)),
      );
      expect([...seen].sort(), now).toEqual(days);
    }
  });

  it('rejects bad input and missing permissions', async () => {
    expect((await find({ meetingDuration: 'an hour' })).statusCode).toBe(400);
    expect((await find({ minimumAttendeePercentage: 120 })).statusCode).toBe(400);
    expect((await find({ timeConstraint: { activityDomain: 'weekend' } })).statusCode).toBe(400);
    expect((await find({ attendees: [{ type: 'required' }] })).statusCode).toBe(400);
    const t = await setup();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1.0/me/findMeetingTimes',
      headers: { authorization: tokenFor(ADELE, ['Calendars.Read']) },
      payload: {},
    });
    expect(res.statusCode).toBe(403);
    expect((res.json() as Json).error.code).toBe('ErrorAccessDenied');
  });
});

describe('/users/{id} paths next to the other calendar route modules', () => {
  it('addresses the mailbox in the path', async () => {
    const t = await buildTestApp([eventRoutes, calendarRoutes, schedulingRoutes], {
      now: Date.parse('2026-03-01T00:00:00Z'),
    });
    addEvent(t.store, MEGAN, { start: '2026-03-09T00:00:00', end: '2026-03-10T00:00:00', zone: 'UTC' });
    const body = {
      timeConstraint: {
        activityDomain: 'unrestricted',
        timeSlots: [
          {
            start: { dateTime: '2026-03-09T09:00:00', timeZone: 'UTC' },
            end: { dateTime: '2026-03-09T17:00:00', timeZone: 'UTC' },
          },
        ],
      },
    };
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: { authorization: tokenFor(ADELE) }, payload });
    expect(((await post('/v1.0/me/findMeetingTimes', body)).json() as Json).emptySuggestionsReason).toBe('');
    expect(((await post(`/v1.0/users/${MEGAN}/findMeetingTimes`, body)).json() as Json).emptySuggestionsReason).toBe(
      'OrganizerUnavailable',
    );
    const sched = {
      schedules: ['megan.bowen@contoso.com'],
      startTime: { dateTime: '2026-03-09T00:00:00', timeZone: 'UTC' },
      endTime: { dateTime: '2026-03-10T00:00:00', timeZone: 'UTC' },
      availabilityViewInterval: 1440,
    };
    const own = (await post(`/v1.0/users/megan.bowen@contoso.com/calendar/getSchedule`, sched)).json() as Json;
    expect(own.value[0]).toMatchObject({ availabilityView: '2', scheduleItems: [{ subject: 'Busy', status: 'busy' }] });
  });
});

describe('application callers', () => {
  it('see full details through /users/{id}, cannot use /me, and cannot call findMeetingTimes', async () => {
    const t = await setup('2026-03-01T00:00:00Z');
    t.ctx.authenticate = async () => ({
      kind: 'application',
      tenantId: t.directory.users.get(MEGAN)!.tenantId,
      userId: null,
      appId: 'daemon',
      scopes: new Set(['Calendars.Read']),
    });
    addEvent(t.store, MEGAN, {
      subject: 'Doctor',
      start: '2026-03-09T09:00:00',
      end: '2026-03-09T10:00:00',
      sensitivity: 'private',
    });
    const sched = {
      schedules: ['megan.bowen@contoso.com'],
      startTime: { dateTime: '2026-03-09T00:00:00', timeZone: PST },
      endTime: { dateTime: '2026-03-10T00:00:00', timeZone: PST },
    };
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: { authorization: 'Bearer app' }, payload });
    const res = await post(`/v1.0/users/${ADELE}/calendar/getSchedule`, sched);
    expect(res.statusCode).toBe(200);
    expect((res.json() as Json).value[0].scheduleItems[0]).toMatchObject({ isPrivate: true, subject: 'Doctor' });
    const me = await post('/v1.0/me/calendar/getSchedule', sched);
    expect(me.statusCode).toBe(400);
    expect((await post(`/v1.0/users/${ADELE}/findMeetingTimes`, {})).statusCode).toBe(403);
  });
});
