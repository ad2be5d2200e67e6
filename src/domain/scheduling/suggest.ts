// calbridge's own meeting-time suggestion engine, for providers without a native one (Google, mock).
import type { WorkingHours } from '../calendar.js';
import { AppError } from '../errors.js';
import {
  checkZone,
  indexSchedule,
  isCovered,
  rangeToInterval,
  statusDuring,
  toInstant,
  toMs,
  workingHoursWindows,
  type Interval,
  type ScheduleIndex,
} from './freebusy.js';
import type {
  Availability,
  FreeBusyResult,
  MeetingTimeConstraint,
  MeetingTimeSuggestion,
  MeetingTimeSuggestions,
} from './types.js';
import { ZoneClock } from './zone.js';

/*
 * Rules followed, and the Microsoft Graph documentation statement each one rests on (paraphrased). Sources:
 * the `user: findMeetingTimes` API page (API), the `meetingTimeSuggestionsResult` resource page (RESULT) and
 * the "Find possible meeting times on the Outlook calendar" concept page (CONCEPT).
 *
 *  1. Activity domain (API, activityDomain table): `work` (the default when none is given) keeps every
 *     suggestion inside working hours; `personal` uses the same daily hours but on all seven days;
 *     `unrestricted` allows any hour of any day. CONCEPT: work suggestions fall in the working hours of the
 *     organizer *and* the attendees, so for `work`/`personal` a slot must lie inside the organizer's hours and
 *     inside the hours of every attendee, required or optional, whose hours are known (unknown schedules
 *     have no hours to enforce).
 *  2. Default working hours (API): Monday–Friday 08:00–17:00 in the mailbox's zone; used for an organizer
 *     without configured hours, in `constraint.timeZone` (else UTC).
 *  3. Attendance chance (API, "confidence of a meeting suggestion"): free 100 %, unknown 49 %, busy 0 %.
 *     The page gives no figure for tentative, out of office or working elsewhere. OUR CHOICE: tentative 50 %
 *     (may or may not attend), oof 0 % (away, like busy), workingElsewhere 100 % (working and reachable).
 *  4. Confidence (API): the average attendance chance over all attendees named in the request, required and
 *     optional alike. The organizer is not part of the average (inferred from the API example, where an
 *     organizer marked tentative still yields confidence 100). With no attendees the organizer alone is
 *     considered (API: an empty attendee list looks for the organizer's free time only). The value is cut to
 *     two decimals, matching the page's worked example (free, unknown and busy attendees give 49.66).
 *  5. Threshold (API): suggestions below minimumAttendeePercentage are dropped; it defaults to 50.
 *  6. Organizer (RESULT, organizerUnavailable): unless isOrganizerOptional, the organizer must be available;
 *     the API example returns slots where the organizer is tentative, so tentative and working elsewhere
 *     pass, while busy, oof and unknown do not (OUR CHOICE for unknown: fail closed).
 *  7. Ordering (API): by confidence, highest first, then chronologically. (CONCEPT adds that slots where the
 *     required attendees are available rank higher, which the confidence order already gives. The API
 *     example's response is not in either order; it is shortened, so it is not followed.)
 *  8. Duration (API, meetingDuration): 30 minutes when not given (here: `durationMinutes` is required, and
 *     must be a positive integer).
 *  9. Rooms (RESULT, locationsUnavailable): when candidate rooms are given, a slot needs at least one free
 *     room; a room that is tentative, busy or unknown does not count. Rooms are not in the confidence.
 * 10. emptySuggestionsReason (RESULT): `organizerUnavailable` when the organizer is never available (or never
 *     working) in the window; `attendeesUnavailable` when confidence stays below the threshold and every
 *     attendee's status was known (or when the attendees are never in their working hours);
 *     `attendeesUnavailableOrUnknown` when an unknown status took part; `locationsUnavailable` when only the
 *     room requirement failed; `unknown` otherwise (e.g. the window is shorter than the meeting).
 * 11. maxCandidates: the API page gives no default. Users report five suggestions when it is omitted
 *     (msgraph-sdk-dotnet issue 162), so the default here is 5.
 * 12. Alignment (OUR CHOICE): candidate starts lie on 30-minute boundaries of the organizer's wall clock
 *     (`constraint.timeZone`, else the organizer's working-hours zone, else UTC), inside the window.
 * 13. Limits (OUR CHOICE): the window spans at most 62 days; bad input is `bad_request`, never a crash.
 */

export const DEFAULT_MAX_CANDIDATES = 5;
export const DEFAULT_MINIMUM_ATTENDEE_PERCENTAGE = 50;
export const SLOT_ALIGNMENT_MINUTES = 30;
/** calbridge's own cap on the search window, so one request cannot ask for years of half-hour candidates. */
export const MAX_WINDOW_DAYS = 62;

/** Chance (in %) that a person with this status attends; see rule 3 above. */
export const ATTENDANCE_CHANCE: Record<Availability, number> = {
  free: 100,
  workingElsewhere: 100,
  tentative: 50,
  unknown: 49,
  busy: 0,
  oof: 0,
};

