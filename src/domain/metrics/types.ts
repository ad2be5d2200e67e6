// Types of the customer engagement metrics: the meeting as metrics see it, options, and the computed metrics.
import type { AttendeeType, DateOnly, EventType, Instant, ResponseStatus } from '../calendar.js';

/** One attendee of a meeting as metrics read it. */
export interface MetricAttendee {
  email: string;
  type: AttendeeType;
  response: ResponseStatus;
}

/** A known customer stakeholder taking part in the meeting. */
export interface MetricStakeholder {
  email: string;
  /** Free-text role ("VP Sales"); executive presence tests it against `MetricsOptions.executiveRoles`. */
  role: string | null;
}

/**
 * The view of one meeting (a single instance, or one occurrence / exception of a series) that metrics need.
 * Series masters (`type: 'seriesMaster'`) are never counted: each occurrence is fed separately.
 */
export interface MetricMeeting {
  /** Unique per meeting occurrence (for a series: one id per occurrence). */
  id: string;
  /** The detected or manually associated customer; `null` meetings are ignored. */
  customerId: string | null;
  start: Instant;
  end: Instant;
  type: EventType;
  seriesMasterId: string | null;
  isCancelled: boolean;
  /** The tenant user's own response (`organizer` when they organised it; `declined` means they did not go). */
  ownResponse: ResponseStatus;
  attendees: MetricAttendee[];
  /** Addresses of the attendees that belong to the customer (e.g. detection's `matchedAttendees`). */
  customerAttendees: string[];
  /** The customer's known stakeholders among the participants, with their roles. */
  stakeholders: MetricStakeholder[];
}

/** Options shared by full recompute and the incremental aggregate (fixed for an aggregate's lifetime). */
export interface MetricsOptions {
  /** Rolling windows in days, each ending at `now` (default 30, 90, 365). */
  windowsDays: number[];
  /** Number of weekly points, the last one being the (partial) week containing `now` (default 52). */
  weeks: number;
  /**
   * Role words that mark an executive (case-insensitive; a role is executive when one of its words, split on
   * anything but letters, digits and `-`, is in this list). Default: exec, executive, vp, svp, evp, c-level,
   * chief, ceo, cfo, cto, coo, cio, cmo, cro, ciso, president, founder, sponsor.
   */
  executiveRoles: string[];
}

/** How a counted occurrence turned out. */
export type OccurrenceStatus = 'held' | 'cancelled' | 'declined';

/** Metrics over one rolling window `[from, to)` where `to` is `now`. */
export interface WindowMetrics {
  days: number;
  from: Instant;
  to: Instant;
  /** Held meetings (not cancelled, not declined) starting in the window. */
  meetings: number;
  totalMinutes: number;
  /** `null` when there was no meeting. */
  averageMinutes: number | null;
  /** Median gap in days between consecutive held meetings' starts in the window; `null` with fewer than 2. */
  medianDaysBetween: number | null;
  /** Customer attendees invited to non-cancelled meetings in the window (one per attendee per meeting). */
  invitedCustomerAttendees: number;
  /** Of those, the ones who accepted (or organised). */
  acceptedCustomerAttendees: number;
  /** accepted / invited; `null` when nobody was invited. */
  attendanceRate: number | null;
  cancelled: number;
  declined: number;
  /** Distinct stakeholders met in held meetings (a stakeholder who declined was not met). */
  stakeholdersMet: number;
  /** Distinct executive stakeholders met. */
  executivesMet: number;
  /** Held meetings with at least one executive stakeholder. */
  executiveMeetings: number;
  /** Held meetings in the previous window of the same length, `[from - days, from)`. */
  previousMeetings: number;
  /** meetings − previousMeetings. */
  change: number;
  /** meetings / previousMeetings − 1; `null` when the previous window had none. */
  changeRatio: number | null;
}

/** One week (Monday 00:00 UTC to the next Monday); the current week only counts meetings started before `now`. */
export interface WeeklyPoint {
  weekStart: DateOnly;
  meetings: number;
  minutes: number;
  cancelled: number;
  declined: number;
  stakeholdersMet: number;
}

export interface MeetingRef {
  meetingId: string;
  start: Instant;
}

/** Everything computed for one customer at one instant. */
export interface CustomerMetrics {
  customerId: string;
  asOf: Instant;
  /** In the order of `MetricsOptions.windowsDays`. */
  windows: WindowMetrics[];
  /** The latest held meeting that started before `now`. */
  lastMeeting: MeetingRef | null;
  /** The earliest held meeting starting at or after `now`. */
  nextMeeting: MeetingRef | null;
  /** Oldest first. */
  weekly: WeeklyPoint[];
}
