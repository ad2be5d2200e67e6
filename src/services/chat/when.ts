// Dates and durations in chat text: chrono-node on the user's wall clock, re-zoned with luxon to the user's IANA zone.
//
// chrono-node ignores IANA zone names and works in the host's zone, so the text is parsed against the user's
// wall-clock "now" written as a host-local Date (its local fields are the user's wall clock); the parsed wall-clock
// components are then placed in the user's zone with luxon (DST-correct; a time that does not exist that day moves
// forward). A reference "timezone: 0" with the wall clock written as UTC is not enough: chrono's weekday and
// forward-date steps still mix in the host's offset, so "every Tuesday at 10am" said on a Tuesday came out a week
// late on a host west of UTC and in the past on a host east of it.
import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import type { TimeRange } from '../../domain/calendar.js';

/** When the user wants something, as understood from their words. */
export interface WhenSpec {
  /** The words it came from, e.g. `next Tuesday afternoon`. */
  text: string;
  /** The exact start the user named (`tomorrow at 3pm`), else null. */
  at: string | null;
  /** The period to look in: the named part of day, day, week or month, in the user's zone. */
  range: TimeRange;
  granularity: 'time' | 'partOfDay' | 'day' | 'week' | 'month';
}

/** A piece of text recognised and removed from the command. */
export interface Found<T> {
  value: T;
  rest: string;
}

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  ten: 10,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  'forty-five': 45,
  'forty five': 45,
  sixty: 60,
  ninety: 90,
};
const NUM = `(\\d+(?:\\.\\d+)?|${Object.keys(NUMBER_WORDS)
  .sort((a, b) => b.length - a.length)
  .join('|')})`;

const PARTS_OF_DAY: Array<{ re: RegExp; from: number; to: number }> = [
  { re: /\bmorning\b/i, from: 8, to: 12 },
  { re: /\b(afternoon|after lunch)\b/i, from: 12, to: 17 },
  { re: /\b(evening|tonight)\b/i, from: 17, to: 21 },
  { re: /\b(noon|lunch(time)?)\b/i, from: 12, to: 13 },
];

const num = (s: string): number => NUMBER_WORDS[s.toLowerCase()] ?? Number(s);

/**
 * Finds a meeting length ("for 30 minutes", "an hour", "half an hour", "90 min", "1.5 hours",
 * "an hour and a half", "45-minute") and removes it from the text. "in an hour" is a time, not a length.
 */
export function extractDuration(text: string): Found<number> | null {
  const patterns: Array<[RegExp, (m: RegExpExecArray) => number]> = [
    [/\b(?:for\s+)?(?:an?|one)\s+hour\s+and\s+a\s+half\b/i, () => 90],
    [/\b(?:for\s+)?half\s+an\s+hour\b/i, () => 30],
    [
      new RegExp(
        `\\b(?:for\\s+)?${NUM}[\\s-]*(hours?|hrs?|h)\\b(?:\\s+and\\s+${NUM}\\s*(?:minutes?|mins?|m)\\b)?`,
        'i',
      ),
      (m) => num(m[1]!) * 60 + (m[3] ? num(m[3]) : 0),
    ],
    [new RegExp(`\\b(?:for\\s+)?${NUM}[\\s-]*(minutes?|mins?|m)\\b`, 'i'), (m) => num(m[1]!)],
  ];
  for (const [re, minutes] of patterns) {
    const m = re.exec(text);
    if (!m) continue;
    if (/\bin\s*$/i.test(text.slice(0, m.index))) continue; // "in an hour" names a time
    const value = Math.round(minutes(m));
    if (!(value > 0 && value <= 24 * 60)) return null;
    return { value, rest: `${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)}` };
  }
  return null;
}

function weekRange(day: DateTime): TimeRange {
  const start = day.startOf('week'); // ISO week: Monday
  return { start: start.toUTC().toISO()!, end: start.plus({ weeks: 1 }).toUTC().toISO()! };
}

