// Stored shapes of the Graph calendar surface: calendars, permissions, events with metadata, mailbox settings.
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';

/** A Graph event as stored (Graph JSON; `start`/`end` keep the zone they were written in). */
export type GraphEvent = MicrosoftGraph.Event;

/** An event plus the emulator's metadata (never serialised to clients). */
export interface StoredEvent {
  data: GraphEvent;
  /** Mailbox owner (user object id). */
  userId: string;
  calendarId: string;
  /** Increments on every write. */
  version: number;
  /** Instant of `start` / `end` (epoch ms); for a series master: its first occurrence. */
  startMs: number;
  endMs: number;
  /** IANA zone of `start` (the series zone for masters). */
  zone: string;
  /** Series master only: original starts (epoch ms) of deleted occurrences. */
  cancelledStarts?: number[];
  /** Exception only: the original start (epoch ms) of the occurrence it replaces. */
  originalStartMs?: number;
  /** Times the event moved to another calendar: its default-format id is `movedItemId(data.id, moves)`. */
  moves?: number;
}

/** A calendar permission (sharing entry). */
export interface CalendarPermissionRecord {
  id: string;
  emailAddress: { name: string; address?: string };
  isRemovable: boolean;
  isInsideOrganization: boolean;
  role: CalendarRole;
  allowedRoles: CalendarRole[];
}

export type CalendarRole =
  | 'none'
  | 'freeBusyRead'
  | 'limitedRead'
  | 'read'
  | 'write'
  | 'delegateWithoutPrivateEventAccess'
  | 'delegateWithPrivateEventAccess'
  | 'custom';

/** A calendar (Graph JSON properties) plus its permissions. */
export interface CalendarRecord {
  id: string;
  name: string;
  color: string;
  hexColor: string;
  isDefaultCalendar: boolean;
  changeKey: string;
  canShare: boolean;
  canViewPrivateItems: boolean;
  canEdit: boolean;
  allowedOnlineMeetingProviders: string[];
  defaultOnlineMeetingProvider: string;
  isTallyingResponses: boolean;
  isRemovable: boolean;
  owner: { name: string; address: string };
  permissions: CalendarPermissionRecord[];
}

/** mailboxSettings as Graph returns it. */
export interface MailboxSettingsRecord {
  archiveFolder: string;
  timeZone: string;
  delegateMeetingMessageDeliveryOptions: string;
  dateFormat: string;
  timeFormat: string;
  userPurpose: { value: string };
  automaticRepliesSetting: Record<string, unknown>;
  language: { locale: string; displayName: string };
  workingHours: {
    daysOfWeek: string[];
    startTime: string;
    endTime: string;
    timeZone: { name: string };
  };
}

/** Room metadata for the Places API (read by the scheduling helper). */
export interface RoomInfo {
  userId: string;
  emailAddress: string;
  displayName: string;
  capacity: number;
  building: string;
  floorNumber: number | null;
  floorLabel: string | null;
  city: string;
  countryOrRegion: string;
  isWheelChairAccessible: boolean;
  audioDeviceName: string | null;
  videoDeviceName: string | null;
  displayDeviceName: string | null;
  tags: string[];
  roomList: string | null;
}

/** One entry of a mailbox's change feed. */
export interface ChangeRecord {
  seq: number;
  eventId: string;
  calendarId: string;
  changeType: 'created' | 'updated' | 'deleted';
  /** Series masters: the event as it was before this change (to find vanished occurrences). */
  prev?: StoredEvent;
  /** The event's move count at this change (its default-format id then), when it had moved. */
  moves?: number;
}

/** What `store.onChange` listeners receive. */
export interface ChangeNotice {
  userId: string;
  calendarId: string;
  eventId: string;
  changeType: 'created' | 'updated' | 'deleted';
  /** The event's move count at this change, when it had moved (default-format ids: movedItemId). */
  moves?: number;
}

/** One instance in a calendar view: a stored event, or a virtual occurrence of a series. */
export interface EventInstance {
  /** The stored event (for an occurrence: its series master). */
  ev: StoredEvent;
  /** Set for a virtual occurrence. */
  occurrence?: { id: string; startMs: number; endMs: number; originalStartMs: number };
  startMs: number;
  endMs: number;
}

/** Graph's placeholder time for "never". */
export const NEVER = '0001-01-01T00:00:00Z';
