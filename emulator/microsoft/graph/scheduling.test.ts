// Unit tests of the pure scheduling maths: availability view (against the getSchedule example), work hours, suggestions.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { corpusAvailable, graphCase, NO_CORPUS } from '../../conformance/corpus.js';
import {
  availabilityView,
  parseDurationMs,
  suggestMeetingTimes,
  workingWindows,
  type BusyItem,
  type FreeBusyStatus,
  type SuggestInput,
  type WorkingHoursSpec,
} from './scheduling.js';
import { localToUtcMs } from './time.js';

// The tests that compare with the shared corpus skip without it (saying so once, failing under CI).
const hasCorpus = corpusAvailable(
  'graph-conformance',
  'availability views of the getSchedule example (emulator/microsoft/graph/scheduling.test.ts, 1 test)',
);
const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);

interface Dtz {
  dateTime: string;
  timeZone: string;
}

describe('availabilityView', () => {
  it('reproduces the availability views of the getSchedule conformance example from its schedule items', ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    const c = graphCase<{
      request: { body: { startTime: Dtz; endTime: Dtz; availabilityViewInterval: number } };
      response: {
        body: {
          value: Array<{
            availabilityView: string;
            scheduleItems: Array<{ status: FreeBusyStatus; start: Dtz; end: Dtz }>;
          }>;
        };
      };
    }>('calendar-getschedule-1');
    const req = c.request.body;
    const ms = (d: Dtz) => localToUtcMs(d.dateTime, d.timeZone);
    expect(c.response.body.value.length).toBeGreaterThan(1);
    for (const info of c.response.body.value) {
      const items: BusyItem[] = info.scheduleItems.map((i) => ({
        startMs: ms(i.start),
        endMs: ms(i.end),
        status: i.status,
      }));
      expect(availabilityView(items, ms(req.startTime), ms(req.endTime), req.availabilityViewInterval)).toBe(
        info.availabilityView,
      );
    }
  });

  it('uses the busiest status per interval and a partial last interval', () => {
    const items: BusyItem[] = [
      { startMs: at('2026-01-05T10:00:00Z'), endMs: at('2026-01-05T10:10:00Z'), status: 'workingElsewhere' },
      { startMs: at('2026-01-05T10:05:00Z'), endMs: at('2026-01-05T10:20:00Z'), status: 'tentative' },
      { startMs: at('2026-01-05T10:40:00Z'), endMs: at('2026-01-05T11:00:00Z'), status: 'oof' },
      { startMs: at('2026-01-05T10:45:00Z'), endMs: at('2026-01-05T10:50:00Z'), status: 'busy' },
    ];
    const view = availabilityView(items, at('2026-01-05T10:00:00Z'), at('2026-01-05T11:05:00Z'), 15);
    expect(view).toBe('11330');
    expect(availabilityView(items, at('2026-01-05T10:00:00Z'), at('2026-01-05T10:30:00Z'), 5)).toBe('411100');
  });
});

describe('workingWindows', () => {
  it('keeps 09:00–17:00 local in New York across the March DST change', () => {
    const wh: WorkingHoursSpec = {
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      startTime: '09:00:00.0000000',
      endTime: '17:00:00.0000000',
      zone: 'America/New_York',
    };
    const w = workingWindows(wh, at('2026-03-01T00:00:00Z'), at('2026-03-15T00:00:00Z'));
    expect(w).toHaveLength(10);
    for (const x of w) {
      expect(x.endMs - x.startMs).toBe(8 * H);
      expect(DateTime.fromMillis(x.startMs, { zone: 'America/New_York' }).toFormat('HH:mm')).toBe('09:00');
    }
    expect(new Set(w.map((x) => new Date(x.startMs).getUTCHours()))).toEqual(new Set([14, 13]));
  });

  it('clips to the range and handles overnight hours', () => {
    const wh: WorkingHoursSpec = { daysOfWeek: ['saturday'], startTime: '22:00:00', endTime: '02:00:00', zone: 'UTC' };
    const w = workingWindows(wh, at('2026-01-03T23:00:00Z'), at('2026-01-04T12:00:00Z'));
    expect(w).toEqual([{ startMs: at('2026-01-03T23:00:00Z'), endMs: at('2026-01-04T02:00:00Z') }]);
  });
});

