// Ports of the calendar settings: which calendars of a user sync, the default calendar, the user's sync preferences.
import type { ProviderType } from '../domain/calendar.js';

export interface SyncPreferences {
  windowPastDays: number;
  windowFutureDays: number;
  pollIntervalSeconds: number;
}

export interface CalendarSetting {
  id: string;
  connectionId: string;
  provider: ProviderType;
  connectionStatus: string;
  name: string;
  ownerEmail: string | null;
  /** The owner's name when calbridge knows it (their connected mailbox or calbridge user in the tenant), else null. */
  ownerName: string | null;
  isShared: boolean;
  isDefault: boolean;
  canEdit: boolean;
  selectedForSync: boolean;
}

export interface CalendarPatch {
  selectedForSync?: boolean;
  isDefault?: boolean;
}

export interface PatchOutcome {
  before: CalendarSetting;
  after: CalendarSetting;
  /** Meetings removed because the calendar was deselected. */
  removedMeetingIds: string[];
  /** The provider change subscription the deselected calendar had (deleted at the provider afterwards). */
  subscriptionId: string | null;
}

export interface CalendarSettingsStore {
  listCalendars(tenantId: string, userId: string): Promise<CalendarSetting[]>;
  getCalendar(tenantId: string, userId: string, calendarId: string): Promise<CalendarSetting | null>;
  /** Applies the patch in one transaction (after `check` accepted the current state); null → no such calendar. */
  applyPatch(
    tenantId: string,
    userId: string,
    calendarId: string,
    patch: CalendarPatch,
    check: (before: CalendarSetting) => void,
  ): Promise<PatchOutcome | null>;
  getPreferences(tenantId: string, userId: string): Promise<(SyncPreferences & { updatedAt: Date }) | null>;
  putPreferences(tenantId: string, userId: string, p: SyncPreferences): Promise<void>;
  deletePreferences(tenantId: string, userId: string): Promise<void>;
}
