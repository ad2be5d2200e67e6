// Pure free/busy maths for getSchedule and findMeetingTimes: availability views, working-hour windows, suggestions.
import { DateTime } from 'luxon';

/** Graph's freeBusyStatus. */
export type FreeBusyStatus = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';

/** One calendar item as free/busy sees it (instants in epoch ms). */
export interface BusyItem {
  startMs: number;
  endMs: number;
  status: FreeBusyStatus;
  subject?: string;
  location?: string;
  isPrivate?: boolean;
}

/** Working hours with the zone already resolved to IANA. */
export interface WorkingHoursSpec {
  daysOfWeek: string[];
  /** "HH:mm:ss(.fffffff)" local time of day. */
  startTime: string;
  endTime: string;
  zone: string;
}

export interface Interval {
  startMs: number;
  endMs: number;
}

const VIEW_DIGIT: Record<FreeBusyStatus, string> = {
  free: '0',
  tentative: '1',
  busy: '2',
  oof: '3',
  workingElsewhere: '4',
  unknown: '0',
};
/** Which status wins when items overlap: the "busiest". */
const RANK: Record<FreeBusyStatus, number> = {
  free: 0,
  unknown: 0,
  workingElsewhere: 1,
  tentative: 2,
  busy: 3,
  oof: 4,
};
const MINUTE = 60_000;

/** The busiest status of the items overlapping [startMs, endMs) (`free` when none). */
export function statusOver(items: readonly BusyItem[], startMs: number, endMs: number): FreeBusyStatus {
  let best: FreeBusyStatus = 'free';
  for (const it of items) {
    if (it.startMs < endMs && it.endMs > startMs && RANK[it.status] > RANK[best]) best = it.status;
  }
  return best;
}

/**
 * getSchedule's availabilityView: one digit per interval from start (0 free, 1 tentative, 2 busy, 3 oof,
 * 4 workingElsewhere), the busiest item overlapping each interval; the last interval may be partial.
 */
export function availabilityView(
  items: readonly BusyItem[],
  startMs: number,
  endMs: number,
  intervalMinutes: number,
): string {
  const step = intervalMinutes * MINUTE;
  let out = '';
  for (let s = startMs; s < endMs; s += step) out += VIEW_DIGIT[statusOver(items, s, Math.min(s + step, endMs))];
  return out;
}

const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

function timeOfDay(t: string): { hour: number; minute: number; second: number } {
  const [h, m, s] = t.split(':');
  return { hour: Number(h) || 0, minute: Number(m) || 0, second: Math.floor(Number(s) || 0) };
}

/**
 * The working-hour windows of `wh` that intersect [fromMs, toMs), each clipped to it. Each listed day
 * contributes startTime–endTime local time in the working-hours zone (an end at or before the start
 * runs into the next day). DST is handled by the zone.
 */
export function workingWindows(wh: WorkingHoursSpec, fromMs: number, toMs: number): Interval[] {
  const days = new Set(wh.daysOfWeek.map((d) => d.toLowerCase()));
  const st = timeOfDay(wh.startTime);
  const et = timeOfDay(wh.endTime);
  const out: Interval[] = [];
  let day = DateTime.fromMillis(fromMs, { zone: wh.zone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromMillis(toMs, { zone: wh.zone }).startOf('day');
  for (; day <= last; day = day.plus({ days: 1 })) {
    if (!days.has(WEEKDAY_NAMES[day.weekday - 1]!)) continue;
    const s = day.set(st);
    let e = day.set(et);
    if (e <= s) e = e.plus({ days: 1 });
    const startMs = Math.max(s.toMillis(), fromMs);
    const endMs = Math.min(e.toMillis(), toMs);
    if (startMs < endMs) out.push({ startMs, endMs });
  }
  return out;
}

/** The parts of `a` also covered by `b` (both sorted, non-overlapping). */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i]!.startMs, b[j]!.startMs);
    const e = Math.min(a[i]!.endMs, b[j]!.endMs);
    if (s < e) out.push({ startMs: s, endMs: e });
    if (a[i]!.endMs < b[j]!.endMs) i++;
    else j++;
  }
  return out;
}

