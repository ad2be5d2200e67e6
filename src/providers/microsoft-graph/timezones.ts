// Windows ↔ IANA time-zone names for Graph, including Outlook's custom/legacy names, and Graph dateTimeTimeZone ↔ UTC instants.
import { DateTime, IANAZone } from 'luxon';
import { findIanaAliases, findWindows, WINDOWS_TO_IANA_MAP } from 'windows-iana';
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';
import type { Instant } from '../../domain/calendar.js';
import { AppError } from '../../domain/errors.js';

/** The zone used when a Graph zone name cannot be resolved. Resolutions that use it carry `source: 'fallback'`. */
export const FALLBACK_TIME_ZONE = 'UTC';

/**
 * How a provider zone name was understood. `exact: false` means calbridge guessed (abbreviation, UTC offset,
 * custom definition) or fell back to `FALLBACK_TIME_ZONE`; callers should report such cases, never fail on them.
 */
export interface ZoneResolution {
  iana: string;
  source: 'iana' | 'windows' | 'utc' | 'abbreviation' | 'offset' | 'custom' | 'fallback';
  exact: boolean;
  /** The name as Graph sent it. */
  input: string | null;
}

/** CLDR still lists some renamed zones under their old IANA names; prefer the current ones. */
const CURRENT_IANA_NAME: Readonly<Record<string, string>> = {
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Europe/Kiev': 'Europe/Kyiv',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Godthab': 'America/Nuuk',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
};

/** Names Graph uses for UTC itself. */
const UTC_NAMES = new Set([
  'utc',
  'tzone://microsoft/utc',
  'gmt',
  'z',
  'etc/utc',
  'etc/gmt',
  'coordinated universal time',
]);

/**
 * Abbreviations Outlook clients and some Exchange versions write into originalStartTimeZone. Ambiguous ones
 * (IST, CST outside North America, BST) take their most common meaning for Outlook users; all are marked inexact.
 */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  PST: 'America/Los_Angeles',
  PDT: 'America/Los_Angeles',
  MST: 'America/Denver',
  MDT: 'America/Denver',
  CST: 'America/Chicago',
  CDT: 'America/Chicago',
  EST: 'America/New_York',
  EDT: 'America/New_York',
  AKST: 'America/Anchorage',
  AKDT: 'America/Anchorage',
  HST: 'Pacific/Honolulu',
  AST: 'America/Halifax',
  ADT: 'America/Halifax',
  NST: 'America/St_Johns',
  BST: 'Europe/London',
  WET: 'Europe/Lisbon',
  WEST: 'Europe/Lisbon',
  CET: 'Europe/Paris',
  CEST: 'Europe/Paris',
  MET: 'Europe/Paris',
  EET: 'Europe/Athens',
  EEST: 'Europe/Athens',
  MSK: 'Europe/Moscow',
  IST: 'Asia/Kolkata',
  SGT: 'Asia/Singapore',
  HKT: 'Asia/Hong_Kong',
  JST: 'Asia/Tokyo',
  KST: 'Asia/Seoul',
  AWST: 'Australia/Perth',
  ACST: 'Australia/Adelaide',
  ACDT: 'Australia/Adelaide',
  AEST: 'Australia/Sydney',
  AEDT: 'Australia/Sydney',
  NZST: 'Pacific/Auckland',
  NZDT: 'Pacific/Auckland',
};

const windowsByLowerName = new Map<string, { windowsName: string; iana: string }>();
for (const entry of WINDOWS_TO_IANA_MAP) {
  const first = entry.iana[0];
  if (entry.territory !== '001' || first === undefined) continue;
  windowsByLowerName.set(entry.windowsName.toLowerCase(), {
    windowsName: entry.windowsName,
    iana: CURRENT_IANA_NAME[first] ?? first,
  });
}
/** ianaToWindows answers, bounded (the library scans its tables on every call). */
const windowsByIana = new Map<string, string | null>();
const LEGACY_BY_CURRENT = new Map(Object.entries(CURRENT_IANA_NAME).map(([legacy, current]) => [current, legacy]));

const validZones = new Map<string, boolean>();

/** True when luxon (ICU) knows the IANA zone. Cached: ICU validation builds a formatter each time. */
export function isIanaZone(name: string): boolean {
  const known = validZones.get(name);
  if (known !== undefined) return known;
  const valid = name.includes('/') || name === 'UTC' ? IANAZone.isValidZone(name) : false;
  if (validZones.size < 2000) validZones.set(name, valid);
  return valid;
}

