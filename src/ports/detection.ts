// Ports of detection, metrics, the health webhook and prep briefs: what these services read and write (domain types only).
import type { Attendee, EmailAddress, EventType, ResponseStatus } from '../domain/calendar.js';
import type { DetectionCandidate, DetectionReason } from '../domain/detection/types.js';
import type { TenantSettings } from '../domain/tenancy.js';

/** A meeting row as detection reads it. */
export interface DetectionRow {
  id: string;
  subject: string;
  organizerEmail: string | null;
  attendees: Array<Pick<Attendee, 'email' | 'type'>>;
  /** True when a user associated the meeting by hand (`customerId` then is their choice, null = "not a customer"). */
  manual: boolean;
  customerId: string | null;
  /** null when the meeting was never detected. */
  reason: DetectionReason | null;
  candidates: DetectionCandidate[];
}

export interface DetectionWrite {
  id: string;
  customerId: string | null;
  reason: DetectionReason;
  confidence: number;
  candidates: DetectionCandidate[];
}

/** Which meetings a customer change may affect (a superset; the service filters with `affectedMeetings`). */
export interface AffectedQuery {
  customerId: string;
  /** Participants at or under these domains. */
  domains: string[];
  /** Participants with these exact addresses. */
  stakeholders: string[];
  /** Added subject patterns: every meeting of the tenant must be considered. */
  allMeetings: boolean;
}

export interface DetectionStore {
  rowsForDetection(tenantId: string, meetingIds: readonly string[]): Promise<DetectionRow[]>;
  /** Pages through candidate rows for a customer change (keyset by id), `limit` at a time. */
  affectedRows(tenantId: string, q: AffectedQuery, after: string | null, limit: number): Promise<DetectionRow[]>;
  /** Meetings never detected (e.g. a hook failed), oldest ids first. */
  undetectedIds(tenantId: string, limit: number): Promise<string[]>;
  /** Writes results; rows with `manual = true` keep their customer id (the store never overwrites it). */
  writeResults(tenantId: string, writes: readonly DetectionWrite[]): Promise<void>;
  /**
   * Sets a manual association on the meeting and its copies in the tenant's other calendars (same iCalUId and
   * start). Returns the ids changed; none when the meeting is not the tenant's.
   */
  setManual(tenantId: string, meetingId: string, customerId: string | null): Promise<string[]>;
  /** Returns the meeting and its copies to automatic detection; the ids changed (none: not the tenant's). */
  clearManual(tenantId: string, meetingId: string): Promise<string[]>;
}

export interface TenantSettingsSource {
  settings(tenantId: string): Promise<TenantSettings>;
}

/** Who is reading meetings: own meetings always; shared-calendar meetings of others when the tenant says `team`. */
export interface MeetingViewer {
  tenantId: string;
  userId: string;
  teamSeesSharedCalendars: boolean;
}

export interface CustomerLink {
  customerId: string | null;
  reason: DetectionReason | null;
  confidence: number | null;
  manual: boolean;
  candidates: DetectionCandidate[];
}

export interface CustomerMeetingView {
  id: string;
  userId: string;
  calendarId: string | null;
  onSharedCalendar: boolean;
  subject: string;
  start: string;
  end: string;
  isAllDay: boolean;
  isCancelled: boolean;
  eventType: EventType;
  ownResponse: ResponseStatus;
  organizer: EmailAddress | null;
  attendees: Attendee[];
  customer: CustomerLink;
}

/** A meeting as the rules preview reads it: what detection needs, plus when, and the copy key. */
export interface PreviewRow extends DetectionRow {
  start: string;
  /** Copies of one meeting on several calendars share it (iCalUId + occurrence start; else the id). */
  occurrenceKey: string;
}

export interface MeetingQueryStore {
  getMeeting(viewer: MeetingViewer, meetingId: string): Promise<CustomerMeetingView | null>;
  /** Every meeting the viewer sees (no series masters), newest first, at most `limit`. */
  previewRows(viewer: MeetingViewer, limit: number): Promise<PreviewRow[]>;
  /**
   * `when`: meetings starting before `now` (newest first) or at/after it (soonest first). `match`: the customer's
   * meetings (default), or `candidate`: those where the customer is a detection candidate but not the customer.
   */
  listCustomerMeetings(
    viewer: MeetingViewer,
    customerId: string,
    q: { when: 'past' | 'upcoming'; match?: 'customer' | 'candidate'; now: Date; limit: number; offset: number },
  ): Promise<{ items: CustomerMeetingView[]; total: number }>;
}

