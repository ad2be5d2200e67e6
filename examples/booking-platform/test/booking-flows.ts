// The booking flows every calendar behind the platform's port must pass: the Microsoft and Google adapters against
// calbridge's emulators, and the platform's in-memory mock. Each test uses its own slot on a fixed future Monday.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookingError, BookingService, type Booking } from '../src/booking-service.js';
import { CalendarError, type ICalendarProvider } from '../src/calendar-provider.js';
import type { Container, Tenant } from '../src/container.js';
import { slot } from './support.js';

export interface FlowSetup {
  container: Container;
  tenant: Tenant;
  practitioner: string;
  /** Another user of the same calendar system (the invitation lands in their calendar). */
  client: string;
  /** A third user, whose connection a test breaks. */
  other: string;
  /** Makes `email`'s connection stop working (consent revoked); returns the function that reconnects. */
  disconnect(email: string): () => void;
  /** How often the adapters asked the token storage for a refreshed token (null for the mock). */
  forcedRefreshes(): number | null;
  close(): Promise<void>;
}

const rejection = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );

export function bookingFlows(name: string, start: () => Promise<FlowSetup>): void {
  describe(`booking flows: ${name}`, () => {
    let s: FlowSetup;
    let calendar: ICalendarProvider;
    let service: BookingService;

    beforeAll(async () => {
      s = await start();
      calendar = s.container.providerFor(s.tenant);
      service = new BookingService((t) => s.container.providerFor(t));
    });
    afterAll(async () => {
      await s?.close();
    });

    const request = (at: { start: Date; end: Date }) => ({
      practitionerEmail: s.practitioner,
      client: { email: s.client, name: 'Robin Client' },
      ...at,
      timeZone: 'Europe/Berlin',
    });

    it('books a free slot: the session is busy time in the practitioner’s and the client’s calendar', async () => {
      const at = slot(8);
      expect(await calendar.getFreeBusy(s.practitioner, at.start, at.end)).toEqual([]);

      const booking = await service.book(s.tenant, request(at));

      expect(booking.status).toBe('confirmed');
      expect(booking.calendarEventId).not.toBe('');
      expect(await calendar.getFreeBusy(s.practitioner, slot(7).start, slot(10).end)).toEqual([at]);
      // The client was invited: the session shows in their calendar too.
      expect(await calendar.getFreeBusy(s.client, at.start, at.end)).toEqual([at]);
    });

    it('refuses a second booking in the same or an overlapping slot, and accepts the slot right after', async () => {
      const at = slot(10);
      await service.book(s.tenant, request(at));

      for (const clash of [at, slot(10, 30), slot(9, 30)]) {
        const e = await rejection(service.book(s.tenant, request(clash)));
        expect(e).toBeInstanceOf(BookingError);
        expect((e as BookingError).code).toBe('slot_taken');
      }
      const next = slot(10, 50); // starts when the first ends: end times are exclusive
      await service.book(s.tenant, request(next));
      // Touching sessions come back as one busy interval (the port merges them, as Google does).
      expect(await calendar.getFreeBusy(s.practitioner, slot(9).start, slot(12).end)).toEqual([
        { start: at.start, end: next.end },
      ]);
    });

    it('two bookings racing for one slot: exactly one gets it', async () => {
      const at = slot(13);
      const results = await Promise.allSettled([
        service.book(s.tenant, request(at)),
        service.book(s.tenant, request(at)),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected');
      expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'slot_taken' });
      expect(await calendar.getFreeBusy(s.practitioner, at.start, at.end)).toEqual([at]);
      // Only one event was created: cancelling the winner leaves the slot free.
      const winner = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Booking>).value;
      await service.cancel(s.tenant, winner.id);
      expect(await calendar.getFreeBusy(s.practitioner, at.start, at.end)).toEqual([]);
    });

    it('cancel frees the slot, can be repeated, and the slot can be booked again', async () => {
      const at = slot(15);
      const booking = await service.book(s.tenant, request(at));
      expect(await calendar.getFreeBusy(s.practitioner, at.start, at.end)).toEqual([at]);

      expect((await service.cancel(s.tenant, booking.id)).status).toBe('cancelled');
      expect(await calendar.getFreeBusy(s.practitioner, at.start, at.end)).toEqual([]);
      expect(await calendar.getFreeBusy(s.client, at.start, at.end)).toEqual([]);
      // Deleting an event that is already gone is not an error (a retried cancel, or deleted in the calendar app).
      await calendar.deleteEvent(booking.calendarEventId);

      const again = await service.book(s.tenant, request(at));
      expect(again.calendarEventId).not.toBe(booking.calendarEventId);
      expect(await calendar.getFreeBusy(s.practitioner, at.start, at.end)).toEqual([at]);
    });

    it('a retried create for the same booking gives the same event, not a second one', async () => {
      const at = slot(17);
      const session = {
        bookingId: `retry-${name}`,
        practitionerEmail: s.practitioner,
        client: { email: s.client, name: 'Robin Client' },
        title: 'Session',
        ...at,
      };
      const first = await calendar.createEvent(session);
      const second = await calendar.createEvent(session);
      expect(second.id).toBe(first.id);
      expect(await calendar.getFreeBusy(s.practitioner, at.start, at.end)).toEqual([at]);
      await calendar.deleteEvent(first.id);
      expect(await calendar.getFreeBusy(s.practitioner, at.start, at.end)).toEqual([]);
    });

    it('a practitioner whose consent was revoked: reconnect_required, nothing is booked', async () => {
      const at = slot(11);
      const refreshesBefore = s.forcedRefreshes();
      const reconnect = s.disconnect(s.other);

      const e = await rejection(service.book(s.tenant, { ...request(at), practitionerEmail: s.other }));
      expect(e).toBeInstanceOf(CalendarError);
      expect((e as CalendarError).failure).toBe('reconnect_required');
      // The adapters asked the token storage for a fresh token once before giving up.
      if (refreshesBefore !== null) expect(s.forcedRefreshes()).toBe(refreshesBefore + 1);

      reconnect();
      expect(await calendar.getFreeBusy(s.other, at.start, at.end)).toEqual([]);
      await service.book(s.tenant, { ...request(at), practitionerEmail: s.other });
      expect(await calendar.getFreeBusy(s.other, at.start, at.end)).toEqual([at]);
    });

    it('refuses a session that ends before it starts without touching the calendar', async () => {
      const at = slot(19);
      const e = await rejection(service.book(s.tenant, request({ start: at.end, end: at.start })));
      expect(e).toMatchObject({ code: 'invalid_slot' });
      expect(await calendar.getFreeBusy(s.practitioner, at.start, at.end)).toEqual([]);
    });
  });
}