/** Windows zone name (case-insensitive) → the current IANA name of its main zone, or null. */
export function windowsToIana(windowsName: string): string | null {
  return windowsByLowerName.get(windowsName.trim().toLowerCase())?.iana ?? null;
}

/** IANA zone → Windows zone name, or null when Windows has no zone for it. Accepts aliases (`US/Pacific`). */
export function ianaToWindows(iana: string): string | null {
  const cached = windowsByIana.get(iana);
  if (cached !== undefined) return cached;
  let found: string | null = null;
  if (iana === 'UTC' || iana === 'Etc/UTC') found = 'UTC';
  const candidates = [iana, LEGACY_BY_CURRENT.get(iana), ...findIanaAliases(iana)];
  for (const candidate of candidates) {
    if (found !== null) break;
    if (candidate !== undefined) found = findWindows(candidate)[0] ?? null;
  }
  if (windowsByIana.size < 2000) windowsByIana.set(iana, found);
  return found;
}

/**
 * The zone name calbridge sends to Graph for an IANA zone: its Windows name when one exists (accepted by every
 * Exchange version), else the IANA name itself (Graph accepts IANA names too).
 */
export function toGraphTimeZone(iana: string): string {
  return ianaToWindows(iana) ?? iana;
}

/** `(UTC+05:30) Chennai, …` display names and `UTC+2`, `GMT-08:00` forms → a fixed offset in minutes. */
function parseOffsetName(name: string): number | null {
  const m = /^\(?(?:UTC|GMT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\)?/i.exec(name.trim());
  if (m === null) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
  return m[1] === '-' ? -minutes : minutes;
}

/** A fixed-offset zone as IANA `Etc/GMT±h` (note the inverted sign), or null for non-whole hours. */
function etcZoneForOffset(offsetMinutes: number): string | null {
  if (offsetMinutes === 0) return 'UTC';
  if (offsetMinutes % 60 !== 0 || Math.abs(offsetMinutes) > 14 * 60) return null;
  const hours = offsetMinutes / 60;
  return `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
}

/**
 * Resolves any zone name Graph returns (Windows, IANA, `tzone://Microsoft/Utc`, `tzone://Microsoft/Custom`,
 * `Customized Time Zone`, abbreviations, `(UTC+01:00) …` display names). Never throws: unknown names resolve to
 * `fallback` with `source: 'fallback'`.
 * @example resolveTimeZone('Pacific Standard Time') // { iana: 'America/Los_Angeles', source: 'windows', exact: true, … }
 */
export function resolveTimeZone(
  name: string | null | undefined,
  fallback: string = FALLBACK_TIME_ZONE,
): ZoneResolution {
  const input = name ?? null;
  const trimmed = (name ?? '').trim();
  const lower = trimmed.toLowerCase();
  if (UTC_NAMES.has(lower)) return { iana: 'UTC', source: 'utc', exact: true, input };
  const windows = windowsToIana(trimmed);
  if (windows !== null) return { iana: windows, source: 'windows', exact: true, input };
  if (trimmed !== '' && isIanaZone(trimmed)) {
    return { iana: CURRENT_IANA_NAME[trimmed] ?? trimmed, source: 'iana', exact: true, input };
  }
  const abbreviation = ABBREVIATIONS[trimmed.toUpperCase()];
  if (abbreviation !== undefined) return { iana: abbreviation, source: 'abbreviation', exact: false, input };
  const offset = parseOffsetName(trimmed);
  const etc = offset === null ? null : etcZoneForOffset(offset);
  if (etc !== null) return { iana: etc, source: 'offset', exact: false, input };
  return { iana: fallback, source: 'fallback', exact: false, input };
}

/**
 * Graph `dateTime` (`2026-03-08T15:00:00.0000000`, no offset) read in `zone` → ISO instant with Z. A value that
 * carries its own offset (`…Z`, `…+01:00`) keeps it. Malformed values are a `provider_error`.
 */
export function wallTimeToInstant(dateTime: string, zone: string): Instant {
  if (zone === 'UTC') {
    const fast = utcWallTime(dateTime);
    if (fast !== null) return fast;
  }
  const local = DateTime.fromISO(dateTime, { zone });
  if (!local.isValid) {
    throw new AppError('provider_error', 'The calendar provider returned an invalid date-time.', {
      details: { reason: 'malformed_datetime', value: dateTime.slice(0, 64) },
    });
  }
  return laterOfFold(local).toUTC().toISO() as Instant;
}

/** Graph's own form of a wall time, `2026-03-08T15:00:00.0000000` (fraction optional and zero), nothing else. */
const PLAIN_WALL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.0{1,7})?$/;

