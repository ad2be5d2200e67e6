// Graph patternedRecurrence ↔ RFC 5545 RRULE (the domain's Recurrence), both ways, for every Graph pattern and range type.
import { DateTime } from 'luxon';
import rrulePkg from 'rrule';
import type { Options as RRuleOptions, Weekday } from 'rrule';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { DateOnly, Recurrence } from '../../domain/calendar.js';
import { AppError } from '../../domain/errors.js';
import { resolveTimeZone, toGraphTimeZone } from './timezones.js';
import { WEEKDAYS } from '../../domain/recurrence-spec.js';

const { RRule } = rrulePkg;

type Day = MicrosoftGraph.DayOfWeek;
type Pattern = MicrosoftGraph.RecurrencePattern;
type Range = MicrosoftGraph.RecurrenceRange;

/** Graph days in RRULE order (MO first, as rrule's weekday numbers 0…6). */
const DAYS: readonly Day[] = WEEKDAYS;
const RRULE_DAY: Readonly<Record<Day, string>> = {
  monday: 'MO',
  tuesday: 'TU',
  wednesday: 'WE',
  thursday: 'TH',
  friday: 'FR',
  saturday: 'SA',
  sunday: 'SU',
};
const INDEX_TO_SETPOS: Readonly<Record<MicrosoftGraph.WeekIndex, number>> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  last: -1,
};
const SETPOS_TO_INDEX = new Map<number, MicrosoftGraph.WeekIndex>(
  Object.entries(INDEX_TO_SETPOS).map(([k, v]) => [v, k as MicrosoftGraph.WeekIndex]),
);

function malformed(reason: string, value: unknown): AppError {
  return new AppError('provider_error', 'The calendar provider returned a recurrence calbridge cannot read.', {
    details: { reason, value },
  });
}

function unsupported(rrule: string, part: string): AppError {
  return new AppError('unsatisfiable', 'Microsoft calendars cannot express this recurrence rule.', {
    details: { reason: 'unsupported_recurrence', rrule, part },
  });
}

function sortDays(days: readonly string[] | null | undefined): Day[] {
  const wanted = new Set((days ?? []).map((d) => d.toLowerCase()));
  return DAYS.filter((d) => wanted.has(d));
}

/**
 * Canonical form of a patternedRecurrence: only the fields its pattern and range types use, defaults filled in
 * (interval 1, index `first`, weekly firstDayOfWeek `sunday` as Graph assumes), day names lower-case in MO…SU order.
 */
export function normalizePatternedRecurrence(
  rec: MicrosoftGraph.PatternedRecurrence,
): MicrosoftGraph.PatternedRecurrence {
  const p = rec.pattern ?? {};
  const type = p.type;
  const pattern: Pattern = { type, interval: p.interval && p.interval > 0 ? p.interval : 1 };
  if (type === 'weekly' || type === 'relativeMonthly' || type === 'relativeYearly')
    pattern.daysOfWeek = sortDays(p.daysOfWeek);
  if (type === 'relativeMonthly' || type === 'relativeYearly') pattern.index = p.index ?? 'first';
  if (type === 'absoluteMonthly' || type === 'absoluteYearly') pattern.dayOfMonth = p.dayOfMonth ?? 1;
  if (type === 'absoluteYearly' || type === 'relativeYearly') pattern.month = p.month ?? 1;
  const fdow = p.firstDayOfWeek?.toLowerCase() as Day | undefined;
  if (type === 'weekly') pattern.firstDayOfWeek = fdow ?? 'sunday';
  else if (fdow !== undefined) pattern.firstDayOfWeek = fdow;
  const r = rec.range ?? {};
  const range: Range = { type: r.type ?? 'noEnd', startDate: r.startDate ?? null };
  if (range.type === 'endDate') range.endDate = r.endDate ?? null;
  if (range.type === 'numbered') range.numberOfOccurrences = r.numberOfOccurrences ?? 0;
  if (r.recurrenceTimeZone) range.recurrenceTimeZone = r.recurrenceTimeZone;
  return { pattern, range };
}

/**
 * The RRULE (without `RRULE:`) equivalent to a Graph pattern and range. Canonical output: FREQ, INTERVAL, BYMONTH,
 * BYMONTHDAY, BYDAY, BYSETPOS, WKST, then UNTIL (date form, the inclusive local end date) or COUNT.
 * Graph's `index` with several days means "the n-th of any of these days", i.e. BYSETPOS, which is the form written.
 * @example patternedRecurrenceToRRule({ pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['wednesday'],
 *   index: 'second' }, range: { type: 'noEnd', startDate: '2026-01-14' } }) // 'FREQ=MONTHLY;INTERVAL=1;BYDAY=WE;BYSETPOS=2'
 */
