// Expands Graph patternedRecurrence series into occurrences, in the event's own time zone (luxon, host-zone free).
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import { DateTime } from 'luxon';
import { findIana, findWindows } from 'windows-iana';

/** One expanded occurrence of a series. */
export interface Occurrence {
  startUtc: Date;
  endUtc: Date;
  /** Local wall time of this occurrence as the pattern places it, `YYYY-MM-DDTHH:mm:ss` (before any DST shift). */
  originalStartLocal: string;
}

/** Arguments of {@link expandSeries}. */
export interface ExpandSeriesArgs {
  recurrence: MicrosoftGraph.PatternedRecurrence;
  /** Local wall time of the first occurrence as written in the master, `YYYY-MM-DDTHH:mm:ss`. */
  startLocal: string;
  /** IANA zone of the series (use {@link windowsToIana} first for Windows names). */
  timeZone: string;
  durationMinutes: number;
  windowStartUtc: Date;
  windowEndUtc: Date;
  /** Stop after this many returned occurrences (default 5000). */
  maxOccurrences?: number;
}

/** A calendar date without time or zone. */
interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const INDEXES = ['first', 'second', 'third', 'fourth'] as const;
/** Safety bound on pattern periods walked (about 270 years of daily occurrences). */
const MAX_PERIODS = 100_000;

/** ISO weekday 1 (Monday) … 7 (Sunday) of a Graph dayOfWeek name. */
function isoWeekday(name: string): number {
  const i = WEEKDAYS.indexOf(name.toLowerCase() as (typeof WEEKDAYS)[number]);
  if (i < 0) throw new RangeError(`unknown dayOfWeek "${name}"`);
  return i + 1;
}

/** Date arithmetic happens on UTC-zoned luxon values so DST never moves a day. */
function toDt(d: LocalDate): DateTime {
  return DateTime.fromObject(d, { zone: 'utc' });
}

function fromDt(dt: DateTime): LocalDate {
  return { year: dt.year, month: dt.month, day: dt.day };
}

