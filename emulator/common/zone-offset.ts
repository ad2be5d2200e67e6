// Time zone offsets without luxon in the emulators' hot paths (issue 20: luxon's DateTime was most of the Microsoft
// emulator's first seed). The offset of an IANA zone at an instant comes from Intl.DateTimeFormat as in luxon's
// IANAZone#offset (whole seconds), remembered per zone and UTC day when it is the same at the day's first and last
// second (no zone changes its offset twice in one day), so a year of meetings asks Intl about 2 × 366 times per zone.
// "Wall clocks" are a zone's local date and time read as UTC milliseconds, so calendar arithmetic on them is plain
// arithmetic on UTC dates.

const DAY_MS = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();
const byDay = new Map<string, Map<number, number | null>>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      hourCycle: 'h23',
      timeZone: zone,
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, f);
  }
  return f;
}

/** Offset in minutes at `ms`, asked of Intl (luxon's partsOffset). */
function rawOffset(ms: number, zone: string): number {
  const p: Record<string, string> = {};
  for (const { type, value } of format(zone).formatToParts(ms)) p[type] = value;
  let year = Number(p.year);
  if (p.era === 'BC' || p.era === 'B') year = 1 - year;
  const month = Number(p.month) - 1;
  const day = Number(p.day);
  let asUtc = Date.UTC(year, month, day, Number(p.hour) % 24, Number(p.minute), Number(p.second));
  if (year >= 0 && year < 100) {
    const d = new Date(asUtc);
    d.setUTCFullYear(year, month, day);
    asUtc = d.getTime();
  }
  return (asUtc - (ms - (((ms % 1000) + 1000) % 1000))) / 60_000;
}

/**
 * Minutes to add to UTC to get the local time of IANA zone `zone` at instant `ms` (as luxon's `IANAZone#offset`).
 * @example zoneOffsetMinutes(Date.UTC(2026, 6, 1), 'Europe/Berlin') // 120
 */
export function zoneOffsetMinutes(ms: number, zone: string): number {
  if (zone === 'UTC') return 0;
  let days = byDay.get(zone);
  if (!days) byDay.set(zone, (days = new Map()));
  const day = Math.floor(ms / DAY_MS);
  let o = days.get(day);
  if (o === undefined) {
    const first = rawOffset(day * DAY_MS, zone);
    o = rawOffset((day + 1) * DAY_MS - 1000, zone) === first ? first : null;
    if (days.size > 20_000) days.clear();
    days.set(day, o);
  }
  return o ?? rawOffset(ms, zone);
}

/** The wall clock of instant `ms` in `zone` (local date and time read as UTC ms). */
export const wallOf = (ms: number, zone: string): number => ms + zoneOffsetMinutes(ms, zone) * 60_000;

/**
 * The instant of wall clock `wall` in `zone`, by luxon's rule (its `fixOffset`, with the offset at `provisional` —
 * luxon's "now" — as the first guess): a time in a gap moves forward, a time in an overlap takes the offset of the
 * first guess when it fits.
 */
export function instantOfWall(wall: number, zone: string, provisional: number = Date.now()): number {
  const o = zoneOffsetMinutes(provisional, zone);
  let guess = wall - o * 60_000;
  const o2 = zoneOffsetMinutes(guess, zone);
  if (o === o2) return guess;
  guess -= (o2 - o) * 60_000;
  const o3 = zoneOffsetMinutes(guess, zone);
  if (o2 === o3) return guess;
  return wall - Math.min(o2, o3) * 60_000;
}

/** "YYYY-MM-DDTHH:mm:ss" of a wall clock (years 1000–9999), else null. */
export function formatWall(wall: number): string | null {
  const s = new Date(wall).toISOString();
  return s.length === 24 && s[0] !== '0' ? s.slice(0, 19) : null;
}
