// Expands Calendar v3 recurrence lines (RRULE / EXDATE / RDATE) into instances: floating rrule expansion re-zoned
// with luxon, so results are DST-correct and do not depend on the host's TZ.
import { DateTime } from 'luxon';
import rrulePkg from 'rrule';
import type { GDateTime, GEvent } from './model.js';

const { RRule } = rrulePkg;

/** The zone an event's times are interpreted in. */
export function zoneOf(dt: GDateTime, fallback: string): string {
  return dt.timeZone ?? fallback;
}

/** The instant of a GDateTime (all-day: midnight in `zone`). */
export function instantOf(dt: GDateTime, zone: string): DateTime {
  if (dt.date) return DateTime.fromISO(dt.date, { zone });
  const parsed = DateTime.fromISO(dt.dateTime ?? '', { setZone: true });
  if (!parsed.isValid) throw new RangeError(`invalid dateTime '${dt.dateTime}'`);
  // A dateTime without an offset is wall-clock time in its timeZone.
  if (!/(Z|[+-]\d\d:?\d\d)$/.test(dt.dateTime ?? '')) return DateTime.fromISO(dt.dateTime!, { zone });
  return parsed;
}

/** Floating (wall-clock as UTC fields) Date for rrule. */
function floating(dt: DateTime): Date {
  return new Date(Date.UTC(dt.year, dt.month - 1, dt.day, dt.hour, dt.minute, dt.second));
}

function unfloat(d: Date, zone: string): DateTime {
  return DateTime.fromObject(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    },
    { zone },
  );
}

/** Parses `20260310T090000Z`, `20260310T090000` (in zone) or `20260310` (date). */
function parseStamp(value: string, zone: string): DateTime {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value.trim());
  if (!m) throw new RangeError(`invalid date-time '${value}'`);
  const [, y, mo, d, h = '00', mi = '00', s = '00', z] = m;
  return DateTime.fromObject(
    { year: +y!, month: +mo!, day: +d!, hour: +h, minute: +mi, second: +s },
    { zone: z ? 'utc' : zone },
  );
}

/** Dates listed by EXDATE (or RDATE) lines, as instants. */
function listedDates(lines: string[], name: 'EXDATE' | 'RDATE', zone: string): DateTime[] {
  const out: DateTime[] = [];
  for (const line of lines) {
    const m = new RegExp(`^${name}((?:;[^:]*)?):(.*)$`, 'i').exec(line.trim());
    if (!m) continue;
    const tzid = /TZID=([^;:]+)/i.exec(m[1] ?? '')?.[1] ?? zone;
    for (const v of (m[2] ?? '').split(',')) if (v.trim()) out.push(parseStamp(v, tzid));
  }
  return out;
}

/** Validates recurrence lines; returns a message naming the first bad one, or null. */
export function recurrenceProblem(lines: string[]): string | null {
  for (const line of lines) {
    if (/^RRULE:/i.test(line)) {
      try {
        RRule.parseString(line.slice(6));
      } catch {
        return `Invalid recurrence rule: ${line}`;
      }
    } else if (!/^(EXDATE|RDATE|EXRULE)[;:]/i.test(line)) return `Invalid recurrence rule: ${line}`;
  }
  return lines.some((l) => /^RRULE:/i.test(l)) ? null : 'Invalid recurrence rule: no RRULE';
}

/** Original starts of a series' instances that start before `to` and end after `from` (at most `limit`). */
export function expandStarts(
  master: GEvent,
  calendarZone: string,
  from: DateTime,
  to: DateTime,
  limit = 2000,
): DateTime[] {
  const zone = zoneOf(master.start, calendarZone);
  const start = instantOf(master.start, zone).setZone(zone);
  const durationMs = instantOf(master.end, zone).toMillis() - start.toMillis();
  const lines = master.recurrence ?? [];
  const rule = lines.find((l) => /^RRULE:/i.test(l));
  const starts: DateTime[] = [];
  if (rule) {
    const opts = RRule.parseString(rule.slice(6));
    if (opts.until) {
      const u = opts.until;
      // UNTIL in UTC (…Z) is an instant; converted to the series' wall clock for the floating expansion.
      opts.until = /UNTIL=\d{8}T\d{6}Z/i.test(rule) ? floating(DateTime.fromJSDate(u).setZone(zone)) : u;
      if (master.start.date && /UNTIL=\d{8}(;|$)/i.test(rule)) opts.until = new Date(u.getTime() + 86_399_000);
    }
    const rr = new RRule({ ...opts, dtstart: floating(start), tzid: null });
    const lo = floating(from.setZone(zone).minus({ milliseconds: durationMs + 86_400_000 }));
    const hi = floating(to.setZone(zone).plus({ days: 1 }));
    for (const d of rr.between(lo, hi, true)) {
      starts.push(unfloat(d, zone));
      if (starts.length >= limit) break;
    }
  }
  for (const r of listedDates(lines, 'RDATE', zone)) starts.push(r.setZone(zone));
  const excluded = new Set(listedDates(lines, 'EXDATE', zone).map((d) => d.toMillis()));
  return starts
    .filter((s) => !excluded.has(s.toMillis()))
    .filter((s) => s.toMillis() < to.toMillis() && s.toMillis() + durationMs > from.toMillis())
    .sort((a, b) => a.toMillis() - b.toMillis());
}

/** The instance id suffix Google uses: `20260303T090000Z` (timed) or `20260303` (all-day). */
export function instanceStamp(start: DateTime, allDay: boolean): string {
  return allDay ? start.toFormat('yyyyLLdd') : start.toUTC().toFormat("yyyyLLdd'T'HHmmss'Z'");
}

/** A GDateTime for an instant in a zone (all-day: the date). */
export function toGDateTime(dt: DateTime, zone: string, allDay: boolean): GDateTime {
  if (allDay) return { date: dt.setZone(zone).toISODate()! };
  return { dateTime: dt.setZone(zone).toISO({ suppressMilliseconds: true })!, timeZone: zone };
}
