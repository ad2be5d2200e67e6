// Ports the scheduling services need (connections of the caller, meetings, proposals, templates); stores implement them.
import type {
  Attendee,
  BusyItem,
  CalendarEvent,
  EmailAddress,
  EventLocation,
  Instant,
  OnlineMeeting,
  ProviderType,
  Recurrence,
  ResponseStatus,
  Sensitivity,
  ShowAs,
  TimeRange,
} from '../domain/calendar.js';
import type { ConnectionStatus } from '../domain/connections.js';

/** The caller's calendar connection with its default calendar. */
export interface CallerConnection {
  id: string;
  tenantId: string;
  userId: string;
  provider: ProviderType;
  status: ConnectionStatus;
  statusReason: string | null;
  mailbox: string;
  /** Delegated scopes the user granted (read-only tier: no write scope); absent or empty when unknown. */
  scopes?: string[];
}

export interface CalendarRef {
  /** calbridge's calendar id. */
  id: string;
  providerCalendarId: string;
  name: string;
  isDefault: boolean;
  canEdit: boolean;
  isShared: boolean;
}

/** A tenant user as availability sees them: their zone, connection and how fresh their synced calendar is. */
export interface TenantPerson {
  email: string;
  userId: string;
  timeZone: string;
  connectionStatus: ConnectionStatus | null;
  /** Oldest last successful sync over the person's own synced calendars; null when never synced. */
  lastSyncAt: Instant | null;
}

export interface ConnectionLookup {
  /** The user's connection, preferring `preferred` when the user has several. */
  forUser(tenantId: string, userId: string, preferred: ProviderType): Promise<CallerConnection | null>;
  calendarsOf(tenantId: string, connectionId: string): Promise<CalendarRef[]>;
  people(tenantId: string, emails: string[]): Promise<TenantPerson[]>;
}

/** A meeting as the calendar API shows it (from the synced `meetings` table). */
export interface MeetingView {
  id: string;
  userId: string;
  calendarId: string | null;
  provider: ProviderType | null;
  providerEventId: string | null;
  changeKey: string | null;
  iCalUId: string | null;
  subject: string;
  bodyPreview: string;
  start: Instant;
  end: Instant;
  timeZone: string;
  isAllDay: boolean;
  organizer: EmailAddress | null;
  attendees: Attendee[];
  location: EventLocation | null;
  onlineMeeting: OnlineMeeting | null;
  showAs: string;
  sensitivity: string;
  isCancelled: boolean;
  eventType: string;
  customerId: string | null;
  origin: string;
  /** For an occurrence or exception: the meeting id of its series master (null when not synced or not a series). */
  seriesMasterId?: string | null;
  /** For an occurrence or exception: the provider's id of its series master. */
  providerSeriesMasterId?: string | null;
  /** A series master's recurrence. */
  recurrence?: Recurrence | null;
  categories?: string[];
  reminderMinutes?: number | null;
  /** The calendar owner's own answer (`organizer` on their own meetings). */
  responseStatus?: ResponseStatus;
  /**
   * The other copies of this meeting the caller's calendars hold (same iCalUId and start, e.g. their own calendar and
   * a colleague's shared one), listed once under the copy in their own calendar. Only in merged listings.
   */
  alsoIn?: MeetingCopy[];
}

/** Another synced copy of a meeting: its id and the calendar it is in. */
export interface MeetingCopy {
  id: string;
  calendarId: string | null;
  calendarName: string | null;
  ownerEmail: string | null;
  isShared: boolean;
}

export interface MeetingQuery {
  start?: Instant;
  end?: Instant;
  calendarId?: string;
  customerId?: string;
  /** `merged` (default): copies of one meeting (same iCalUId and start) listed once; `all`: every copy. */
  copies?: 'merged' | 'all';
  limit: number;
  offset: number;
  /** Keyset paging: only the meetings after this position of the list's order (start, then id). */
  after?: ListPosition;
  /** Count every match into `total` (default: true without `after`, false with it). */
  total?: boolean;
}

