// The CalendarProvider port: the one interface every calendar provider (Microsoft, Google, mock) implements.
// A provider instance is bound to one connected mailbox; ids are that provider's ids.
import type {
  CalendarEvent,
  EventDraft,
  Instant,
  OnlineMeetingProvider,
  ProviderType,
  TimeRange,
  WorkingHours,
} from '../domain/calendar.js';
import type { FreeBusyResult, MeetingTimeConstraint, MeetingTimeSuggestions } from '../domain/scheduling/types.js';

/** The scheduling shapes providers answer in are the domain's own (the scheduling engine reads them as they are). */
export type {
  FreeBusyResult,
  MeetingTimeConstraint,
  MeetingTimeSuggestion,
  MeetingTimeSuggestions,
  ScheduleAvailability,
} from '../domain/scheduling/types.js';

export interface FreeBusyParams {
  /** Email addresses of people or rooms. */
  schedules: string[];
  start: Instant;
  end: Instant;
  /** Granularity of `availabilityView`, in minutes (default 30). */
  intervalMinutes?: number;
}

export interface CreateEventParams {
  /** Target calendar; the mailbox's default calendar when absent. */
  calendarId?: string;
  event: EventDraft;
  /** Idempotency key: a repeated create with the same key returns the first event. */
  transactionId?: string;
  /** The calbridge meeting id to stamp on the event so sync recognises it. */
  externalId?: string;
}

export interface UpdateEventParams {
  eventId: string;
  /**
   * The provider calendar the event lives in (the calendar it was synced from or created in). Absent: the mailbox's
   * default calendar, which is wrong for an event of any other calendar: callers that know the calendar pass it.
   */
  calendarId?: string;
  /** Only the fields present are changed. */
  changes: Partial<EventDraft>;
  /** Optimistic concurrency: fail with `conflict` when the event's changeKey differs. */
  ifMatch?: string;
}

/** An invitee's answer to a meeting (Graph accept / tentativelyAccept / decline; Google the attendee's responseStatus). */
export type RsvpResponse = 'accepted' | 'tentative' | 'declined';

export interface RespondToEventParams {
  /** The invitee's copy of the meeting (an occurrence id answers that occurrence only). */
  eventId: string;
  calendarId?: string;
  response: RsvpResponse;
  /** A message to the organizer (Graph `comment`; Google the attendee's `comment`). */
  comment?: string | null;
  /** Tell the organizer (default true; Graph `sendResponse`, Google `sendUpdates`). */
  sendResponse?: boolean;
}

export interface ListEventsParams extends TimeRange {
  calendarId?: string;
  /** Opaque token from a previous page. */
  pageToken?: string;
  pageSize?: number;
}

export interface EventPage {
  events: CalendarEvent[];
  nextPageToken: string | null;
}

export interface CalendarInfo {
  id: string;
  name: string;
  /** Owner's address (for shared calendars, the teammate's). */
  ownerEmail: string | null;
  isDefault: boolean;
  /** True when the calendar belongs to another mailbox and was shared with this user. */
  isShared: boolean;
  canEdit: boolean;
  allowedOnlineMeetingProviders: OnlineMeetingProvider[];
  defaultOnlineMeetingProvider: OnlineMeetingProvider | null;
}

export interface SyncChangesParams {
  calendarId: string;
  /** The window of the sync; only used when `cursor` is null (a new sync). */
  window: TimeRange;
  /** Opaque cursor from the previous page (delta link / sync token); null starts a full sync. */
  cursor: string | null;
  /**
   * Series masters this sync run has already delivered (provider ids): a page whose occurrences point at one of them
   * does not read it again (the engine keeps the set for one run of a calendar, so each master is read once a round).
   */
  knownSeriesMasters?: ReadonlySet<string>;
}

export type EventChange = { kind: 'upsert'; event: CalendarEvent } | { kind: 'removed'; eventId: string };

export interface ChangePage {
  changes: EventChange[];
  /** Cursor to continue with. */
  cursor: string;
  /** True when this page ends the current round (a delta link / next sync token, not a next page). */
  done: boolean;
}

export interface RoomInfo {
  email: string;
  name: string;
  capacity: number | null;
  building: string | null;
  floor: string | null;
  roomList: string | null;
}

export interface RoomQuery {
  minCapacity?: number;
  building?: string;
}

/** A person of the provider's directory (the connected mailbox's organisation), found by a people search. */
export interface DirectoryEntry {
  email: string;
  name: string | null;
  jobTitle: string | null;
}

export interface PeopleSearchParams {
  /** What the user typed: the start of a word of the name, or of the address. */
  query: string;
  /** At most this many people. */
  limit: number;
}

export interface SubscriptionParams {
  calendarId: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState: string;
  /** Requested expiry; the provider may grant less. */
  expiresAt: Instant;
}

