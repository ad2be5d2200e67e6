import { describe, expect, it } from 'vitest';
import { isAppError } from './errors.js';
import { expandRecurrence } from './recurrence.js';
import { describeRecurrence, recurrenceFromSpec, specOfRecurrence, type RecurrenceSpec } from './recurrence-spec.js';

// Tuesday 10 March 2026, 09:00 in Berlin (08:00 UTC).
const series = { start: '2026-03-10T08:00:00.000Z', timeZone: 'Europe/Berlin' };

function reason(spec: RecurrenceSpec, s = series): unknown {
  try {
    recurrenceFromSpec(spec, s);
  } catch (e) {
    if (isAppError(e, 'invalid_recurrence')) return e.details?.reason;
    throw e;
  }
  return null;
}

describe('recurrenceFromSpec', () => {
  it('writes a weekly rule on the chosen days in the series zone, from its local start', () => {
    const r = recurrenceFromSpec({ frequency: 'weekly', daysOfWeek: ['thursday', 'tuesday'], count: 6 }, series);
    expect(r).toEqual({
      rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH;WKST=MO;COUNT=6',
      timeZone: 'Europe/Berlin',
      startLocal: '2026-03-10T09:00:00',
      exDates: [],
    });
  });

  it('"every Tuesday for 6 weeks" stays at 09:00 Berlin across the DST change', () => {
    const r = recurrenceFromSpec({ frequency: 'weekly', count: 6 }, series);
    const occ = expandRecurrence(r, 30, { start: '2026-03-01T00:00:00Z', end: '2026-05-01T00:00:00Z' });
    expect(occ.map((o) => o.start)).toEqual([
      '2026-03-10T08:00:00.000Z',
      '2026-03-17T08:00:00.000Z',
      '2026-03-24T08:00:00.000Z',
      '2026-03-31T07:00:00.000Z',
      '2026-04-07T07:00:00.000Z',
      '2026-04-14T07:00:00.000Z',
    ]);
  });

  it('writes daily and monthly rules with an end date', () => {
    expect(recurrenceFromSpec({ frequency: 'daily', interval: 2, until: '2026-03-20' }, series).rrule).toBe(
      'FREQ=DAILY;INTERVAL=2;UNTIL=20260320',
    );
    expect(recurrenceFromSpec({ frequency: 'monthly', until: '2026-12-31' }, series).rrule).toBe(
      'FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=10;UNTIL=20261231',
    );
  });

  it('refuses rules the providers would read differently, each with its reason', () => {
    expect(reason({ frequency: 'weekly', daysOfWeek: ['monday'] })).toBe('start_not_in_pattern');
    expect(reason({ frequency: 'monthly', dayOfMonth: 11 })).toBe('start_not_in_pattern');
    expect(reason({ frequency: 'daily', until: '2026-03-01' })).toBe('end_before_start');
    expect(reason({ frequency: 'daily', until: '2026-03-20', count: 3 })).toBe('end_date_and_count');
    expect(reason({ frequency: 'daily', count: 0 })).toBe('bad_count');
    expect(reason({ frequency: 'daily', count: 731 })).toBe('bad_count');
    expect(reason({ frequency: 'daily', interval: 100 })).toBe('bad_interval');
    expect(reason({ frequency: 'daily', daysOfWeek: ['tuesday'] })).toBe('field_not_for_frequency');
    expect(reason({ frequency: 'daily', until: '2026-02-30' })).toBe('bad_end_date');
    expect(reason({ frequency: 'daily', until: '2040-01-01' })).toBe('too_long');
    expect(reason({ frequency: 'daily' }, { start: series.start, timeZone: 'Mars/Olympus' })).toBe('bad_start');
  });

  it('reads its own rules back, and a UTC UNTIL as the local date of the series zone', () => {
    const spec: RecurrenceSpec = {
      frequency: 'weekly',
      interval: 2,
      daysOfWeek: ['tuesday', 'friday'],
      until: '2026-06-30',
    };
    expect(specOfRecurrence(recurrenceFromSpec(spec, series))).toEqual(spec);
    expect(
      specOfRecurrence({
        rrule: 'FREQ=DAILY;UNTIL=20260701T065959Z',
        timeZone: 'America/Los_Angeles',
        startLocal: '2026-03-10T09:00:00',
        exDates: [],
      })?.until,
    ).toBe('2026-06-30');
    expect(
      specOfRecurrence({
        rrule: 'FREQ=MONTHLY;BYDAY=2WE',
        timeZone: 'UTC',
        startLocal: '2026-01-14T09:00:00',
        exDates: [],
      }),
    ).toBeNull();
  });
});

describe('describeRecurrence', () => {
  it('says a series in words, taking the weekday or day of the month from the start when the spec leaves it out', () => {
    expect(describeRecurrence({ frequency: 'weekly', count: 6 }, series)).toBe('Every Tuesday, 6 times');
    expect(describeRecurrence({ frequency: 'daily', count: 10 }, series)).toBe('Every day, 10 times');
    expect(describeRecurrence({ frequency: 'daily', interval: 2, count: 1 }, series)).toBe('Every 2 days, once');
    expect(
      describeRecurrence({ frequency: 'weekly', daysOfWeek: ['thursday', 'tuesday'], until: '2026-05-01' }, series),
    ).toBe('Every Tuesday and Thursday, until 1 May 2026');
    expect(describeRecurrence({ frequency: 'weekly', interval: 2 }, series)).toBe('Every 2 weeks on Tuesday');
    expect(describeRecurrence({ frequency: 'monthly', count: 3 }, series)).toBe('Every month on the 10th, 3 times');
    expect(
      describeRecurrence({ frequency: 'monthly', interval: 3 }, { start: '2026-03-22T08:00:00Z', timeZone: 'UTC' }),
    ).toBe('Every 3 months on the 22nd');
    // the start's local day in the series zone (23:30 UTC Monday is Tuesday in Berlin)
    expect(
      describeRecurrence({ frequency: 'weekly' }, { start: '2026-03-09T23:30:00Z', timeZone: 'Europe/Berlin' }),
    ).toBe('Every Tuesday');
  });
});