/** Sorts and merges overlapping or touching intervals. */
export function normalise(list: readonly Interval[]): Interval[] {
  const sorted = [...list].filter((x) => x.startMs < x.endMs).sort((x, y) => x.startMs - y.startMs);
  const out: Interval[] = [];
  for (const x of sorted) {
    const prev = out[out.length - 1];
    if (prev && x.startMs <= prev.endMs) prev.endMs = Math.max(prev.endMs, x.endMs);
    else out.push({ ...x });
  }
  return out;
}

/** Parses an ISO 8601 duration as Graph accepts for meetingDuration ("PT1H", "PT2H30M", "P1D"); null if invalid. */
export function parseDurationMs(iso: string): number | null {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(iso.trim());
  if (!m || iso.trim().toUpperCase() === 'P' || /T$/i.test(iso.trim())) return null;
  const [, d, h, mi, s] = m;
  const ms = ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(mi ?? 0)) * MINUTE + Number(s ?? 0) * 1000;
  return ms > 0 ? ms : null;
}

// ---- findMeetingTimes ----------------------------------------------------------------------------------------

/** An attendee of a findMeetingTimes request with what the emulator knows about them. */
export interface Participant {
  address: string;
  name?: string;
  type: 'required' | 'optional' | 'resource';
  /** Null when availability is unknown (external address, no mailbox, no free/busy access). */
  busy: BusyItem[] | null;
  /** Null when unknown: the attendee then does not restrict the hours. */
  workingHours: WorkingHoursSpec | null;
}

/** A meeting location; `busy` null means its availability is not resolved (always offered). */
export interface LocationCandidate {
  displayName: string;
  locationEmailAddress?: string;
  busy: BusyItem[] | null;
}

export interface SuggestInput {
  organizer: { busy: BusyItem[]; workingHours: WorkingHoursSpec };
  attendees: Participant[];
  timeSlots: Interval[];
  activityDomain: 'work' | 'personal' | 'unrestricted';
  durationMs: number;
  maxCandidates: number;
  /** 0–100; a suggestion needs at least this confidence. */
  minimumAttendeePercentage: number;
  isOrganizerOptional: boolean;
  /** Locations the organizer named (locationConstraint.locations). */
  locations: LocationCandidate[];
  locationRequired: boolean;
  suggestLocation: boolean;
  /** Rooms to pick from when suggestLocation is set and no locations are named. */
  roomPool: LocationCandidate[];
  /** No suggestion starts before this instant. */
  nowMs: number;
}

export interface Suggestion {
  startMs: number;
  endMs: number;
  confidence: number;
  organizerAvailability: FreeBusyStatus;
  attendeeAvailability: Array<{ participant: Participant; availability: FreeBusyStatus }>;
  locations: LocationCandidate[];
  /** Every attendee free (drives the suggestion reason). */
  allFree: boolean;
}

export type EmptySuggestionsReason =
  | ''
  | 'AttendeesUnavailable'
  | 'AttendeesUnavailableOrUnknown'
  | 'LocationsUnavailable'
  | 'OrganizerUnavailable'
  | 'Unknown';

/** Chance of attendance per status (Graph: free 100 %, unknown 49 %, busy 0 %; tentative taken as 50 %). */
const CHANCE: Record<FreeBusyStatus, number> = {
  free: 100,
  workingElsewhere: 100,
  tentative: 50,
  unknown: 49,
  busy: 0,
  oof: 0,
};
const SLOT_STEP = 30 * MINUTE;
const MAX_CANDIDATES_SCANNED = 20_000;
const ALL_DAYS = WEEKDAY_NAMES;

