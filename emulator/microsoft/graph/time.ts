// Time zone handling for the Graph surface: Windows or IANA names, Graph's dateTime strings, UTC instants.
import { DateTime, IANAZone } from 'luxon';
import { findIana, findWindows } from 'windows-iana';
import { formatWall, instantOfWall, wallOf } from '../../common/zone-offset.js';
import { GraphHttpError } from './errors.js';

/** Graph's dateTimeTimeZone. */
export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

const ianaCache = new Map<string, string | null>();

/**
 * Resolves a Windows ("Pacific Standard Time") or IANA ("America/Los_Angeles") zone name to IANA,
 * or null when unknown. "UTC", "tzone://Microsoft/Utc" and "Etc/GMT" variants resolve to "UTC".
 */
export function resolveZone(name: string | null | undefined): string | null {
  if (!name) return null;
  const cached = ianaCache.get(name);
  if (cached !== undefined) return cached;
  let out: string | null = null;
  const trimmed = name.trim();
  if (/^(utc|gmt|z|tzone:\/\/microsoft\/utc|coordinated universal time)$/i.test(trimmed)) out = 'UTC';
  else {
    const win = findIana(trimmed)[0];
    if (win) out = win;
    else if (IANAZone.isValidZone(trimmed)) out = trimmed;
  }
  ianaCache.set(name, out);
  return out;
}

/** Like resolveZone but throws Graph's 400 for unknown zones. */
export function requireZone(name: string | null | undefined): string {
  const z = resolveZone(name ?? 'UTC');
  if (!z)
    throw new GraphHttpError(
      400,
      'TimeZoneNotSupportedException',
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${name ?? ''}'.`,
    );
  return z;
}

/** Windows name for an IANA zone when one exists (for display), else the IANA name. */
export function windowsName(iana: string): string {
  if (iana === 'UTC') return 'UTC';
  return findWindows(iana)[0] ?? iana;
}

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;

/** Parses a Graph local dateTime ("2017-04-15T12:00:00", optional fraction) in `zone` to epoch ms. */
export function localToUtcMs(local: string, zoneName: string): number {
  const zone = requireZone(zoneName);
  const m = LOCAL_RE.exec(local.trim().replace(/Z$|[+-]\d{2}:\d{2}$/, ''));
  if (!m)
    throw new GraphHttpError(
      400,
      'ErrorInvalidRequest',
      `Cannot convert the literal '${local}' to the expected type 'Edm.DateTimeOffset'.`,
    );
  const hasOffset = /Z$|[+-]\d{2}:\d{2}$/.test(local.trim());
  if (hasOffset) {
    const d = DateTime.fromISO(local.trim(), { setZone: true });
    if (!d.isValid) throw new GraphHttpError(400, 'ErrorInvalidRequest', `Invalid dateTime '${local}'.`);
    return d.toMillis();
  }
  const [year, month, day, hour, minute, second] = [+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)];
  // The usual case without luxon (the emulator's seed makes thousands; issue 20); luxon for the rest, as before.
  if (year >= 1000 && month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59) {
    const wall = Date.UTC(year, month - 1, day, hour, minute, second);
    if (new Date(wall).getUTCDate() === day) return instantOfWall(wall, zone);
  }
  const d = DateTime.fromObject({ year, month, day, hour, minute, second }, { zone });
  if (!d.isValid) throw new GraphHttpError(400, 'ErrorInvalidRequest', `Invalid dateTime '${local}'.`);
  return d.toMillis();
}

/** Normalises a local dateTime to Graph's 7-digit fraction form: "2017-04-15T12:00:00.0000000". */
export function normaliseLocal(local: string): string {
  const m = LOCAL_RE.exec(local.trim());
  if (!m) return local;
  const frac = (m[7] ?? '').padEnd(7, '0');
  return `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}.${frac}`;
}

/** Formats an instant as Graph's local dateTime in an IANA zone ("YYYY-MM-DDTHH:mm:ss.0000000"). */
export function formatInZone(ms: number, iana: string): string {
  if (iana === 'UTC') return `${new Date(ms).toISOString().slice(0, 19)}.0000000`;
  return `${localWallClock(ms, iana)}.0000000`;
}

/** Local wall clock "YYYY-MM-DDTHH:mm:ss" of an instant in an IANA zone. */
export function localWallClock(ms: number, iana: string): string {
  let fast: string | null = null;
  try {
    fast = formatWall(wallOf(ms, iana)); // without luxon (issue 20); luxon for what this does not do
  } catch {
    // an unknown zone or an invalid instant: luxon's answer, as before
  }
  return fast ?? DateTime.fromMillis(ms, { zone: iana }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

/** A dateTimeTimeZone for an instant, labelled with `label` (the name the client asked for). */
export function toDateTimeTimeZone(ms: number, iana: string, label: string): DateTimeTimeZone {
  return { dateTime: formatInZone(ms, iana), timeZone: label };
}

/** Parses a query-string instant (ISO 8601, with or without offset; without offset means UTC). */
export function parseQueryInstant(value: string, name: string): number {
  const v = value.trim();
  const d = /Z$|[+-]\d{2}:?\d{2}$/.test(v)
    ? DateTime.fromISO(v, { setZone: true })
    : DateTime.fromISO(v, { zone: 'UTC' });
  if (!d.isValid) {
    throw new GraphHttpError(400, 'ErrorInvalidParameter', `The value '${value}' of parameter '${name}' is invalid.`);
  }
  return d.toMillis();
}

/** Graph's timestamp format for createdDateTime etc. ("2017-04-15T03:00:50.7579581Z"). */
export function graphTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}
