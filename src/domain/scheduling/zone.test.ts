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
        const d = new Date(local);
        const expected = DateTime.fromObject(
          {
            year: d.getUTCFullYear(),
            month: d.getUTCMonth() + 1,
            day: d.getUTCDate(),
            hour: d.getUTCHours(),
            minute: d.getUTCMinutes(),
          },
          { zone },
        ).toMillis();
        expect(clock.fromLocal(local)).toBe(expected);
      }),
      { numRuns: 500 },
    );
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