function compareDate(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function parseDate(s: string, what: string): LocalDate {
  const dt = DateTime.fromISO(s.slice(0, 10), { zone: 'utc' });
  if (!dt.isValid) throw new RangeError(`invalid ${what} "${s}"`);
  return fromDt(dt);
}

/** The day of a month, clamped to the month's last day like Outlook (dayOfMonth 31 → 30 Apr, 28/29 Feb). */
function clampedDay(year: number, month: number, dayOfMonth: number): LocalDate {
  const last = toDt({ year, month, day: 1 }).daysInMonth ?? 28;
  return { year, month, day: Math.min(Math.max(dayOfMonth, 1), last) };
}

/** The `index`-th day of the month whose weekday is in `days` (BYSETPOS semantics; 'last' = the last such day). */
function relativeDay(year: number, month: number, days: Set<number>, index: string): LocalDate | null {
  const first = toDt({ year, month, day: 1 });
  const matches: LocalDate[] = [];
  for (let d = first; d.month === month; d = d.plus({ days: 1 })) if (days.has(d.weekday)) matches.push(fromDt(d));
  if (index === 'last') return matches[matches.length - 1] ?? null;
  const i = INDEXES.indexOf(index as (typeof INDEXES)[number]);
  if (i < 0) throw new RangeError(`unknown index "${index}"`);
  return matches[i] ?? null;
}

/**
 * Candidate local dates of a pattern, period by period, in ascending order, starting at the period
 * containing `start`. Dates before `start` may be yielded; the caller filters them.
 */
function* patternDates(
  p: MicrosoftGraph.RecurrencePattern,
  start: LocalDate,
  skipTo: LocalDate | null,
): Generator<LocalDate> {
  const interval = Math.max(1, p.interval ?? 1);
  const type = p.type ?? 'daily';
  const days = new Set((p.daysOfWeek ?? []).map(isoWeekday));
  const index = p.index ?? 'first';
  const s = toDt(start);
  for (let k = firstPeriod(type, interval, s, skipTo); k < MAX_PERIODS; k++) {
    switch (type) {
      case 'daily':
        yield fromDt(s.plus({ days: k * interval }));
        break;
      case 'weekly': {
        if (days.size === 0) throw new RangeError('weekly pattern needs daysOfWeek');
        const fdw = isoWeekday(p.firstDayOfWeek ?? 'sunday');
        const weekStart = s.minus({ days: (s.weekday - fdw + 7) % 7 }).plus({ weeks: k * interval });
        for (let i = 0; i < 7; i++) {
          const d = weekStart.plus({ days: i });
          if (days.has(d.weekday)) yield fromDt(d);
        }
        break;
      }
      case 'absoluteMonthly':
      case 'relativeMonthly': {
        const m = s.startOf('month').plus({ months: k * interval });
        const d =
          type === 'absoluteMonthly'
            ? clampedDay(m.year, m.month, p.dayOfMonth ?? start.day)
            : relativeDay(m.year, m.month, nonEmpty(days), index);
        if (d) yield d;
        break;
      }
      case 'absoluteYearly':
      case 'relativeYearly': {
        const year = start.year + k * interval;
        const month = p.month ?? start.month;
        const d =
          type === 'absoluteYearly'
            ? clampedDay(year, month, p.dayOfMonth ?? start.day)
            : relativeDay(year, month, nonEmpty(days), index);
        if (d) yield d;
        break;
      }
      default:
        throw new RangeError(`unknown recurrence pattern type "${String(type)}"`);
    }
  }
}

/** Index of a period that starts no later than `skipTo` (0 without a skip), so long series start near the window. */
function firstPeriod(type: string, interval: number, s: DateTime, skipTo: LocalDate | null): number {
  if (!skipTo || compareDate(skipTo, fromDt(s)) <= 0) return 0;
  const to = toDt(skipTo);
  const unit = type === 'daily' ? 'days' : type === 'weekly' ? 'weeks' : type.endsWith('Monthly') ? 'months' : 'years';
  const span = Math.floor(to.diff(s, unit).get(unit));
  return Math.max(0, Math.floor(span / interval) - 1);
}

/** Rejects patterns Graph would refuse (missing or out-of-range fields for the pattern type). */
function validatePattern(p: MicrosoftGraph.RecurrencePattern): void {
  const interval = p.interval ?? 1;
  if (!Number.isInteger(interval) || interval < 1 || interval > 999)
    throw new RangeError(`invalid interval ${String(p.interval)}`);
  for (const d of p.daysOfWeek ?? []) isoWeekday(d);
  if (p.firstDayOfWeek) isoWeekday(p.firstDayOfWeek);
  const type = p.type;
  const needsDays = type === 'weekly' || type === 'relativeMonthly' || type === 'relativeYearly';
  if (needsDays && (p.daysOfWeek ?? []).length === 0) throw new RangeError(`${type} pattern needs daysOfWeek`);
  if (type === 'absoluteMonthly' || type === 'absoluteYearly') {
    const d = p.dayOfMonth;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 31)
      throw new RangeError(`${type} pattern needs dayOfMonth 1–31`);
  }
  if (type === 'absoluteYearly' || type === 'relativeYearly') {
    const m = p.month;
    if (typeof m !== 'number' || !Number.isInteger(m) || m < 1 || m > 12)
      throw new RangeError(`${type} pattern needs month 1–12`);
  }
  if ((type === 'relativeMonthly' || type === 'relativeYearly') && p.index && p.index !== 'last') {
    if (!INDEXES.includes(p.index as (typeof INDEXES)[number])) throw new RangeError(`unknown index "${p.index}"`);
  }
}

function nonEmpty(days: Set<number>): Set<number> {
  if (days.size === 0) throw new RangeError('relative pattern needs daysOfWeek');
  return days;
}

/**
 * Expands a series into the occurrences that overlap `[windowStartUtc, windowEndUtc)`.
 * Occurrences keep their wall-clock time across DST changes; a nonexistent local time moves forward
 * by the gap. `numbered` ranges count from the series start, not from the window.
 *
 * @example
 * expandSeries({ recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
 *   range: { type: 'numbered', startDate: '2026-03-02', numberOfOccurrences: 4 } },
 *   startLocal: '2026-03-02T09:00:00', timeZone: 'America/New_York', durationMinutes: 30,
 *   windowStartUtc: new Date('2026-01-01Z'), windowEndUtc: new Date('2027-01-01Z') });
 * // 4 Mondays at 09:00 New York time: 14:00Z, then 13:00Z after 8 March.
 */
