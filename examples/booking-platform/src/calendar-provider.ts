// The booking platform's own calendar port, in the platform's own terms (Date objects, bookings, practitioners).
// Nothing here mentions calbridge: the adapters in ./adapters translate between this port and calbridge's.

/** Which calendar a tenant (a practice) connected. Stored on the tenant row. */
export type CalendarProviderKind = 'GOOGLE' | 'MICROSOFT';

/** A time the practitioner is not available. `end` is exclusive. */
export interface BusyInterval {
  start: Date;
  end: Date;
}

/** What the platform puts in a practitioner's calendar for one booked session. */
export interface SessionEvent {
  /** The platform's booking id: creating the same booking twice (a retry) gives the same event. */
  bookingId: string;
  /** The practitioner whose calendar gets the event (the organizer). */
  practitionerEmail: string;
  client: { email: string; name: string };
  title: string;
  description?: string;
  start: Date;
  end: Date;
  /** IANA zone the event is shown in (default UTC). */
  timeZone?: string;
}

/** Sorts intervals and merges those that overlap or touch (providers differ: Google merges, Outlook does not). */
export function mergeBusy(intervals: BusyInterval[]): BusyInterval[] {
  const sorted = [...intervals].sort((a, b) => a.start.getTime() - b.start.getTime());
  const out: BusyInterval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) {
      if (i.end > last.end) last.end = new Date(i.end);
    } else out.push({ start: new Date(i.start), end: new Date(i.end) });
  }
  return out;
}

export interface ICalendarProvider {
  /**
   * The person's busy time between `start` and `end`, sorted, overlapping or touching intervals merged. Throws when
   * the calendar cannot be read (never reported as free).
   */
  getFreeBusy(userEmail: string, start: Date, end: Date): Promise<BusyInterval[]>;
  /** Creates the session in the practitioner's calendar and invites the client. The id is opaque: store it as is. */
  createEvent(event: SessionEvent): Promise<{ id: string }>;
  /** Cancels the session (the client gets the cancellation). An event that is already gone is not an error. */
  deleteEvent(id: string): Promise<void>;
}

/** Why a calendar call failed, in the terms the platform acts on. */
export type CalendarFailure =
  /** The practitioner must connect the calendar again (revoked or expired consent). */
  | 'reconnect_required'
  /** Throttled or down: try again later. */
  | 'unavailable'
  /** The calendar could not be read for this person (never treated as free). */
  | 'unreadable'
  | 'not_found'
  | 'other';

export class CalendarError extends Error {
  constructor(
    readonly failure: CalendarFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CalendarError';
  }
}
