// Ports of the sync engine: where pages of changes are stored, and how a calendar's provider is found.
import type { CalendarEvent, ProviderType, TimeRange } from '../domain/calendar.js';
import type { CalendarProvider } from './calendar-provider.js';

/** A synced calendar as the engine sees it. */
export interface SyncTarget {
  tenantId: string;
  userId: string;
  calendarId: string;
  providerCalendarId: string;
  provider: ProviderType;
  connectionId: string;
  mailbox: string;
  isShared: boolean;
  /** The owner's sync preferences (PUT /api/sync/preferences); null or absent → the server's SYNC_* settings. */
  windowPastDays?: number | null;
  windowFutureDays?: number | null;
  pollIntervalSeconds?: number | null;
}

export interface SyncState {
  cursor: string | null;
  window: TimeRange | null;
  generation: number;
  fullSyncInProgress: boolean;
  lastSuccessAt: string | null;
  lastError: string | null;
  subscriptionId: string | null;
  subscriptionExpiresAt: string | null;
  /** When the provider asked to reauthorize the subscription (not answered yet), or null. */
  subscriptionReauthorizeRequestedAt: string | null;
}

export interface SyncPage {
  target: SyncTarget;
  upserts: CalendarEvent[];
  removedIds: string[];
  /** Cursor to store with this page (committed in the same transaction). */
  cursor: string;
  done: boolean;
  /** The round is a full sync: at its end, meetings not seen in it are deleted. */
  fullRound: boolean;
  generation: number;
  window: TimeRange;
}

export interface AppliedPage {
  /** Meetings inserted or whose provider version changed (detection and metrics re-run for them). */
  changedMeetingIds: string[];
  removedMeetingIds: string[];
  /** Of changedMeetingIds, those this page inserted (the platform webhooks' meeting.created). */
  createdMeetingIds?: string[];
  /** The removed meetings as they were (the platform webhooks' meeting.cancelled carries them). */
  removedMeetings?: RemovedMeeting[];
}

/** A meeting deleted by sync, as it was just before. */
export interface RemovedMeeting {
  id: string;
  userId: string;
  calendarId: string;
  subject: string;
  start: string;
  end: string;
  customerId: string | null;
  customerMatchReason: string | null;
}

export interface SyncStore {
  getTarget(tenantId: string, calendarId: string): Promise<SyncTarget | null>;
  listTargets(filter: { tenantId?: string; userId?: string }): Promise<SyncTarget[]>;
  getState(calendarId: string): Promise<SyncState>;
  /** Starts a full round: clears the cursor and bumps the generation; returns the new generation. */
  beginFullRound(target: SyncTarget, window: TimeRange): Promise<number>;
  /** Stores one page of changes and its cursor atomically; idempotent when replayed. */
  applyPage(page: SyncPage): Promise<AppliedPage>;
  recordError(target: SyncTarget, message: string): Promise<void>;
  /**
   * Marks the calendar lost to its connection (the provider no longer serves it): it leaves the sync targets until a
   * calendar refresh lists it again. Its meetings stay.
   */
  markAccessLost(target: SyncTarget, reason: string, at: Date): Promise<void>;
}

/** Finds the calendars whose poll is due, each by its owner's poll interval. */
export interface DueTargetStore {
  listDueTargets(now: Date, defaultSeconds: number, slackSeconds?: number): Promise<SyncTarget[]>;
}

export interface SubscriptionStore {
  /**
   * Saves the subscription of a calendar with the hash of its clientState (the secret itself is not stored). A pending
   * reauthorization request is cleared: a created or renewed subscription is authorized by the token that saved it.
   * With `expectedId`, saves only while the calendar's stored subscription is still that one (null: none), so two
   * renewals of one calendar at once cannot both win; resolves true when it saved.
   */
  saveSubscription(
    calendarId: string,
    sub: { id: string; expiresAt: string; clientStateHash: string } | null,
    expectedId?: string | null,
  ): Promise<boolean>;
  findBySubscriptionId(subscriptionId: string): Promise<{ target: SyncTarget; clientStateHash: string } | null>;
  /** The subscription of a calendar (Google channels are addressed by calendar in the webhook URL). */
  findByCalendarId(calendarId: string): Promise<{ target: SyncTarget; clientStateHash: string } | null>;
  markNotified(calendarId: string): Promise<void>;
  /** Marks the calendar's subscription as asked to be reauthorized (kept until answered). */
  requestReauthorization(calendarId: string): Promise<void>;
  /** Clears a reauthorization request made at or before `requestedAt` (a later one stays). */
  reauthorizationAnswered(calendarId: string, requestedAt: string): Promise<void>;
}

/** One calendar's stored sync facts, for the sync-status API (lag, next run and throttling are derived from them). */
export interface CalendarSyncStatusRow {
  calendarId: string;
  name: string;
  isShared: boolean;
  ownerEmail: string | null;
  selected: boolean;
  isDefault: boolean;
  canEdit: boolean;
  /** When the calendar was marked lost (see SyncStore.markAccessLost), and the provider's answer; null otherwise. */
  accessLostAt?: Date | null;
  accessLostReason?: string | null;
  connectionId: string;
  provider: ProviderType;
  /** The owner's poll interval; null → the server default. */
  pollIntervalSeconds: number | null;
  lastSuccessAt: Date | null;
  lastAttemptAt: Date | null;
  lastError: string | null;
  subscriptionExpiresAt: Date | null;
  lastNotificationAt: Date | null;
  /** null (like the counters) when the calendar never synced. */
  fullSyncInProgress: boolean | null;
  pagesSynced: number | null;
  eventsSynced: number | null;
  lastFullSyncAt: Date | null;
}

export interface SyncStatusSource {
  /** Per-calendar status scoped by tenant (and user when given), by calendar name. */
  status(tenantId: string, userId?: string): Promise<CalendarSyncStatusRow[]>;
}

export interface ProviderResolver {
  forTarget(target: SyncTarget): CalendarProvider;
}
