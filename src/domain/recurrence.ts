// Expands an RFC 5545 recurrence (RRULE in a named time zone) into occurrence instants, DST-correct and host-zone independent.
import { DateTime } from 'luxon';
import rrulePkg from 'rrule';
import type { Recurrence, TimeRange } from './calendar.js';

const { RRule } = rrulePkg;

export interface Occurrence {
  start: string;
  end: string;
  /** The occurrence's local start as the series defines it (`YYYY-MM-DDTHH:mm:ss`). */
  originalStartLocal: string;
}

/**
 * The occurrences of a series that overlap `window`. The rule is expanded on floating wall-clock times
 * (rrule works in UTC) and each wall time is then placed in `recurrence.timeZone` with luxon, so a 09:00
 * meeting stays at 09:00 local across DST changes.
 * @example expandRecurrence({ rrule: 'FREQ=DAILY;COUNT=3', timeZone: 'Europe/Berlin', startLocal: '2026-03-28T09:00:00', exDates: [] }, 30, window)
 */
export function expandRecurrence(
  recurrence: Recurrence,
  durationMinutes: number,
  window: TimeRange,
  maxOccurrences = 5000,
): Occurrence[] {
  const zone = recurrence.timeZone;
  const startWall = DateTime.fromISO(recurrence.startLocal, { zone: 'utc' });
  if (!startWall.isValid) throw new Error(`invalid series start ${recurrence.startLocal}`);
  const options = RRule.parseString(recurrence.rrule);
  if (options.until) {
    // UNTIL as written is a local date(-time); keep it floating like DTSTART, inclusive to the end of that day.
    const u = DateTime.fromJSDate(options.until, { zone: 'utc' });
    options.until = (u.hour === 0 && u.minute === 0 && u.second === 0 ? u.endOf('day') : u).toJSDate();
  }
  const rule = new RRule({ ...options, dtstart: startWall.toJSDate() });
  const exdates = new Set(recurrence.exDates.map((d) => d.slice(0, 19)));
  const winStart = DateTime.fromISO(window.start, { zone: 'utc' });
  const winEnd = DateTime.fromISO(window.end, { zone: 'utc' });
  // Wall times can differ from UTC by up to ±14 h: widen the floating search window by a day on each side.
  const searchFrom = winStart.minus({ days: 1, minutes: durationMinutes }).toJSDate();
  const searchTo = winEnd.plus({ days: 1 }).toJSDate();
  const out: Occurrence[] = [];
  rule.between(searchFrom, searchTo, true, (date) => {
    const wall = DateTime.fromJSDate(date, { zone: 'utc' });
    const local = wall.toISO({ includeOffset: false, suppressMilliseconds: true })!.slice(0, 19);
    if (exdates.has(local)) return true;
    const start = DateTime.fromObject(
      { year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute, second: wall.second },
      { zone },
    );
    const end = start.plus({ minutes: durationMinutes });
    if (start < winEnd && end > winStart) {
      out.push({ start: start.toUTC().toISO()!, end: end.toUTC().toISO()!, originalStartLocal: local });
    }
    return out.length < maxOccurrences;
  });
  return out;
}