/** A place in the events list's order (start, then id): a page's last item, after which the next page starts. */
export interface ListPosition {
  start: Instant;
  id: string;
}

/** A page of the events list: `total` only when asked for, `next` when more items follow. */
export interface MeetingPage {
  items: MeetingView[];
  total?: number;
  next: ListPosition | null;
}

export interface MeetingStore {
  list(tenantId: string, userId: string, q: MeetingQuery): Promise<MeetingPage>;
  get(tenantId: string, id: string): Promise<MeetingView | null>;
  /** Busy items of the person's synced calendars (declined, cancelled and free meetings excluded). */
  busyFromSync(tenantId: string, userId: string, range: TimeRange): Promise<BusyItem[]>;
  /**
   * Stores an event calbridge created: the meeting (origin `calbridge`, customer linked manually) and its outbound
   * link row with the change key, in one transaction. Idempotent; returns the meeting id.
   */
  recordCreated(input: {
    meetingId: string;
    tenantId: string;
    userId: string;
    calendarId: string;
    provider: ProviderType;
    event: CalendarEvent;
    customerId: string | null;
  }): Promise<string>;
  recordUpdated(tenantId: string, meetingId: string, event: CalendarEvent): Promise<void>;
  recordDeleted(tenantId: string, meetingId: string): Promise<void>;
}

export type ProposalKind = 'create' | 'update' | 'delete';
export type ProposalStatus = 'pending' | 'approving' | 'approved' | 'rejected' | 'expired' | 'failed';

export interface ProposalAttendee {
  email: string;
  name: string | null;
  type: 'required' | 'optional';
  external: boolean;
}

/** Everything needed to perform the proposal on approval. */
export interface ProposalPayload {
  /** The meeting id the created event is stamped with (create) or the meeting changed (update, delete). */
  meetingId: string;
  calendarId: string;
  providerCalendarId: string;
  subject: string;
  bodyHtml: string;
  start: Instant;
  end: Instant;
  timeZone: string;
  attendees: ProposalAttendee[];
  room: { email: string; name: string | null } | null;
  onlineMeeting: boolean;
  reminderMinutes: number | null;
  sensitivity: 'normal' | 'private';
  templateId: string | null;
  /** update/delete: the provider event and the change key it was read at. */
  providerEventId: string | null;
  ifMatch: string | null;
  /** update: which fields change (the rest are kept). */
  changedFields: string[];
  /** The organizer's manager's e-mail found in the directory when the proposal was made (manager approval rule). */
  managerEmail?: string | null;
  /** A free-text location (ignored when `room` is set: the room is the location). */
  locationText?: string | null;
  showAs?: ShowAs;
  categories?: string[];
  /** A sensitivity the caller chose (wins over `sensitivity`, which privacy mode sets). */
  chosenSensitivity?: Sensitivity;
  /** create: the series to create; update of a series: its new recurrence. */
  recurrence?: Recurrence | null;
  /** update/delete: `series` when the change is for the series master `providerEventId` names. */
  scope?: 'occurrence' | 'series';
}

export interface PreviewAttendee {
  email: string;
  name: string | null;
  type: 'required' | 'optional' | 'resource';
  external: boolean;
  /** The attendee's own zone when known (working hours or calbridge user), else null. */
  timeZone: string | null;
  localStart: string | null;
  localEnd: string | null;
  availability: string;
}

/** Exactly what attendees will receive. */
export interface ProposalPreview {
  action: ProposalKind;
  subject: string;
  bodyHtml: string;
  teams: boolean;
  room: string | null;
  start: Instant;
  end: Instant;
  timeZone: string;
  organizer: string;
  /** The organizer's calendar service (its online meetings: Teams or Google Meet); absent on older proposals. */
  provider?: ProviderType;
  sensitivity: 'normal' | 'private';
  notifiesExternal: boolean;
  attendees: PreviewAttendee[];
  completeness: string;
}