/**
 * A plain wall time in UTC (what getSchedule answers when asked in UTC) without luxon, which costs tens of
 * microseconds a value: the same instant luxon gives, or null for anything else (fractions, offsets, and fields out
 * of range — a date that does not exist rolls over in Date and so does not read back the same), which then goes
 * through luxon.
 */
function utcWallTime(dateTime: string): Instant | null {
  if (!PLAIN_WALL_TIME.test(dateTime)) return null;
  const wall = dateTime.slice(0, 19);
  const ms = Date.parse(`${wall}Z`);
  if (Number.isNaN(ms)) return null;
  const iso = new Date(ms).toISOString();
  return iso.length === 24 && iso.startsWith(wall) && !iso.startsWith('00') ? (iso as Instant) : null;
}

/**
 * A wall time in the repeated hour of a DST change names two instants, and luxon picks one by the zone's offset at
 * the time the code runs (so a test passed in winter and failed in summer). Take the later one — standard time, as
 * Windows reads such a time — whatever today's date. A time in the skipped hour stays as luxon moves it.
 */
function laterOfFold(local: DateTime): DateTime {
  const ms = local.toMillis();
  const wallMs = ms + local.offset * 60_000;
  const offsets = new Set([local.offset, local.zone.offset(ms - 86_400_000), local.zone.offset(ms + 86_400_000)]);
  let later = ms;
  for (const o of offsets) {
    const t = wallMs - o * 60_000;
    if (t > later && local.zone.offset(t) === o) later = t;
  }
  return later === ms ? local : DateTime.fromMillis(later, { zone: local.zone });
}

/** Converts a Graph dateTimeTimeZone (zone in any form Graph uses) to a UTC instant. */
export function graphDateTimeToInstant(value: MicrosoftGraph.DateTimeTimeZone, fallbackZone = 'UTC'): Instant {
  const zone = resolveTimeZone(value.timeZone, fallbackZone).iana;
  return wallTimeToInstant(value.dateTime ?? '', zone);
}

/** `2026-03-08T15:00:00Z`, with or without a fraction of a second. */
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

/** Local wall time `YYYY-MM-DDTHH:mm:ss` of an instant in an IANA zone. */
export function instantToLocal(instant: Instant, iana: string): string {
  // an instant written in UTC, read in UTC: its own digits (luxon costs tens of microseconds a call)
  if (iana === 'UTC' && UTC_INSTANT.test(instant)) {
    const iso = new Date(instant).toISOString();
    if (iso.length === 24 && iso.startsWith(instant.slice(0, 19))) return iso.slice(0, 19);
  }
  const local = DateTime.fromISO(instant, { zone: 'UTC' }).setZone(iana);
  return (local.toISO({ includeOffset: false, suppressMilliseconds: true }) ?? '').slice(0, 19);
}

/**
 * False when the instant falls in the repeated hour of a DST change (or another fold), so its local wall time
 * names a different instant: such times must be written in UTC to stay exact.
 */
export function isWallTimeUnambiguous(instant: Instant, iana: string): boolean {
  const local = instantToLocal(instant, iana);
  return wallTimeToInstant(local, iana) === DateTime.fromISO(instant, { zone: 'UTC' }).toUTC().toISO();
}

/** UTC instant → Graph dateTimeTimeZone in the given IANA zone, written with its Windows name when there is one. */
export function instantToGraphDateTime(instant: Instant, iana: string): MicrosoftGraph.DateTimeTimeZone {
  return { dateTime: instantToLocal(instant, iana), timeZone: toGraphTimeZone(iana) };
}

const WEEKDAY_NUMBER: Readonly<Record<MicrosoftGraph.DayOfWeek, number>> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
};

