// Repeating meetings in chat text: "every Tuesday for 6 weeks", "weekly on Mondays until March 1", "daily for 10
// days", "monthly, 3 times". The words are removed from the command; a weekday is left behind for the first meeting
// ("every Tuesday at 10am" → "Tuesday at 10am"), so the date parser finds when the series starts.
import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import type { DateOnly } from '../../domain/calendar.js';
import { WEEKDAYS, type RecurrenceDay, type RecurrenceSpec } from '../../domain/recurrence-spec.js';
import { wallReference, type Found } from './when.js';

/** A series as the user said it; `forPeriod` ("for 6 weeks") becomes a count or an end once the first start is known. */
export interface RepeatSpec {
  /** The words it came from, e.g. `every Tuesday for 6 weeks`. */
  text: string;
  frequency: RecurrenceSpec['frequency'];
  interval?: number;
  daysOfWeek?: RecurrenceDay[];
  count?: number;
  until?: DateOnly;
  forPeriod?: { n: number; unit: 'day' | 'week' | 'month' };
}

const WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  other: 2,
};
const N = `(\\d{1,3}|${Object.keys(WORDS).join('|')})`;
const DAY = '(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)';
const count = (s: string): number => WORDS[s.toLowerCase()] ?? Number(s);
const dayOf = (s: string): RecurrenceDay => WEEKDAYS.find((d) => d.startsWith(s.toLowerCase().slice(0, 3)))!;
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function cut(text: string, m: RegExpExecArray, put = ' '): string {
  return `${text.slice(0, m.index)}${put}${text.slice(m.index + m[0].length)}`;
}

/**
 * Finds how a meeting repeats and until when, and removes those words from `text`; null when it does not repeat.
 * `now` and `timeZone` place an end date ("until March 1") on the user's calendar, always ahead.
 * @example extractRepeat('QBR with Acme every Tuesday for 6 weeks', now, 'UTC')
 *   // → { value: { frequency: 'weekly', daysOfWeek: ['tuesday'], forPeriod: { n: 6, unit: 'week' }, … },
 *   //     rest: 'QBR with Acme Tuesday ' }
 */
