// Unit tests for the suggestion engine: hand-built scenarios for each Graph rule it follows.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { BusyItem, WorkingHours } from '../calendar.js';
import { alignedStarts, suggestMeetingTimes } from './suggest.js';
import type { FreeBusyResult, MeetingTimeConstraint, ScheduleAvailability } from './types.js';

const weekdays: WorkingHours['daysOfWeek'] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];
const hours = (timeZone: string, startTime = '09:00:00', endTime = '17:00:00'): WorkingHours => ({
  daysOfWeek: weekdays,
  startTime,
  endTime,
  timeZone,
});
const NY = hours('America/New_York');
const ok = (email: string, workingHours: WorkingHours | null, items: BusyItem[] = []): ScheduleAvailability => ({
  email,
  status: 'ok',
  items,
  workingHours,
  availabilityView: '',
});
const block = (start: string, end: string, status: BusyItem['status'] = 'busy'): BusyItem => ({ start, end, status });
const external = (email: string): ScheduleAvailability => ({
  email,
  status: 'unknown',
  reason: 'external',
  message: '',
});
const freeBusy = (window: MeetingTimeConstraint['window'], schedules: ScheduleAvailability[]): FreeBusyResult => ({
  range: window,
  intervalMinutes: 30,
  schedules,
});
const ORG = 'org@contoso.example';
/** Tuesday 10 March 2026, 09:00–17:00 in New York (EDT, UTC-4). */
const TUESDAY = { start: '2026-03-10T13:00:00.000Z', end: '2026-03-10T21:00:00.000Z' };
const local = (iso: string, zone: string): string => DateTime.fromISO(iso, { zone }).toFormat('ccc HH:mm');

