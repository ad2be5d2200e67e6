// ZoneClock must agree with luxon everywhere: offsets, local → UTC (including DST gaps and repeats).
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { ZoneClock } from './zone.js';

const ZONES = [
  'America/New_York',
  'America/Los_Angeles',
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/Santiago',
  'UTC',
];
const YEAR_START = Date.parse('2026-01-01T00:00:00Z');
const YEAR = 365 * 24 * 3_600_000;

/**
 * The instant of a wall-clock time (`local`: its fields read as UTC) as luxon gives it, or, for a wall time that happens
 * twice (the hour after a DST end), the earlier of the two, which is what ZoneClock takes (as Temporal's 'compatible'
 * does). Luxon itself picks one of the two from a guess made with the zone's offset today, so its answer for those
 * times changes with the date the test runs on.
 */
function luxonEarliest(zone: string, local: number): number {
  const d = new Date(local);
  const t = DateTime.fromObject(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
    },
    { zone },
  ).toMillis();
  const wanted = d.toISOString().slice(0, 16);
  const wall = (x: number) => DateTime.fromMillis(x, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");
  for (const earlier of [t - 3_600_000, t - 1_800_000]) if (wall(earlier) === wanted) return earlier;
  return t;
}

describe('ZoneClock', () => {
  it('gives luxon’s offset at any instant of the period', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: 0, max: YEAR }), (zone, dt) => {
        const clock = new ZoneClock(zone, YEAR_START, YEAR_START + YEAR);
        const t = YEAR_START + dt;
        expect(clock.offsetAt(t)).toBe(DateTime.fromMillis(t, { zone }).offset);
      }),
      { numRuns: 300 },
    );
  });

  it('converts wall-clock times to the instant luxon gives, including skipped and repeated hours', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: 0, max: YEAR / 60_000 }), (zone, minutes) => {
        const clock = ZoneClock.for(zone, YEAR_START, YEAR_START + YEAR);
        const local = YEAR_START + minutes * 60_000;
        expect(clock.fromLocal(local)).toBe(luxonEarliest(zone, local));
      }),
      { numRuns: 500 },
    );
  });

  it('takes the earlier instant of a repeated wall time in every zone, whatever the date today', () => {
    // Berlin's 02:00–02:59 on 25 October 2026 happens twice (CEST, then CET); so does Lord Howe's half hour
    const berlin = ZoneClock.for('Europe/Berlin', YEAR_START, YEAR_START + YEAR);
    expect(new Date(berlin.fromLocal(Date.parse('2026-10-25T02:00:00Z'))).toISOString()).toBe(
      '2026-10-25T00:00:00.000Z',
    );
    expect(new Date(berlin.fromLocal(Date.parse('2026-10-25T02:59:00Z'))).toISOString()).toBe(
      '2026-10-25T00:59:00.000Z',
    );
    expect(new Date(berlin.fromLocal(Date.parse('2026-10-25T03:00:00Z'))).toISOString()).toBe(
      '2026-10-25T02:00:00.000Z',
    );
    const howe = ZoneClock.for('Australia/Lord_Howe', YEAR_START, YEAR_START + YEAR);
    // 5 April 2026, 01:30–01:59 happens at +11:00 and again at +10:30
    expect(new Date(howe.fromLocal(Date.parse('2026-04-05T01:45:00Z'))).toISOString()).toBe('2026-04-04T14:45:00.000Z');
  });

  it('handles the New York DST nights explicitly', () => {
    const clock = new ZoneClock('America/New_York', YEAR_START, YEAR_START + YEAR);
    // 02:30 on 8 March does not exist: it moves to 03:30 EDT.
    expect(new Date(clock.fromLocal(Date.parse('2026-03-08T02:30:00Z'))).toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    // 01:30 on 1 November happens twice: the first (EDT) is taken.
    expect(new Date(clock.fromLocal(Date.parse('2026-11-01T01:30:00Z'))).toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    expect(clock.offsetAt(Date.parse('2026-11-01T06:00:00Z'))).toBe(-300);
  });

  it('rejects unknown zones with bad_request', () => {
    expect(() => new ZoneClock('Not/AZone', 0, 1)).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });
});