/** The local date of a customTimeZone transition rule in `year` (dayOccurrence 5 = last). */
function transitionDate(rule: MicrosoftGraph.StandardTimeZoneOffset, year: number): DateTime | null {
  const month = rule.month ?? 0;
  const weekday = WEEKDAY_NUMBER[(rule.dayOfWeek ?? 'sunday').toLowerCase() as MicrosoftGraph.DayOfWeek];
  const occurrence = rule.dayOccurrence ?? 1;
  if (month < 1 || month > 12 || weekday === undefined) return null;
  const first = DateTime.utc(year, month, 1);
  let day = first.plus({ days: (weekday - first.weekday + 7) % 7 }).plus({ weeks: Math.min(occurrence, 5) - 1 });
  while (day.month !== month) day = day.minus({ weeks: 1 });
  return day;
}

/** Offset in minutes of `zone` at local noon `days` away from `date`. */
function offsetNear(zone: string, date: DateTime, days: number): number {
  const d = date.plus({ days });
  return DateTime.fromObject({ year: d.year, month: d.month, day: d.day, hour: 12 }, { zone }).offset;
}

function matchesCustomRule(
  zone: string,
  std: number,
  dst: number,
  ctz: MicrosoftGraph.CustomTimeZone,
  year: number,
): boolean {
  const toDaylight = ctz.daylightOffset ? transitionDate(ctz.daylightOffset, year) : null;
  const toStandard = ctz.standardOffset ? transitionDate(ctz.standardOffset, year) : null;
  if (toDaylight === null || toStandard === null || std === dst) {
    return [1, 4, 7, 10].every(
      (m) => DateTime.fromObject({ year, month: m, day: 15, hour: 12 }, { zone }).offset === std,
    );
  }
  return (
    offsetNear(zone, toDaylight, -2) === std &&
    offsetNear(zone, toDaylight, 2) === dst &&
    offsetNear(zone, toStandard, -2) === dst &&
    offsetNear(zone, toStandard, 2) === std
  );
}

/** Candidate zones for custom definitions: main zones first, those of qualified Windows names (`… (Mexico)`) last. */
const CUSTOM_CANDIDATES = [...windowsByLowerName.values()]
  .sort((a, b) => Number(a.windowsName.includes('(')) - Number(b.windowsName.includes('(')))
  .map((z) => z.iana);
/** Custom definitions recur across schedules of one tenant: remember what they matched. */
const customZoneCache = new Map<string, string | null>();

/**
 * Finds an IANA zone that follows an Outlook customTimeZone definition (`Customized Time Zone`: bias plus
 * standard/daylight transition rules) in `referenceYear`. Zones without a Windows qualifier in their name are
 * preferred. Falls back to a fixed `Etc/GMT±h` zone, then to `fallback`; all results are marked inexact.
 */
export function resolveCustomTimeZone(
  ctz: MicrosoftGraph.CustomTimeZone,
  fallback: string = FALLBACK_TIME_ZONE,
  referenceYear = 2026,
): ZoneResolution {
  const input = ctz.name ?? null;
  const bias = ctz.bias ?? 0;
  const std = -bias;
  const dst =
    ctz.daylightOffset && (ctz.daylightOffset.month ?? 0) > 0 ? -(bias + (ctz.daylightOffset.daylightBias ?? 0)) : std;
  const key = JSON.stringify([std, dst, ctz.standardOffset ?? null, ctz.daylightOffset ?? null, referenceYear]);
  let match = customZoneCache.get(key);
  if (match === undefined) {
    match = CUSTOM_CANDIDATES.find((iana) => matchesCustomRule(iana, std, dst, ctz, referenceYear)) ?? null;
    if (customZoneCache.size > 1000) customZoneCache.clear();
    customZoneCache.set(key, match);
  }
  if (match !== null) return { iana: match, source: 'custom', exact: false, input };
  const etc = std === dst ? etcZoneForOffset(std) : null;
  if (etc !== null) return { iana: etc, source: 'offset', exact: false, input };
  return { iana: fallback, source: 'fallback', exact: false, input };
}

/** Resolves a Graph timeZoneBase (workingHours.timeZone): a named zone, or a customTimeZone definition. */
export function resolveTimeZoneBase(
  tz: MicrosoftGraph.TimeZoneBase | null | undefined,
  fallback = FALLBACK_TIME_ZONE,
): ZoneResolution {
  if (tz === null || tz === undefined) return { iana: fallback, source: 'fallback', exact: false, input: null };
  const named = resolveTimeZone(tz.name, fallback);
  if (named.source !== 'fallback') return named;
  const custom = tz as MicrosoftGraph.CustomTimeZone;
  if (typeof custom.bias === 'number') return resolveCustomTimeZone(custom, fallback);
  return named;
}