describe('suggestMeetingTimes: availability', () => {
  it('avoids a required attendee’s busy block and orders equal confidence chronologically', () => {
    const c: MeetingTimeConstraint = {
      attendees: [{ email: 'ann@contoso.example', type: 'required' }],
      window: TUESDAY,
      durationMinutes: 60,
      timeZone: 'America/New_York',
    };
    const fb = freeBusy(TUESDAY, [
      ok(ORG, NY),
      ok('ann@contoso.example', NY, [block('2026-03-10T13:00:00Z', '2026-03-10T16:00:00Z')]),
    ]);
    const r = suggestMeetingTimes(c, fb, { email: ORG, workingHours: NY });
    expect(r.emptySuggestionsReason).toBe('');
    expect(r.suggestions).toHaveLength(5); // default maxCandidates
    expect(r.suggestions.map((s) => local(s.start, 'America/New_York'))).toEqual([
      'Tue 12:00',
      'Tue 12:30',
      'Tue 13:00',
      'Tue 13:30',
      'Tue 14:00',
    ]);
    expect(r.suggestions[0]).toMatchObject({
      end: '2026-03-10T17:00:00.000Z',
      confidence: 100,
      organizerAvailability: 'free',
      attendeeAvailability: [{ email: 'ann@contoso.example', availability: 'free' }],
      rooms: [],
      suggestionReason: 'All attendees are available.',
    });
  });

  it('counts an unknown external attendee as 49 % and reports attendeesUnavailableOrUnknown below the bar', () => {
    const c: MeetingTimeConstraint = {
      attendees: [
        { email: 'ann@contoso.example', type: 'required' },
        { email: 'john@acmecorp.com', type: 'required' },
      ],
      window: TUESDAY,
      durationMinutes: 30,
      timeZone: 'America/New_York',
    };
    const schedules = [ok(ORG, NY), ok('ann@contoso.example', NY), external('john@acmecorp.com')];
    const r = suggestMeetingTimes(c, freeBusy(TUESDAY, schedules), { email: ORG, workingHours: NY });
    expect(r.suggestions[0]!.confidence).toBe(74.5);
    expect(r.suggestions[0]!.attendeeAvailability[1]).toEqual({ email: 'john@acmecorp.com', availability: 'unknown' });
    expect(r.suggestions[0]!.suggestionReason).toContain('john@acmecorp.com unknown');

    const strict = suggestMeetingTimes({ ...c, minimumAttendeePercentage: 80 }, freeBusy(TUESDAY, schedules), {
      email: ORG,
      workingHours: NY,
    });
    expect(strict).toEqual({ suggestions: [], emptySuggestionsReason: 'attendeesUnavailableOrUnknown' });
  });

  it('treats an attendee missing from the free/busy answer as unknown (fail closed)', () => {
    const c: MeetingTimeConstraint = {
      attendees: [{ email: 'ghost@contoso.example', type: 'required' }],
      window: TUESDAY,
      durationMinutes: 30,
    };
    const r = suggestMeetingTimes(c, freeBusy(TUESDAY, [ok(ORG, NY)]), { email: ORG, workingHours: NY });
    expect(r).toEqual({ suggestions: [], emptySuggestionsReason: 'attendeesUnavailableOrUnknown' });
  });

  it('ranks slots where an optional attendee is busy after the fully free ones', () => {
    const c: MeetingTimeConstraint = {
      attendees: [
        { email: 'ann@contoso.example', type: 'required' },
        { email: 'opt@contoso.example', type: 'optional' },
      ],
      window: { start: '2026-03-10T13:00:00Z', end: '2026-03-10T15:00:00Z' },
      durationMinutes: 30,
      maxCandidates: 10,
    };
    const fb = freeBusy(c.window, [
      ok(ORG, NY),
      ok('ann@contoso.example', NY),
      ok('opt@contoso.example', NY, [block('2026-03-10T13:00:00Z', '2026-03-10T14:00:00Z')]),
    ]);
    const r = suggestMeetingTimes(c, fb, { email: ORG, workingHours: NY });
    expect(r.suggestions.map((s) => [s.start.slice(11, 16), s.confidence])).toEqual([
      ['14:00', 100],
      ['14:30', 100],
      ['13:00', 50],
      ['13:30', 50],
    ]);
    expect(r.suggestions[2]!.suggestionReason).toBe(
      'All required attendees are available: opt@contoso.example busy (optional).',
    );
  });

  it('orders equal confidence chronologically, whoever is missing', () => {
    const c: MeetingTimeConstraint = {
      attendees: [
        { email: 'req@contoso.example', type: 'required' },
        { email: 'opt@contoso.example', type: 'optional' },
      ],
      window: { start: '2026-03-10T13:00:00Z', end: '2026-03-10T14:00:00Z' },
      durationMinutes: 30,
    };
    const fb = freeBusy(c.window, [
      ok(ORG, NY),
      ok('req@contoso.example', NY, [block('2026-03-10T13:00:00Z', '2026-03-10T13:30:00Z')]),
      ok('opt@contoso.example', NY, [block('2026-03-10T13:30:00Z', '2026-03-10T14:00:00Z')]),
    ]);
    const r = suggestMeetingTimes(c, fb, { email: ORG, workingHours: NY });
    // Both slots have confidence 50 (one of two attendees busy), so the earlier one comes first.
    expect(r.suggestions.map((s) => [s.start.slice(11, 16), s.confidence])).toEqual([
      ['13:00', 50],
      ['13:30', 50],
    ]);
    expect(r.suggestions[0]!.suggestionReason).toBe(
      'Some required attendees may not attend: req@contoso.example busy.',
    );
  });

  it('applies minimumAttendeePercentage as an inclusive lower bound', () => {
    const people = ['a', 'b', 'c', 'd'].map((n) => `${n}@contoso.example`);
    const c: MeetingTimeConstraint = {
      attendees: people.map((email) => ({ email, type: 'required' as const })),
      window: { start: '2026-03-10T13:00:00Z', end: '2026-03-10T13:30:00Z' },
      durationMinutes: 30,
    };
    const fb = freeBusy(c.window, [
      ok(ORG, NY),
      ...people.map((p, i) => ok(p, NY, i === 0 ? [block(c.window.start, c.window.end)] : [])),
    ]);
    const org = { email: ORG, workingHours: NY };
    expect(suggestMeetingTimes({ ...c, minimumAttendeePercentage: 75 }, fb, org).suggestions[0]?.confidence).toBe(75);
    expect(suggestMeetingTimes({ ...c, minimumAttendeePercentage: 80 }, fb, org)).toEqual({
      suggestions: [],
      emptySuggestionsReason: 'attendeesUnavailable',
    });
  });

  it('reproduces the documented example: free, unknown and busy attendees give 49.66', () => {
    const window = { start: '2026-03-10T13:00:00Z', end: '2026-03-10T13:30:00Z' };
    const c: MeetingTimeConstraint = {
      attendees: ['dana', 'john', 'samantha'].map((n) => ({
        email: `${n}@contoso.example`,
        type: 'required' as const,
      })),
      window,
      durationMinutes: 30,
      minimumAttendeePercentage: 0,
    };
    const fb = freeBusy(window, [
      ok(ORG, NY),
      ok('dana@contoso.example', NY),
      external('john@contoso.example'),
      ok('samantha@contoso.example', NY, [block(window.start, window.end)]),
    ]);
    const r = suggestMeetingTimes(c, fb, { email: ORG, workingHours: NY });
    expect(r.suggestions.map((s) => s.confidence)).toEqual([49.66]);
    expect(suggestMeetingTimes({ ...c, minimumAttendeePercentage: 80 }, fb, { email: ORG, workingHours: NY })).toEqual({
      suggestions: [],
      emptySuggestionsReason: 'attendeesUnavailableOrUnknown',
    });
  });

  it('counts a tentative attendee as 50 %', () => {
    const c: MeetingTimeConstraint = {
      attendees: [{ email: 'ann@contoso.example', type: 'required' }],
      window: { start: '2026-03-10T13:00:00Z', end: '2026-03-10T13:30:00Z' },
      durationMinutes: 30,
    };
    const fb = freeBusy(c.window, [
      ok(ORG, NY),
      ok('ann@contoso.example', NY, [block(c.window.start, c.window.end, 'tentative')]),
    ]);
    const r = suggestMeetingTimes(c, fb, { email: ORG, workingHours: NY });
    expect(r.suggestions.map((s) => s.confidence)).toEqual([50]);
  });
});

