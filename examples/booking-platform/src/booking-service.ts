// The booking flow: a client books a session with a practitioner if the practitioner's calendar is free then; the
// session goes into the practitioner's calendar with the client invited; cancelling removes it again.
import { randomUUID } from 'node:crypto';
import type { ICalendarProvider } from './calendar-provider.js';
import type { Tenant } from './container.js';

export interface BookingRequest {
  practitionerEmail: string;
  client: { email: string; name: string };
  start: Date;
  end: Date;
  timeZone?: string;
}

export interface Booking extends BookingRequest {
  id: string;
  tenantId: string;
  /** The calendar event's id as the provider adapter gave it. */
  calendarEventId: string;
  status: 'confirmed' | 'cancelled';
}

export class BookingError extends Error {
  constructor(
    readonly code: 'slot_taken' | 'invalid_slot' | 'not_found',
    message: string,
  ) {
    super(message);
    this.name = 'BookingError';
  }
}

export class BookingService {
  /** The platform's own bookings table, in memory for the example. */
  private readonly bookings = new Map<string, Booking>();
  /** Bookings of one practitioner run one at a time in this process (check, then create). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly calendarFor: (tenant: Tenant) => ICalendarProvider) {}

  async book(tenant: Tenant, req: BookingRequest): Promise<Booking> {
    if (!(req.start < req.end)) throw new BookingError('invalid_slot', 'The session must end after it starts.');
    return this.serialized(req.practitionerEmail.toLowerCase(), async () => {
      const calendar = this.calendarFor(tenant);
      const busy = await calendar.getFreeBusy(req.practitionerEmail, req.start, req.end);
      if (busy.some((b) => b.start < req.end && b.end > req.start))
        throw new BookingError('slot_taken', `${req.practitionerEmail} is not free at ${req.start.toISOString()}.`);
      const id = randomUUID();
      const { id: calendarEventId } = await calendar.createEvent({
        bookingId: id,
        practitionerEmail: req.practitionerEmail,
        client: req.client,
        title: `Session with ${req.client.name}`,
        description: 'Booked through the platform. To cancel or reschedule, use your booking page.',
        start: req.start,
        end: req.end,
        ...(req.timeZone ? { timeZone: req.timeZone } : {}),
      });
      const booking: Booking = { ...req, id, tenantId: tenant.id, calendarEventId, status: 'confirmed' };
      this.bookings.set(id, booking);
      return booking;
    });
  }

  async cancel(tenant: Tenant, bookingId: string): Promise<Booking> {
    const booking = this.bookings.get(bookingId);
    if (!booking || booking.tenantId !== tenant.id) throw new BookingError('not_found', 'No such booking.');
    if (booking.status === 'cancelled') return booking;
    await this.calendarFor(tenant).deleteEvent(booking.calendarEventId);
    const cancelled: Booking = { ...booking, status: 'cancelled' };
    this.bookings.set(bookingId, cancelled);
    return cancelled;
  }

  get(bookingId: string): Booking | undefined {
    return this.bookings.get(bookingId);
  }

  private serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }
}
