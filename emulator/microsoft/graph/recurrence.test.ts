// Checks expandSeries against RFC 5545 expansion (rrule, floating, re-zoned with luxon) for every pattern and range.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import rrulePkg from 'rrule';
import { describe, expect, it } from 'vitest';
import { corpusAvailable, graphCase, NO_CORPUS } from '../../conformance/corpus.js';
import { expandSeries, ianaToWindows, localWallTimeToUtc, normalizeRecurrence, windowsToIana } from './recurrence.js';

const { RRule } = rrulePkg;
// The tests that compare with the shared corpus skip without it (saying so once, failing under CI).
const hasCorpus = corpusAvailable(
  'graph-conformance',
  'recurrence checks on the corpus fragments (emulator/microsoft/graph/recurrence.test.ts, 3 tests)',
);

const RR_DAYS: Record<string, string> = {
  monday: 'MO',
  tuesday: 'TU',
  wednesday: 'WE',
  thursday: 'TH',
  friday: 'FR',
  saturday: 'SA',
  sunday: 'SU',
};
const RR_POS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, last: -1 };

/** BYMONTHDAY that lands on the last day when the month is too short (Outlook's rule), in RFC 5545 terms. */
function monthDayParts(d: number): string {
  if (d <= 28) return `BYMONTHDAY=${d}`;
  const days = [];
  for (let i = 28; i <= d; i++) days.push(i);
  return `BYMONTHDAY=${days.join(',')};BYSETPOS=-1`;
}

/** The RRULE text equivalent to a Graph patternedRecurrence (independent of the code under test). */
function toRrule(rec: MicrosoftGraph.PatternedRecurrence): string {
  const p = rec.pattern ?? {};
  const r = rec.range ?? {};
  const parts = [`INTERVAL=${p.interval ?? 1}`];
  const byDay = () => `BYDAY=${(p.daysOfWeek ?? []).map((d) => RR_DAYS[d.toLowerCase()]).join(',')}`;
  switch (p.type) {
    case 'daily':
      parts.unshift('FREQ=DAILY');
      break;
    case 'weekly':
      parts.unshift('FREQ=WEEKLY');
      parts.push(byDay(), `WKST=${RR_DAYS[(p.firstDayOfWeek ?? 'sunday').toLowerCase()]}`);
      break;
    case 'absoluteMonthly':
      parts.unshift('FREQ=MONTHLY');
      parts.push(monthDayParts(p.dayOfMonth ?? 1));
      break;
    case 'relativeMonthly':
      parts.unshift('FREQ=MONTHLY');
      parts.push(byDay(), `BYSETPOS=${RR_POS[p.index ?? 'first']}`);
      break;
    case 'absoluteYearly':
      parts.unshift('FREQ=YEARLY');
      parts.push(`BYMONTH=${p.month}`, monthDayParts(p.dayOfMonth ?? 1));
      break;
    case 'relativeYearly':
      parts.unshift('FREQ=YEARLY');
      parts.push(`BYMONTH=${p.month}`, byDay(), `BYSETPOS=${RR_POS[p.index ?? 'first']}`);
      break;
    case null:
    case undefined:
      throw new Error('no pattern type');
  }
  if (r.type === 'numbered') parts.push(`COUNT=${r.numberOfOccurrences}`);
  if (r.type === 'endDate') parts.push(`UNTIL=${r.endDate!.replaceAll('-', '')}T235959Z`);
  return parts.join(';');
}

interface Expected {
  start: string;
  end: string;
}

