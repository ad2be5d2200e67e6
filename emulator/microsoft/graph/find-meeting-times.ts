// findMeetingTimes request handling: parses Graph's request body, gathers free/busy from the store, formats suggestions.
import type { EmuUser } from '../contracts.js';
import type { GraphContext } from './context.js';
import { GraphHttpError } from './errors.js';
import { busyItems, resolveTarget, workingHoursOf } from './freebusy-source.js';
import { instantOf } from './scheduling-http.js';
import {
  parseDurationMs,
  suggestMeetingTimes,
  workingWindows,
  type Interval,
  type LocationCandidate,
  type Participant,
  type SuggestInput,
  type Suggestion,
  type WorkingHoursSpec,
} from './scheduling.js';
import { toDateTimeTimeZone } from './time.js';

const DEFAULT_DURATION_MS = 30 * 60_000;
/** Without timeSlots, suggestions are looked for from now through this many of the organizer's working days. */
const DEFAULT_WORKING_DAYS = 2;
const DEFAULT_MAX_CANDIDATES = 10;
const MAX_SPAN_MS = 62 * 86_400_000;

type Json = Record<string, unknown>;

function bad(message: string): GraphHttpError {
  return new GraphHttpError(400, 'ErrorInvalidRequest', message);
}

/** Graph accepts "true"/"false" strings for Edm.Boolean in this action's examples. */
function bool(v: unknown, name: string, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'True') return true;
  if (v === 'false' || v === 'False') return false;
  throw bad(`The parameter '${name}' must be a Boolean.`);
}

function num(v: unknown, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined || v === null) return dflt;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max)
    throw bad(`The parameter '${name}' must be a number from ${min} to ${max}.`);
  return n;
}

function obj(v: unknown, name: string): Json {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(`The parameter '${name}' must be an object.`);
  return v as Json;
}

function list(v: unknown, name: string): Json[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => x && typeof x === 'object'))
    throw bad(`The parameter '${name}' must be a collection.`);
  return v as Json[];
}

/**
 * The search window of a request without timeSlots: from now through the end of the organizer's next
 * two working days (days with working time left after now, in the working-hours zone). A fixed span of
 * calendar days held no working time at all on a Saturday or Sunday, so every suggestion came back empty
 * on weekends. For `personal` and `unrestricted` every day of the week is a working day.
 */
export function defaultWindow(
  wh: WorkingHoursSpec,
  domain: 'work' | 'personal' | 'unrestricted',
  nowMs: number,
): Interval {
  const spec: WorkingHoursSpec =
    domain === 'work'
      ? wh
      : { ...wh, daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] };
  if (domain === 'unrestricted') return { startMs: nowMs, endMs: nowMs + DEFAULT_WORKING_DAYS * 86_400_000 };
  // Two weeks always hold two working days unless the organizer has none at all.
  const windows = workingWindows(spec, nowMs, nowMs + 14 * 86_400_000);
  const picked = windows.slice(0, DEFAULT_WORKING_DAYS);
  const last = picked[picked.length - 1];
  return { startMs: nowMs, endMs: last ? last.endMs : nowMs + DEFAULT_WORKING_DAYS * 86_400_000 };
}

function timeSlots(tc: Json, fallback: Interval): Interval[] {
  const raw = list(tc.timeSlots ?? tc.timeslots, 'timeConstraint.timeSlots');
  const slots = raw.map((s, i) => {
    const startMs = instantOf(s.start, `timeSlots[${i}].start`);
    const endMs = instantOf(s.end, `timeSlots[${i}].end`);
    if (endMs <= startMs) throw bad(`timeSlots[${i}]: the end must be after the start.`);
    return { startMs, endMs };
  });
  if (slots.length === 0) return [fallback];
  const span = Math.max(...slots.map((s) => s.endMs)) - Math.min(...slots.map((s) => s.startMs));
  if (span > MAX_SPAN_MS)
    throw new GraphHttpError(
      400,
      'ErrorTimeIntervalTooBig',
      'The requested time window for meeting suggestions is too long. The allowed limit = 62 days.',
    );
  return slots;
}

/** An attendee or location address resolved to what free/busy knows about it within [from, to). */
function participant(ctx: GraphContext, organizer: EmuUser, a: Json, i: number, from: number, to: number): Participant {
  const email = obj(a.emailAddress, `attendees[${i}].emailAddress`);
  const address = typeof email.address === 'string' ? email.address.trim() : '';
  if (!address) throw bad(`attendees[${i}] needs an emailAddress.address.`);
  const t = typeof a.type === 'string' ? a.type.toLowerCase() : 'required';
  const target = resolveTarget(ctx, organizer.tenantId, organizer, address);
  const type =
    t === 'resource' || (target.ok && target.user.kind === 'room')
      ? 'resource'
      : t === 'optional'
        ? 'optional'
        : 'required';
  if (!target.ok)
    return {
      address,
      ...(typeof email.name === 'string' ? { name: email.name } : {}),
      type,
      busy: null,
      workingHours: null,
    };
  return {
    address,
    ...(typeof email.name === 'string' ? { name: email.name } : {}),
    type,
    busy: busyItems(ctx, target.user.id, from, to),
    workingHours: target.user.kind === 'room' ? null : workingHoursOf(ctx, target.user.id).spec,
  };
}

