// Unit tests for free/busy maths: merging, working hours across DST, status severity, grid and completeness.
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { WorkingHours } from '../calendar.js';
import { isAppError } from '../errors.js';
import {
  availabilityGridJson,
  availabilityViewOf,
  buildAvailabilityGrid,
  indexSchedule,
  isCovered,
  mergeIntervals,
  statusDuring,
  summarizeCompleteness,
  toInstant,
  toMs,
  workingHoursWindows,
} from './freebusy.js';
import type { ScheduleAvailability } from './types.js';

const iso = (ms: number): string => toInstant(ms);
const weekdays: WorkingHours['daysOfWeek'] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];
const nineToFive = (timeZone: string): WorkingHours => ({
  daysOfWeek: weekdays,
  startTime: '09:00:00',
  endTime: '17:00:00',
  timeZone,
});

describe('mergeIntervals', () => {
  it('merges overlapping and touching intervals, sorts, and drops empty ones', () => {
    const merged = mergeIntervals([
      { start: 50, end: 60 },
      { start: 10, end: 20 },
      { start: 15, end: 30 },
      { start: 30, end: 35 },
      { start: 40, end: 40 },
    ]);
    expect(merged).toEqual([
      { start: 10, end: 35 },
      { start: 50, end: 60 },
    ]);
  });

  it('does not mutate its input', () => {
    const input = [
      { start: 0, end: 10 },
      { start: 5, end: 20 },
    ];
    mergeIntervals(input);
    expect(input[0]).toEqual({ start: 0, end: 10 });
  });
});

describe('workingHoursWindows', () => {
  it('keeps 09:00–17:00 local in New York on both sides of the March DST change', () => {
    const w = workingHoursWindows(nineToFive('America/New_York'), {
      start: '2026-03-06T00:00:00Z',
      end: '2026-03-10T00:00:00Z',
    });
    // Friday 6 March is EST (UTC-5); Monday 9 March is EDT (UTC-4). The weekend has no hours.
    expect(w.map((i) => [iso(i.start), iso(i.end)])).toEqual([
      ['2026-03-06T14:00:00.000Z', '2026-03-06T22:00:00.000Z'],
      ['2026-03-09T13:00:00.000Z', '2026-03-09T21:00:00.000Z'],
    ]);
  });

  it('makes the DST Sunday 23 hours long when every day and every hour count', () => {
    const allDay: WorkingHours = {
      daysOfWeek: [],
      startTime: '00:00:00',
      endTime: '00:00:00',
      timeZone: 'America/New_York',
    };
    const w = workingHoursWindows(
      allDay,
      { start: '2026-03-08T05:00:00Z', end: '2026-03-09T04:00:00Z' },
      { allDays: true },
    );
    expect(w).toHaveLength(1);
    expect((w[0]!.end - w[0]!.start) / 3_600_000).toBe(23);
  });

  it('handles shifts that run past midnight', () => {
    const night: WorkingHours = { daysOfWeek: ['monday'], startTime: '22:00:00', endTime: '06:00:00', timeZone: 'UTC' };
    const w = workingHoursWindows(night, { start: '2026-05-04T00:00:00Z', end: '2026-05-06T00:00:00Z' });
    expect(w.map((i) => [iso(i.start), iso(i.end)])).toEqual([
      ['2026-05-04T22:00:00.000Z', '2026-05-05T06:00:00.000Z'],
    ]);
  });

  it('adds weekends for the personal domain', () => {
    const range = { start: '2026-05-09T00:00:00Z', end: '2026-05-11T00:00:00Z' }; // Saturday and Sunday
    expect(workingHoursWindows(nineToFive('Europe/Berlin'), range)).toEqual([]);
    expect(workingHoursWindows(nineToFive('Europe/Berlin'), range, { allDays: true })).toHaveLength(2);
  });

  it('rejects an unknown zone with bad_request', () => {
    expect(() =>
      workingHoursWindows(nineToFive('Mars/Olympus'), { start: '2026-05-04T00:00:00Z', end: '2026-05-05T00:00:00Z' }),
    ).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });
});

