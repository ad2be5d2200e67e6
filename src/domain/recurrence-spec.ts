// A recurrence as callers describe it (daily, weekly on given days, monthly, with an end date or a count) → the
// domain's Recurrence (an RFC 5545 RRULE in a named zone). Every rule broken is `invalid_recurrence` with a reason.
import { DateTime } from 'luxon';
import type { DateOnly, Instant, Recurrence } from './calendar.js';
import { AppError } from './errors.js';

export type RecurrenceDay = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

/** The days of the week in ISO order, Monday first (luxon's `weekday` 1…7 is index + 1, rrule's 0…6 the index). */
export const WEEKDAYS: readonly RecurrenceDay[] = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
];

/** The series shapes calbridge writes to Microsoft and Google alike. */
export interface RecurrenceSpec {
  frequency: 'daily' | 'weekly' | 'monthly';
  /** Every n days / weeks / months (default 1, at most 99). */
  interval?: number;
  /** weekly: the days it repeats on (default: the start's weekday); the start must be one of them. */
  daysOfWeek?: RecurrenceDay[];
  /** monthly: the day of the month (default and required: the start's day). */
  dayOfMonth?: number;
  /** The last local date an occurrence may fall on (inclusive). At most one of `until` and `count`. */
  until?: DateOnly;
  /** How many occurrences (1–730). */
  count?: number;
}

export const RECURRENCE_LIMITS = { maxInterval: 99, maxCount: 730, maxYears: 5 } as const;

const DAYS: readonly RecurrenceDay[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const RRULE_DAY: Readonly<Record<RecurrenceDay, string>> = {
  monday: 'MO',
  tuesday: 'TU',
  wednesday: 'WE',
  thursday: 'TH',
  friday: 'FR',
  saturday: 'SA',
  sunday: 'SU',
};

function invalid(reason: string, message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('invalid_recurrence', message, { details: { reason, ...details } });
}

/**
 * Checks `spec` against the series' first start and builds the Recurrence written to the provider. The first start
 * must be an occurrence of the pattern (Graph moves a series to the first matching day while RFC 5545 counts DTSTART
 * as an occurrence anyway, so a start off the pattern would give different series on Microsoft and Google).
 * @example recurrenceFromSpec({ frequency: 'weekly', daysOfWeek: ['tuesday'], count: 6 },
 *   { start: '2026-03-10T09:00:00.000Z', timeZone: 'Europe/Berlin' }) // rrule 'FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;WKST=MO;COUNT=6'
 */
export function recurrenceFromSpec(
  spec: RecurrenceSpec,
  series: { start: Instant; timeZone: string; isAllDay?: boolean },
): Recurrence {
  const zone = series.timeZone;
  const local = series.isAllDay
    ? DateTime.fromISO(series.start.slice(0, 10), { zone: 'utc' })
    : DateTime.fromISO(series.start, { zone: 'utc' }).setZone(zone);
  if (!local.isValid) throw invalid('bad_start', 'The series start or time zone is not valid.', { timeZone: zone });
  const interval = spec.interval ?? 1;
  if (!Number.isInteger(interval) || interval < 1 || interval > RECURRENCE_LIMITS.maxInterval)
    throw invalid('bad_interval', `The interval must be a whole number from 1 to ${RECURRENCE_LIMITS.maxInterval}.`, {
      interval,
    });
  if (spec.until !== undefined && spec.count !== undefined)
    throw invalid('end_date_and_count', 'A series ends on a date or after a count, not both.');
  const startDay = DAYS[local.weekday - 1]!;
  const parts = [`FREQ=${spec.frequency.toUpperCase()}`, `INTERVAL=${interval}`];
  switch (spec.frequency) {
    case 'daily':
      if (spec.daysOfWeek?.length || spec.dayOfMonth !== undefined)
        throw invalid('field_not_for_frequency', 'A daily series takes no days of the week or day of the month.');
      break;
    case 'weekly': {
      if (spec.dayOfMonth !== undefined)
        throw invalid('field_not_for_frequency', 'A weekly series takes days of the week, not a day of the month.');
      const days = spec.daysOfWeek?.length ? spec.daysOfWeek : [startDay];
      const sorted = DAYS.filter((d) => days.includes(d));
      if (!sorted.includes(startDay))
        throw invalid('start_not_in_pattern', 'The first meeting must fall on one of the days of the week chosen.', {
          startDay,
          daysOfWeek: sorted,
        });
      parts.push(`BYDAY=${sorted.map((d) => RRULE_DAY[d]).join(',')}`, 'WKST=MO');
      break;
    }
    case 'monthly': {
      if (spec.daysOfWeek?.length)
        throw invalid(
          'field_not_for_frequency',
          'A monthly series repeats on a day of the month, not days of the week.',
        );
      const day = spec.dayOfMonth ?? local.day;
      if (!Number.isInteger(day) || day < 1 || day > 31)
        throw invalid('bad_day_of_month', 'The day of the month must be 1 to 31.', { dayOfMonth: day });
      if (day !== local.day)
        throw invalid('start_not_in_pattern', 'The first meeting must fall on the day of the month chosen.', {
          startDayOfMonth: local.day,
          dayOfMonth: day,
        });
      parts.push(`BYMONTHDAY=${day}`);
      break;
    }
  }
  const startDate = local.toISODate()!;
  if (spec.until !== undefined) {
    const until = DateTime.fromISO(spec.until, { zone: 'utc' });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(spec.until) || !until.isValid)
      throw invalid('bad_end_date', 'The end date must be a date YYYY-MM-DD.', { until: spec.until });
    if (spec.until < startDate)
      throw invalid('end_before_start', 'The series cannot end before its first meeting.', {
        until: spec.until,
        startDate,
      });
    if (until > DateTime.fromISO(startDate, { zone: 'utc' }).plus({ years: RECURRENCE_LIMITS.maxYears }))
      throw invalid('too_long', `A series may last at most ${RECURRENCE_LIMITS.maxYears} years.`, {
        until: spec.until,
      });
    parts.push(`UNTIL=${spec.until.replaceAll('-', '')}`);
  } else if (spec.count !== undefined) {
    if (!Number.isInteger(spec.count) || spec.count < 1 || spec.count > RECURRENCE_LIMITS.maxCount)
      throw invalid('bad_count', `The count must be a whole number from 1 to ${RECURRENCE_LIMITS.maxCount}.`, {
        count: spec.count,
      });
    parts.push(`COUNT=${spec.count}`);
  }
  const startLocal = series.isAllDay ? `${startDate}T00:00:00` : local.toFormat("yyyy-LL-dd'T'HH:mm:ss");
  return { rrule: parts.join(';'), timeZone: zone, startLocal, exDates: [] };
}