describe('parseDurationMs', () => {
  it('parses Graph durations and rejects junk', () => {
    expect(parseDurationMs('PT1H')).toBe(H);
    expect(parseDurationMs('PT2H30M')).toBe(2.5 * H);
    expect(parseDurationMs('P1D')).toBe(24 * H);
    for (const bad of ['1H', 'PT', 'P', 'PT0M', 'PTXH', '']) expect(parseDurationMs(bad)).toBeNull();
  });
});

const UTC_WORK: WorkingHoursSpec = {
  daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
  startTime: '08:00:00.0000000',
  endTime: '17:00:00.0000000',
  zone: 'UTC',
};

function input(over: Partial<SuggestInput>): SuggestInput {
  return {
    organizer: { busy: [], workingHours: UTC_WORK },
    attendees: [],
    timeSlots: [{ startMs: at('2026-01-05T08:00:00Z'), endMs: at('2026-01-05T17:00:00Z') }],
    activityDomain: 'work',
    durationMs: H,
    maxCandidates: 100,
    minimumAttendeePercentage: 50,
    isOrganizerOptional: false,
    locations: [],
    locationRequired: false,
    suggestLocation: false,
    roomPool: [],
    nowMs: 0,
    ...over,
  };
}

const busy = (s: string, e: string, status: FreeBusyStatus = 'busy'): BusyItem => ({
  startMs: at(s),
  endMs: at(e),
  status,
});