export interface SubscriptionInfo {
  id: string;
  expiresAt: Instant;
  /**
   * Set by a renewal that had to issue a new client state (Google reopens its channels with a new token): the caller
   * stores its hash in place of the old one. Never persisted in clear.
   */
  clientState?: string;
}

/** What a provider can do beyond the required methods. */
export interface ProviderCapabilities {
  /** Native meeting-time suggestions (Graph findMeetingTimes); otherwise calbridge's own engine is used. */
  findMeetingTimes: boolean;
  rooms: boolean;
  /** Push notifications for changes (Graph subscriptions / Google watch channels). */
  subscriptions: boolean;
  /**
   * Subscriptions can be reauthorized without a renewal (`reauthorizeSubscription`): the provider pauses deliveries
   * until it is answered (Graph `reauthorizationRequired` lifecycle notifications).
   */
  subscriptionReauthorization: boolean;
  onlineMeetingProvider: OnlineMeetingProvider | null;
  /**
   * Who keeps the user's working hours: `provider` (Outlook mailbox settings, changed in Outlook) or `calbridge`
   * (Google: its API has none; the user sets them in calbridge, `PUT /api/calendar/working-hours`, and
   * `getWorkingHours` and the user's own free/busy answer them).
   */
  workingHoursSource: 'provider' | 'calbridge';
}

export interface CalendarProvider {
  readonly type: ProviderType;
  readonly capabilities: ProviderCapabilities;

  /** Free/busy for people and rooms. Schedules that cannot be read are `unknown`, never free. */
  getFreeBusy(params: FreeBusyParams): Promise<FreeBusyResult>;
  /** Creates an event and sends invitations to its attendees. */
  createEvent(params: CreateEventParams): Promise<CalendarEvent>;
  /**
   * Deletes an event of `calendarId` (the provider calendar it lives in; the default calendar when absent; organizer:
   * cancels it for attendees). `not_found` only when the provider confirms the event is gone (deleted before);
   * `event_unreachable` when the calendar does not know the event and nothing confirms a deletion (for example the
   * calendar is no longer shared with this mailbox): nothing was deleted then.
   */
  deleteEvent(eventId: string, calendarId?: string): Promise<void>;

  /** Reads an event of `calendarId` (the default calendar when absent). A deleted or unknown event is `not_found`. */
  getEvent(eventId: string, calendarId?: string): Promise<CalendarEvent>;
  /** Changes an event of `params.calendarId`; a write the calendar does not know fails as in deleteEvent. */
  updateEvent(params: UpdateEventParams): Promise<CalendarEvent>;
  /**
   * Answers an invitation as the mailbox owner. The organizer's own meeting is `organizer_cannot_respond`; an event
   * the mailbox is not invited to is `not_found`.
   */
  respondToEvent(params: RespondToEventParams): Promise<void>;
  listCalendars(): Promise<CalendarInfo[]>;
  /** Expanded view: occurrences, not series masters. */
  listEvents(params: ListEventsParams): Promise<EventPage>;
  /** One page of changes for incremental sync. Throws `sync_cursor_expired` when the cursor is no longer valid. */
  syncChanges(params: SyncChangesParams): Promise<ChangePage>;
  /** The mailbox owner's working hours (null when the provider has none). */
  getWorkingHours(): Promise<WorkingHours | null>;
  /**
   * The mailbox owner's display preferences: IANA time zone and 12/24-hour clock (Graph mailboxSettings
   * timeZone/timeFormat; Google Calendar settings timezone/format24HourTime); null fields when the provider does not say.
   */
  getMailboxPreferences?(): Promise<{ timeZone: string | null; timeFormat: '12h' | '24h' | null }>;
  findMeetingTimes(params: MeetingTimeConstraint): Promise<MeetingTimeSuggestions>;
  listRooms(query?: RoomQuery): Promise<RoomInfo[]>;
  /**
   * People of the mailbox's organisation directory whose name or address starts with the query (Graph `/users`
   * `$search`, Google People API `searchDirectoryPeople`); people only, no rooms. A grant without the directory
   * permission is `permission_denied` with `details.missingScope`. Absent: the provider has no directory search.
   */
  searchPeople?(params: PeopleSearchParams): Promise<DirectoryEntry[]>;
  createSubscription(params: SubscriptionParams): Promise<SubscriptionInfo>;
  /**
   * Extends a subscription. The returned id is the one to keep: it may differ from `id` (Google channels cannot be
   * extended, so a new channel with a new id replaces the stopped one).
   */
  renewSubscription(id: string, expiresAt: Instant): Promise<SubscriptionInfo>;
  /**
   * Answers a reauthorization challenge with the connection's current access token, without changing the expiry
   * (only when `capabilities.subscriptionReauthorization`). `not_found` when the subscription is gone.
   */
  reauthorizeSubscription?(id: string): Promise<void>;
  deleteSubscription(id: string): Promise<void>;
}
