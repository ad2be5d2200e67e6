// The calendar-feed port: a user's meetings as the iCalendar export reads them, and the private subscription feeds
// (one per user, found by the hash of its token).
import type { Attendee, EmailAddress, EventType, Recurrence, ShowAs, Sensitivity } from '../domain/calendar.js';

/** One stored meeting, as much of it as an iCalendar VEVENT carries. */
export interface FeedMeeting {
  id: string;
  icalUid: string | null;
  subject: string;
  /** Plain text (HTML bodies are reduced to text by the store's caller). */
  body: string;
  bodyIsHtml: boolean;
  start: Date;
  end: Date;
  timeZone: string;
  isAllDay: boolean;
  organizer: EmailAddress | null;
  attendees: Attendee[];
  location: string | null;
  joinUrl: string | null;
  showAs: ShowAs | string;
  sensitivity: Sensitivity | string;
  categories: string[];
  type: EventType | string;
  /** Our row id of the series master (occurrences and exceptions). */
  seriesMasterId: string | null;
  /** The occurrence's start in the series before it was moved (occurrences and exceptions). */
  originalStart: Date | null;
  recurrence: Recurrence | null;
  isCancelled: boolean;
  updatedAt: Date;
}

/** A user's subscription feed, as the owner sees it (never the token). */
export interface FeedRecord {
  /** The first characters of the token, to recognise the URL. */
  prefix: string;
  createdAt: Date;
  lastFetchedAt: Date | null;
}

export interface CalendarFeedStore {
  /** Every meeting of the user's own calendars (cancelled ones included: the caller decides), in start order. */
  meetingsOf(tenantId: string, userId: string): Promise<FeedMeeting[]>;
  get(tenantId: string, userId: string): Promise<FeedRecord | null>;
  /** Creates the user's feed, or replaces its token (the old one stops working in the same statement). */
  put(tenantId: string, userId: string, tokenHash: string, prefix: string, at: Date): Promise<FeedRecord>;
  /** Deletes the user's feed; false when there was none. */
  delete(tenantId: string, userId: string): Promise<boolean>;
  /** The owner of the feed with this token hash, when that user is still active; stamps the fetch time. */
  resolve(tokenHash: string, at: Date): Promise<{ tenantId: string; userId: string } | null>;
}
