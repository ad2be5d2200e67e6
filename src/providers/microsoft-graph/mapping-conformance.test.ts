// Maps every response example of the shared Graph conformance corpus that holds events, calendars, schedules, meeting
// times, places, working hours, subscriptions or recurrence fragments, and checks each kept field against the source.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { findIana } from 'windows-iana';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import { corpusAvailable, GRAPH_CASES as CASES } from '../../../emulator/conformance/corpus.js';
import {
  graphCalendarToInfo,
  graphEventToCalendarEvent,
  graphMeetingTimesToDomain,
  graphRoomListToRef,
  graphRoomToInfo,
  graphScheduleToAvailability,
  graphSubscriptionToInfo,
  graphWorkingHoursToDomain,
  mapDeltaPage,
} from './mapping.js';
import { normalizePatternedRecurrence, patternedRecurrenceToRRule, rruleToPatternedRecurrence } from './recurrence.js';

interface Case {
  id: string;
  kind: string;
  response: { status: number | null; body: unknown } | null;
  data?: unknown;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const cases: Case[] = corpusAvailable(
  'graph-conformance',
  'Graph mapping over the conformance corpus (src/providers/microsoft-graph/mapping-conformance.test.ts)',
)
  ? readdirSync(CASES)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(CASES, f), 'utf8')) as Case)
  : [];

/** Independent oracle: a Graph wall time in a Windows or IANA zone → instant, straight through windows-iana + luxon. */
function expectedInstant(dt: { dateTime: string; timeZone: string }): string {
  const zone = dt.timeZone === 'UTC' ? 'UTC' : (findIana(dt.timeZone)[0] ?? dt.timeZone);
  return DateTime.fromISO(dt.dateTime, { zone }).toUTC().toISO() as string;
}

type Kind =
  'event' | 'removed' | 'calendar' | 'schedule' | 'suggestions' | 'room' | 'roomList' | 'workingHours' | 'subscription';

/** Classifies an object from a response body; null for things this layer does not map (permissions, messages, …). */
function classify(o: Obj, context: string): Kind | null {
  if ('@removed' in o) return 'removed';
  if (typeof o.id === 'string' && isObj(o.start) && isObj(o.end) && typeof (o.start as Obj).dateTime === 'string')
    return 'event';
  if ('scheduleId' in o) return 'schedule';
  if ('meetingTimeSuggestions' in o) return 'suggestions';
  if (typeof o.notificationUrl === 'string' && typeof o.id === 'string' && typeof o.expirationDateTime === 'string')
    return 'subscription';
  if ('workingHours' in o && isObj(o.workingHours)) return 'workingHours';
  if (Array.isArray(o.daysOfWeek) && 'startTime' in o && 'timeZone' in o) return 'workingHours';
  const type = String(o['@odata.type'] ?? '');
  if (type.endsWith('roomList') || (context.includes('microsoft.graph.roomList') && !context.includes('/rooms')))
    return 'roomList';
  if (type.endsWith('.room') || context.includes('microsoft.graph.room') || context.includes('roomList/rooms'))
    return 'room';
  if (typeof o.name === 'string' && typeof o.id === 'string' && ('canEdit' in o || 'owner' in o)) return 'calendar';
  return null;
}

interface Found {
  caseId: string;
  kind: Kind;
  obj: Obj;
}

function collect(): Found[] {
  const found: Found[] = [];
  for (const c of cases) {
    const body = c.response?.body;
    if (c.kind === 'resource-representation' || !isObj(body)) continue;
    const context = String(body['@odata.context'] ?? '');
    const top = Array.isArray(body.value) ? null : classify(body, context);
    if (top !== null) found.push({ caseId: c.id, kind: top, obj: body });
    if (Array.isArray(body.value)) {
      for (const item of body.value) {
        if (!isObj(item)) continue;
        const kind = classify(item, context);
        if (kind !== null) found.push({ caseId: c.id, kind, obj: item });
      }
    }
  }
  return found;
}

const found = collect();
const of = (kind: Kind) => found.filter((f) => f.kind === kind).map((f) => [f.caseId, f.obj] as const);
const suite = cases.length > 0 ? describe : describe.skip;

suite('conformance corpus: what is found', () => {
  it('finds every family this layer maps', () => {
    const counts = Object.fromEntries(
      (
        [
          'event',
          'removed',
          'calendar',
          'schedule',
          'suggestions',
          'room',
          'roomList',
          'workingHours',
          'subscription',
        ] as const
      ).map((k) => [k, of(k).length]),
    );
    for (const [kind, n] of Object.entries(counts)) expect(n, kind).toBeGreaterThan(0);
    expect(counts.event).toBeGreaterThanOrEqual(20);
  });
});