describe('suggestMeetingTimes: organizer', () => {
  const c: MeetingTimeConstraint = {
    attendees: [{ email: 'ann@contoso.example', type: 'required' }],
    window: TUESDAY,
    durationMinutes: 60,
  };
  const fb = freeBusy(TUESDAY, [ok(ORG, NY, [block(TUESDAY.start, TUESDAY.end)]), ok('ann@contoso.example', NY)]);

  it('reports organizerUnavailable when the organizer is busy all window', () => {
    expect(suggestMeetingTimes(c, fb, { email: ORG, workingHours: NY })).toEqual({
      suggestions: [],
      emptySuggestionsReason: 'organizerUnavailable',
    });
  });

  it('suggests anyway when the organizer is optional, showing them busy', () => {
    const r = suggestMeetingTimes({ ...c, isOrganizerOptional: true }, fb, { email: ORG, workingHours: NY });
    expect(r.suggestions).toHaveLength(5);
    expect(r.suggestions.every((s) => s.organizerAvailability === 'busy' && s.confidence === 100)).toBe(true);
  });

  it('accepts a tentative organizer, without ranking it lower', () => {
    const window = { start: '2026-03-10T13:00:00Z', end: '2026-03-10T14:00:00Z' };
    const r = suggestMeetingTimes(
      { ...c, window, durationMinutes: 30 },
      freeBusy(window, [
        ok(ORG, NY, [block('2026-03-10T13:00:00Z', '2026-03-10T13:30:00Z', 'tentative')]),
        ok('ann@contoso.example', NY),
      ]),
      { email: ORG, workingHours: NY },
    );
    expect(r.suggestions.map((s) => [s.start.slice(11, 16), s.organizerAvailability, s.confidence])).toEqual([
      ['13:00', 'tentative', 100],
      ['13:30', 'free', 100],
    ]);
  });

  it('looks at the organizer alone when there are no attendees, ignoring them in the attendee list', () => {
    const r = suggestMeetingTimes(
      { attendees: [{ email: ORG.toUpperCase(), type: 'required' }], window: TUESDAY, durationMinutes: 30 },
      freeBusy(TUESDAY, [ok(ORG, NY, [block('2026-03-10T13:00:00Z', '2026-03-10T20:00:00Z')])]),
      { email: ORG, workingHours: NY },
    );
    expect(r.suggestions.map((s) => [s.start, s.attendeeAvailability.length, s.confidence])).toEqual([
      ['2026-03-10T20:00:00.000Z', 0, 100],
      ['2026-03-10T20:30:00.000Z', 0, 100],
    ]);
  });
});

