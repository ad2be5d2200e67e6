// The provider-neutral calendar model: events, attendees, recurrence, free/busy. No Graph or Google shapes here.

/** Which provider a tenant or connection uses (Postgres enum calendar_provider_type). */
export type ProviderType = 'GOOGLE' | 'MICROSOFT';

/** An instant as an ISO-8601 UTC string with `Z` (e.g. `2026-03-08T15:00:00.000Z`). */
export type Instant = string;
/** A calendar date `YYYY-MM-DD`. */
export type DateOnly = string;

export interface TimeRange {
  start: Instant;
  /** Exclusive. */
  end: Instant;
}

export type AttendeeType = 'required' | 'optional' | 'resource';
export type ResponseStatus = 'none' | 'organizer' | 'accepted' | 'tentative' | 'declined' | 'notResponded';
export type ShowAs = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
export type Sensitivity = 'normal' | 'personal' | 'private' | 'confidential';
export type EventType = 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
export type OnlineMeetingProvider = 'teamsForBusiness' | 'googleMeet' | 'skypeForBusiness' | 'other';

export interface EmailAddress {
  /** Lower-cased address. */
  email: string;
  name: string | null;
}

export interface Attendee extends EmailAddress {
  type: AttendeeType;
  response: ResponseStatus;
}

export interface EventLocation {
  displayName: string;
  /** Free-text address when known. */
  address: string | null;
  /** The room mailbox when the location is a room. */
  roomEmail: string | null;
}

export interface OnlineMeeting {
  provider: OnlineMeetingProvider;
  joinUrl: string;
  conferenceId: string | null;
}

/**
 * Recurrence in RFC 5545 terms: one RRULE value (without the `RRULE:` prefix), interpreted in `timeZone`
 * from the series' first local start. `exDates` are local start date-times (`YYYY-MM-DDTHH:mm:ss`) removed
 * from the series.
 * @example { rrule: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;UNTIL=20261231', timeZone: 'Europe/Berlin',
 *            startLocal: '2026-01-05T09:00:00', exDates: [] }
 */
export interface Recurrence {
  rrule: string;
  timeZone: string;
  startLocal: string;
  exDates: string[];
}

export interface EventBody {
  contentType: 'html' | 'text';
  content: string;
}

/** One event as a provider reports it, in calbridge's terms. */
export interface CalendarEvent {
  /** The provider's id of the event. */
  id: string;
  calendarId: string | null;
  /** iCalendar UID shared by all copies of the meeting (organizer's and attendees'). */
  iCalUId: string | null;
  /** Opaque version (Graph changeKey / Google etag); changes on every update. */
  changeKey: string | null;
  subject: string;
  body: EventBody;
  /** UTC instants. For all-day events, midnight UTC of the start date and of the exclusive end date. */
  start: Instant;
  end: Instant;
  /** The IANA time zone the event was created in (its "original" zone). */
  timeZone: string;
  isAllDay: boolean;
  organizer: EmailAddress | null;
  attendees: Attendee[];
  location: EventLocation | null;
  onlineMeeting: OnlineMeeting | null;
  showAs: ShowAs;
  sensitivity: Sensitivity;
  categories: string[];
  type: EventType;
  seriesMasterId: string | null;
  /** For occurrences and exceptions: the occurrence's start as the series defines it. */
  originalStart: Instant | null;
  recurrence: Recurrence | null;
  isCancelled: boolean;
  /** The calbridge meeting id stamped on events calbridge created (extended property / private property). */
  externalId: string | null;
  reminderMinutes: number | null;
  /** The mailbox owner's own response. */
  responseStatus: ResponseStatus;
  createdAt: Instant | null;
  updatedAt: Instant | null;
}

/** The fields a caller sets when creating or updating an event. */
export interface EventDraft {
  subject: string;
  body?: EventBody;
  start: Instant;
  end: Instant;
  /** IANA zone the event is written in; defaults to UTC. */
  timeZone?: string;
  isAllDay?: boolean;
  attendees?: Array<{ email: string; name?: string | null; type: AttendeeType }>;
  location?: EventLocation | null;
  /** Ask the provider to create an online meeting (Teams on Microsoft, Meet on Google). */
  onlineMeeting?: boolean;
  showAs?: ShowAs;
  sensitivity?: Sensitivity;
  categories?: string[];
  recurrence?: Recurrence | null;
  reminderMinutes?: number | null;
}

export type BusyStatus = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';

export interface BusyItem extends TimeRange {
  status: Exclude<BusyStatus, 'free' | 'unknown'>;
}

export interface WorkingHours {
  /** Lower-case English day names: monday … sunday. */
  daysOfWeek: Array<'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday'>;
  /** Local wall-clock `HH:mm:ss`. */
  startTime: string;
  endTime: string;
  timeZone: string;
}