suite('conformance corpus: events', () => {
  it.each(of('event'))('%s: event keeps its fields', (_id, raw) => {
    const ev = raw as MicrosoftGraph.Event;
    const mapped = graphEventToCalendarEvent(ev);
    expect(mapped.id).toBe(ev.id);
    expect(mapped.subject).toBe(ev.subject ?? '');
    if (ev.isAllDay !== true) {
      expect(mapped.start).toBe(expectedInstant(ev.start as { dateTime: string; timeZone: string }));
      expect(mapped.end).toBe(expectedInstant(ev.end as { dateTime: string; timeZone: string }));
    }
    expect(Date.parse(mapped.end)).toBeGreaterThanOrEqual(Date.parse(mapped.start));
    if (ev.body)
      expect(mapped.body).toEqual({ contentType: ev.body.contentType?.toLowerCase(), content: ev.body.content });
    const attendees = (ev.attendees ?? []).map((a) => ({
      email: a.emailAddress?.address?.toLowerCase(),
      type: a.type,
      response: a.status?.response === 'tentativelyAccepted' ? 'tentative' : (a.status?.response ?? 'none'),
    }));
    expect(mapped.attendees.map((a) => ({ email: a.email, type: a.type, response: a.response }))).toEqual(attendees);
    expect(mapped.organizer?.email ?? null).toBe(ev.organizer?.emailAddress?.address?.toLowerCase() ?? null);
    expect(mapped.onlineMeeting?.joinUrl ?? null).toBe(ev.onlineMeeting?.joinUrl ?? null);
    if (ev.onlineMeeting?.joinUrl && ev.onlineMeetingProvider === 'teamsForBusiness')
      expect(mapped.onlineMeeting?.provider).toBe('teamsForBusiness');
    expect(mapped.location?.displayName ?? '').toBe(ev.location?.displayName ?? '');
    if (ev.changeKey) expect(mapped.changeKey).toBe(ev.changeKey);
    else if (typeof raw['@odata.etag'] === 'string') expect(`W/"${mapped.changeKey}"`).toBe(raw['@odata.etag']);
    if (ev.iCalUId) expect(mapped.iCalUId).toBe(ev.iCalUId);
    if (ev.categories) expect(mapped.categories).toEqual(ev.categories);
    if (ev.showAs) expect(mapped.showAs).toBe(ev.showAs);
    if (ev.sensitivity) expect(mapped.sensitivity).toBe(ev.sensitivity);
    if (ev.type) expect(mapped.type).toBe(ev.type);
    expect(mapped.seriesMasterId).toBe(ev.seriesMasterId ?? null);
    expect(mapped.isCancelled).toBe(ev.isCancelled === true);
    if (ev.originalStartTimeZone === 'Pacific Standard Time') expect(mapped.timeZone).toBe('America/Los_Angeles');
    if (ev.reminderMinutesBeforeStart !== undefined && ev.isReminderOn !== false)
      expect(mapped.reminderMinutes).toBe(ev.reminderMinutesBeforeStart);
    if (ev.createdDateTime) expect(mapped.createdAt).toBe(new Date(ev.createdDateTime).toISOString());
  });
});

suite('conformance corpus: delta pages', () => {
  const pages = cases.filter(
    (c) => isObj(c.response?.body) && Array.isArray((c.response?.body as Obj).value) && /delta/.test(c.id),
  );
  it.each(pages.map((c) => [c.id, c.response?.body as Obj] as const))(
    '%s: @removed → removed, events → upserts, links kept',
    (_id, body) => {
      const items = (body.value as Obj[]).filter((i) => '@removed' in i || typeof i.id === 'string');
      const page = mapDeltaPage({ ...body, value: items } as never);
      expect(page.changes.map((ch) => (ch.kind === 'removed' ? ch.eventId : ch.event.id))).toEqual(
        items.map((i) => i.id),
      );
      expect(page.changes.map((ch) => ch.kind)).toEqual(items.map((i) => ('@removed' in i ? 'removed' : 'upsert')));
      expect(page.nextLink).toBe(body['@odata.nextLink'] ?? null);
      expect(page.deltaLink).toBe(body['@odata.deltaLink'] ?? null);
    },
  );
});

