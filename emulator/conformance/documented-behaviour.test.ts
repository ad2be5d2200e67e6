// Documented Graph behaviours beyond the shared corpus, over HTTPS against a full emulator (issue 16, item 9).
// Each test names the docs page it follows (microsoft-graph-docs); values are our own.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Harness } from './harness.js';
import { runConformance } from './runner.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
}, 60_000);
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.reset();
});

const json = (r: { json: unknown }) => r.json as Json;

describe('mailboxSettings (api/user-update-mailboxsettings.md)', () => {
  it('merges a PATCHed automaticRepliesSetting, answers enum values as Graph spells them and the whole setting', async () => {
    await h.graph('PATCH', 'me/mailboxSettings', {
      body: { automaticRepliesSetting: { externalAudience: 'contactsOnly', internalReplyMessage: 'Back on Monday' } },
    });
    const res = await h.graph('PATCH', 'me/mailboxSettings', {
      body: {
        '@odata.context': 'ignored annotation',
        automaticRepliesSetting: {
          status: 'Scheduled',
          scheduledStartDateTime: { dateTime: '2031-05-04T07:30:00', timeZone: 'UTC' },
          scheduledEndDateTime: { dateTime: '2031-05-11T07:30:00', timeZone: 'UTC' },
        },
      },
    });
    expect(res.status).toBe(200);
    expect(json(res)['@odata.context']).toMatch(/\$metadata#Me\/mailboxSettings$/);
    expect(json(res).automaticRepliesSetting).toEqual({
      status: 'scheduled',
      externalAudience: 'contactsOnly',
      scheduledStartDateTime: { dateTime: '2031-05-04T07:30:00.0000000', timeZone: 'UTC' },
      scheduledEndDateTime: { dateTime: '2031-05-11T07:30:00.0000000', timeZone: 'UTC' },
      internalReplyMessage: 'Back on Monday',
      externalReplyMessage: '',
    });
    const read = await h.graph('GET', 'me/mailboxSettings/automaticRepliesSetting');
    expect(json(read).status).toBe('scheduled');
    expect(json(read).internalReplyMessage).toBe('Back on Monday');
  });

  it('refuses bad working hours with the documented codes', async () => {
    const patch = async (workingHours: Json) =>
      json(await h.graph('PATCH', 'me/mailboxSettings', { body: { workingHours } })).error as Json;
    expect(await patch({ startTime: '07' })).toMatchObject({
      code: 'RequestBodyRead',
      message: "Cannot convert the literal '07' to the expected type 'Edm.TimeOfDay'.",
    });
    expect(await patch({ startTime: '19:00:00', endTime: '10:00:00' })).toMatchObject({
      code: 'ErrorInvalidTimeSettings',
      message: 'Start Time should occur before End Time.',
    });
    expect(await patch({ daysOfWeek: ['monday', 'Caturday'] })).toMatchObject({
      code: 'InvalidArguments',
      message: "Requested value 'Caturday' was not found.",
    });
    expect(await patch({ timeZone: { name: 'Atlantis Standard Time' } })).toMatchObject({
      code: 'InvalidTimeZone',
      message: 'Time Zone settings provided are invalid.',
    });
    // Nothing was changed by the refused PATCHes; a valid one still is, days in any case.
    const ok = await h.graph('PATCH', 'me/mailboxSettings', {
      body: { workingHours: { daysOfWeek: ['Tuesday', 'Thursday'], startTime: '10:00', endTime: '16:30:00' } },
    });
    expect(ok.status).toBe(200);
    expect(json(ok).workingHours).toMatchObject({
      daysOfWeek: ['tuesday', 'thursday'],
      startTime: '10:00:00.0000000',
      endTime: '16:30:00.0000000',
    });
  });

  it('names a PATCHed locale as Exchange does', async () => {
    const res = await h.graph('PATCH', 'me/mailboxSettings', { body: { language: { locale: 'de-AT' } } });
    expect(json(res).language).toEqual({ locale: 'de-AT', displayName: 'German (Austria)' });
  });
});

describe('path segments and action parameters are matched without regard to case', () => {
  it('answers getschedule with Schedules/StartTime/EndTime and a string interval (concepts/outlook-get-free-busy-schedule.md)', async () => {
    const res = await h.graph('POST', 'me/calendar/getschedule', {
      headers: { Prefer: 'outlook.timezone="Pacific Standard Time"' },
      body: {
        Schedules: [h.other.mail],
        StartTime: { dateTime: '2031-03-03T08:00:00', timeZone: 'Pacific Standard Time' },
        EndTime: { dateTime: '2031-03-03T17:00:00', timeZone: 'Pacific Standard Time' },
        availabilityViewInterval: '15',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers['preference-applied']).toBe('outlook.timezone="Pacific Standard Time"');
    const info = json(res).value[0] as Json;
    expect(info.scheduleId).toBe(h.other.mail);
    expect(info.availabilityView).toHaveLength(36); // 9 hours in 15-minute slots
    expect(info.workingHours).toBeDefined();
  });

  it('serves calendarview and places/…/microsoft.graph.roomlist in lower case', async () => {
    const view = await h.graph(
      'GET',
      'me/calendarview?startdatetime=2031-03-03T00:00:00&enddatetime=2031-03-04T00:00:00',
    );
    expect(view.status).toBe(200);
    expect(json(view)['@odata.context']).toMatch(/\/calendarView$/);
    const lists = await h.graph('GET', 'places/microsoft.graph.roomlist');
    expect(lists.status).toBe(200);
    const first = (json(lists).value as Json[])[0]!;
    const rooms = await h.graph('GET', `places/${first.emailAddress as string}/microsoft.graph.roomlist/rooms`);
    expect(rooms.status).toBe(200);
  });
});

describe('places (api/place-list.md, api/place-get.md)', () => {
  it('honours $select (id kept, selection in @odata.context) and $count=true', async () => {
    const res = await h.graph('GET', 'places/microsoft.graph.room?$select=displayName,capacity&$count=true&$top=1');
    expect(res.status).toBe(200);
    const body = json(res);
    expect(body['@odata.context']).toMatch(/\$metadata#places\/microsoft\.graph\.room\(displayName,capacity\)$/);
    expect(body['@odata.count']).toBeGreaterThan(1); // every room, not the page
    expect(body.value).toHaveLength(1);
    expect(Object.keys(body.value[0] as Json).sort()).toEqual(['capacity', 'displayName', 'id']);
    expect(body['@odata.nextLink']).toContain('%24select=displayName%2Ccapacity');

    const one = await h.graph('GET', `places/${(body.value[0] as Json).id as string}?$select=phone`);
    expect(Object.keys(json(one)).sort()).toEqual(['@odata.context', '@odata.type', 'id', 'phone']);
  });

  it('refuses an unknown property in $select', async () => {
    const res = await h.graph('GET', 'places/microsoft.graph.room?$select=seatCount');
    expect(res.status).toBe(400);
    expect(json(res).error.code).toBe('RequestBroker--ParseUri');
  });
});

describe('OData query options on events (concepts/query-parameters.md)', () => {
  it('answers 400 for a $filter on a property events do not have, instead of an empty list', async () => {
    const res = await h.graph('GET', "me/events?$filter=colour eq 'blue'");
    expect(res.status).toBe(400);
    expect(json(res).error).toMatchObject({
      code: 'RequestBroker--ParseUri',
      message: "Could not find a property named 'colour' on type 'microsoft.graph.event'.",
    });
    expect(json(res).error.innerError).toHaveProperty('request-id');
    const ok = await h.graph('GET', "me/events?$filter=attendees/any(a: a/type eq 'required')&$top=1");
    expect(ok.status).toBe(200);
  });
});

describe('error bodies and request ids (concepts/errors.md)', () => {
  it('names every answer by request-id and client-request-id headers, the same values as the innerError', async () => {
    const miss = await h.graph('GET', 'me/events/AAMkAGNoSuchEvent=', {
      headers: { 'client-request-id': 'cb-trace-7' },
    });
    expect(miss.status).toBe(404);
    const inner = json(miss).error.innerError as Json;
    expect(miss.headers['request-id']).toBe(inner['request-id']);
    expect(miss.headers['client-request-id']).toBe('cb-trace-7');
    expect(inner['client-request-id']).toBe('cb-trace-7');
    expect(inner.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    const unknownSegment = await h.graph('GET', 'me/nothingHere');
    expect(unknownSegment.status).toBe(404);
    expect(unknownSegment.headers['request-id']).toBe((json(unknownSegment).error.innerError as Json)['request-id']);
    const ok = await h.graph('GET', 'me/calendar');
    expect(ok.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.headers['client-request-id']).toBe(ok.headers['request-id']);
  });
});

describe('JSON batching (concepts/json-batching.md)', () => {
  it('treats request ids without regard to case: a repeat is a 400, dependsOn finds its request', async () => {
    const dup = await h.graph('POST', '$batch', {
      body: {
        requests: [
          { id: 'q', method: 'GET', url: '/me/calendar' },
          { id: 'Q', method: 'GET', url: '/me/calendars' },
        ],
      },
    });
    expect(dup.status).toBe(400);
    expect(json(dup).error.code).toBe('BadRequest');
    const chained = await h.graph('POST', '$batch', {
      body: {
        requests: [
          { id: 'first', method: 'GET', url: 'me/calendar' },
          { id: 'second', dependsOn: ['FIRST'], method: 'GET', url: '/me/mailboxSettings/timeZone' },
        ],
      },
    });
    expect(chained.status).toBe(200);
    expect((json(chained).responses as Json[]).map((r) => [r.id, r.status])).toEqual([
      ['first', 200],
      ['second', 200],
    ]);
  });
});

describe('OData annotations (api/user-list-calendars.md)', () => {
  it('gives each of the user’s calendars in a list its @odata.id', async () => {
    const res = await h.graph('GET', 'me/calendars');
    const own = (json(res).value as Json[]).filter((c) => c.owner?.address === h.me.mail);
    expect(own.length).toBeGreaterThan(0);
    for (const c of own) expect(c['@odata.id']).toMatch(new RegExp(`/calendars\\('${c.id as string}'\\)$`));
  });
});

describe('our own documented examples (emulator/conformance/examples/graph)', () => {
  it('replays every example with the conformance runner', async () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), 'examples', 'graph');
    const results = await runConformance(dir);
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(r.outcome, `${r.id}: ${r.detail ?? ''}`).toBe('pass');
  }, 120_000);
});
