// Formatting helpers: dates in a chosen IANA zone (luxon), durations and relative ages.
import { DateTime } from 'luxon';

export const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** "Mon 24 Nov, 14:30" in `zone`. */
export function dateTime(iso: string | null | undefined, zone = browserZone()): string {
  if (!iso) return '—';
  const d = DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone);
  return d.isValid ? d.toFormat('ccc d LLL, HH:mm') : '—';
}

export function time(iso: string, zone = browserZone()): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toFormat('HH:mm');
}

/** "3 min", "2 h 5 min", "4 days". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
  return `${Math.round(seconds / 86400)} days`;
}

/** "in 2 days" / "5 min ago". */
export function relative(iso: string | null | undefined): string {
  if (!iso) return '—';
  return DateTime.fromISO(iso).toRelative() ?? '—';
}
