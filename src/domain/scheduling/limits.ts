// The stated limits of every scheduling request that fans out to a calendar provider, in one place: the services
// check them (422 `limit_exceeded` naming the limit), the OpenAPI descriptions quote them, docs/scheduling.md lists
// them, and each provider adapter bound to a request spends a CallBudget where its HTTP calls are made.
import { AppError } from '../errors.js';

const DAY_MS = 86_400_000;

/**
 * The limits. Each is far above what a person asks for by hand, and each keeps a request's provider calls bounded:
 * free/busy is read 20 people per getSchedule and at most 61 days per call (Graph's own limits), so the largest
 * availability request is 8 × 2 getSchedule calls and the largest proposal preview 26.
 */
export const SCHEDULING_LIMITS = {
  /** Availability grid: longest range. Graph getSchedule itself refuses longer ranges (ErrorTimeIntervalTooBig). */
  availabilityDays: 62,
  /** Availability grid: people besides the caller. */
  availabilityAttendees: 100,
  /** Availability grid: rooms. */
  availabilityRooms: 50,
  /** Suggested times (findmeetingtimes, chat): longest search window — a month ahead. */
  suggestionWindowDays: 31,
  /** Suggested times: attendees besides the organizer. */
  suggestionAttendees: 100,
  /** Suggested times: rooms. */
  suggestionRooms: 50,
  /** A proposed meeting (create, change, from a customer's page or chat): longest duration. */
  meetingDays: 31,
  /** A proposed meeting: attendees (Outlook's own limit for an event is 500). */
  meetingAttendees: 500,
  /**
   * Provider calls (HTTP requests; each part of a JSON batch counts) one scheduling operation may make: about four
   * times the largest legitimate one (a 500-person proposal with a room lookup), 1% of Outlook's 10,000 requests per
   * mailbox per 10 minutes.
   */
  providerCallsPerOperation: 100,
} as const;

export type SchedulingLimit = keyof typeof SCHEDULING_LIMITS;

/** What `details.limit` names for each limit (stable: clients may branch on it). */
const NAMES: Record<SchedulingLimit, string> = {
  availabilityDays: 'availability.days',
  availabilityAttendees: 'availability.attendees',
  availabilityRooms: 'availability.rooms',
  suggestionWindowDays: 'suggestions.window_days',
  suggestionAttendees: 'suggestions.attendees',
  suggestionRooms: 'suggestions.rooms',
  meetingDays: 'meeting.days',
  meetingAttendees: 'meeting.attendees',
  providerCallsPerOperation: 'provider_calls',
};

/** The `limit_exceeded` error: the limit in the message and `{ limit, max, got }` in details. */
export function limitExceeded(limit: SchedulingLimit, got: number, what: string): AppError {
  const max = SCHEDULING_LIMITS[limit];
  return new AppError('limit_exceeded', `${what}: at most ${max}, got ${got}.`, {
    details: { limit: NAMES[limit], max, got },
  });
}

/** Throws `limit_exceeded` when a count is over its limit. */
export function checkCount(limit: SchedulingLimit, got: number, what: string): void {
  if (got > SCHEDULING_LIMITS[limit]) throw limitExceeded(limit, got, what);
}

/** Throws `limit_exceeded` when start → end spans more days than the limit (a started day counts). */
export function checkSpanDays(limit: SchedulingLimit, start: string, end: string, what: string): void {
  const ms = Date.parse(end) - Date.parse(start);
  if (!(ms > SCHEDULING_LIMITS[limit] * DAY_MS)) return;
  throw limitExceeded(limit, Math.ceil(ms / DAY_MS), `${what} (days)`);
}

/**
 * A number of provider calls one operation may still make. The adapter bound to the operation spends it before each
 * HTTP call (a JSON batch: before sending any part), so no caller, however wrong, can make more calls than this.
 * @example const budget = new CallBudget(); budget.spend(4); // throws limit_exceeded past the 100th call
 */
export class CallBudget {
  private used = 0;
  constructor(readonly max: number = SCHEDULING_LIMITS.providerCallsPerOperation) {}

  /** Calls made so far. */
  get spent(): number {
    return this.used;
  }

  /** Throws `limit_exceeded` when `n` more calls would exceed the budget; records nothing. */
  ensure(n: number): void {
    if (this.used + n > this.max) this.spend(n);
  }

  /** Records `n` calls about to be made; throws `limit_exceeded` (nothing recorded) when they would exceed it. */
  spend(n = 1): void {
    if (this.used + n > this.max) {
      throw new AppError(
        'limit_exceeded',
        `This request would make more than ${this.max} calls to the calendar provider; narrow it (fewer people or rooms, a shorter range).`,
        { details: { limit: NAMES.providerCallsPerOperation, max: this.max, got: this.used + n } },
      );
    }
    this.used += n;
  }
}