export function patternedRecurrenceToRRule(rec: MicrosoftGraph.PatternedRecurrence): string {
  const { pattern, range } = normalizePatternedRecurrence(rec);
  const p = pattern ?? {};
  const parts: string[] = [];
  const byDay = () => {
    if (!p.daysOfWeek || p.daysOfWeek.length === 0) throw malformed('recurrence_without_days', p);
    return `BYDAY=${p.daysOfWeek.map((d) => RRULE_DAY[d]).join(',')}`;
  };
  switch (p.type) {
    case 'daily':
      parts.push('FREQ=DAILY', `INTERVAL=${p.interval}`);
      break;
    case 'weekly':
      parts.push('FREQ=WEEKLY', `INTERVAL=${p.interval}`, byDay());
      break;
    case 'absoluteMonthly':
      parts.push('FREQ=MONTHLY', `INTERVAL=${p.interval}`, `BYMONTHDAY=${p.dayOfMonth}`);
      break;
    case 'relativeMonthly':
      parts.push('FREQ=MONTHLY', `INTERVAL=${p.interval}`, byDay(), `BYSETPOS=${INDEX_TO_SETPOS[p.index ?? 'first']}`);
      break;
    case 'absoluteYearly':
      parts.push('FREQ=YEARLY', `INTERVAL=${p.interval}`, `BYMONTH=${p.month}`, `BYMONTHDAY=${p.dayOfMonth}`);
      break;
    case 'relativeYearly':
      parts.push(
        'FREQ=YEARLY',
        `INTERVAL=${p.interval}`,
        `BYMONTH=${p.month}`,
        byDay(),
        `BYSETPOS=${INDEX_TO_SETPOS[p.index ?? 'first']}`,
      );
      break;
    case null:
    case undefined:
      throw malformed('recurrence_without_pattern_type', p);
  }
  if (p.firstDayOfWeek) parts.push(`WKST=${RRULE_DAY[p.firstDayOfWeek]}`);
  const r = range ?? {};
  if (r.type === 'endDate') {
    if (!r.endDate || !/^\d{4}-\d{2}-\d{2}$/.test(r.endDate)) throw malformed('recurrence_end_date', r.endDate);
    parts.push(`UNTIL=${r.endDate.replaceAll('-', '')}`);
  } else if (r.type === 'numbered') {
    parts.push(`COUNT=${r.numberOfOccurrences}`);
  }
  return parts.join(';');
}

interface ParsedRule {
  options: Partial<RRuleOptions>;
  /** UNTIL as the inclusive local end date, when present. */
  untilDate: DateOnly | null;
}