describe('suggestMeetingTimes', () => {
  it('computes confidence like Graph documents (free 100, unknown 49, busy 0; averaged, two decimals)', () => {
    const r = suggestMeetingTimes(
      input({
        minimumAttendeePercentage: 0,
        attendees: [
          { address: 'dana@x', type: 'required', busy: [], workingHours: null },
          { address: 'john@ext', type: 'required', busy: null, workingHours: null },
          {
            address: 'sam@x',
            type: 'required',
            busy: [busy('2026-01-05T08:00:00Z', '2026-01-05T17:00:00Z')],
            workingHours: null,
          },
        ],
      }),
    );
    expect(r.suggestions.length).toBeGreaterThan(0);
    expect(r.suggestions[0]!.confidence).toBe(49.66);
    expect(r.suggestions[0]!.attendeeAvailability.map((a) => a.availability)).toEqual(['free', 'unknown', 'busy']);
  });

  it('orders by confidence, then time; aligns to 30 minutes; respects maxCandidates', () => {
    const attendee = {
      address: 'a@x',
      type: 'required' as const,
      busy: [busy('2026-01-05T08:00:00Z', '2026-01-05T12:00:00Z', 'tentative')],
      workingHours: null,
    };
    const r = suggestMeetingTimes(
      input({
        attendees: [attendee],
        maxCandidates: 6,
        timeSlots: [{ startMs: at('2026-01-05T08:10:00Z'), endMs: at('2026-01-05T17:00:00Z') }],
      }),
    );
    expect(r.suggestions).toHaveLength(6);
    const conf = r.suggestions.map((s) => s.confidence);
    expect(conf).toEqual([...conf].sort((a, b) => b - a));
    expect(conf[0]).toBe(100);
    expect(new Date(r.suggestions[0]!.startMs).toISOString()).toBe('2026-01-05T12:00:00.000Z');
    for (let i = 1; i < r.suggestions.length; i++) {
      if (conf[i] === conf[i - 1]) expect(r.suggestions[i]!.startMs).toBeGreaterThan(r.suggestions[i - 1]!.startMs);
    }
    for (const s of r.suggestions) expect(s.startMs % (30 * 60_000)).toBe(0);
    const tentative = suggestMeetingTimes(
      input({ attendees: [attendee], minimumAttendeePercentage: 50 }),
    ).suggestions.find((s) => s.startMs === at('2026-01-05T09:00:00Z'));
    expect(tentative?.confidence).toBe(50);
  });

  it('explains empty results', () => {
    const allDay = [busy('2026-01-05T00:00:00Z', '2026-01-06T00:00:00Z')];
    expect(
      suggestMeetingTimes(input({ organizer: { busy: allDay, workingHours: UTC_WORK } })).emptySuggestionsReason,
    ).toBe('OrganizerUnavailable');
    const known = { address: 'a@x', type: 'required' as const, busy: allDay, workingHours: null };
    expect(suggestMeetingTimes(input({ attendees: [known] })).emptySuggestionsReason).toBe('AttendeesUnavailable');
    const unknown = { address: 'b@ext', type: 'required' as const, busy: null, workingHours: null };
    const r = suggestMeetingTimes(input({ attendees: [unknown], minimumAttendeePercentage: 50 }));
    expect(r).toEqual({ emptySuggestionsReason: 'AttendeesUnavailableOrUnknown', suggestions: [] });
    const room = { displayName: 'Hood', locationEmailAddress: 'hood@x', busy: allDay };
    expect(suggestMeetingTimes(input({ locations: [room], locationRequired: true })).emptySuggestionsReason).toBe(
      'LocationsUnavailable',
    );
    const open = suggestMeetingTimes(input({ locations: [room], locationRequired: false }));
    expect(open.suggestions[0]!.locations).toEqual([]);
    expect(
      suggestMeetingTimes(input({ isOrganizerOptional: true, organizer: { busy: allDay, workingHours: UTC_WORK } }))
        .suggestions[0]!.organizerAvailability,
    ).toBe('busy');
  });

  it('stays within the work hours of organizer and attendees unless unrestricted', () => {
    const tokyo: WorkingHoursSpec = { ...UTC_WORK, zone: 'Asia/Tokyo' };
    const a = { address: 'a@x', type: 'required' as const, busy: [], workingHours: tokyo };
    const day = [{ startMs: at('2026-01-05T00:00:00Z'), endMs: at('2026-01-06T00:00:00Z') }];
    // 08:00–17:00 Tokyo = 23:00–08:00 UTC; the UTC organizer works 08:00–17:00: no overlap on a Monday.
    expect(suggestMeetingTimes(input({ attendees: [a], timeSlots: day })).suggestions).toEqual([]);
    const un = suggestMeetingTimes(input({ attendees: [a], timeSlots: day, activityDomain: 'unrestricted' }));
    expect(un.suggestions.length).toBeGreaterThan(0);
    const sat = [{ startMs: at('2026-01-10T00:00:00Z'), endMs: at('2026-01-11T00:00:00Z') }];
    expect(suggestMeetingTimes(input({ timeSlots: sat })).suggestions).toEqual([]);
    expect(
      suggestMeetingTimes(input({ timeSlots: sat, activityDomain: 'personal' })).suggestions.length,
    ).toBeGreaterThan(0);
  });

  it('finds exactly the aligned slots where everyone is free (property, brute-force oracle)', () => {
    const base = at('2026-01-05T08:00:00Z');
    const item = fc.record({
      s: fc.integer({ min: 0, max: 54 }),
      len: fc.integer({ min: 1, max: 12 }),
      st: fc.constantFrom<FreeBusyStatus>('busy', 'tentative', 'oof', 'free'),
    });
    const toItems = (xs: Array<{ s: number; len: number; st: FreeBusyStatus }>) =>
      xs.map((x) => ({ startMs: base + x.s * 10 * 60_000, endMs: base + (x.s + x.len) * 10 * 60_000, status: x.st }));
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 5 }),
        fc.array(fc.array(item, { maxLength: 4 }), { maxLength: 3 }),
        fc.constantFrom(30, 60, 90),
        (org, atts, minutes) => {
          const organizer = toItems(org);
          const attendees = atts.map((x, i) => ({
            address: `a${i}@x`,
            type: 'required' as const,
            busy: toItems(x),
            workingHours: null,
          }));
          const r = suggestMeetingTimes(
            input({
              organizer: { busy: organizer, workingHours: UTC_WORK },
              attendees,
              durationMs: minutes * 60_000,
              minimumAttendeePercentage: 100,
            }),
          );
          const blocks = (items: BusyItem[], s: number, e: number, kinds: FreeBusyStatus[]) =>
            items.some((i) => kinds.includes(i.status) && i.startMs < e && i.endMs > s);
          const expected: number[] = [];
          for (let s = base; s + minutes * 60_000 <= base + 9 * H; s += 30 * 60_000) {
            const e = s + minutes * 60_000;
            if (blocks(organizer, s, e, ['busy', 'oof'])) continue;
            if (attendees.some((a) => blocks(a.busy, s, e, ['busy', 'oof', 'tentative']))) continue;
            expected.push(s);
          }
          expect(r.suggestions.map((x) => x.startMs)).toEqual(expected);
          expect(r.emptySuggestionsReason === '').toBe(expected.length > 0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