suite('conformance corpus: calendars', () => {
  it.each(of('calendar'))('%s: calendar keeps its fields', (_id, raw) => {
    const cal = raw as MicrosoftGraph.Calendar;
    const info = graphCalendarToInfo(cal, { mailboxEmail: 'someone-else@contoso.com' });
    expect(info).toMatchObject({
      id: cal.id,
      name: cal.name,
      canEdit: cal.canEdit === true,
      isDefault: cal.isDefaultCalendar === true,
    });
    expect(info.ownerEmail).toBe(cal.owner?.address?.toLowerCase() ?? null);
    expect(info.isShared).toBe(cal.owner?.address !== undefined);
    const providers = {
      teamsForBusiness: 'teamsForBusiness',
      skypeForBusiness: 'skypeForBusiness',
      skypeForConsumer: 'other',
    } as const;
    expect(info.allowedOnlineMeetingProviders).toEqual(
      (cal.allowedOnlineMeetingProviders ?? []).filter((p) => p !== 'unknown').map((p) => providers[p]),
    );
    expect(graphCalendarToInfo(cal, { mailboxEmail: cal.owner?.address ?? null }).isShared).toBe(false);
  });
});

suite('conformance corpus: getSchedule', () => {
  it.each(of('schedule'))('%s: schedule of %#', (_id, raw) => {
    const si = raw as MicrosoftGraph.ScheduleInformation;
    const a = graphScheduleToAvailability(si);
    if (a.status !== 'ok') throw new Error('expected an ok schedule');
    expect(a.email).toBe(si.scheduleId?.toLowerCase());
    expect(a.availabilityView).toBe(si.availabilityView);
    const busy = (si.scheduleItems ?? []).filter((i) => i.status !== 'free' && i.status !== 'unknown');
    expect(a.items).toEqual(
      busy.map((i) => ({
        start: expectedInstant(i.start as { dateTime: string; timeZone: string }),
        end: expectedInstant(i.end as { dateTime: string; timeZone: string }),
        status: i.status,
      })),
    );
    expect(a.workingHours?.daysOfWeek).toEqual(si.workingHours?.daysOfWeek);
    expect(a.workingHours?.startTime).toBe(si.workingHours?.startTime?.slice(0, 8));
    expect(a.workingHours?.endTime).toBe(si.workingHours?.endTime?.slice(0, 8));
    // Both schedules of the sample are in US Pacific time: one by name, one as a customTimeZone with the same rules.
    expect(a.workingHours?.timeZone).toBe('America/Los_Angeles');
  });
});

suite('conformance corpus: findMeetingTimes', () => {
  it.each(of('suggestions'))('%s: suggestions keep times, order and availability', (_id, raw) => {
    const result = raw as MicrosoftGraph.MeetingTimeSuggestionsResult;
    const mapped = graphMeetingTimesToDomain(result);
    const source = [...(result.meetingTimeSuggestions ?? [])].sort((x, y) => (x.order ?? 0) - (y.order ?? 0));
    expect(mapped.suggestions.map((s) => [s.start, s.end, s.confidence, s.organizerAvailability])).toEqual(
      source.map((s) => [
        expectedInstant(s.meetingTimeSlot?.start as { dateTime: string; timeZone: string }),
        expectedInstant(s.meetingTimeSlot?.end as { dateTime: string; timeZone: string }),
        s.confidence,
        s.organizerAvailability,
      ]),
    );
    for (const [i, s] of mapped.suggestions.entries()) {
      expect(s.attendeeAvailability).toEqual(
        (source[i]?.attendeeAvailability ?? []).map((a) => ({
          email: a.attendee?.emailAddress?.address?.toLowerCase(),
          availability: a.availability,
        })),
      );
      expect(s.suggestionReason).toBe(source[i]?.suggestionReason);
    }
    const reason = result.emptySuggestionsReason ?? '';
    expect(mapped.emptySuggestionsReason.toLowerCase()).toBe(source.length > 0 ? '' : reason.toLowerCase());
  });
});

suite('conformance corpus: places', () => {
  it.each(of('room'))('%s: room keeps email, name, capacity, building, floor', (_id, raw) => {
    const room = raw as MicrosoftGraph.Room;
    expect(graphRoomToInfo(room, { roomList: 'Building2Rooms@contoso.com' })).toEqual({
      email: room.emailAddress?.toLowerCase(),
      name: room.displayName,
      capacity: room.capacity ?? null,
      building: room.building ?? null,
      floor: room.floorLabel ?? (typeof room.floorNumber === 'number' ? String(room.floorNumber) : null),
      roomList: 'building2rooms@contoso.com',
    });
  });
  it.each(of('roomList'))('%s: room list keeps its address and name', (_id, raw) => {
    const list = raw as MicrosoftGraph.RoomList;
    expect(graphRoomListToRef(list)).toEqual({ email: list.emailAddress?.toLowerCase(), name: list.displayName });
  });
});

