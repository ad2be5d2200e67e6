// The platform's own in-memory calendar for its tests and local development: the same port, no network.
// It keeps one calendar per person; a session is busy time for the practitioner and for the invited client.
import {
  CalendarError,
  mergeBusy,
  type BusyInterval,
  type ICalendarProvider,
  type SessionEvent,
} from '../calendar-provider.js';

interface StoredEvent {
  id: string;
  session: SessionEvent;
}

export class MockCalendarAdapter implements ICalendarProvider {
  private readonly events = new Map<string, StoredEvent>();
  private readonly byBooking = new Map<string, string>();
  private readonly disconnected = new Set<string>();
  private ids = 0;

  /** Everything created and not deleted, for assertions. */
  get sessions(): ReadonlyArray<SessionEvent & { id: string }> {
    return [...this.events.values()].map((e) => ({ ...e.session, id: e.id }));
  }

  /** Marks a time someone is busy outside the platform (another appointment in their calendar). */
  addBusy(userEmail: string, start: Date, end: Date): void {
    this.ids += 1;
    const id = `mock-busy-${this.ids}`;
    this.events.set(id, {
      id,
      session: {
        bookingId: id,
        practitionerEmail: userEmail,
        client: { email: userEmail, name: userEmail },
        title: 'Busy',
        start,
        end,
      },
    });
  }

  /**
   * `userEmail`'s connection stops working (consent revoked): calls for them fail with `reconnect_required`, as the
   * calbridge adapters do. Returns the function that reconnects.
   */
  disconnect(userEmail: string): () => void {
    const who = userEmail.toLowerCase();
    this.disconnected.add(who);
    return () => this.disconnected.delete(who);
  }

  private requireConnected(userEmail: string): void {
    if (this.disconnected.has(userEmail.toLowerCase()))
      throw new CalendarError('reconnect_required', `The calendar of ${userEmail} must be connected again.`);
  }

  async getFreeBusy(userEmail: string, start: Date, end: Date): Promise<BusyInterval[]> {
    this.requireConnected(userEmail);
    const who = userEmail.toLowerCase();
    return mergeBusy(
      [...this.events.values()]
        .map((e) => e.session)
        .filter((s) => [s.practitionerEmail, s.client.email].some((x) => x.toLowerCase() === who))
        .filter((s) => s.start < end && s.end > start)
        .map((s) => ({ start: s.start, end: s.end })),
    );
  }

  async createEvent(session: SessionEvent): Promise<{ id: string }> {
    this.requireConnected(session.practitionerEmail);
    const existing = this.byBooking.get(session.bookingId);
    if (existing && this.events.has(existing)) return { id: existing };
    this.ids += 1;
    const id = `mock-event-${this.ids}`;
    this.events.set(id, { id, session: { ...session, start: new Date(session.start), end: new Date(session.end) } });
    this.byBooking.set(session.bookingId, id);
    return { id };
  }

  async deleteEvent(id: string): Promise<void> {
    this.events.delete(id);
  }
}
