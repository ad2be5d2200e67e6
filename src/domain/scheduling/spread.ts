// Picks a few meeting-time suggestions spread across days and times of day, and says why each one is suggested in
// plain words. Graph's findMeetingTimes (and calbridge's engine, which follows it) orders by confidence, then
// chronologically: with many equally good slots the first ones are all on the same day, 30 minutes apart. A person
// choosing a time wants alternatives that differ: another day, another part of the day.
import type { Availability, MeetingTimeSuggestion } from './types.js';
import { ZoneClock } from './zone.js';

export type DayPart = 'morning' | 'midday' | 'afternoon' | 'evening';

/** Suggestions returned when spreading (unless the caller asks for another count from 1 to 10). */
export const SPREAD_DEFAULT = 5;
/** Candidates asked of the provider or engine before spreading: the half-hour starts of two weeks' working days. */
export const SPREAD_POOL = 200;
/** Two picks on one day are at least this far apart. */
export const SAME_DAY_GAP_MINUTES = 120;

const MINUTE = 60_000;

/** The part of the day of a local hour: before 11:00, 11:00–13:59, 14:00–16:59, from 17:00. */
export function dayPart(localHour: number): DayPart {
  if (localHour < 11) return 'morning';
  if (localHour < 14) return 'midday';
  if (localHour < 17) return 'afternoon';
  return 'evening';
}

interface Placed<T> {
  s: T;
  rank: number;
  day: string;
  part: DayPart;
  start: number;
}

/**
 * Up to `max` suggestions of `ranked` (best first, as the engine ordered them) that differ: first the best of each
 * day, then other parts of already used days (at least two hours from an earlier pick), then anything left. A
 * suggestion with lower confidence than the best is only taken when nothing as good is left to fill that place,
 * because each round walks the ranked list in order. The result is ordered by confidence, then by time.
 */
export function spreadSuggestions<T extends { start: string; confidence: number }>(
  ranked: readonly T[],
  max: number,
  zone: string,
): T[] {
  if (ranked.length === 0 || max <= 0) return [];
  const starts = ranked.map((s) => Date.parse(s.start));
  const clock = ZoneClock.for(zone, Math.min(...starts), Math.max(...starts));
  const placed: Array<Placed<T>> = ranked.map((s, rank) => {
    const start = starts[rank]!;
    const local = new Date(start + clock.offsetAt(start) * MINUTE);
    return {
      s,
      rank,
      day: local.toISOString().slice(0, 10),
      part: dayPart(local.getUTCHours()),
      start,
    };
  });
  const best = Math.max(...ranked.map((s) => s.confidence));
  const chosen: Array<Placed<T>> = [];
  const taken = new Set<number>();
  const farFromSameDay = (p: Placed<T>) =>
    chosen.every((c) => c.day !== p.day || Math.abs(c.start - p.start) >= SAME_DAY_GAP_MINUTES * MINUTE);
  const rounds: Array<(p: Placed<T>) => boolean> = [
    // 1. a new day, as good as the best
    (p) => p.s.confidence >= best && !chosen.some((c) => c.day === p.day),
    // 2. a new part of a used day, as good as the best
    (p) => p.s.confidence >= best && !chosen.some((c) => c.day === p.day && c.part === p.part) && farFromSameDay(p),
    // 3. a new day, less good
    (p) => !chosen.some((c) => c.day === p.day),
    // 4. a new part of a used day
    (p) => !chosen.some((c) => c.day === p.day && c.part === p.part) && farFromSameDay(p),
    // 5. anything two hours from the other picks of its day
    farFromSameDay,
    // 6. anything
    () => true,
  ];
  for (const fits of rounds) {
    // within a round, parts of the day not yet used anywhere come first, so mornings and afternoons alternate
    for (const preferNewPart of [true, false]) {
      for (const p of placed) {
        if (chosen.length >= max) break;
        if (taken.has(p.rank) || !fits(p)) continue;
        if (preferNewPart && chosen.some((c) => c.part === p.part)) continue;
        chosen.push(p);
        taken.add(p.rank);
      }
    }
    if (chosen.length >= max) break;
  }
  return chosen.sort((a, b) => b.s.confidence - a.s.confidence || a.start - b.start).map((p) => p.s);
}