describe('suggestMeetingTimes: time zones and working hours', () => {
  it('keeps work suggestions in 09:00–17:00 New York time across the DST weekend', () => {
    const window = { start: '2026-03-06T00:00:00Z', end: '2026-03-10T00:00:00Z' };
    const r = suggestMeetingTimes(
      { attendees: [], window, durationMinutes: 480, maxCandidates: 50 },
      freeBusy(window, [ok(ORG, NY)]),
      { email: ORG, workingHours: NY },
    );
    // Only the full working days fit an 8-hour meeting: Friday (EST) and Monday (EDT).
    expect(r.suggestions.map((s) => s.start)).toEqual(['2026-03-06T14:00:00.000Z', '2026-03-09T13:00:00.000Z']);
  });

  it('finds only the overlap of Berlin and Los Angeles working hours', () => {
    const berlin = hours('Europe/Berlin', '09:00:00', '19:00:00'); // 07:00–17:00Z in June
    const la = hours('America/Los_Angeles', '07:00:00', '16:00:00'); // 14:00–23:00Z in June
    const window = { start: '2026-06-10T00:00:00Z', end: '2026-06-11T00:00:00Z' };
    const r = suggestMeetingTimes(
      {
        attendees: [{ email: 'la@contoso.example', type: 'required' }],
        window,
        durationMinutes: 30,
        maxCandidates: 40,
        timeZone: 'Europe/Berlin',
      },
      freeBusy(window, [ok(ORG, berlin), ok('la@contoso.example', la)]),
      { email: ORG, workingHours: berlin },
    );
    expect(r.suggestions.map((s) => s.start.slice(11, 16))).toEqual([
      '14:00',
      '14:30',
      '15:00',
      '15:30',
      '16:00',
      '16:30',
    ]);
    expect(r.suggestions.map((s) => local(s.start, 'America/Los_Angeles'))[0]).toBe('Wed 07:00');
  });

  it('enforces an optional attendee’s working hours too', () => {
    const berlin = hours('Europe/Berlin', '09:00:00', '19:00:00'); // 07:00–17:00Z in June
    const la = hours('America/Los_Angeles', '07:00:00', '16:00:00'); // 14:00–23:00Z in June
    const window = { start: '2026-06-10T00:00:00Z', end: '2026-06-11T00:00:00Z' };
    const r = suggestMeetingTimes(
      {
        attendees: [{ email: 'la@contoso.example', type: 'optional' }],
        window,
        durationMinutes: 60,
        maxCandidates: 40,
      },
      freeBusy(window, [ok(ORG, berlin), ok('la@contoso.example', la)]),
      { email: ORG, workingHours: berlin },
    );
    expect(r.suggestions.map((s) => s.start.slice(11, 16))).toEqual(['14:00', '14:30', '15:00', '15:30', '16:00']);
  });

  it('reports attendeesUnavailable when required attendees never work during the organizer’s hours', () => {
    const berlin = hours('Europe/Berlin'); // 07:00–15:00Z in June
    const tokyo = hours('Asia/Tokyo', '01:00:00', '05:00:00'); // 16:00–20:00Z the day before
    const window = { start: '2026-06-10T00:00:00Z', end: '2026-06-11T00:00:00Z' };
    const r = suggestMeetingTimes(
      { attendees: [{ email: 'tk@contoso.example', type: 'required' }], window, durationMinutes: 30 },
      freeBusy(window, [ok(ORG, berlin), ok('tk@contoso.example', tokyo)]),
      { email: ORG, workingHours: berlin },
    );
    expect(r).toEqual({ suggestions: [], emptySuggestionsReason: 'attendeesUnavailable' });
  });

  it('uses weekends for personal and any hour for unrestricted', () => {
    const saturday = { start: '2026-03-14T00:00:00Z', end: '2026-03-15T00:00:00Z' };
    const base = { attendees: [], window: saturday, durationMinutes: 60, maxCandidates: 100 };
    const fb = freeBusy(saturday, [ok(ORG, NY)]);
    const org = { email: ORG, workingHours: NY };
    expect(suggestMeetingTimes(base, fb, org)).toEqual({
      suggestions: [],
      emptySuggestionsReason: 'organizerUnavailable',
    });
    const personal = suggestMeetingTimes({ ...base, activityDomain: 'personal' }, fb, org).suggestions;
    expect(personal[0]!.start).toBe('2026-03-14T13:00:00.000Z');
    expect(personal).toHaveLength(15); // 09:00 … 16:00 local in half hours
    const anyTime = suggestMeetingTimes({ ...base, activityDomain: 'unrestricted' }, fb, org).suggestions;
    expect(anyTime[0]!.start).toBe('2026-03-14T00:00:00.000Z');
    expect(anyTime).toHaveLength(47);
  });

  it('uses Monday–Friday 08:00–17:00 in the constraint zone when the organizer has no working hours', () => {
    const window = { start: '2026-03-10T00:00:00Z', end: '2026-03-11T00:00:00Z' };
    const r = suggestMeetingTimes(
      { attendees: [], window, durationMinutes: 60, maxCandidates: 100, timeZone: 'America/New_York' },
      freeBusy(window, [ok(ORG, null)]),
      { email: ORG, workingHours: null },
    );
    expect(r.suggestions[0]!.start).toBe('2026-03-10T12:00:00.000Z');
    expect(r.suggestions.at(-1)!.end).toBe('2026-03-10T21:00:00.000Z');
  });

  it('aligns candidate starts to half hours of the organizer’s wall clock, also in UTC+05:45', () => {
    const starts = alignedStarts(
      Date.parse('2026-03-10T00:05:00Z'),
      Date.parse('2026-03-10T02:00:00Z'),
      1_800_000,
      'Asia/Kathmandu',
    );
    expect(starts.map((t) => local(new Date(t).toISOString(), 'Asia/Kathmandu'))).toEqual([
      'Tue 06:00',
      'Tue 06:30',
      'Tue 07:00',
    ]);
  });
});