suite('conformance corpus: working hours', () => {
  it.each(of('workingHours'))('%s: working hours keep days, times and zone', (_id, raw) => {
    const wh = (isObj(raw.workingHours) ? raw.workingHours : raw) as MicrosoftGraph.WorkingHours;
    const zones: boolean[] = [];
    const mapped = graphWorkingHoursToDomain(wh, { onZone: (r) => zones.push(r.exact) });
    expect(mapped.daysOfWeek).toEqual(wh.daysOfWeek?.map((d) => d.toLowerCase()));
    expect(mapped.startTime).toBe(wh.startTime?.slice(0, 8));
    expect(mapped.endTime).toBe(wh.endTime?.slice(0, 8));
    const tz = wh.timeZone as MicrosoftGraph.CustomTimeZone;
    if (tz.name === 'Pacific Standard Time') expect([mapped.timeZone, zones]).toEqual(['America/Los_Angeles', [true]]);
    // The samples' custom zone (+03:20, daylight +05:00) follows no real zone: the documented fallback, flagged.
    else expect([mapped.timeZone, zones]).toEqual(['UTC', [false]]);
  });
});

suite('conformance corpus: subscriptions', () => {
  it.each(of('subscription'))('%s: subscription keeps id and expiry', (_id, raw) => {
    const sub = raw as MicrosoftGraph.Subscription;
    expect(graphSubscriptionToInfo(sub)).toEqual({
      id: sub.id,
      expiresAt: new Date(sub.expirationDateTime as string).toISOString(),
    });
  });
});

/** Expected RRULEs for the recurrence fragments of the recurring-events concept page (range-only ones use a daily pattern). */
const FRAGMENT_RRULES: Record<string, string> = {
  'concept-outlook-schedule-recurring-events-1': 'FREQ=DAILY;INTERVAL=1',
  'concept-outlook-schedule-recurring-events-2': 'FREQ=DAILY;INTERVAL=3',
  'concept-outlook-schedule-recurring-events-3': 'FREQ=WEEKLY;INTERVAL=1;BYDAY=TH;WKST=SU',
  'concept-outlook-schedule-recurring-events-4': 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU;WKST=SU',
  'concept-outlook-schedule-recurring-events-6': 'FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=7',
  'concept-outlook-schedule-recurring-events-7': 'FREQ=MONTHLY;INTERVAL=1;BYDAY=WE;BYSETPOS=2',
  'concept-outlook-schedule-recurring-events-8': 'FREQ=MONTHLY;INTERVAL=1;BYDAY=TH,FR;BYSETPOS=1',
  'concept-outlook-schedule-recurring-events-9': 'FREQ=YEARLY;INTERVAL=1;BYMONTH=4;BYMONTHDAY=15',
  'concept-outlook-schedule-recurring-events-11': 'FREQ=DAILY;INTERVAL=1;COUNT=10',
  'concept-outlook-schedule-recurring-events-13': 'FREQ=DAILY;INTERVAL=1',
  'concept-outlook-schedule-recurring-events-14': 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;WKST=SU;UNTIL=20171231',
};

suite('conformance corpus: recurrence fragments', () => {
  const fragments = cases.filter((c) => c.kind === 'json-fragment');
  it('has an expected RRULE for every fragment', () => {
    expect(fragments.map((c) => c.id).sort()).toEqual(Object.keys(FRAGMENT_RRULES).sort());
  });
  it.each(fragments.map((c) => [c.id, c.data as Obj] as const))('%s → RRULE and back', (id, data) => {
    const rec = (data.recurrence ?? data) as MicrosoftGraph.PatternedRecurrence;
    const pattern = rec.pattern ?? { type: 'daily', interval: 1 };
    const range = rec.range ?? { type: 'noEnd', startDate: '2017-04-02' };
    const rrule = patternedRecurrenceToRRule({ pattern, range });
    expect(rrule).toBe(FRAGMENT_RRULES[id]);
    const back = rruleToPatternedRecurrence(rrule, {
      startLocal: `${range.startDate}T09:00:00`,
      timeZone: 'America/Los_Angeles',
    });
    expect(back).toEqual(
      normalizePatternedRecurrence({ pattern, range: { ...range, recurrenceTimeZone: 'Pacific Standard Time' } }),
    );
  });
});