/** "this week", "next week", "this month", "next month", "in two weeks", "in 3 months". */
function extractWeekOrMonth(text: string, now: DateTime): Found<WhenSpec> | null {
  const m =
    /\b(this|next|the following|coming)\s+(week|month)\b/i.exec(text) ??
    new RegExp(`\\bin\\s+${NUM}\\s+(weeks?|months?)(?:'?s?\\s+time)?\\b`, 'i').exec(text);
  if (!m) return null;
  const unit = /week/i.test(m[2]!) ? 'week' : 'month';
  const ahead = /^this$/i.test(m[1]!) ? 0 : /^(next|the following|coming)$/i.test(m[1]!) ? 1 : num(m[1]!);
  const day = now.plus(unit === 'week' ? { weeks: ahead } : { months: ahead });
  const range =
    unit === 'week'
      ? weekRange(day)
      : {
          start: day.startOf('month').toUTC().toISO()!,
          end: day.startOf('month').plus({ months: 1 }).toUTC().toISO()!,
        };
  const rest = `${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)}`;
  return { value: { text: m[0], at: null, range, granularity: unit }, rest };
}

/**
 * The user's wall clock as chrono's reference: a host-local Date whose local fields are that wall clock, so chrono's
 * day arithmetic (weekdays, "tomorrow", forward dates) happens on the user's calendar whatever the host's zone. Only
 * the components chrono finds are read back, never its instants. (On the rare host whose own zone skips that wall
 * time in a DST change, the reference moves forward by the gap.)
 */
export function wallReference(wall: DateTime): Date {
  return new Date(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/**
 * Finds a date or time ("tomorrow at 3pm", "next Tuesday afternoon", "on Friday", "this week", "in two
 * weeks") in `text`, relative to `now`, in the IANA zone `timeZone`.
 * @example extractWhen('tomorrow at 9am', new Date('2026-11-22T12:00:00Z'), 'America/Los_Angeles')
 *   // → { at: '2026-11-23T17:00:00.000Z', granularity: 'time', … }
 */
export function extractWhen(text: string, now: Date, timeZone: string): Found<WhenSpec> | null {
  const wall = DateTime.fromJSDate(now, { zone: timeZone });
  const coarse = extractWeekOrMonth(text, wall);
  if (coarse) return coarse;
  const results = chrono.parse(text, wallReference(wall), { forwardDate: true });
  const r = results[0];
  if (!r) return null;
  const c = r.start;
  const day = DateTime.fromObject(
    { year: c.get('year')!, month: c.get('month')!, day: c.get('day')! },
    { zone: timeZone },
  );
  const rest = `${text.slice(0, r.index)} ${text.slice(r.index + r.text.length)}`;
  const dayRange = { start: day.toUTC().toISO()!, end: day.plus({ days: 1 }).toUTC().toISO()! };
  if (c.isCertain('hour')) {
    // A bare "at 2" in a meeting request means 14:00: hours 1–7 without am/pm are read as afternoon.
    const bare = !c.isCertain('meridiem') && c.get('hour')! >= 1 && c.get('hour')! <= 7;
    const at = day.set({ hour: c.get('hour')! + (bare ? 12 : 0), minute: c.get('minute') ?? 0 });
    const end = r.end?.isCertain('hour')
      ? day.set({ hour: r.end.get('hour')!, minute: r.end.get('minute') ?? 0 })
      : null;
    const range = end && end > at ? { start: at.toUTC().toISO()!, end: end.toUTC().toISO()! } : dayRange;
    return { value: { text: r.text, at: at.toUTC().toISO()!, range, granularity: 'time' }, rest };
  }
  const part = PARTS_OF_DAY.find((p) => p.re.test(r.text));
  if (part) {
    const range = {
      start: day.set({ hour: part.from }).toUTC().toISO()!,
      end: day.set({ hour: part.to }).toUTC().toISO()!,
    };
    return { value: { text: r.text, at: null, range, granularity: 'partOfDay' }, rest };
  }
  return { value: { text: r.text, at: null, range: dayRange, granularity: 'day' }, rest };
}