function locationsOf(ctx: GraphContext, organizer: EmuUser, lc: Json, from: number, to: number): LocationCandidate[] {
  return list(lc.locations, 'locationConstraint.locations').map((l) => {
    const displayName = typeof l.displayName === 'string' ? l.displayName : '';
    const email =
      typeof l.locationEmailAddress === 'string' && l.locationEmailAddress ? l.locationEmailAddress : undefined;
    const resolve = bool(l.resolveAvailability, 'resolveAvailability', true);
    const target = email && resolve ? resolveTarget(ctx, organizer.tenantId, organizer, email) : null;
    const busy = target?.ok ? busyItems(ctx, target.user.id, from, to) : null;
    return { displayName, ...(email ? { locationEmailAddress: email } : {}), busy };
  });
}

function roomPool(ctx: GraphContext, organizer: EmuUser, from: number, to: number): LocationCandidate[] {
  return ctx.directory
    .usersOfTenant(organizer.tenantId)
    .filter((u) => u.kind === 'room' && u.mailbox === 'exchangeOnline' && ctx.store.hasMailbox(u.id))
    .sort((a, b) => a.displayName.localeCompare(b.displayName))
    .map((u) => ({ displayName: u.displayName, locationEmailAddress: u.mail, busy: busyItems(ctx, u.id, from, to) }));
}

/** Builds the pure-algorithm input from a findMeetingTimes request body. */
export function parseFindRequest(
  ctx: GraphContext,
  organizer: EmuUser,
  rawBody: unknown,
): SuggestInput & { returnReasons: boolean } {
  const body = obj(rawBody, 'body');
  const nowMs = ctx.clock();
  const tc = obj(body.timeConstraint, 'timeConstraint');
  const domainRaw = typeof tc.activityDomain === 'string' ? tc.activityDomain : 'work';
  const activityDomain =
    domainRaw === 'personal' || domainRaw === 'unrestricted'
      ? domainRaw
      : domainRaw === 'work' || domainRaw === 'unknown'
        ? 'work'
        : null;
  if (!activityDomain) throw bad(`Unknown activityDomain '${domainRaw}'.`);
  const organizerHours = workingHoursOf(ctx, organizer.id).spec;
  const slots = timeSlots(tc, defaultWindow(organizerHours, activityDomain, nowMs));
  const from = Math.min(...slots.map((s) => s.startMs));
  const to = Math.max(...slots.map((s) => s.endMs));
  let durationMs = DEFAULT_DURATION_MS;
  if (body.meetingDuration !== undefined && body.meetingDuration !== null) {
    const d = typeof body.meetingDuration === 'string' ? parseDurationMs(body.meetingDuration) : null;
    if (d === null)
      throw bad(`The meetingDuration '${String(body.meetingDuration)}' is not a valid ISO 8601 duration.`);
    durationMs = d;
  }
  const lc = obj(body.locationConstraint, 'locationConstraint');
  const suggestLocation = bool(lc.suggestLocation, 'suggestLocation', false);
  return {
    organizer: { busy: busyItems(ctx, organizer.id, from, to), workingHours: organizerHours },
    attendees: list(body.attendees, 'attendees').map((a, i) => participant(ctx, organizer, a, i, from, to)),
    timeSlots: slots,
    activityDomain,
    durationMs,
    maxCandidates: Math.floor(num(body.maxCandidates, 'maxCandidates', DEFAULT_MAX_CANDIDATES, 0, 1000)),
    minimumAttendeePercentage: num(body.minimumAttendeePercentage, 'minimumAttendeePercentage', 50, 0, 100),
    isOrganizerOptional: bool(body.isOrganizerOptional, 'isOrganizerOptional', false),
    locations: locationsOf(ctx, organizer, lc, from, to),
    locationRequired: bool(lc.isRequired, 'isRequired', false),
    suggestLocation,
    roomPool: suggestLocation ? roomPool(ctx, organizer, from, to) : [],
    nowMs,
    returnReasons: bool(body.returnSuggestionReasons, 'returnSuggestionReasons', false),
  };
}

/** One meetingTimeSuggestion in Graph's shape. */
function formatSuggestion(s: Suggestion, order: number, returnReasons: boolean, zone: { iana: string; label: string }) {
  const reason = s.allFree
    ? 'Suggested because it is one of the nearest times when all attendees are available.'
    : 'Suggested because it is one of the nearest times when most attendees are available.';
  return {
    confidence: s.confidence,
    order,
    organizerAvailability: s.organizerAvailability,
    suggestionReason: returnReasons ? reason : '',
    attendeeAvailability: s.attendeeAvailability.map((a) => ({
      attendee: { type: a.participant.type, emailAddress: { address: a.participant.address } },
      availability: a.availability,
    })),
    locations: s.locations.map((l) => ({
      displayName: l.displayName,
      ...(l.locationEmailAddress ? { locationEmailAddress: l.locationEmailAddress } : {}),
    })),
    meetingTimeSlot: {
      start: toDateTimeTimeZone(s.startMs, zone.iana, zone.label),
      end: toDateTimeTimeZone(s.endMs, zone.iana, zone.label),
    },
  };
}

/** The meetingTimeSuggestionsResult for `organizer` (without @odata.context). */
export function findMeetingTimes(
  ctx: GraphContext,
  organizer: EmuUser,
  body: unknown,
  zone: { iana: string; label: string },
) {
  const input = parseFindRequest(ctx, organizer, body);
  const result = suggestMeetingTimes(input);
  return {
    emptySuggestionsReason: result.emptySuggestionsReason,
    meetingTimeSuggestions: result.suggestions.map((s, i) => formatSuggestion(s, i + 1, input.returnReasons, zone)),
  };
}
