// Recurrence expansion keeps local wall time across DST and honours COUNT, UNTIL and EXDATE.
import { describe, expect, it } from 'vitest';
import { expandRecurrence } from './recurrence.js';

const window = { start: '2026-01-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' };

describe('expandRecurrence', () => {
  it('keeps 09:00 New York time across the March DST change', () => {
    const occ = expandRecurrence(
      {
        rrule: 'FREQ=WEEKLY;BYDAY=TH;COUNT=3',
        timeZone: 'America/New_York',
        startLocal: '2026-03-05T09:00:00',
        exDates: [],
      },
      30,
      window,
    );
    expect(occ.map((o) => o.start)).toEqual([
      '2026-03-05T14:00:00.000Z',
      '2026-03-12T13:00:00.000Z',
      '2026-03-19T13:00:00.000Z',
    ]);
    expect(occ[1]!.end).toBe('2026-03-12T13:30:00.000Z');
  });

  it('applies UNTIL inclusively as a local date and removes EXDATEs', () => {
    const occ = expandRecurrence(
      {
        rrule: 'FREQ=DAILY;UNTIL=20261025',
        timeZone: 'Europe/Berlin',
        startLocal: '2026-10-22T10:00:00',
        exDates: ['2026-10-23T10:00:00'],
      },
      60,
      window,
    );
    expect(occ.map((o) => o.originalStartLocal)).toEqual([
      '2026-10-22T10:00:00',
      '2026-10-24T10:00:00',
      '2026-10-25T10:00:00',
    ]);
    // 25 October 2026 is after the end of CEST: 10:00 local is 09:00Z, the days before 08:00Z.
    expect(occ.map((o) => o.start.slice(11, 16))).toEqual(['08:00', '08:00', '09:00']);
  });

  it('returns only occurrences overlapping the window', () => {
    const occ = expandRecurrence(
      { rrule: 'FREQ=MONTHLY;BYDAY=-1FR', timeZone: 'UTC', startLocal: '2026-01-30T15:00:00', exDates: [] },
      60,
      { start: '2026-05-01T00:00:00.000Z', end: '2026-07-01T00:00:00.000Z' },
    );
    expect(occ.map((o) => o.start.slice(0, 10))).toEqual(['2026-05-29', '2026-06-26']);
  });
});