function asList<T>(v: T | T[] | null | undefined): T[] {
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** UNTIL in any RFC form → inclusive local end date in the series zone, given the series' local start time. */
function untilToLocalDate(raw: string, zone: string, startTime: string): DateOnly {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(raw);
  if (m === null)
    throw new AppError('bad_request', 'The recurrence rule has an invalid UNTIL.', { details: { until: raw } });
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  if (m[4] === undefined) return date;
  const local =
    m[7] === 'Z'
      ? DateTime.fromISO(`${date}T${m[4]}:${m[5]}:${m[6]}Z`).setZone(zone)
      : DateTime.fromISO(`${date}T${m[4]}:${m[5]}:${m[6]}`, { zone: 'UTC' });
  // The last occurrence is on the UNTIL date only when it starts no later than UNTIL's time of day.
  const endsBeforeStartTime = local.toFormat('HH:mm:ss') < startTime;
  return (endsBeforeStartTime ? local.minus({ days: 1 }) : local).toISODate() as DateOnly;
}

function parseRule(rrule: string, zone: string, startTime: string): ParsedRule {
  const text = rrule.trim().replace(/^RRULE:/i, '');
  let options: Partial<RRuleOptions>;
  try {
    options = RRule.parseString(text);
  } catch (cause) {
    throw new AppError('bad_request', 'The recurrence rule is not valid RFC 5545.', { details: { rrule }, cause });
  }
  if (options.freq === undefined || options.freq === null) {
    throw new AppError('bad_request', 'The recurrence rule has no valid FREQ.', { details: { rrule } });
  }
  const untilRaw = /(?:^|;)UNTIL=([^;]+)/i.exec(text)?.[1];
  if (untilRaw !== undefined && options.count !== undefined && options.count !== null) {
    throw new AppError('bad_request', 'A recurrence rule cannot have both UNTIL and COUNT.', { details: { rrule } });
  }
  return {
    options,
    untilDate: untilRaw === undefined ? null : untilToLocalDate(untilRaw.toUpperCase(), zone, startTime),
  };
}

function weekdayName(w: Weekday | number): Day {
  const n = typeof w === 'number' ? w : w.weekday;
  const day = DAYS[n];
  if (day === undefined)
    throw new AppError('bad_request', 'The recurrence rule has an invalid weekday.', { details: { weekday: n } });
  return day;
}

/** BYDAY (+ BYSETPOS) → Graph days and index. Accepts `BYDAY=WE;BYSETPOS=2` and `BYDAY=2WE`. */
function relativeDays(o: Partial<RRuleOptions>, rrule: string): { daysOfWeek: Day[]; index: MicrosoftGraph.WeekIndex } {
  const days = asList(o.byweekday) as Array<Weekday | number>;
  const ordinals = days.map((d) => (typeof d === 'number' ? undefined : d.n)).filter((n) => n !== undefined && n !== 0);
  const setpos = asList(o.bysetpos);
  let pos: number | undefined;
  if (ordinals.length > 0) {
    if (days.length !== 1 || setpos.length > 0) throw unsupported(rrule, 'BYDAY');
    pos = ordinals[0];
  } else {
    if (setpos.length !== 1) throw unsupported(rrule, 'BYSETPOS');
    pos = setpos[0];
  }
  const index = pos === undefined ? undefined : SETPOS_TO_INDEX.get(pos);
  if (index === undefined) throw unsupported(rrule, 'BYSETPOS');
  return { daysOfWeek: sortDays(days.map(weekdayName)), index };
}

const UNSUPPORTED_PARTS = [
  'byhour',
  'byminute',
  'bysecond',
  'byweekno',
  'byyearday',
  'byeaster',
  'bynweekday',
  'bynmonthday',
] as const;

function patternFromOptions(o: Partial<RRuleOptions>, rrule: string, start: DateTime): Pattern {
  for (const part of UNSUPPORTED_PARTS)
    if (asList(o[part] as unknown).length > 0) throw unsupported(rrule, part.toUpperCase());
  const interval = o.interval && o.interval > 0 ? o.interval : 1;
  const days = asList(o.byweekday) as Array<Weekday | number>;
  const hasOrdinal = days.some((d) => typeof d !== 'number' && d.n !== undefined && d.n !== 0);
  const monthDays = asList(o.bymonthday);
  const months = asList(o.bymonth);
  if (monthDays.length > 1 || months.length > 1 || monthDays.some((d) => d < 1))
    throw unsupported(rrule, 'BYMONTHDAY/BYMONTH');
  const startDay = DAYS[start.weekday - 1] as Day;
  // BYSETPOS only has a Graph meaning together with BYDAY in a monthly or yearly rule (relative patterns).
  const relative = (o.freq === RRule.MONTHLY || o.freq === RRule.YEARLY) && days.length > 0;
  if (asList(o.bysetpos).length > 0 && !relative) throw unsupported(rrule, 'BYSETPOS');
  switch (o.freq) {
    case RRule.DAILY:
      if (days.length === 0 && monthDays.length === 0 && months.length === 0) return { type: 'daily', interval };
      // "Every day that is a weekday" is Outlook's weekly pattern.
      if (interval === 1 && !hasOrdinal && monthDays.length === 0 && months.length === 0) {
        return { type: 'weekly', interval: 1, daysOfWeek: sortDays(days.map(weekdayName)) };
      }
      throw unsupported(rrule, 'FREQ=DAILY');
    case RRule.WEEKLY:
      if (hasOrdinal || monthDays.length > 0 || months.length > 0) throw unsupported(rrule, 'FREQ=WEEKLY');
      return { type: 'weekly', interval, daysOfWeek: days.length > 0 ? sortDays(days.map(weekdayName)) : [startDay] };
    case RRule.MONTHLY:
      if (months.length > 0) throw unsupported(rrule, 'BYMONTH');
      if (days.length > 0) {
        if (monthDays.length > 0) throw unsupported(rrule, 'BYDAY+BYMONTHDAY');
        return { type: 'relativeMonthly', interval, ...relativeDays(o, rrule) };
      }
      return { type: 'absoluteMonthly', interval, dayOfMonth: monthDays[0] ?? start.day };
    case RRule.YEARLY: {
      const month = months[0] ?? start.month;
      // YEARLY;BYMONTHDAY=n without BYMONTH repeats in every month: not a yearly Graph pattern.
      if (monthDays.length > 0 && months.length === 0) throw unsupported(rrule, 'FREQ=YEARLY;BYMONTHDAY');
      if (days.length > 0) {
        if (monthDays.length > 0 || months.length === 0) throw unsupported(rrule, 'FREQ=YEARLY;BYDAY');
        return { type: 'relativeYearly', interval, month, ...relativeDays(o, rrule) };
      }
      return { type: 'absoluteYearly', interval, month, dayOfMonth: monthDays[0] ?? start.day };
    }
    case RRule.HOURLY:
    case RRule.MINUTELY:
    case RRule.SECONDLY:
    case undefined:
      throw unsupported(rrule, 'FREQ');
  }
}

export interface RRuleContext {
  /** The series' first local start, `YYYY-MM-DDTHH:mm:ss` (or a date for all-day series). */
  startLocal: string;
  /** IANA zone of the series. */
  timeZone: string;
}

/**
 * RRULE (supported subset, with or without `RRULE:`) → Graph patternedRecurrence whose range starts on the date of
 * `startLocal` and whose recurrenceTimeZone is the Windows name of `timeZone`. Invalid rules are `bad_request`;
 * valid rules Graph cannot express (BYHOUR, several BYMONTHDAYs, `BYDAY=1TH,1FR`, …) are `unsatisfiable`.
 * WKST is kept; a WEEKLY rule without WKST gets `monday`, RFC 5545's default.
 */
export function rruleToPatternedRecurrence(rrule: string, ctx: RRuleContext): MicrosoftGraph.PatternedRecurrence {
  const start = DateTime.fromISO(ctx.startLocal, { zone: 'UTC' });
  if (!start.isValid)
    throw new AppError('bad_request', 'The recurrence start is not a valid date.', {
      details: { startLocal: ctx.startLocal },
    });
  const startTime = ctx.startLocal.length > 10 ? start.toFormat('HH:mm:ss') : '00:00:00';
  const { options: o, untilDate } = parseRule(rrule, ctx.timeZone, startTime);
  const pattern = patternFromOptions(o, rrule, start);
  if (o.wkst !== undefined && o.wkst !== null) pattern.firstDayOfWeek = weekdayName(o.wkst as Weekday | number);
  else if (pattern.type === 'weekly') pattern.firstDayOfWeek = 'monday';
  const range: Range = { type: 'noEnd', startDate: start.toISODate() };
  if (untilDate !== null) Object.assign(range, { type: 'endDate', endDate: untilDate });
  else if (o.count !== undefined && o.count !== null) {
    if (!Number.isInteger(o.count) || o.count < 1)
      throw new AppError('bad_request', 'COUNT must be a positive integer.', { details: { rrule } });
    Object.assign(range, { type: 'numbered', numberOfOccurrences: o.count });
  }
  range.recurrenceTimeZone = toGraphTimeZone(ctx.timeZone);
  return normalizePatternedRecurrence({ pattern, range });
}

/** The domain's Recurrence → Graph patternedRecurrence (exDates are not part of it: Graph cancels occurrences one by one). */
export function recurrenceToGraph(rec: Recurrence): MicrosoftGraph.PatternedRecurrence {
  return rruleToPatternedRecurrence(rec.rrule, { startLocal: rec.startLocal, timeZone: rec.timeZone });
}

/**
 * Graph patternedRecurrence of a series master → the domain's Recurrence. `startLocal` is the master's first local
 * start in the series zone; the zone is `range.recurrenceTimeZone` when Graph gives one, else `eventTimeZone`.
 * `cancelledOccurrences` (ids ending in the occurrence's local date) become exDates at the series' local start time.
 */
export function graphToRecurrence(
  rec: MicrosoftGraph.PatternedRecurrence,
  ctx: { startLocal: string; eventTimeZone: string; cancelledOccurrences?: string[] | null },
): Recurrence {
  const zoneName = rec.range?.recurrenceTimeZone;
  const timeZone = zoneName ? resolveTimeZone(zoneName, ctx.eventTimeZone).iana : ctx.eventTimeZone;
  const time = ctx.startLocal.length > 10 ? ctx.startLocal.slice(10) : 'T00:00:00';
  const exDates = (ctx.cancelledOccurrences ?? [])
    .map((id) => /(\d{4}-\d{2}-\d{2})$/.exec(id)?.[1])
    .filter((d): d is string => d !== undefined)
    .map((d) => `${d}${time}`)
    .sort();
  return { rrule: patternedRecurrenceToRRule(rec), timeZone, startLocal: ctx.startLocal, exDates };
}