export function extractRepeat(text: string, now: Date, timeZone: string): Found<RepeatSpec> | null {
  let rest = text;
  const said: string[] = [];
  let spec: Omit<RepeatSpec, 'text'> | null = null;
  const days = new RegExp(`\\b(?:every|each)\\s+(other\\s+)?${DAY}s?((?:\\s*(?:,|and|&)\\s*${DAY}s?)*)\\b`, 'i');
  const plural = new RegExp(
    `\\b(?:(weekly|every week)\\s+)?on\\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s((?:\\s*(?:,|and|&)\\s*(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s)*)\\b`,
    'i',
  );
  const every = new RegExp(`\\b(?:every|each)\\s+${N}?\\s*(days?|weeks?|months?)\\b`, 'i');
  const word = /\b(daily|weekly|bi-?weekly|fortnightly|monthly)\b/i;
  let m: RegExpExecArray | null;
  if ((m = days.exec(rest))) {
    const list = [m[2]!, ...[...(m[3] ?? '').matchAll(new RegExp(DAY, 'gi'))].map((x) => x[1]!)].map(dayOf);
    spec = { frequency: 'weekly', ...(m[1] ? { interval: 2 } : {}), daysOfWeek: [...new Set(list)] };
    said.push(m[0]);
    rest = cut(rest, m, ` ${cap(list[0]!)} `);
  } else if ((m = plural.exec(rest))) {
    const list = [m[2]!, ...[...(m[3] ?? '').matchAll(new RegExp(DAY, 'gi'))].map((x) => x[1]!)].map(dayOf);
    spec = { frequency: 'weekly', daysOfWeek: [...new Set(list)] };
    said.push(m[0]);
    rest = cut(rest, m, ` on ${cap(list[0]!)} `);
  } else if ((m = every.exec(rest))) {
    const unit = m[2]!.toLowerCase().replace(/s$/, '');
    const interval = m[1] ? count(m[1]) : 1;
    spec = {
      frequency: unit === 'day' ? 'daily' : unit === 'week' ? 'weekly' : 'monthly',
      ...(interval !== 1 ? { interval } : {}),
    };
    said.push(m[0]);
    rest = cut(rest, m);
  } else if ((m = word.exec(rest))) {
    const w = m[1]!.toLowerCase();
    spec =
      w === 'daily'
        ? { frequency: 'daily' }
        : w === 'monthly'
          ? { frequency: 'monthly' }
          : w === 'weekly'
            ? { frequency: 'weekly' }
            : { frequency: 'weekly', interval: 2 };
    said.push(m[0]);
    rest = cut(rest, m);
  }
  if (!spec) return null;
  // "weekly sync on Mondays": the frequency word said besides the days goes too
  if (spec.daysOfWeek && (m = /\b(weekly|every week)\b/i.exec(rest))) {
    said.unshift(m[0]);
    rest = cut(rest, m);
  }
  // "weekly … on Mondays": the days, when the frequency came first
  if (spec.frequency === 'weekly' && !spec.daysOfWeek && (m = plural.exec(rest))) {
    const list = [m[2]!, ...[...(m[3] ?? '').matchAll(new RegExp(DAY, 'gi'))].map((x) => x[1]!)].map(dayOf);
    spec.daysOfWeek = [...new Set(list)];
    said.push(m[0]);
    rest = cut(rest, m, ` on ${cap(list[0]!)} `);
  }
  const times = new RegExp(`\\b(?:for\\s+)?${N}\\s+(?:times|occurrences|sessions|meetings)\\b|\\b(once|twice)\\b`, 'i');
  const period = new RegExp(`\\bfor\\s+(?:the\\s+next\\s+)?${N}\\s+(days?|weeks?|months?)\\b`, 'i');
  if ((m = times.exec(rest))) {
    spec.count = m[2] ? (m[2].toLowerCase() === 'once' ? 1 : 2) : count(m[1]!);
    said.push(m[0]);
    rest = cut(rest, m);
  } else if ((m = period.exec(rest))) {
    spec.forPeriod = { n: count(m[1]!), unit: m[2]!.toLowerCase().replace(/s$/, '') as 'day' | 'week' | 'month' };
    said.push(m[0]);
    rest = cut(rest, m);
  } else if ((m = /\b(?:until|till|through|ending(?: on)?)\s+/i.exec(rest))) {
    const wall = DateTime.fromJSDate(now, { zone: timeZone });
    const tail = rest.slice(m.index + m[0].length);
    const r = chrono.parse(tail, wallReference(wall), { forwardDate: true })[0];
    if (r && r.index === 0) {
      const c = r.start;
      const d = DateTime.fromObject(
        { year: c.get('year')!, month: c.get('month')!, day: c.get('day')! },
        { zone: timeZone },
      );
      if (d.isValid) {
        spec.until = d.toISODate()!;
        said.push(`${m[0]}${r.text}`);
        rest = `${rest.slice(0, m.index)} ${tail.slice(r.text.length)}`;
      }
    }
  }
  return { value: { text: said.join(' ').replace(/\s+/g, ' ').trim(), ...spec }, rest };
}

/**
 * The RecurrenceSpec for a series whose first meeting is `start`: "for 6 weeks" of a weekly series on one day is 6
 * meetings (a count, as people say it), of another shape the last day of that period (an end date).
 */
export function recurrenceOf(r: RepeatSpec, start: string, timeZone: string): RecurrenceSpec {
  const spec: RecurrenceSpec = {
    frequency: r.frequency,
    ...(r.interval ? { interval: r.interval } : {}),
    ...(r.daysOfWeek ? { daysOfWeek: r.daysOfWeek } : {}),
    ...(r.count !== undefined ? { count: r.count } : {}),
    ...(r.until !== undefined ? { until: r.until } : {}),
  };
  const p = r.forPeriod;
  if (!p) return spec;
  const unitOf = { daily: 'day', weekly: 'week', monthly: 'month' } as const;
  const perPeriod = r.frequency === 'weekly' ? (r.daysOfWeek?.length ?? 1) : 1;
  if (unitOf[r.frequency] === p.unit) return { ...spec, count: Math.ceil(p.n / (r.interval ?? 1)) * perPeriod };
  const first = DateTime.fromISO(start, { zone: 'utc' }).setZone(timeZone).startOf('day');
  const last = first.plus({ [`${p.unit}s`]: p.n }).minus({ days: 1 });
  return { ...spec, until: last.toISODate()! };
}