/** A Recurrence's RRULE read back as a RecurrenceSpec (null for rules outside the shapes calbridge writes). */
export function specOfRecurrence(r: Recurrence): RecurrenceSpec | null {
  const map = new Map(
    r.rrule
      .replace(/^RRULE:/i, '')
      .split(';')
      .map((p) => p.split('=') as [string, string]),
  );
  const freq = map.get('FREQ');
  const frequency = freq === 'DAILY' ? 'daily' : freq === 'WEEKLY' ? 'weekly' : freq === 'MONTHLY' ? 'monthly' : null;
  if (frequency === null || map.has('BYSETPOS') || map.has('BYMONTH')) return null;
  const out: RecurrenceSpec = { frequency, interval: Number(map.get('INTERVAL') ?? 1) };
  const byday = map.get('BYDAY');
  if (byday) {
    if (frequency !== 'weekly' || /\d/.test(byday)) return null;
    out.daysOfWeek = byday.split(',').map((d) => DAYS.find((x) => RRULE_DAY[x] === d)!);
  }
  if (map.has('BYMONTHDAY')) out.dayOfMonth = Number(map.get('BYMONTHDAY'));
  const until = map.get('UNTIL');
  if (until) {
    // A UTC UNTIL (…Z, as Google stores a timed series' end) is read as its local date in the series' zone.
    const at = until.endsWith('Z')
      ? DateTime.fromFormat(until, "yyyyLLdd'T'HHmmss'Z'", { zone: 'utc' }).setZone(r.timeZone)
      : null;
    out.until = at?.isValid ? at.toISODate()! : `${until.slice(0, 4)}-${until.slice(4, 6)}-${until.slice(6, 8)}`;
  }
  if (map.has('COUNT')) out.count = Number(map.get('COUNT'));
  return out;
}

const ORDINAL = (n: number): string => {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
};
const dayName = (d: RecurrenceDay): string => d.charAt(0).toUpperCase() + d.slice(1);
const list = (xs: string[]): string =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;

/**
 * A series in words, as people read it on a proposal or in chat; the start gives the weekday or day of the month
 * a spec leaves out.
 * @example describeRecurrence({ frequency: 'weekly', count: 6 }, { start: '2026-12-15T09:00:00Z', timeZone: 'UTC' })
 *   // 'Every Tuesday, 6 times'
 */
export function describeRecurrence(spec: RecurrenceSpec, series: { start: Instant; timeZone: string }): string {
  const local = DateTime.fromISO(series.start, { zone: 'utc' }).setZone(series.timeZone);
  const n = spec.interval ?? 1;
  let text: string;
  switch (spec.frequency) {
    case 'daily':
      text = n === 1 ? 'Every day' : `Every ${n} days`;
      break;
    case 'weekly': {
      const days = spec.daysOfWeek?.length
        ? DAYS.filter((d) => spec.daysOfWeek!.includes(d))
        : local.isValid
          ? [DAYS[local.weekday - 1]!]
          : [];
      const names = list(days.map(dayName));
      text = n === 1 ? `Every ${names || 'week'}` : `Every ${n} weeks${names ? ` on ${names}` : ''}`;
      break;
    }
    case 'monthly': {
      const day = spec.dayOfMonth ?? (local.isValid ? local.day : null);
      text = `${n === 1 ? 'Every month' : `Every ${n} months`}${day ? ` on the ${ORDINAL(day)}` : ''}`;
      break;
    }
  }
  if (spec.count !== undefined) return `${text}, ${spec.count === 1 ? 'once' : `${spec.count} times`}`;
  if (spec.until !== undefined) {
    const until = DateTime.fromISO(spec.until, { zone: 'utc' });
    return `${text}, until ${until.isValid ? until.toFormat('d LLLL yyyy') : spec.until}`;
  }
  return text;
}