/** Expands with rrule in floating time (UTC components = wall clock), then places each wall time in the zone. */
function oracle(
  rec: MicrosoftGraph.PatternedRecurrence,
  time: string,
  zone: string,
  minutes: number,
  from: Date,
  to: Date,
) {
  const [h, m] = time.split(':').map(Number);
  const [y, mo, d] = rec.range!.startDate!.split('-').map(Number);
  const opts = RRule.parseString(toRrule(rec));
  const rule = new RRule({ ...opts, dtstart: new Date(Date.UTC(y!, mo! - 1, d!, h, m)) });
  const limit = to.getTime() + 3 * 86_400_000;
  const out: Expected[] = [];
  for (const f of rule.all((date, i) => i < 20_000 && date.getTime() < limit)) {
    const local = DateTime.fromObject(
      {
        year: f.getUTCFullYear(),
        month: f.getUTCMonth() + 1,
        day: f.getUTCDate(),
        hour: f.getUTCHours(),
        minute: f.getUTCMinutes(),
      },
      { zone },
    );
    // An ambiguous wall time (DST ends) is standard time, the later instant, as Exchange reads it.
    let s = local.toMillis();
    for (const shift of [30, 60, 120]) {
      const alt = DateTime.fromMillis(s + shift * 60_000, { zone });
      if (alt.toFormat('yyyy-MM-dd HH:mm') === local.toFormat('yyyy-MM-dd HH:mm')) s += shift * 60_000;
    }
    const e = s + minutes * 60_000;
    if (s < to.getTime() && e > from.getTime())
      out.push({ start: new Date(s).toISOString(), end: new Date(e).toISOString() });
  }
  return out;
}

function actual(
  rec: MicrosoftGraph.PatternedRecurrence,
  time: string,
  zone: string,
  minutes: number,
  from: Date,
  to: Date,
) {
  return expandSeries({
    recurrence: rec,
    startLocal: `${rec.range!.startDate}T${time}:00`,
    timeZone: zone,
    durationMinutes: minutes,
    windowStartUtc: from,
    windowEndUtc: to,
  }).map((o) => ({ start: o.startUtc.toISOString(), end: o.endUtc.toISOString() }));
}

function check(
  rec: MicrosoftGraph.PatternedRecurrence,
  zone: string,
  time = '09:00',
  minutes = 60,
  from = '2017-01-01',
  to = '2028-01-01',
) {
  const f = new Date(`${from}T00:00:00Z`);
  const t = new Date(`${to}T00:00:00Z`);
  const got = actual(rec, time, zone, minutes, f, t);
  expect(got).toEqual(oracle(rec, time, zone, minutes, f, t));
  return got;
}

function fragment(id: string): Record<string, unknown> {
  return graphCase<{ data: Record<string, unknown> }>(id).data;
}

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';