/** How to name people and groups in a reason. */
export interface ReasonContext {
  /** The organizer's e-mail (the person asking). */
  organizer: string;
  /** The domains of the organizer's own organisation (their colleagues' calendars are readable). */
  internalDomains: readonly string[];
  /** Display names by lower-case e-mail (directory, stakeholders). */
  names?: ReadonlyMap<string, string>;
  /** Names of organisations by lower-case domain, e.g. a customer's domains → "Acme". */
  organisations?: ReadonlyMap<string, string>;
}

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

function listWords(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const STATE: Partial<Record<Availability, string>> = {
  tentative: 'has a tentative meeting then',
  busy: 'is busy then',
  oof: 'is away then',
};

/**
 * Why a suggestion is offered, in plain words: who is free, whose calendar cannot be seen (by organisation), who has
 * a tentative meeting. Never a raw status word or a bare percentage.
 * @example plainReason(s, { organizer: 'me@contoso.com', internalDomains: ['contoso.com'],
 *   organisations: new Map([['acme.com', 'Acme']]) }) // "Acme's calendars aren't visible: based on yours and your team's."
 */
export function plainReason(
  s: Pick<MeetingTimeSuggestion, 'attendeeAvailability' | 'organizerAvailability'>,
  ctx: ReasonContext,
): string {
  const internal = new Set(ctx.internalDomains.map((d) => d.toLowerCase()));
  const name = (email: string) => ctx.names?.get(email.toLowerCase()) ?? email;
  const others = s.attendeeAvailability.filter((a) => a.email.toLowerCase() !== ctx.organizer.toLowerCase());
  const unknown = others.filter((a) => a.availability === 'unknown');
  const seen = others.filter((a) => a.availability !== 'unknown');
  const parts: string[] = [];

  if (unknown.length > 0) {
    // one phrase per organisation (or colleague): "Acme’s calendars", "calendars at other.example"
    const phrases = new Set<string>();
    for (const a of unknown) {
      const d = domainOf(a.email);
      const named = internal.has(d) ? name(a.email) : ctx.organisations?.get(d);
      phrases.add(named ? `${named}’s calendar${internal.has(d) ? '' : 's'}` : `calendars at ${d}`);
    }
    const basis = seen.some((a) => internal.has(domainOf(a.email)))
      ? 'based on yours and your team’s'
      : seen.length > 0
        ? `based on yours and ${listWords(seen.map((a) => name(a.email)))}’s`
        : 'based on yours';
    const list = [...phrases];
    const plural = list.length > 1 || list[0]!.includes('calendars');
    parts.push(`${listWords(list)} ${plural ? 'aren’t' : 'isn’t'} visible: ${basis}`);
  }
  const troubled = seen.filter((a) => STATE[a.availability]);
  for (const a of troubled) parts.push(`${name(a.email)} ${STATE[a.availability]}`);
  const free = seen.filter((a) => a.availability === 'free' || a.availability === 'workingElsewhere');
  if (parts.length === 0) {
    if (others.length === 0)
      return s.organizerAvailability === 'tentative' ? 'You have a tentative meeting then.' : 'You are free.';
    return others.length === 1 ? `You and ${name(others[0]!.email)} are free.` : 'Everyone is free.';
  }
  if (free.length > 0 && unknown.length === 0)
    parts.push(free.length === 1 ? `${name(free[0]!.email)} is free` : 'the others are free');
  if (s.organizerAvailability === 'tentative') parts.push('you have a tentative meeting then');
  const text = parts.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