const ORGANIZER_AVAILABLE: ReadonlySet<Availability> = new Set(['free', 'tentative', 'workingElsewhere']);
const MINUTE = 60_000;

export interface OrganizerInfo {
  email: string;
  workingHours: WorkingHours | null;
}

/** A candidate that passed every filter; turned into a MeetingTimeSuggestion only if it makes the cut. */
interface Ranked {
  start: number;
  end: number;
  confidence: number;
  organizerAvailability: Availability;
  seen: Array<{ email: string; required: boolean; availability: Availability }>;
  rooms: string[];
}

interface Stages {
  candidates: number;
  organizerHours: number;
  attendeeHours: number;
  organizer: number;
  confidence: number;
  rooms: number;
  sawUnknown: boolean;
}

function validate(c: MeetingTimeConstraint): { window: Interval; max: number; min: number } {
  const window = rangeToInterval(c.window);
  if (window.end - window.start > MAX_WINDOW_DAYS * 24 * 60 * MINUTE) {
    throw new AppError('bad_request', `The search window may span at most ${MAX_WINDOW_DAYS} days.`);
  }
  if (!Number.isInteger(c.durationMinutes) || c.durationMinutes < 1 || c.durationMinutes > 24 * 60) {
    throw new AppError('bad_request', 'durationMinutes must be an integer from 1 to 1440.');
  }
  const max = c.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
  if (!Number.isInteger(max) || max < 1) throw new AppError('bad_request', 'maxCandidates must be a positive integer.');
  const min = c.minimumAttendeePercentage ?? DEFAULT_MINIMUM_ATTENDEE_PERCENTAGE;
  if (!(min >= 0 && min <= 100)) throw new AppError('bad_request', 'minimumAttendeePercentage must be from 0 to 100.');
  return { window, max, min };
}

/** Starts `t` in `[start, end - duration]` whose wall-clock time in `zone` is on a 30-minute boundary. */
export function alignedStarts(start: number, end: number, durationMs: number, zone: string): number[] {
  const clock = ZoneClock.for(zone, start, end);
  const step = SLOT_ALIGNMENT_MINUTES * MINUTE;
  const alignUp = (t: number): number => {
    const off = clock.offsetAt(t) * MINUTE;
    return Math.ceil((t + off) / step) * step - off;
  };
  const out: number[] = [];
  for (let t = alignUp(start); t + durationMs <= end; t = alignUp(t + step)) out.push(t);
  return out;
}

function defaultWorkingHours(zone: string): WorkingHours {
  return {
    daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
    startTime: '08:00:00',
    endTime: '17:00:00',
    timeZone: zone,
  };
}

function unknownIndex(email: string): ScheduleIndex {
  return {
    email,
    known: false,
    reason: 'not_requested',
    workingHours: null,
    busy: { tentative: [], busy: [], oof: [], workingElsewhere: [] },
  };
}

function explain(attendees: Array<{ email: string; availability: Availability; required: boolean }>): string {
  if (attendees.length === 0) return 'The organizer is available.';
  const missing = attendees.filter((a) => ATTENDANCE_CHANCE[a.availability] < 100);
  if (missing.length === 0) return 'All attendees are available.';
  const head = missing.some((a) => a.required)
    ? 'Some required attendees may not attend'
    : 'All required attendees are available';
  const list = missing.map((a) => `${a.email} ${a.availability}${a.required ? '' : ' (optional)'}`).join(', ');
  return `${head}: ${list}.`;
}

function emptyReason(s: Stages): string {
  if (s.candidates === 0) return 'unknown';
  if (s.organizerHours === 0) return 'organizerUnavailable';
  if (s.attendeeHours === 0) return 'attendeesUnavailable';
  if (s.organizer === 0) return 'organizerUnavailable';
  if (s.confidence === 0) return s.sawUnknown ? 'attendeesUnavailableOrUnknown' : 'attendeesUnavailable';
  if (s.rooms === 0) return 'locationsUnavailable';
  return 'unknown';
}

function compare(a: Ranked, b: Ranked): number {
  return b.confidence - a.confidence || a.start - b.start;
}

interface Participants {
  attendees: Array<{ email: string; required: boolean; idx: ScheduleIndex }>;
  orgIdx: ScheduleIndex;
  rooms: ScheduleIndex[];
  /** Organizer's working-hours windows; null when the activity domain is unrestricted. */
  orgHours: Interval[] | null;
  /** Working-hours windows of each attendee whose hours are known. */
  attendeeHours: Interval[][];
}