/** A meeting row as metrics read it (series masters are never returned). */
export interface MetricRow {
  id: string;
  /** The same meeting on several users' calendars shares this key (iCalUId + occurrence start). */
  occurrenceKey: string;
  customerId: string | null;
  start: string;
  end: string;
  type: EventType;
  seriesMasterId: string | null;
  isCancelled: boolean;
  ownResponse: ResponseStatus;
  attendees: Attendee[];
  /** The winning candidate's matched participants and stakeholders (from the stored detection). */
  matchedAttendees: string[];
  matchedStakeholders: string[];
}

export interface MetricsStore {
  /** Every customer meeting of the tenant (`ids` omitted), or just these meetings (missing ids were deleted). */
  metricRows(tenantId: string, ids?: readonly string[]): Promise<MetricRow[]>;
  /** The last computed and last notified engagement scores. */
  lastScores(
    tenantId: string,
    customerIds: readonly string[],
  ): Promise<Map<string, { score: number; notified: number }>>;
  saveScores(
    tenantId: string,
    scores: ReadonlyArray<{ customerId: string; score: number; notified: number }>,
  ): Promise<void>;
  /** Records each customer's score as the snapshot of UTC day `day` (YYYY-MM-DD); a later one that day replaces it. */
  saveSnapshots(
    tenantId: string,
    day: string,
    scores: ReadonlyArray<{ customerId: string; score: number }>,
  ): Promise<void>;
  /** A customer's daily snapshots from `fromDay` on (YYYY-MM-DD), oldest first. */
  scoreHistory(tenantId: string, customerId: string, fromDay: string): Promise<Array<{ day: string; score: number }>>;
}

/** A customer, as the keyset cursor of the walk over all tenants (the health re-evaluation). */
export interface CustomerKey {
  tenantId: string;
  customerId: string;
}

/** Every customer of every tenant, in (tenant, customer) order, one page at a time. */
export interface CustomerPager {
  customersAfter(after: CustomerKey | null, limit: number): Promise<CustomerKey[]>;
}

export type DeliveryKind =
  'health_webhook' | 'brief_email' | 'brief_webhook' | 'approval_email' | 'approval_webhook' | 'endpoint_webhook';

export interface Delivery {
  id: string;
  tenantId: string;
  kind: DeliveryKind;
  payload: Record<string, unknown>;
  attempts: number;
}

/** A durable outbox: deliveries are claimed with a lease (SKIP LOCKED), retried with backoff, never lost. */
export interface DeliveryStore {
  /** Enqueues a delivery due at `at`. */
  enqueue(tenantId: string, kind: DeliveryKind, payload: Record<string, unknown>, at: Date): Promise<string>;
  claimDue(now: Date, limit: number, leaseSeconds: number): Promise<Delivery[]>;
  markSent(id: string, now: Date): Promise<void>;
  /** `retryAt` null: give up (status failed). */
  markFailed(id: string, error: string, retryAt: Date | null): Promise<void>;
  saveSecret(tenantId: string, ciphertext: string): Promise<void>;
  loadSecret(tenantId: string): Promise<string | null>;
}

/** An upcoming customer meeting a prep brief may be due for. */
export interface UpcomingCustomerMeeting {
  id: string;
  tenantId: string;
  userId: string;
  occurrenceKey: string;
  customerId: string;
  subject: string;
  body: string;
  bodyContentType: string;
  start: string;
  end: string;
  organizer: EmailAddress | null;
  attendees: Attendee[];
}

export interface BriefStore {
  /** Customer meetings (not cancelled, no series masters) starting in `[from, to)`, every tenant, soonest first. */
  upcoming(from: Date, to: Date, limit: number): Promise<UpcomingCustomerMeeting[]>;
  /** The customer's latest meetings of the tenant starting before `before` (not cancelled), newest first. */
  recentMeetings(
    tenantId: string,
    customerId: string,
    before: Date,
    limit: number,
  ): Promise<Array<{ id: string; subject: string; start: string }>>;
  /** The user's mailbox address. */
  userEmail(tenantId: string, userId: string): Promise<string | null>;
  /**
   * Records that the brief of (tenant, occurrence, kind) is sent and enqueues its delivery in ONE transaction.
   * Returns false (and enqueues nothing) when it was recorded before: exactly one delivery per occurrence.
   */
  claimBrief(
    b: { tenantId: string; occurrenceKey: string; kind: string; meetingId: string },
    delivery: { kind: DeliveryKind; payload: Record<string, unknown>; at: Date },
  ): Promise<boolean>;
}