export interface ApprovalResult {
  meetingId: string | null;
  providerEventId: string | null;
  joinUrl: string | null;
  action: ProposalKind;
}

export interface ProposalRecord {
  id: string;
  tenantId: string;
  userId: string;
  customerId: string | null;
  kind: ProposalKind;
  status: ProposalStatus;
  payload: ProposalPayload;
  preview: ProposalPreview;
  meetingId: string | null;
  createdBy: string | null;
  decidedBy: string | null;
  decidedAt: Instant | null;
  expiresAt: Instant;
  error: string | null;
  /** The reason its approver gave when rejecting it (null otherwise). */
  decisionReason: string | null;
  result: ApprovalResult | null;
  createdAt: Instant;
  updatedAt: Instant;
}

export interface ProposalStore {
  create(input: {
    tenantId: string;
    userId: string;
    customerId: string | null;
    kind: ProposalKind;
    payload: ProposalPayload;
    preview: ProposalPreview;
    createdBy: string;
    expiresAt: Instant;
    meetingId: string | null;
  }): Promise<ProposalRecord>;
  get(tenantId: string, id: string): Promise<ProposalRecord | null>;
  list(
    tenantId: string,
    q: { status?: ProposalStatus; userId?: string; limit: number; offset: number },
  ): Promise<ProposalRecord[]>;
  /**
   * One conditional UPDATE: pending (and not expired at `now`) → approving, or an `approving` claim older than
   * `staleBefore` (a crashed approval) taken over. Null when the proposal was not claimable.
   */
  claim(tenantId: string, id: string, now: Date, staleBefore: Date): Promise<ProposalRecord | null>;
  /** approving → approved with the result; audit fields set. */
  complete(
    tenantId: string,
    id: string,
    r: { decidedBy: string; decidedAt: Date; result: ApprovalResult; meetingId: string | null },
  ): Promise<void>;
  /** approving → pending after a failure before anything changed at the provider (or idempotently repeatable). */
  release(tenantId: string, id: string, error: string): Promise<void>;
  /** approving → failed: the proposal cannot succeed as written (the event changed or is gone). */
  fail(tenantId: string, id: string, error: string): Promise<void>;
  /** pending → rejected with the approver's reason (null: none given); false when it was not pending. */
  reject(tenantId: string, id: string, decidedBy: string, now: Date, reason?: string | null): Promise<boolean>;
  /** Replaces the payload and preview of a pending proposal; null when it is no longer pending. */
  revise(
    tenantId: string,
    id: string,
    change: { payload: ProposalPayload; preview: ProposalPreview },
    now: Date,
  ): Promise<ProposalRecord | null>;
  /** pending and past its expiry → expired; true when it changed. */
  expire(tenantId: string, id: string, now: Date): Promise<boolean>;
}

export interface TemplateRecord {
  id: string;
  key: string | null;
  name: string;
  subjectTemplate: string;
  bodyHtml: string;
  durationMinutes: number;
  attendeeRoles: string[];
  /** null: the tenant's `onlineMeetingByDefault`. */
  onlineMeeting: boolean | null;
  reminderMinutes: number | null;
  createdAt: Instant;
  updatedAt: Instant;
}

export type TemplateInput = Omit<TemplateRecord, 'id' | 'createdAt' | 'updatedAt'>;

export interface TemplateStore {
  /** Inserts `defaults` when the tenant never had templates (deleted defaults stay deleted). */
  seedOnce(tenantId: string, defaults: TemplateInput[]): Promise<void>;
  list(tenantId: string): Promise<TemplateRecord[]>;
  get(tenantId: string, id: string): Promise<TemplateRecord | null>;
  getByKey(tenantId: string, key: string): Promise<TemplateRecord | null>;
  create(tenantId: string, input: TemplateInput): Promise<TemplateRecord>;
  update(tenantId: string, id: string, patch: Partial<TemplateInput>): Promise<TemplateRecord | null>;
  delete(tenantId: string, id: string): Promise<boolean>;
}