describe('statusDuring', () => {
  const schedule: ScheduleAvailability = {
    email: 'Ann@Contoso.example',
    status: 'ok',
    workingHours: null,
    availabilityView: '',
    items: [
      { start: '2026-05-04T09:00:00Z', end: '2026-05-04T10:00:00Z', status: 'tentative' },
      { start: '2026-05-04T09:30:00Z', end: '2026-05-04T10:30:00Z', status: 'busy' },
      { start: '2026-05-04T12:00:00Z', end: '2026-05-04T13:00:00Z', status: 'workingElsewhere' },
      { start: '2026-05-04T12:30:00Z', end: '2026-05-04T18:00:00Z', status: 'oof' },
    ],
  };
  const idx = indexSchedule(schedule);
  const at = (a: string, b: string): string => statusDuring(idx, toMs(a), toMs(b));

  it('returns the most severe overlapping status', () => {
    expect(idx.email).toBe('ann@contoso.example');
    expect(at('2026-05-04T09:00:00Z', '2026-05-04T09:30:00Z')).toBe('tentative');
    expect(at('2026-05-04T09:00:00Z', '2026-05-04T10:00:00Z')).toBe('busy');
    expect(at('2026-05-04T12:00:00Z', '2026-05-04T12:30:00Z')).toBe('workingElsewhere');
    expect(at('2026-05-04T12:00:00Z', '2026-05-04T13:00:00Z')).toBe('oof');
    expect(at('2026-05-04T10:30:00Z', '2026-05-04T12:00:00Z')).toBe('free');
  });

  it('treats an unreadable schedule as unknown, never free', () => {
    const unknown = indexSchedule({ email: 'x@ext.example', status: 'unknown', reason: 'external', message: '' });
    expect(statusDuring(unknown, 0, 1)).toBe('unknown');
  });

  it('falls back to the availabilityView when a provider sent no items', () => {
    const viewOnly: ScheduleAvailability = {
      email: 'v@contoso.example',
      status: 'ok',
      items: [],
      workingHours: null,
      availabilityView: '0230',
    };
    const v = indexSchedule(viewOnly, { start: toMs('2026-05-04T09:00:00Z'), intervalMinutes: 30 });
    expect(statusDuring(v, toMs('2026-05-04T09:00:00Z'), toMs('2026-05-04T09:30:00Z'))).toBe('free');
    expect(statusDuring(v, toMs('2026-05-04T09:30:00Z'), toMs('2026-05-04T10:00:00Z'))).toBe('busy');
    expect(statusDuring(v, toMs('2026-05-04T10:00:00Z'), toMs('2026-05-04T10:30:00Z'))).toBe('oof');
  });

  it('round-trips through availabilityViewOf', () => {
    const view = availabilityViewOf(
      schedule.status === 'ok' ? schedule.items : [],
      {
        start: '2026-05-04T09:00:00Z',
        end: '2026-05-04T13:30:00Z',
      },
      30,
    );
    expect(view).toBe('122000433');
  });
});