export function expandSeries(args: ExpandSeriesArgs): Occurrence[] {
  const { recurrence, timeZone, durationMinutes, windowStartUtc, windowEndUtc } = args;
  const max = args.maxOccurrences ?? 5000;
  if (!DateTime.local().setZone(timeZone).isValid) throw new RangeError(`unknown time zone "${timeZone}"`);
  const master = DateTime.fromISO(args.startLocal, { zone: 'utc' });
  if (!master.isValid) throw new RangeError(`invalid startLocal "${args.startLocal}"`);
  const pattern = recurrence.pattern;
  if (!pattern) throw new RangeError('recurrence.pattern is required');
  validatePattern(pattern);
  const range = recurrence.range ?? { type: 'noEnd' };
  const start = range.startDate ? parseDate(range.startDate, 'range.startDate') : fromDt(master);
  const rangeType = range.type ?? 'noEnd';
  const endDate = rangeType === 'endDate' && range.endDate ? parseDate(range.endDate, 'range.endDate') : null;
  if (rangeType === 'endDate' && !endDate) throw new RangeError('range.endDate is required for an endDate range');
  const count = rangeType === 'numbered' ? (range.numberOfOccurrences ?? 0) : Infinity;
  if (rangeType === 'numbered' && !(count > 0)) throw new RangeError('range.numberOfOccurrences must be positive');

  const time = { hour: master.hour, minute: master.minute, second: master.second };
  const windowStart = windowStartUtc.getTime();
  const windowEnd = windowEndUtc.getTime();
  const out: Occurrence[] = [];
  let seen = 0;
  // Unnumbered series may start far before the window: begin a few days before it instead.
  const skipTo =
    count === Infinity
      ? fromDt(
          DateTime.fromMillis(windowStart - durationMinutes * 60_000, { zone: 'utc' })
            .minus({ days: 2 })
            .startOf('day'),
        )
      : null;
  for (const date of patternDates(pattern, start, skipTo)) {
    if (compareDate(date, start) < 0) continue;
    if (endDate && compareDate(date, endDate) > 0) break;
    if (seen >= count) break;
    seen++;
    const local = DateTime.fromObject({ ...date, ...time }, { zone: timeZone });
    const startMs = local.toMillis();
    if (startMs >= windowEnd) break;
    const endMs = startMs + durationMinutes * 60_000;
    if (endMs > windowStart || (durationMinutes === 0 && startMs >= windowStart)) {
      const originalStartLocal = DateTime.fromObject({ ...date, ...time }, { zone: 'utc' }).toFormat(
        "yyyy-MM-dd'T'HH:mm:ss",
      );
      out.push({ startUtc: new Date(startMs), endUtc: new Date(endMs), originalStartLocal });
      if (out.length >= max) break;
    }
  }
  return out;
}

/**
 * A recurrence as Graph returns it: every pattern and range property present, unused ones at Graph's
 * defaults (month 0, dayOfMonth 0, index "first", firstDayOfWeek "sunday", numberOfOccurrences 0,
 * endDate "0001-01-01"), day names lower-case, and `recurrenceTimeZone` set (Windows name when known).
 */
export function normalizeRecurrence(
  rec: MicrosoftGraph.PatternedRecurrence,
  recurrenceTimeZone: string,
): MicrosoftGraph.PatternedRecurrence {
  const p = rec.pattern ?? {};
  const r = rec.range ?? {};
  const rangeType = r.type ?? 'noEnd';
  let zone = r.recurrenceTimeZone ?? recurrenceTimeZone;
  try {
    zone = ianaToWindows(zone);
  } catch {
    // keep the name as given
  }
  return {
    pattern: {
      type: p.type ?? 'daily',
      interval: p.interval ?? 1,
      month: p.month ?? 0,
      dayOfMonth: p.dayOfMonth ?? 0,
      daysOfWeek: (p.daysOfWeek ?? []).map((d) => d.toLowerCase() as MicrosoftGraph.DayOfWeek),
      firstDayOfWeek: (p.firstDayOfWeek?.toLowerCase() as MicrosoftGraph.DayOfWeek | undefined) ?? 'sunday',
      index: p.index ?? 'first',
    },
    range: {
      type: rangeType,
      startDate: r.startDate ?? null,
      endDate: rangeType === 'endDate' ? (r.endDate ?? null) : '0001-01-01',
      recurrenceTimeZone: zone,
      numberOfOccurrences: rangeType === 'numbered' ? (r.numberOfOccurrences ?? 0) : 0,
    },
  };
}

/** IANA zone for a Windows zone name ("Pacific Standard Time"); IANA names pass through; unknown → RangeError. */
export function windowsToIana(name: string): string {
  const iana = findIana(name)[0];
  if (iana) return iana;
  if (name === 'UTC' || name === 'Etc/UTC') return 'Etc/UTC';
  if (name.includes('/') && DateTime.local().setZone(name).isValid) return name;
  throw new RangeError(`unknown time zone "${name}"`);
}

/** Windows zone name for an IANA zone ("Europe/Berlin" → "W. Europe Standard Time"); Windows names pass through. */
export function ianaToWindows(name: string): string {
  const win = findWindows(name)[0];
  if (win) return win;
  if (findIana(name).length > 0) return name;
  throw new RangeError(`unknown time zone "${name}"`);
}
