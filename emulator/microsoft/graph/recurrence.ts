// Expands Graph patternedRecurrence series into occurrences in the event's own time zone (host-zone free).
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import { IANAZone } from 'luxon';
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

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const INDEXES = ['first', 'second', 'third', 'fourth'] as const;
/** Safety bound on pattern periods walked (about 270 years of daily occurrences). */
const MAX_PERIODS = 100_000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

// Calendar dates are day numbers (days since 1970-01-01): plain integer arithmetic, never touched by DST.

/** Day number of a calendar date (month 1–12; an overflowing day rolls into the next month). */
function dayNo(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.floor(d.getTime() / DAY_MS);
}

function ymd(n: number): { year: number; month: number; day: number } {
  const d = new Date(n * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO weekday (1 Monday … 7 Sunday) of a day number (day 0 was a Thursday). */
function weekdayOf(n: number): number {
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

/** ISO weekday 1 (Monday) … 7 (Sunday) of a Graph dayOfWeek name. */
function isoWeekday(name: string): number {
  const i = WEEKDAYS.indexOf(name.toLowerCase() as (typeof WEEKDAYS)[number]);
  if (i < 0) throw new RangeError(`unknown dayOfWeek "${name}"`);
  return i + 1;
}

function parseDate(s: string, what: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  const n = m ? dayNo(+m[1]!, +m[2]!, +m[3]!) : NaN;
  if (!m || ymd(n).day !== +m[3]! || ymd(n).month !== +m[2]!) throw new RangeError(`invalid ${what} "${s}"`);
  return n;
}

/** The day of a month, clamped to the month's last day like Outlook (dayOfMonth 31 → 30 Apr, 28/29 Feb). */
function clampedDay(year: number, month: number, dayOfMonth: number): number {
  const last = dayNo(year, month + 1, 1) - dayNo(year, month, 1);
  return dayNo(year, month, Math.min(Math.max(dayOfMonth, 1), last));
}

/** The `index`-th day of the month whose weekday is in `days` (BYSETPOS semantics; 'last' = the last such day). */
function relativeDay(year: number, month: number, days: Set<number>, index: string): number | null {
  const first = dayNo(year, month, 1);
  const end = dayNo(year, month + 1, 1);
  const matches: number[] = [];
  for (let n = first; n < end; n++) if (days.has(weekdayOf(n))) matches.push(n);
  if (index === 'last') return matches[matches.length - 1] ?? null;
  return matches[INDEXES.indexOf(index as (typeof INDEXES)[number])] ?? null;
}

/** Months since year 0 (for month arithmetic). */
const monthIndex = (n: number) => ymd(n).year * 12 + ymd(n).month - 1;

/** Index of a period that starts no later than `skipTo` (0 without a skip), so long series start near the window. */
function firstPeriod(type: string, interval: number, start: number, skipTo: number | null): number {
  if (skipTo === null || skipTo <= start) return 0;
  let span: number;
  if (type === 'daily') span = skipTo - start;
  else if (type === 'weekly') span = Math.floor((skipTo - start) / 7);
  else if (type.endsWith('Monthly')) span = monthIndex(skipTo) - monthIndex(start);
  else span = ymd(skipTo).year - ymd(start).year;
  return Math.max(0, Math.floor(span / interval) - 1);
}

/**
 * Candidate day numbers of a pattern, period by period, ascending, from the period containing `start`
 * (or a period just before `skipTo`). Days before `start` may be yielded; the caller filters them.
 */
function* patternDays(p: MicrosoftGraph.RecurrencePattern, start: number, skipTo: number | null): Generator<number> {
  const interval = p.interval ?? 1;
  const type = p.type ?? 'daily';
  const days = new Set((p.daysOfWeek ?? []).map(isoWeekday));
  const index = p.index ?? 'first';
  const fdw = isoWeekday(p.firstDayOfWeek ?? 'sunday');
  const firstWeek = start - ((weekdayOf(start) - fdw + 7) % 7);
  const { year: y0, month: m0, day: d0 } = ymd(start);
  for (let k = firstPeriod(type, interval, start, skipTo); k < MAX_PERIODS; k++) {
    switch (type) {
      case 'daily':
        yield start + k * interval;
        break;
      case 'weekly': {
        const weekStart = firstWeek + 7 * k * interval;
        for (let i = 0; i < 7; i++) if (days.has(weekdayOf(weekStart + i))) yield weekStart + i;
        break;
      }
      case 'absoluteMonthly':
      case 'relativeMonthly': {
        const mi = y0 * 12 + (m0 - 1) + k * interval;
        const [year, month] = [Math.floor(mi / 12), (mi % 12) + 1];
        const d =
          type === 'absoluteMonthly'
            ? clampedDay(year, month, p.dayOfMonth ?? d0)
            : relativeDay(year, month, days, index);
        if (d !== null) yield d;
        break;
      }
      case 'absoluteYearly':
      case 'relativeYearly': {
        const year = y0 + k * interval;
        const month = p.month ?? m0;
        const d =
          type === 'absoluteYearly'
            ? clampedDay(year, month, p.dayOfMonth ?? d0)
            : relativeDay(year, month, days, index);
        if (d !== null) yield d;
        break;
      }
      default:
        throw new RangeError(`unknown recurrence pattern type "${String(type)}"`);
    }
  }
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

/** A zone with a memo of its UTC offsets per minute (offsets change only at whole-minute instants). */
interface CachedZone {
  zone: IANAZone;
  offsets: Map<number, number>;
}

const zones = new Map<string, CachedZone>();
const MAX_CACHED_OFFSETS = 200_000;

function zoneOf(name: string): CachedZone {
  let z = zones.get(name);
  if (!z) {
    const zone = IANAZone.create(name);
    if (!zone.isValid) throw new RangeError(`unknown time zone "${name}"`);
    z = { zone, offsets: new Map() };
    zones.set(name, z);
  }
  return z;
}

/** Offset in minutes of the zone at an instant. */
function offsetAt(z: CachedZone, ms: number): number {
  const key = Math.floor(ms / MINUTE_MS);
  let o = z.offsets.get(key);
  if (o === undefined) {
    if (z.offsets.size >= MAX_CACHED_OFFSETS) z.offsets.clear();
    o = z.zone.offset(key * MINUTE_MS);
    z.offsets.set(key, o);
  }
  return o;
}

/**
 * The instant of a local wall time (given as if it were UTC) in a zone, deterministically: an ambiguous
 * time (DST ends) is read as standard time, the later instant, as Exchange (.NET) does; a nonexistent
 * time (DST starts) moves forward by the gap. (luxon alone picks by the current date's offset for
 * ambiguous times.)
 */
function wallTimeToUtcMs(wallAsUtcMs: number, z: CachedZone): number {
  const before = offsetAt(z, wallAsUtcMs - DAY_MS);
  const after = offsetAt(z, wallAsUtcMs + DAY_MS);
  if (before === after) return wallAsUtcMs - before * MINUTE_MS;
  const valid = [before, after].filter((o) => offsetAt(z, wallAsUtcMs - o * MINUTE_MS) === o);
  if (valid.length === 0) return wallAsUtcMs - Math.min(before, after) * MINUTE_MS;
  return wallAsUtcMs - Math.min(...valid) * MINUTE_MS;
}

/** The UTC instant of a local wall time `YYYY-MM-DDTHH:mm[:ss]` in an IANA zone, with expandSeries' DST rules. */
export function localWallTimeToUtc(local: string, timeZone: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(local);
  if (!m) throw new RangeError(`invalid local time "${local}"`);
  const wall = dayNo(+m[1]!, +m[2]!, +m[3]!) * DAY_MS + ((+m[4]! * 60 + +m[5]!) * 60 + +(m[6] ?? 0)) * 1000;
  return new Date(wallTimeToUtcMs(wall, zoneOf(timeZone)));
}

/**
 * Expands a series into the occurrences that overlap `[windowStartUtc, windowEndUtc)`.
 * Occurrences keep their wall-clock time across DST changes; a nonexistent local time moves forward
 * by the gap, an ambiguous one is read as standard time. `numbered` ranges count from the series start,
 * not from the window.
 *
 * @example
 * expandSeries({ recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
 *   range: { type: 'numbered', startDate: '2026-03-02', numberOfOccurrences: 4 } },
 *   startLocal: '2026-03-02T09:00:00', timeZone: 'America/New_York', durationMinutes: 30,
 *   windowStartUtc: new Date('2026-01-01Z'), windowEndUtc: new Date('2027-01-01Z') });
 * // 4 Mondays at 09:00 New York time: 14:00Z, then 13:00Z after 8 March.
 */
export function expandSeries(args: ExpandSeriesArgs): Occurrence[] {
  const { recurrence, durationMinutes } = args;
  const max = args.maxOccurrences ?? 5000;
  const zone = zoneOf(args.timeZone);
  const t = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(args.startLocal);
  if (!t) throw new RangeError(`invalid startLocal "${args.startLocal}"`);
  const timeMs = ((+t[2]! * 60 + +t[3]!) * 60 + +(t[4] ?? 0)) * 1000;
  if (timeMs >= DAY_MS) throw new RangeError(`invalid startLocal "${args.startLocal}"`);
  const pattern = recurrence.pattern;
  if (!pattern) throw new RangeError('recurrence.pattern is required');
  validatePattern(pattern);
  const range = recurrence.range ?? { type: 'noEnd' };
  const start = parseDate(range.startDate ?? t[1]!, 'range.startDate');
  const rangeType = range.type ?? 'noEnd';
  const endDate = rangeType === 'endDate' && range.endDate ? parseDate(range.endDate, 'range.endDate') : null;
  if (rangeType === 'endDate' && endDate === null)
    throw new RangeError('range.endDate is required for an endDate range');
  const count = rangeType === 'numbered' ? (range.numberOfOccurrences ?? 0) : Infinity;
  if (rangeType === 'numbered' && !(count > 0)) throw new RangeError('range.numberOfOccurrences must be positive');

  const windowStart = args.windowStartUtc.getTime();
  const windowEnd = args.windowEndUtc.getTime();
  const durationMs = durationMinutes * MINUTE_MS;
  // Unnumbered series may start far before the window: begin a couple of days before it instead.
  const skipTo = count === Infinity ? Math.floor((windowStart - durationMs) / DAY_MS) - 2 : null;
  const out: Occurrence[] = [];
  let seen = 0;
  for (const day of patternDays(pattern, start, skipTo)) {
    if (day < start) continue;
    if (endDate !== null && day > endDate) break;
    if (seen >= count) break;
    seen++;
    const wall = day * DAY_MS + timeMs;
    const startMs = wallTimeToUtcMs(wall, zone);
    if (startMs >= windowEnd) break;
    const endMs = startMs + durationMs;
    if (endMs > windowStart || (durationMs === 0 && startMs >= windowStart)) {
      const originalStartLocal = new Date(wall).toISOString().slice(0, 19);
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
  if (name.includes('/') && IANAZone.isValidZone(name)) return name;
  throw new RangeError(`unknown time zone "${name}"`);
}

/** Windows zone name for an IANA zone ("Europe/Berlin" → "W. Europe Standard Time"); Windows names pass through. */
export function ianaToWindows(name: string): string {
  const win = findWindows(name)[0];
  if (win) return win;
  if (findIana(name).length > 0) return name;
  throw new RangeError(`unknown time zone "${name}"`);
}