describe('suggestMeetingTimes: rooms, limits and bad input', () => {
  const window = { start: '2026-03-10T13:00:00Z', end: '2026-03-10T17:00:00Z' };
  const c: MeetingTimeConstraint = {
    attendees: [{ email: 'ann@contoso.example', type: 'required' }],
    rooms: ['room1@contoso.example', 'room2@contoso.example', 'room3@contoso.example'],
    window,
    durationMinutes: 60,
    maxCandidates: 20,
  };
  const people = [ok(ORG, NY), ok('ann@contoso.example', NY)];
  const org = { email: ORG, workingHours: NY };

  it('needs one free room and lists the free ones; unknown rooms never count', () => {
    const fb = freeBusy(window, [
      ...people,
      ok('room1@contoso.example', null, [block(window.start, window.end)]),
      ok('room2@contoso.example', null, [block('2026-03-10T13:00:00Z', '2026-03-10T15:00:00Z', 'tentative')]),
      external('room3@contoso.example'),
    ]);
    const r = suggestMeetingTimes(c, fb, org);
    expect(r.suggestions.map((s) => [s.start.slice(11, 16), s.rooms])).toEqual([
      ['15:00', ['room2@contoso.example']],
      ['15:30', ['room2@contoso.example']],
      ['16:00', ['room2@contoso.example']],
    ]);
  });

  it('reports locationsUnavailable when no room is ever free', () => {
    const fb = freeBusy(window, [...people, ok('room1@contoso.example', null, [block(window.start, window.end)])]);
    expect(suggestMeetingTimes({ ...c, rooms: ['room1@contoso.example'] }, fb, org)).toEqual({
      suggestions: [],
      emptySuggestionsReason: 'locationsUnavailable',
    });
  });

  it('returns at most maxCandidates suggestions', () => {
    const fb = freeBusy(window, people);
    const noRooms = { ...c, rooms: [] };
    expect(suggestMeetingTimes({ ...noRooms, maxCandidates: 3 }, fb, org).suggestions).toHaveLength(3);
    expect(suggestMeetingTimes({ ...noRooms, maxCandidates: 100 }, fb, org).suggestions).toHaveLength(7);
  });

  it('reports unknown when the window is shorter than the meeting', () => {
    const r = suggestMeetingTimes({ ...c, durationMinutes: 300 }, freeBusy(window, people), org);
    expect(r).toEqual({ suggestions: [], emptySuggestionsReason: 'unknown' });
  });

  it.each([
    ['zero duration', { durationMinutes: 0 }],
    ['fractional duration', { durationMinutes: 12.5 }],
    ['zero candidates', { maxCandidates: 0 }],
    ['percentage above 100', { minimumAttendeePercentage: 101 }],
    ['unknown zone', { timeZone: 'Atlantis/Capital' }],
    ['inverted window', { window: { start: window.end, end: window.start } }],
    ['window over 62 days', { window: { start: '2026-01-01T00:00:00Z', end: '2026-03-05T00:00:00Z' } }],
  ])('rejects %s with bad_request', (_name, change) => {
    expect(() => suggestMeetingTimes({ ...c, ...change }, freeBusy(window, people), org)).toThrow(
      expect.objectContaining({ code: 'bad_request' }),
    );
  });
});