describe('buildAvailabilityGrid', () => {
  const ok = (email: string, items: Array<[string, string, 'busy' | 'tentative']>): ScheduleAvailability => ({
    email,
    status: 'ok',
    workingHours: nineToFive('America/New_York'),
    availabilityView: '',
    items: items.map(([start, end, status]) => ({ start, end, status })),
  });
  const schedules: ScheduleAvailability[] = [
    ok('ann@acmecorp.com', [['2026-03-09T14:00:00Z', '2026-03-09T15:00:00Z', 'busy']]),
    ok('bob@acmecorp.com', [['2026-03-09T13:30:00Z', '2026-03-09T14:00:00Z', 'tentative']]),
    ok('room1@acmecorp.com', []),
    { email: 'john@acmecorp.com', status: 'unknown', reason: 'external', message: 'Outside the organisation.' },
  ];

  it('builds slots × schedules with statuses, working-hours flags and local labels', () => {
    const grid = buildAvailabilityGrid({
      range: { start: '2026-03-09T12:00:00Z', end: '2026-03-09T16:00:00Z' },
      slotMinutes: 60,
      timeZone: 'America/New_York',
      schedules,
    });
    expect(grid.slots.map((s) => s.local)).toEqual([
      '2026-03-09T08:00',
      '2026-03-09T09:00',
      '2026-03-09T10:00',
      '2026-03-09T11:00',
    ]);
    expect(grid.rows.map((r) => r.cells.map((c) => c.status))).toEqual([
      ['free', 'free', 'busy', 'free'],
      ['free', 'tentative', 'free', 'free'],
      ['free', 'free', 'free', 'free'],
      ['unknown', 'unknown', 'unknown', 'unknown'],
    ]);
    expect(grid.rows[0]!.cells.map((c) => c.inWorkingHours)).toEqual([false, true, true, true]);
    expect(grid.rows[3]!.cells[0]!.inWorkingHours).toBeNull();
    expect(grid.completeness.text).toBe('3 of 4 calendars current; john@acmecorp.com unknown (external)');
  });

  it('has 46 half-hour slots on the 23-hour DST day in New York', () => {
    const grid = buildAvailabilityGrid({
      range: { start: '2026-03-08T05:00:00Z', end: '2026-03-09T04:00:00Z' },
      slotMinutes: 30,
      timeZone: 'America/New_York',
      schedules: [],
    });
    expect(grid.slots).toHaveLength(46);
    expect(grid.slots[4]!.local).toBe('2026-03-08T03:00'); // 02:00–02:59 does not exist that day
    expect(grid.completeness).toMatchObject({ total: 0, current: 0, text: '0 of 0 calendars current' });
  });

  it('writes slot bounds as toISOString does and labels in the zone, odd starts and a cut last slot included', () => {
    for (const [start, end, slotMinutes, timeZone] of [
      ['2026-03-27T22:07:00Z', '2026-03-30T01:00:00Z', 45, 'Europe/Berlin'],
      ['2026-12-31T23:00:30.250Z', '2027-01-01T02:00:00Z', 20, 'Asia/Kolkata'],
    ] as const) {
      const grid = buildAvailabilityGrid({ range: { start, end }, slotMinutes, timeZone, schedules: [] });
      const t0 = Date.parse(start);
      const t1 = Date.parse(end);
      const expected = [];
      for (let t = t0; t < t1; t += slotMinutes * 60_000)
        expected.push({
          start: new Date(t).toISOString(),
          end: new Date(Math.min(t + slotMinutes * 60_000, t1)).toISOString(),
          local: DateTime.fromMillis(t, { zone: timeZone }).toFormat("yyyy-MM-dd'T'HH:mm"),
        });
      expect(grid.slots).toEqual(expected);
    }
  });

  it('gives every cell the status and working-hours flag of statusDuring and isCovered, and JSON.stringify text', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const statuses = ['busy', 'tentative', 'oof', 'workingElsewhere'] as const;
    for (let round = 0; round < 40; round++) {
      const start = Date.parse('2026-03-06T00:00:00Z') + rnd(48) * 15 * 60_000 + rnd(2) * 7_000;
      const end = start + (1 + rnd(5 * 24 * 4)) * 15 * 60_000 + rnd(2) * 60_000;
      const slotMinutes = [5, 15, 30, 45, 60, 1440][rnd(6)]!;
      const person = (i: number): ScheduleAvailability =>
        rnd(6) === 0
          ? { email: `p${i}@x.example`, status: 'unknown', reason: 'external', message: 'Outside.' }
          : {
              email: `P${i}@x.example`,
              status: 'ok',
              availabilityView: '',
              workingHours: rnd(4) === 0 ? null : nineToFive(['America/New_York', 'Europe/Berlin', 'UTC'][rnd(3)]!),
              items: Array.from({ length: rnd(12) }, () => {
                const s = start - 86_400_000 + rnd(7 * 24 * 12) * 5 * 60_000 + rnd(3) * 20_000;
                return {
                  start: toInstant(s),
                  end: toInstant(s + (1 + rnd(36)) * 5 * 60_000),
                  status: statuses[rnd(4)]!,
                };
              }),
            };
      const schedules = Array.from({ length: 1 + rnd(4) }, (_, i) => person(i));
      const range = { start: toInstant(start), end: toInstant(end) };
      const grid = buildAvailabilityGrid({ range, slotMinutes, timeZone: 'Europe/Berlin', schedules });
      schedules.forEach((s, r) => {
        const idx = indexSchedule(s);
        const hours = idx.workingHours ? workingHoursWindows(idx.workingHours, range) : null;
        const expected = grid.slots.map((slot) => {
          const [a, b] = [Date.parse(slot.start), Date.parse(slot.end)];
          return { status: statusDuring(idx, a, b), inWorkingHours: hours ? isCovered(hours, a, b) : null };
        });
        expect(grid.rows[r]!.cells, `round ${round}, row ${r}`).toEqual(expected);
      });
      expect(availabilityGridJson(grid)).toBe(JSON.stringify(grid));
    }
  });

  it('rejects bad slot sizes and inverted ranges with bad_request', () => {
    const range = { start: '2026-03-09T12:00:00Z', end: '2026-03-09T16:00:00Z' };
    const bad = [
      () => buildAvailabilityGrid({ range, slotMinutes: 0, timeZone: 'UTC', schedules }),
      () => buildAvailabilityGrid({ range, slotMinutes: 1, timeZone: 'UTC', schedules: [] }),
      () =>
        buildAvailabilityGrid({
          range: { start: range.end, end: range.start },
          slotMinutes: 30,
          timeZone: 'UTC',
          schedules,
        }),
      () => buildAvailabilityGrid({ range, slotMinutes: 30, timeZone: 'Nowhere/City', schedules }),
    ];
    expect(() => bad[0]!()).toThrow(expect.objectContaining({ code: 'bad_request' }));
    expect(bad[1]!).not.toThrow();
    for (const f of [bad[2]!, bad[3]!]) {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(isAppError(e, 'bad_request')).toBe(true);
      }
    }
  });
});

describe('summarizeCompleteness', () => {
  it('lists every unknown schedule with its reason', () => {
    const s = summarizeCompleteness([
      { email: 'A@x.example', status: 'unknown', reason: 'not_found', message: '' },
      { email: 'b@y.example', status: 'unknown', reason: 'throttled', message: '' },
      { email: 'c@x.example', status: 'ok', items: [], workingHours: null, availabilityView: '' },
    ]);
    expect(s).toEqual({
      total: 3,
      current: 1,
      unknown: [
        { email: 'a@x.example', reason: 'not_found' },
        { email: 'b@y.example', reason: 'throttled' },
      ],
      text: '1 of 3 calendars current; a@x.example unknown (not_found), b@y.example unknown (throttled)',
    });
  });
});