/** Indexes everyone's free/busy and working hours; attendees are deduplicated and never include the organizer. */
function prepare(
  constraint: MeetingTimeConstraint,
  availability: FreeBusyResult,
  organizer: OrganizerInfo,
  zone: string,
): Participants {
  const view = { start: toMs(availability.range.start), intervalMinutes: availability.intervalMinutes };
  const indexes = new Map<string, ScheduleIndex>();
  for (const s of availability.schedules) indexes.set(s.email.toLowerCase(), indexSchedule(s, view));
  const lookup = (email: string): ScheduleIndex =>
    indexes.get(email.toLowerCase()) ?? unknownIndex(email.toLowerCase());

  const orgEmail = organizer.email.toLowerCase();
  const byEmail = new Map<string, boolean>();
  for (const a of constraint.attendees) {
    const email = a.email.toLowerCase();
    if (email !== orgEmail) byEmail.set(email, (byEmail.get(email) ?? false) || a.type === 'required');
  }
  const attendees = [...byEmail].map(([email, required]) => ({ email, required, idx: lookup(email) }));

  const domain = constraint.activityDomain ?? 'work';
  const allDays = domain === 'personal';
  const hoursOf = (wh: WorkingHours): Interval[] => workingHoursWindows(wh, constraint.window, { allDays });
  return {
    attendees,
    orgIdx: lookup(orgEmail),
    rooms: (constraint.rooms ?? []).map((r) => lookup(r)),
    orgHours: domain === 'unrestricted' ? null : hoursOf(organizer.workingHours ?? defaultWorkingHours(zone)),
    attendeeHours:
      domain === 'unrestricted'
        ? []
        : attendees.flatMap((a) => (a.idx.workingHours ? [hoursOf(a.idx.workingHours)] : [])),
  };
}

/**
 * Suggests meeting times with the same shape and behaviour as Graph's findMeetingTimes (rules above).
 * `availability` must contain the organizer, the attendees and the rooms; anyone missing counts as unknown.
 * Throws `bad_request` for an invalid window, duration, percentage, candidate count or time zone.
 * @example suggestMeetingTimes({ attendees: [{ email: 'b@x.com', type: 'required' }], durationMinutes: 60,
 *   window: { start: '2026-05-04T07:00:00Z', end: '2026-05-08T17:00:00Z' } }, freeBusy,
 *   { email: 'a@x.com', workingHours: null })
 */
export function suggestMeetingTimes(
  constraint: MeetingTimeConstraint,
  availability: FreeBusyResult,
  organizer: OrganizerInfo,
): MeetingTimeSuggestions {
  const { window, max, min } = validate(constraint);
  const zone = constraint.timeZone ?? organizer.workingHours?.timeZone ?? 'UTC';
  checkZone(zone);
  const { attendees, orgIdx, rooms, orgHours, attendeeHours } = prepare(constraint, availability, organizer, zone);
  const duration = constraint.durationMinutes * MINUTE;
  const stages: Stages = {
    candidates: 0,
    organizerHours: 0,
    attendeeHours: 0,
    organizer: 0,
    confidence: 0,
    rooms: 0,
    sawUnknown: false,
  };
  const ranked: Ranked[] = [];
  for (const start of alignedStarts(window.start, window.end, duration, zone)) {
    const end = start + duration;
    stages.candidates++;
    if (orgHours && !isCovered(orgHours, start, end)) continue;
    stages.organizerHours++;
    if (!attendeeHours.every((h) => isCovered(h, start, end))) continue;
    stages.attendeeHours++;
    const organizerAvailability = statusDuring(orgIdx, start, end);
    if (!constraint.isOrganizerOptional && !ORGANIZER_AVAILABLE.has(organizerAvailability)) continue;
    stages.organizer++;
    const seen = attendees.map((a) => ({
      email: a.email,
      required: a.required,
      availability: statusDuring(a.idx, start, end),
    }));
    const chances =
      seen.length > 0 ? seen.map((a) => ATTENDANCE_CHANCE[a.availability]) : [ATTENDANCE_CHANCE[organizerAvailability]];
    // Truncated to two decimals in integer arithmetic: (100 + 49 + 0) / 3 gives 49.66, as in the API page's example.
    const confidence = Math.floor((chances.reduce((x, y) => x + y, 0) * 100) / chances.length) / 100;
    if (confidence < min) {
      stages.sawUnknown ||= seen.some((a) => a.availability === 'unknown');
      continue;
    }
    stages.confidence++;
    const freeRooms = rooms.filter((r) => statusDuring(r, start, end) === 'free').map((r) => r.email);
    if (rooms.length > 0 && freeRooms.length === 0) continue;
    stages.rooms++;
    ranked.push({ start, end, confidence, organizerAvailability, seen, rooms: freeRooms });
  }
  if (ranked.length === 0) return { suggestions: [], emptySuggestionsReason: emptyReason(stages) };
  const suggestions = ranked
    .sort(compare)
    .slice(0, max)
    .map((r): MeetingTimeSuggestion => ({
      start: toInstant(r.start),
      end: toInstant(r.end),
      confidence: r.confidence,
      organizerAvailability: r.organizerAvailability,
      attendeeAvailability: r.seen.map((a) => ({ email: a.email, availability: a.availability })),
      rooms: r.rooms,
      suggestionReason: explain(r.seen),
    }));
  return { suggestions, emptySuggestionsReason: '' };
}