describe('expandSeries matches RFC 5545 expansion', () => {
  it('handles the conformance pattern fragments with numbered, endDate and noEnd ranges', ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    const patterns = [1, 2, 3, 4, 6, 7, 8, 9].map(
      (n) => fragment(`concept-outlook-schedule-recurring-events-${n}`).pattern as MicrosoftGraph.RecurrencePattern,
    );
    const ranges: MicrosoftGraph.RecurrenceRange[] = [
      fragment('concept-outlook-schedule-recurring-events-11').range as MicrosoftGraph.RecurrenceRange,
      fragment('concept-outlook-schedule-recurring-events-13').range as MicrosoftGraph.RecurrenceRange,
      { type: 'endDate', startDate: '2017-03-01', endDate: '2019-04-15' },
    ];
    for (const pattern of patterns) {
      for (const range of ranges) {
        for (const zone of [NY, BERLIN, 'Asia/Kolkata']) {
          const got = check({ pattern, range }, zone, '09:00', 60, '2017-01-01', '2020-01-01');
          expect(got.length).toBeGreaterThan(0);
        }
      }
    }
  });

  it('expands the full conformance recurrence (weekly Monday until 31 Dec 2017) with endDate inclusive', ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    const rec = fragment('concept-outlook-schedule-recurring-events-14')
      .recurrence as MicrosoftGraph.PatternedRecurrence;
    const got = check(rec, 'America/Los_Angeles', '13:00', 30);
    expect(got[0]!.start).toBe(
      DateTime.fromISO('2017-09-04T13:00', { zone: 'America/Los_Angeles' }).toJSDate().toISOString(),
    );
    // Last Monday of 2017 is 25 December; 31 December is a Sunday.
    expect(got.at(-1)!.start.slice(0, 10)).toBe('2017-12-25');
  });

  it('keeps wall-clock time across New York DST changes (weekly over 8 March and 1 November 2026)', () => {
    const rec: MicrosoftGraph.PatternedRecurrence = {
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['sunday', 'wednesday'], firstDayOfWeek: 'sunday' },
      range: { type: 'endDate', startDate: '2026-02-22', endDate: '2026-11-15' },
    };
    const got = check(rec, NY, '01:30', 90, '2026-01-01', '2027-01-01');
    const hours = new Set(got.map((o) => DateTime.fromISO(o.start, { zone: NY }).toFormat('HH:mm')));
    expect([...hours]).toEqual(['01:30']);
    const offsets = new Set(got.map((o) => new Date(o.start).getUTCHours()));
    expect(offsets).toEqual(new Set([6, 5]));
  });

  it('reads an ambiguous wall time as standard time (the later instant), whatever the current date', () => {
    const got = expandSeries({
      recurrence: {
        pattern: { type: 'daily', interval: 1 },
        range: { type: 'numbered', startDate: '2026-10-31', numberOfOccurrences: 3 },
      },
      startLocal: '2026-10-31T01:30:00',
      timeZone: NY,
      durationMinutes: 30,
      windowStartUtc: new Date('2026-10-01T00:00:00Z'),
      windowEndUtc: new Date('2026-12-01T00:00:00Z'),
    });
    expect(got.map((o) => DateTime.fromJSDate(o.startUtc, { zone: NY }).toFormat('MM-dd HH:mm ZZ'))).toEqual([
      '10-31 01:30 -04:00',
      '11-01 01:30 -05:00',
      '11-02 01:30 -05:00',
    ]);
  });

  it('handles Berlin DST with daily interval and a nonexistent local time shifted forward', () => {
    check(
      {
        pattern: { type: 'daily', interval: 3 },
        range: { type: 'numbered', startDate: '2026-03-20', numberOfOccurrences: 20 },
      },
      BERLIN,
      '02:30',
      30,
      '2026-01-01',
      '2027-01-01',
    );
    const got = expandSeries({
      recurrence: {
        pattern: { type: 'relativeYearly', interval: 1, month: 3, daysOfWeek: ['sunday'], index: 'last' },
        range: { type: 'noEnd', startDate: '2026-01-01' },
      },
      startLocal: '2026-01-01T02:30:00',
      timeZone: BERLIN,
      durationMinutes: 30,
      windowStartUtc: new Date('2026-01-01T00:00:00Z'),
      windowEndUtc: new Date('2027-01-01T00:00:00Z'),
    });
    expect(got).toHaveLength(1);
    expect(got[0]!.originalStartLocal).toBe('2026-03-29T02:30:00');
    // 02:30 does not exist on 29 March 2026 in Berlin: it becomes 03:30 CEST (01:30Z).
    expect(DateTime.fromJSDate(got[0]!.startUtc, { zone: BERLIN }).toFormat('HH:mm ZZ')).toBe('03:30 +02:00');
  });

  it('anchors weeks on firstDayOfWeek for weekly interval 2', () => {
    const base: MicrosoftGraph.RecurrencePattern = {
      type: 'weekly',
      interval: 2,
      daysOfWeek: ['sunday', 'saturday', 'monday'],
    };
    const range: MicrosoftGraph.RecurrenceRange = {
      type: 'numbered',
      startDate: '2026-03-04',
      numberOfOccurrences: 12,
    };
    const sun = check({ pattern: { ...base, firstDayOfWeek: 'sunday' }, range }, NY);
    const mon = check({ pattern: { ...base, firstDayOfWeek: 'monday' }, range }, NY);
    expect(sun.map((o) => o.start)).not.toEqual(mon.map((o) => o.start));
  });

  it('clamps dayOfMonth to the last day of short months (absolute monthly and yearly)', () => {
    const got = check(
      {
        pattern: { type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 },
        range: { type: 'numbered', startDate: '2027-01-01', numberOfOccurrences: 6 },
      },
      NY,
    );
    expect(got.map((o) => DateTime.fromISO(o.start, { zone: NY }).day)).toEqual([31, 28, 31, 30, 31, 30]);
    check(
      {
        pattern: { type: 'absoluteYearly', interval: 1, month: 2, dayOfMonth: 29 },
        range: { type: 'numbered', startDate: '2023-01-01', numberOfOccurrences: 5 },
      },
      BERLIN,
    );
  });

  it('handles relative "last" and multi-day indexes monthly and yearly', () => {
    check(
      {
        pattern: { type: 'relativeMonthly', interval: 2, daysOfWeek: ['friday'], index: 'last' },
        range: { type: 'noEnd', startDate: '2025-11-10' },
      },
      NY,
    );
    check(
      {
        pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['saturday', 'sunday'], index: 'last' },
        range: { type: 'numbered', startDate: '2026-01-31', numberOfOccurrences: 14 },
      },
      BERLIN,
    );
    check(
      {
        pattern: { type: 'relativeYearly', interval: 1, month: 11, daysOfWeek: ['thursday'], index: 'fourth' },
        range: { type: 'endDate', startDate: '2020-01-01', endDate: '2027-11-25' },
      },
      NY,
    );
  });

  it('counts numbered ranges from the series start, not from the window', () => {
    const rec: MicrosoftGraph.PatternedRecurrence = {
      pattern: { type: 'daily', interval: 1 },
      range: { type: 'numbered', startDate: '2026-01-01', numberOfOccurrences: 10 },
    };
    const from = new Date('2026-01-08T00:00:00Z');
    const got = actual(rec, '12:00', 'UTC', 30, from, new Date('2026-02-01T00:00:00Z'));
    expect(got).toEqual(oracle(rec, '12:00', 'UTC', 30, from, new Date('2026-02-01T00:00:00Z')));
    expect(got.map((o) => o.start.slice(0, 10))).toEqual(['2026-01-08', '2026-01-09', '2026-01-10']);
  });

  it('includes an occurrence that starts before the window and ends inside it', () => {
    const rec: MicrosoftGraph.PatternedRecurrence = {
      pattern: { type: 'daily', interval: 1 },
      range: { type: 'noEnd', startDate: '2026-05-01' },
    };
    const from = new Date('2026-05-03T12:30:00Z');
    const got = actual(rec, '12:00', 'UTC', 60, from, new Date('2026-05-04T00:00:00Z'));
    expect(got).toEqual([{ start: '2026-05-03T12:00:00.000Z', end: '2026-05-03T13:00:00.000Z' }]);
  });

  it('finds the right occurrences when the window is decades after the series start', () => {
    const range: MicrosoftGraph.RecurrenceRange = { type: 'noEnd', startDate: '1991-02-13' };
    const patterns: MicrosoftGraph.RecurrencePattern[] = [
      { type: 'daily', interval: 7 },
      { type: 'weekly', interval: 3, daysOfWeek: ['monday', 'sunday'], firstDayOfWeek: 'monday' },
      { type: 'absoluteMonthly', interval: 5, dayOfMonth: 30 },
      { type: 'relativeMonthly', interval: 7, daysOfWeek: ['tuesday'], index: 'last' },
      { type: 'absoluteYearly', interval: 3, month: 2, dayOfMonth: 29 },
      { type: 'relativeYearly', interval: 2, month: 10, daysOfWeek: ['sunday'], index: 'last' },
    ];
    for (const pattern of patterns) {
      const got = check({ pattern, range }, BERLIN, '23:30', 180, '2026-01-01', '2031-01-01');
      expect(got.length).toBeGreaterThan(0);
    }
  });

  it('agrees with rrule on random patterns and ranges (property)', () => {
    const day = fc.constantFrom(...(Object.keys(RR_DAYS) as MicrosoftGraph.DayOfWeek[]));
    const pattern: fc.Arbitrary<MicrosoftGraph.RecurrencePattern> = fc.oneof(
      fc.record({ type: fc.constant('daily' as const), interval: fc.integer({ min: 1, max: 9 }) }),
      fc.record({
        type: fc.constant('weekly' as const),
        interval: fc.integer({ min: 1, max: 4 }),
        daysOfWeek: fc.uniqueArray(day, { minLength: 1, maxLength: 7 }),
        firstDayOfWeek: day,
      }),
      fc.record({
        type: fc.constant('absoluteMonthly' as const),
        interval: fc.integer({ min: 1, max: 4 }),
        dayOfMonth: fc.integer({ min: 1, max: 31 }),
      }),
      fc.record({
        type: fc.constant('relativeMonthly' as const),
        interval: fc.integer({ min: 1, max: 4 }),
        daysOfWeek: fc.uniqueArray(day, { minLength: 1, maxLength: 3 }),
        index: fc.constantFrom('first', 'second', 'third', 'fourth', 'last'),
      }),
      fc.record({
        type: fc.constant('absoluteYearly' as const),
        interval: fc.integer({ min: 1, max: 2 }),
        month: fc.integer({ min: 1, max: 12 }),
        dayOfMonth: fc.integer({ min: 1, max: 31 }),
      }),
      fc.record({
        type: fc.constant('relativeYearly' as const),
        interval: fc.integer({ min: 1, max: 2 }),
        month: fc.integer({ min: 1, max: 12 }),
        daysOfWeek: fc.uniqueArray(day, { minLength: 1, maxLength: 2 }),
        index: fc.constantFrom('first', 'second', 'third', 'fourth', 'last'),
      }),
    );
    const startDate = fc
      .date({ min: new Date('2024-01-01Z'), max: new Date('2027-12-31Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    const range: fc.Arbitrary<MicrosoftGraph.RecurrenceRange> = fc.oneof(
      fc.record({ type: fc.constant('noEnd' as const), startDate }),
      fc.record({
        type: fc.constant('numbered' as const),
        startDate,
        numberOfOccurrences: fc.integer({ min: 1, max: 40 }),
      }),
      fc.tuple(startDate, fc.integer({ min: 0, max: 900 })).map(([s, n]) => ({
        type: 'endDate' as const,
        startDate: s,
        endDate: DateTime.fromISO(s).plus({ days: n }).toISODate()!,
      })),
    );
    const time = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const zone = fc.constantFrom(NY, BERLIN, 'Australia/Sydney', 'UTC', 'Asia/Tokyo');
    fc.assert(
      fc.property(pattern, range, time, zone, fc.integer({ min: 0, max: 600 }), (p, r, t, z, minutes) => {
        const from = new Date('2025-06-01T00:00:00Z');
        const to = new Date('2028-06-01T00:00:00Z');
        expect(actual({ pattern: p, range: r }, t, z, minutes, from, to)).toEqual(
          oracle({ pattern: p, range: r }, t, z, minutes, from, to),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('expandSeries input checks', () => {
  const base = {
    startLocal: '2026-01-01T09:00:00',
    durationMinutes: 30,
    windowStartUtc: new Date('2026-01-01Z'),
    windowEndUtc: new Date('2027-01-01Z'),
  };
  it('rejects unknown zones, patterns and missing fields', () => {
    const rec: MicrosoftGraph.PatternedRecurrence = {
      pattern: { type: 'daily', interval: 1 },
      range: { type: 'noEnd', startDate: '2026-01-01' },
    };
    expect(() => expandSeries({ ...base, recurrence: rec, timeZone: 'Mars/Olympus' })).toThrow(RangeError);
    expect(() =>
      expandSeries({ ...base, timeZone: 'UTC', recurrence: { ...rec, pattern: { type: 'weekly', interval: 1 } } }),
    ).toThrow(/daysOfWeek/);
    expect(() =>
      expandSeries({
        ...base,
        timeZone: 'UTC',
        recurrence: { ...rec, range: { type: 'numbered', startDate: '2026-01-01' } },
      }),
    ).toThrow(/numberOfOccurrences/);
  });
  it('rejects patterns missing the fields their type needs', () => {
    const range: MicrosoftGraph.RecurrenceRange = { type: 'noEnd', startDate: '2026-01-01' };
    const bad: MicrosoftGraph.RecurrencePattern[] = [
      { type: 'absoluteMonthly', interval: 1 },
      { type: 'absoluteMonthly', interval: 1, dayOfMonth: 32 },
      { type: 'absoluteYearly', interval: 1, dayOfMonth: 3 },
      { type: 'relativeYearly', interval: 1, month: 13, daysOfWeek: ['monday'] },
      { type: 'relativeMonthly', interval: 1, daysOfWeek: ['monday'], index: 'fifth' as MicrosoftGraph.WeekIndex },
      { type: 'daily', interval: 0 },
      { type: 'weekly', interval: 1, daysOfWeek: ['funday' as MicrosoftGraph.DayOfWeek] },
    ];
    for (const pattern of bad) {
      expect(
        () => expandSeries({ ...base, timeZone: 'UTC', recurrence: { pattern, range } }),
        JSON.stringify(pattern),
      ).toThrow(RangeError);
    }
  });

  it('stops at maxOccurrences', () => {
    const rec: MicrosoftGraph.PatternedRecurrence = {
      pattern: { type: 'daily', interval: 1 },
      range: { type: 'noEnd', startDate: '2026-01-01' },
    };
    expect(expandSeries({ ...base, recurrence: rec, timeZone: 'UTC', maxOccurrences: 7 })).toHaveLength(7);
  });
});

describe('time zone names', () => {
  it('maps Windows names to IANA and back, passing IANA through', () => {
    expect(windowsToIana('Pacific Standard Time')).toBe('America/Los_Angeles');
    expect(windowsToIana('Europe/Berlin')).toBe('Europe/Berlin');
    expect(ianaToWindows('America/Los_Angeles')).toBe('Pacific Standard Time');
    expect(ianaToWindows(windowsToIana('W. Europe Standard Time'))).toBe('W. Europe Standard Time');
    expect(ianaToWindows('Pacific Standard Time')).toBe('Pacific Standard Time');
    expect(() => windowsToIana('Mars Standard Time')).toThrow(RangeError);
    expect(() => ianaToWindows('Mars/Olympus')).toThrow(RangeError);
  });
});

describe('host time zone independence', () => {
  /** Expansions across DST in several zones, serialised; run here and in child processes with other TZ values. */
  const SCRIPT = (modUrl: string) => `
    const { expandSeries } = await import(${JSON.stringify(modUrl)});
    const recs = [
      [{ pattern: { type: 'weekly', interval: 1, daysOfWeek: ['sunday', 'wednesday'] }, range: { type: 'endDate', startDate: '2026-02-22', endDate: '2026-11-15' } }, 'America/New_York'],
      [{ pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['sunday'], index: 'last' }, range: { type: 'numbered', startDate: '2026-01-01', numberOfOccurrences: 12 } }, 'Europe/Berlin'],
      [{ pattern: { type: 'daily', interval: 2 }, range: { type: 'noEnd', startDate: '2026-03-25' } }, 'Australia/Sydney'],
    ];
    const out = recs.map(([recurrence, timeZone]) => expandSeries({ recurrence, timeZone, startLocal: '2026-01-01T02:30:00', durationMinutes: 45,
      windowStartUtc: new Date('2026-01-01T00:00:00Z'), windowEndUtc: new Date('2026-12-31T00:00:00Z') }));
    process.stdout.write(JSON.stringify(out));`;

  it('gives identical results under TZ=UTC, America/New_York and Asia/Kolkata', () => {
    const modUrl = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'recurrence.ts')).href;
    const outputs = ['UTC', 'America/New_York', 'Asia/Kolkata'].map((tz) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT(modUrl)], {
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    });
    const parsed = JSON.parse(outputs[0]!) as unknown[][];
    expect(parsed.map((x) => x.length).every((n) => n > 5)).toBe(true);
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
  });
});

describe('normalizeRecurrence', () => {
  it('fills every property the resource representations list, keeping the values given', ({ skip }) => {
    skip(!hasCorpus, NO_CORPUS);
    const rec = fragment('concept-outlook-schedule-recurring-events-14')
      .recurrence as MicrosoftGraph.PatternedRecurrence;
    const out = normalizeRecurrence(rec, 'America/Los_Angeles');
    const keys = (o: object) => Object.keys(o).sort();
    expect(keys(out.pattern!)).toEqual(keys(fragment('resource-recurrencepattern-1')));
    expect(keys(out.range!)).toEqual(keys(fragment('resource-recurrencerange-1')));
    expect(keys(out)).toEqual(keys(fragment('resource-patternedrecurrence-1')));
    expect(out.pattern).toMatchObject({
      ...rec.pattern,
      daysOfWeek: rec.pattern!.daysOfWeek!.map((d) => d.toLowerCase()),
      month: 0,
      dayOfMonth: 0,
      firstDayOfWeek: 'sunday',
      index: 'first',
    });
    expect(out.range).toMatchObject({
      ...rec.range,
      numberOfOccurrences: 0,
      recurrenceTimeZone: 'Pacific Standard Time',
    });
    const numbered = normalizeRecurrence(
      {
        pattern: { type: 'daily', interval: 2 },
        range: { type: 'numbered', startDate: '2026-01-01', numberOfOccurrences: 5 },
      },
      'UTC',
    );
    expect(numbered.range).toMatchObject({ endDate: '0001-01-01', numberOfOccurrences: 5, recurrenceTimeZone: 'UTC' });
    // The result expands exactly like the input.
    const args = {
      startLocal: '2017-09-04T13:00:00',
      timeZone: 'America/Los_Angeles',
      durationMinutes: 30,
      windowStartUtc: new Date('2017-01-01Z'),
      windowEndUtc: new Date('2018-06-01Z'),
    };
    expect(expandSeries({ ...args, recurrence: out })).toEqual(expandSeries({ ...args, recurrence: rec }));
  });
});

describe('localWallTimeToUtc', () => {
  it('agrees with luxon on ordinary times and applies the gap and overlap rules deterministically', () => {
    for (const [local, zone] of [
      ['2026-07-01T09:15:00', NY],
      ['2026-01-15T23:45:00', BERLIN],
      ['2026-04-05T12:30:00', 'Australia/Sydney'],
      ['2026-06-01T12:00:00', 'Asia/Kolkata'],
    ] as const) {
      expect(localWallTimeToUtc(local, zone).getTime()).toBe(DateTime.fromISO(local, { zone }).toMillis());
    }
    expect(localWallTimeToUtc('2026-03-08T02:30:00', NY).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(localWallTimeToUtc('2026-11-01T01:30:00', NY).toISOString()).toBe('2026-11-01T06:30:00.000Z');
    expect(localWallTimeToUtc('2026-10-25T02:30:00', BERLIN).toISOString()).toBe('2026-10-25T01:30:00.000Z');
    expect(localWallTimeToUtc('2026-04-05T02:30:00', 'Australia/Sydney').toISOString()).toBe(
      '2026-04-04T16:30:00.000Z',
    );
    expect(() => localWallTimeToUtc('soon', NY)).toThrow(RangeError);
    expect(() => localWallTimeToUtc('2026-01-01T00:00:00', 'Mars/Olympus')).toThrow(RangeError);
  });
});
