// The Google emulator's data model: users, calendars (people and rooms), events in Calendar v3 JSON shape, channels.

/** A seeded person or room (a Google Workspace user or a resource calendar). */
export interface GUser {
  email: string;
  name: string;
  kind: 'user' | 'room';
  password: string;
  timeZone: string;
  /** Google Workspace domain (hd claim); customer domains are separate organisations. */
  domain: string;
  /** Conference solutions the user's calendar may create (empty: no Meet). */
  conferenceTypes: string[];
  room?: { capacity: number; building: string; floor: string; category: string };
  /** Job title in the Workspace directory (People API `organizations[].title`); absent: none. */
  title?: string;
}

export interface GDateTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

export interface GAttendee {
  email: string;
  displayName?: string;
  optional?: boolean;
  resource?: boolean;
  organizer?: boolean;
  self?: boolean;
  responseStatus: 'needsAction' | 'declined' | 'tentative' | 'accepted';
}

/** An event as stored (Calendar v3 `Event` fields the emulator models). */
export interface GEvent {
  id: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  summary?: string;
  description?: string;
  location?: string;
  start: GDateTime;
  end: GDateTime;
  recurrence?: string[];
  recurringEventId?: string;
  originalStartTime?: GDateTime;
  iCalUID: string;
  sequence: number;
  organizer: { email: string; displayName?: string };
  creator: { email: string; displayName?: string };
  attendees?: GAttendee[];
  transparency?: 'opaque' | 'transparent';
  visibility?: 'default' | 'public' | 'private' | 'confidential';
  reminders: { useDefault: boolean; overrides?: Array<{ method: string; minutes: number }> };
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
  conferenceData?: Record<string, unknown>;
  hangoutLink?: string;
  colorId?: string;
  guestsCanInviteOthers?: boolean;
  guestsCanModify?: boolean;
  guestsCanSeeOtherGuests?: boolean;
  attachments?: Array<Record<string, unknown>>;
  eventType: string;
  created: string;
  updated: string;
  /** Emulator bookkeeping: change sequence number within its calendar (sync tokens, etags). */
  seq: number;
  /**
   * Emulator bookkeeping: deleted through this calendar (events.delete here), so its details stay readable and it can
   * be restored (undeleted) by writing status confirmed; a copy cancelled by its organizer has only its id.
   */
  deletedHere?: boolean;
  /** Emulator bookkeeping: a Meet still being created (`createRequest.status.statusCode` pending). */
  pendingConference?: PendingConference;
}

/** A conference create request that stays `pending` for `readsLeft` more events.get reads, then ends in `outcome`. */
export interface PendingConference {
  requestId: string;
  type: string;
  readsLeft: number;
  outcome: 'success' | 'failure';
}

/** A user's own settings of one calendar list entry (calendarList insert, patch, update, delete). */
export interface ListPref {
  /** Put on the list by calendarList.insert (a calendar the user may see that is not listed by itself). */
  inserted?: boolean;
  /** Taken off the list by calendarList.delete. */
  removed?: boolean;
  hidden?: boolean;
  selected?: boolean;
  summaryOverride?: string;
  colorId?: string;
  defaultReminders?: Array<{ method: string; minutes: number }>;
}

/** Calendar access roles, weakest first (Calendar v3 `accessRole` / ACL `role`). */
export const ACCESS_ROLES = ['none', 'freeBusyReader', 'reader', 'writer', 'owner'] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];

export interface GCalendar {
  id: string;
  owner: string;
  /** The owner's primary calendar (id = the owner's address); others are secondary calendars (calendars.insert). */
  primary: boolean;
  summary: string;
  description?: string;
  /** Geographic location of the calendar as free-form text (calendars.patch/update). */
  location?: string;
  /** ACL rules for users (`user:<address>` → role); the owner's own rule is implied. */
  acl: Map<string, AccessRole>;
  timeZone: string;
  /** Change counter; sync tokens carry a value of it. */
  seq: number;
  /** Bumped to invalidate every sync token of the calendar (410 fullSyncRequired). */
  generation: number;
  events: Map<string, GEvent>;
}

export interface GChannel {
  id: string;
  resourceId: string;
  resourceUri: string;
  calendarId: string;
  address: string;
  token?: string;
  expiration: number;
  messageNumber: number;
  owner: string;
  /** A channel on the owner's calendar list or settings (calendarId is then `<kind>:<owner>`), not on events. */
  kind?: 'calendarList' | 'settings';
  /** What the watched collection held when last notified (collection channels). */
  snapshot?: string;
}

/** An OAuth client registration. */
export interface GApp {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  name: string;
}