/** The windows a suggestion may fall in: time slots ∩ working hours of the organizer and of every known person. */
function allowedWindows(input: SuggestInput): Interval[] {
  let windows = normalise(input.timeSlots);
  if (input.activityDomain === 'unrestricted' || windows.length === 0) return windows;
  const from = windows[0]!.startMs;
  const to = windows[windows.length - 1]!.endMs;
  const hours = [
    input.organizer.workingHours,
    ...input.attendees.filter((a) => a.type !== 'resource').map((a) => a.workingHours),
  ];
  for (const wh of hours) {
    if (!wh) continue;
    const spec = input.activityDomain === 'personal' ? { ...wh, daysOfWeek: ALL_DAYS } : wh;
    windows = intersect(windows, workingWindows(spec, from, to));
  }
  return windows;
}

/** Locations offered for a slot, or null when a required location is unavailable. */
function slotLocations(input: SuggestInput, s: number, e: number): LocationCandidate[] | null {
  const free = (l: LocationCandidate) => l.busy === null || statusOver(l.busy, s, e) === 'free';
  let offered: LocationCandidate[];
  if (input.locations.length > 0) offered = input.locations.filter(free);
  else if (input.suggestLocation) offered = input.roomPool.filter(free).slice(0, 1);
  else return [];
  const constrained = input.locations.length > 0 || input.suggestLocation;
  if (input.locationRequired && constrained && offered.length === 0) return null;
  return offered;
}

/**
 * findMeetingTimes: candidate slots every 30 minutes inside the allowed windows, scored by the average
 * chance of attendance (confidence), filtered by minimumAttendeePercentage, ordered by confidence then time.
 */
export function suggestMeetingTimes(input: SuggestInput): {
  emptySuggestionsReason: EmptySuggestionsReason;
  suggestions: Suggestion[];
} {
  const found: Suggestion[] = [];
  let scanned = 0;
  let organizerBlocked = 0;
  let locationBlocked = 0;
  const unknownAttendee = input.attendees.some((a) => a.busy === null);
  for (const w of allowedWindows(input)) {
    const first = Math.max(w.startMs, input.nowMs);
    for (let s = Math.ceil(first / SLOT_STEP) * SLOT_STEP; s + input.durationMs <= w.endMs; s += SLOT_STEP) {
      if (++scanned > MAX_CANDIDATES_SCANNED) break;
      const e = s + input.durationMs;
      const organizerAvailability = statusOver(input.organizer.busy, s, e);
      if (!input.isOrganizerOptional && CHANCE[organizerAvailability] === 0) {
        organizerBlocked++;
        continue;
      }
      const attendeeAvailability = input.attendees.map((participant) => ({
        participant,
        availability: participant.busy === null ? ('unknown' as const) : statusOver(participant.busy, s, e),
      }));
      const chances = attendeeAvailability.map((a) => CHANCE[a.availability]);
      const avg = chances.length ? chances.reduce((x, y) => x + y, 0) / chances.length : 100;
      const confidence = Math.floor(avg * 100) / 100;
      if (confidence < input.minimumAttendeePercentage) continue;
      const locations = slotLocations(input, s, e);
      if (!locations) {
        locationBlocked++;
        continue;
      }
      const allFree = attendeeAvailability.every((a) => CHANCE[a.availability] === 100);
      found.push({ startMs: s, endMs: e, confidence, organizerAvailability, attendeeAvailability, locations, allFree });
    }
  }
  found.sort((a, b) => b.confidence - a.confidence || a.startMs - b.startMs);
  const suggestions = found.slice(0, Math.max(0, input.maxCandidates));
  if (suggestions.length > 0) return { emptySuggestionsReason: '', suggestions };
  let reason: EmptySuggestionsReason;
  if (scanned === 0) reason = input.attendees.length > 0 ? 'AttendeesUnavailable' : 'OrganizerUnavailable';
  else if (organizerBlocked === scanned) reason = 'OrganizerUnavailable';
  else if (locationBlocked > 0 && locationBlocked + organizerBlocked === scanned) reason = 'LocationsUnavailable';
  else reason = unknownAttendee ? 'AttendeesUnavailableOrUnknown' : 'AttendeesUnavailable';
  return { emptySuggestionsReason: reason, suggestions: [] };
}
