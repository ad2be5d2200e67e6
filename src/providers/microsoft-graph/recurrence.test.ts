// Tests for patternedRecurrence ↔ RRULE: explicit cases per pattern/range type and fast-check round trips both ways.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import {
  graphToRecurrence,
  normalizePatternedRecurrence,
  patternedRecurrenceToRRule,
  recurrenceToGraph,
  rruleToPatternedRecurrence,
} from './recurrence.js';
import { isAppError, type ErrorCode } from '../../domain/errors.js';

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const ctx = { startLocal: '2026-01-05T09:00:00', timeZone: 'Europe/Berlin' };

function codeOf(fn: () => unknown): ErrorCode | null {
  try {
    fn();
  } catch (e) {
    return isAppError(e) ? e.code : null;
  }
  return null;
}

describe('patternedRecurrenceToRRule', () => {
  const noEnd = { type: 'noEnd', startDate: '2026-01-05' } as const;
  it.each<[string, MicrosoftGraph.RecurrencePattern, string]>([
    ['daily', { type: 'daily', interval: 3 }, 'FREQ=DAILY;INTERVAL=3'],
    [
      'weekly',
      { type: 'weekly', interval: 2, daysOfWeek: ['tuesday', 'monday'] },
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU;WKST=SU',
    ],
    [
      'weekly, Monday first',
      { type: 'weekly', interval: 1, daysOfWeek: ['Friday'] as never, firstDayOfWeek: 'monday' },
      'FREQ=WEEKLY;INTERVAL=1;BYDAY=FR;WKST=MO',
    ],
    [
      'absoluteMonthly',
      { type: 'absoluteMonthly', interval: 3, dayOfMonth: 7 },
      'FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=7',
    ],
    [
      'relativeMonthly',
      { type: 'relativeMonthly', interval: 1, daysOfWeek: ['wednesday'], index: 'second' },
      'FREQ=MONTHLY;INTERVAL=1;BYDAY=WE;BYSETPOS=2',
    ],
    [
      'relativeMonthly, two days',
      { type: 'relativeMonthly', interval: 1, daysOfWeek: ['thursday', 'friday'], index: 'first' },
      'FREQ=MONTHLY;INTERVAL=1;BYDAY=TH,FR;BYSETPOS=1',
    ],
    [
      'relativeMonthly, last, default index',
      { type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'] },
      'FREQ=MONTHLY;INTERVAL=1;BYDAY=FR;BYSETPOS=1',
    ],
    [
      'relativeMonthly, last',
      { type: 'relativeMonthly', interval: 2, daysOfWeek: ['friday'], index: 'last' },
      'FREQ=MONTHLY;INTERVAL=2;BYDAY=FR;BYSETPOS=-1',
    ],
    [
      'absoluteYearly',
      { type: 'absoluteYearly', interval: 1, dayOfMonth: 15, month: 4 },
      'FREQ=YEARLY;INTERVAL=1;BYMONTH=4;BYMONTHDAY=15',
    ],
    [
      'relativeYearly',
      { type: 'relativeYearly', interval: 1, daysOfWeek: ['thursday'], index: 'fourth', month: 11 },
      'FREQ=YEARLY;INTERVAL=1;BYMONTH=11;BYDAY=TH;BYSETPOS=4',
    ],
    [
      'daily keeps an explicit WKST',
      { type: 'daily', interval: 1, firstDayOfWeek: 'sunday' },
      'FREQ=DAILY;INTERVAL=1;WKST=SU',
    ],
  ])('%s', (_name, pattern, rrule) => {
    expect(patternedRecurrenceToRRule({ pattern, range: noEnd })).toBe(rrule);
  });

  it('ignores the default-valued fields Graph returns for every pattern and range type', () => {
    // Graph answers with all fields filled: dayOfMonth 0, month 0, index first, endDate 0001-01-01, count 0.
    const full: MicrosoftGraph.PatternedRecurrence = {
      pattern: {
        type: 'weekly',
        interval: 1,
        month: 0,
        dayOfMonth: 0,
        daysOfWeek: ['monday'],
        firstDayOfWeek: 'sunday',
        index: 'first',
      },
      range: {
        type: 'noEnd',
        startDate: '2026-01-05',
        endDate: '0001-01-01',
        recurrenceTimeZone: 'Pacific Standard Time',
        numberOfOccurrences: 0,
      },
    };
    expect(patternedRecurrenceToRRule(full)).toBe('FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;WKST=SU');
    expect(
      patternedRecurrenceToRRule({ ...full, range: { ...full.range, type: 'endDate', endDate: '2026-06-29' } }),
    ).toBe('FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;WKST=SU;UNTIL=20260629');
    expect(normalizePatternedRecurrence(full)).toEqual({
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday' },
      range: { type: 'noEnd', startDate: '2026-01-05', recurrenceTimeZone: 'Pacific Standard Time' },
    });
  });

  it('maps the range types: endDate → UNTIL (date), numbered → COUNT, noEnd → nothing', () => {
    const pattern = { type: 'daily', interval: 1 } as const;
    expect(
      patternedRecurrenceToRRule({
        pattern,
        range: { type: 'endDate', startDate: '2017-09-04', endDate: '2017-12-31' },
      }),
    ).toBe('FREQ=DAILY;INTERVAL=1;UNTIL=20171231');
    expect(
      patternedRecurrenceToRRule({
        pattern,
        range: { type: 'numbered', startDate: '2017-04-02', numberOfOccurrences: 10 },
      }),
    ).toBe('FREQ=DAILY;INTERVAL=1;COUNT=10');
    expect(patternedRecurrenceToRRule({ pattern, range: { type: 'noEnd', startDate: '2017-05-15' } })).toBe(
      'FREQ=DAILY;INTERVAL=1',
    );
  });

  it('reports malformed Graph recurrences as provider_error', () => {
    expect(codeOf(() => patternedRecurrenceToRRule({ pattern: {}, range: { type: 'noEnd' } }))).toBe('provider_error');
    expect(codeOf(() => patternedRecurrenceToRRule({ pattern: { type: 'weekly', daysOfWeek: [] } }))).toBe(
      'provider_error',
    );
    expect(
      codeOf(() =>
        patternedRecurrenceToRRule({ pattern: { type: 'daily' }, range: { type: 'endDate', endDate: null } }),
      ),
    ).toBe('provider_error');
  });
});

describe('rruleToPatternedRecurrence', () => {
  it('accepts both relative forms: BYDAY=2WE and BYDAY=WE;BYSETPOS=2', () => {
    const a = rruleToPatternedRecurrence('RRULE:FREQ=MONTHLY;BYDAY=2WE', ctx);
    const b = rruleToPatternedRecurrence('FREQ=MONTHLY;BYDAY=WE;BYSETPOS=2', ctx);
    expect(a).toEqual(b);
    expect(a.pattern).toEqual({ type: 'relativeMonthly', interval: 1, daysOfWeek: ['wednesday'], index: 'second' });
    expect(rruleToPatternedRecurrence('FREQ=YEARLY;BYMONTH=11;BYDAY=-1TH', ctx).pattern).toEqual({
      type: 'relativeYearly',
      interval: 1,
      daysOfWeek: ['thursday'],
      index: 'last',
      month: 11,
    });
  });

  it('fills the range from the series start and zone', () => {
    expect(rruleToPatternedRecurrence('FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261231', ctx)).toEqual({
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday', 'wednesday'], firstDayOfWeek: 'monday' },
      range: {
        type: 'endDate',
        startDate: '2026-01-05',
        endDate: '2026-12-31',
        recurrenceTimeZone: 'W. Europe Standard Time',
      },
    });
    expect(rruleToPatternedRecurrence('FREQ=DAILY;COUNT=5', ctx).range).toEqual({
      type: 'numbered',
      startDate: '2026-01-05',
      numberOfOccurrences: 5,
      recurrenceTimeZone: 'W. Europe Standard Time',
    });
  });

  it('derives missing BY parts from the start (weekly day, monthly day, yearly month and day)', () => {
    expect(rruleToPatternedRecurrence('FREQ=WEEKLY', ctx).pattern?.daysOfWeek).toEqual(['monday']);
    expect(rruleToPatternedRecurrence('FREQ=MONTHLY', ctx).pattern).toEqual({
      type: 'absoluteMonthly',
      interval: 1,
      dayOfMonth: 5,
    });
    expect(rruleToPatternedRecurrence('FREQ=YEARLY;INTERVAL=2', ctx).pattern).toEqual({
      type: 'absoluteYearly',
      interval: 2,
      dayOfMonth: 5,
      month: 1,
    });
    expect(rruleToPatternedRecurrence('FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR', ctx).pattern).toEqual({
      type: 'weekly',
      interval: 1,
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      firstDayOfWeek: 'monday',
    });
  });

  it('turns an UNTIL date-time into the inclusive local end date of the last occurrence', () => {
    // 09:00 Berlin = 08:00Z in winter. UNTIL at 08:00Z on Dec 31 still includes Dec 31; at 07:59Z it does not.
    const end = (until: string) => rruleToPatternedRecurrence(`FREQ=DAILY;UNTIL=${until}`, ctx).range?.endDate;
    expect(end('20261231T080000Z')).toBe('2026-12-31');
    expect(end('20261231T075900Z')).toBe('2026-12-30');
    expect(end('20261231T230000Z')).toBe('2026-12-31'); // 00:00 on Jan 1 in Berlin, before that day's 09:00
    expect(end('20270101T090000Z')).toBe('2027-01-01');
    expect(end('20261231T090000')).toBe('2026-12-31');
  });

  it('rejects invalid rules with bad_request and inexpressible ones with unsatisfiable', () => {
    expect(codeOf(() => rruleToPatternedRecurrence('garbage', ctx))).toBe('bad_request');
    expect(codeOf(() => rruleToPatternedRecurrence('INTERVAL=2', ctx))).toBe('bad_request');
    expect(codeOf(() => rruleToPatternedRecurrence('FREQ=DAILY;COUNT=2;UNTIL=20261231', ctx))).toBe('bad_request');
    expect(codeOf(() => rruleToPatternedRecurrence('FREQ=HOURLY', ctx))).toBe('unsatisfiable');
    expect(codeOf(() => rruleToPatternedRecurrence('FREQ=DAILY;BYHOUR=9,17', ctx))).toBe('unsatisfiable');
    expect(codeOf(() => rruleToPatternedRecurrence('FREQ=MONTHLY;BYDAY=1TH,1FR', ctx))).toBe('unsatisfiable');
    expect(codeOf(() => rruleToPatternedRecurrence('FREQ=MONTHLY;BYMONTHDAY=1,15', ctx))).toBe('unsatisfiable');
    expect(codeOf(() => rruleToPatternedRecurrence('FREQ=MONTHLY;BYMONTHDAY=-1', ctx))).toBe('unsatisfiable');
    expect(codeOf(() => rruleToPatternedRecurrence('FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=5', ctx))).toBe('unsatisfiable');
    expect(codeOf(() => rruleToPatternedRecurrence('FREQ=DAILY;INTERVAL=2;BYDAY=MO', ctx))).toBe('unsatisfiable');
    expect(codeOf(() => rruleToPatternedRecurrence('FREQ=WEEKLY;BYDAY=MO,TU;BYSETPOS=1', ctx))).toBe('unsatisfiable');
    expect(codeOf(() => rruleToPatternedRecurrence('FREQ=MONTHLY;BYMONTHDAY=3;BYSETPOS=1', ctx))).toBe('unsatisfiable');
    expect(codeOf(() => rruleToPatternedRecurrence('FREQ=YEARLY;BYMONTHDAY=15', ctx))).toBe('unsatisfiable');
    expect(codeOf(() => rruleToPatternedRecurrence('FREQ=DAILY;COUNT=0', ctx))).toBe('bad_request');
  });
});

describe('domain Recurrence', () => {
  it('reads a series master recurrence with its zone and cancelled occurrences', () => {
    const rec = graphToRecurrence(
      {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday' },
        range: {
          type: 'endDate',
          startDate: '2017-09-04',
          endDate: '2017-12-31',
          recurrenceTimeZone: 'Pacific Standard Time',
        },
      },
      {
        startLocal: '2017-09-04T10:00:00',
        eventTimeZone: 'UTC',
        cancelledOccurrences: ['OID.AAMk=.2017-09-18', 'OID.AAMk=.2017-09-11'],
      },
    );
    expect(rec).toEqual({
      rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;WKST=SU;UNTIL=20171231',
      timeZone: 'America/Los_Angeles',
      startLocal: '2017-09-04T10:00:00',
      exDates: ['2017-09-11T10:00:00', '2017-09-18T10:00:00'],
    });
    expect(recurrenceToGraph(rec)).toEqual(
      normalizePatternedRecurrence({
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday' },
        range: {
          type: 'endDate',
          startDate: '2017-09-04',
          endDate: '2017-12-31',
          recurrenceTimeZone: 'Pacific Standard Time',
        },
      }),
    );
  });
});

// ---- property tests ---------------------------------------------------------------------------------------------

const dayArb = fc.constantFrom(...DAYS);
const daysArb = fc.uniqueArray(dayArb, { minLength: 1, maxLength: 7 });
const indexArb = fc.constantFrom('first', 'second', 'third', 'fourth', 'last' as const);
const intervalArb = fc.integer({ min: 1, max: 99 });
const dateArb = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const zoneArb = fc.constantFrom('Europe/Berlin', 'America/Los_Angeles', 'Asia/Kolkata', 'UTC', 'Australia/Sydney');

const patternArb: fc.Arbitrary<MicrosoftGraph.RecurrencePattern> = fc.oneof(
  fc.record(
    {
      type: fc.constant('daily' as const),
      interval: intervalArb,
      firstDayOfWeek: fc.option(dayArb, { nil: undefined }),
    },
    { requiredKeys: ['type', 'interval'] },
  ),
  fc.record({
    type: fc.constant('weekly' as const),
    interval: intervalArb,
    daysOfWeek: daysArb,
    firstDayOfWeek: dayArb,
  }),
  fc.record({
    type: fc.constant('absoluteMonthly' as const),
    interval: intervalArb,
    dayOfMonth: fc.integer({ min: 1, max: 31 }),
  }),
  fc.record({
    type: fc.constant('relativeMonthly' as const),
    interval: intervalArb,
    daysOfWeek: daysArb,
    index: indexArb,
  }),
  fc.record({
    type: fc.constant('absoluteYearly' as const),
    interval: intervalArb,
    dayOfMonth: fc.integer({ min: 1, max: 28 }),
    month: fc.integer({ min: 1, max: 12 }),
  }),
  fc.record({
    type: fc.constant('relativeYearly' as const),
    interval: intervalArb,
    daysOfWeek: daysArb,
    index: indexArb,
    month: fc.integer({ min: 1, max: 12 }),
  }),
);

const rangeArb = (startDate: string) =>
  fc.oneof(
    fc.constant<MicrosoftGraph.RecurrenceRange>({ type: 'noEnd', startDate }),
    fc
      .integer({ min: 1, max: 999 })
      .map((n): MicrosoftGraph.RecurrenceRange => ({ type: 'numbered', startDate, numberOfOccurrences: n })),
    fc.integer({ min: 0, max: 3000 }).map((days): MicrosoftGraph.RecurrenceRange => ({
      type: 'endDate',
      startDate,
      endDate: new Date(Date.parse(`${startDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10),
    })),
  );

describe('round trips (fast-check)', () => {
  it('patternedRecurrence → RRULE → patternedRecurrence is the normalised original', () => {
    const arb = fc
      .tuple(patternArb, dateArb, zoneArb, fc.constantFrom('09:00:00', '00:00:00', '23:30:00'))
      .chain(([pattern, start, zone, time]) => rangeArb(start).map((range) => ({ pattern, range, zone, time })));
    fc.assert(
      fc.property(arb, ({ pattern, range, zone, time }) => {
        const windows = rruleToPatternedRecurrence('FREQ=DAILY', {
          startLocal: `${range.startDate}T${time}`,
          timeZone: zone,
        }).range?.recurrenceTimeZone;
        const original = { pattern, range: { ...range, recurrenceTimeZone: windows } };
        const rrule = patternedRecurrenceToRRule(original);
        const back = rruleToPatternedRecurrence(rrule, { startLocal: `${range.startDate}T${time}`, timeZone: zone });
        expect(back).toEqual(normalizePatternedRecurrence(original));
      }),
      { numRuns: 500 },
    );
  });

  it('canonical RRULE → patternedRecurrence → RRULE is the same string, and the ordinal form maps to it', () => {
    const code = {
      monday: 'MO',
      tuesday: 'TU',
      wednesday: 'WE',
      thursday: 'TH',
      friday: 'FR',
      saturday: 'SA',
      sunday: 'SU',
    } as const;
    const sorted = (days: readonly (typeof DAYS)[number][]) =>
      DAYS.filter((d) => days.includes(d))
        .map((d) => code[d])
        .join(',');
    const pos = { first: 1, second: 2, third: 3, fourth: 4, last: -1 } as const;
    const endArb = fc.oneof(
      fc.constant(''),
      fc.integer({ min: 1, max: 500 }).map((n) => `;COUNT=${n}`),
      dateArb.map((d) => `;UNTIL=${d.replaceAll('-', '')}`),
    );
    const wkst = fc.option(
      dayArb.map((d) => `;WKST=${code[d]}`),
      { nil: '' },
    );
    const ruleArb = fc.oneof(
      fc.tuple(intervalArb, wkst).map(([i, w]) => `FREQ=DAILY;INTERVAL=${i}${w}`),
      fc
        .tuple(intervalArb, daysArb, dayArb)
        .map(([i, d, w]) => `FREQ=WEEKLY;INTERVAL=${i};BYDAY=${sorted(d)};WKST=${code[w]}`),
      fc
        .tuple(intervalArb, fc.integer({ min: 1, max: 31 }))
        .map(([i, md]) => `FREQ=MONTHLY;INTERVAL=${i};BYMONTHDAY=${md}`),
      fc
        .tuple(intervalArb, daysArb, indexArb)
        .map(([i, d, x]) => `FREQ=MONTHLY;INTERVAL=${i};BYDAY=${sorted(d)};BYSETPOS=${pos[x]}`),
      fc
        .tuple(intervalArb, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
        .map(([i, m, md]) => `FREQ=YEARLY;INTERVAL=${i};BYMONTH=${m};BYMONTHDAY=${md}`),
      fc
        .tuple(intervalArb, fc.integer({ min: 1, max: 12 }), daysArb, indexArb)
        .map(([i, m, d, x]) => `FREQ=YEARLY;INTERVAL=${i};BYMONTH=${m};BYDAY=${sorted(d)};BYSETPOS=${pos[x]}`),
    );
    fc.assert(
      fc.property(ruleArb, endArb, dateArb, zoneArb, (rule, end, start, zone) => {
        const rrule = `${rule}${end}`;
        const pattern = rruleToPatternedRecurrence(rrule, { startLocal: `${start}T10:00:00`, timeZone: zone });
        expect(patternedRecurrenceToRRule(pattern)).toBe(rrule);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.constantFrom('MONTHLY', 'YEARLY;BYMONTH=6'), intervalArb, dayArb, indexArb, (freq, i, d, x) => {
        const ordinal = rruleToPatternedRecurrence(`FREQ=${freq};INTERVAL=${i};BYDAY=${pos[x]}${code[d]}`, ctx);
        const setpos = rruleToPatternedRecurrence(
          `FREQ=${freq};INTERVAL=${i};BYDAY=${code[d]};BYSETPOS=${pos[x]}`,
          ctx,
        );
        expect(ordinal).toEqual(setpos);
      }),
    );
  });
});
