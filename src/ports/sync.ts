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
}

export interface ProviderResolver {
  forTarget(target: SyncTarget): CalendarProvider;
}
