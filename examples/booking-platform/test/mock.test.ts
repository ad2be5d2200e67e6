// The booking flows against the platform's own in-memory calendar (what its unit tests use).
import { describe, expect, it } from 'vitest';
import { BookingService } from '../src/booking-service.js';
import { createContainer } from '../src/container.js';
import { bookingFlows } from './booking-flows.js';
import { slot } from './support.js';

bookingFlows('the platform’s mock calendar', async () => {
  const container = createContainer({
    calendar: 'mock',
    accessToken: () => Promise.reject(new Error('the mock needs no tokens')),
  });
  return {
    container,
    tenant: { id: 'practice-mock', calendarProvider: 'MICROSOFT' },
    practitioner: 'dr.lee@practice.example',
    client: 'robin@client.example',
    other: 'sam.okafor@practice.example',
    disconnect: (email) => container.mockCalendar!.disconnect(email),
    forcedRefreshes: () => null,
    close: () => container.close(),
  };
});

describe('the platform’s mock calendar', () => {
  it('an appointment made outside the platform blocks a booking; sessions lists what was booked', async () => {
    const container = createContainer({ calendar: 'mock', accessToken: () => Promise.reject(new Error('no tokens')) });
    const tenant = { id: 'practice-mock', calendarProvider: 'GOOGLE' as const };
    const mock = container.mockCalendar!;
    const service = new BookingService((t) => container.providerFor(t));
    const practitioner = 'dr.lee@practice.example';
    const client = { email: 'robin@client.example', name: 'Robin' };
    mock.addBusy(practitioner, slot(9).start, slot(9).end);

    await expect(
      service.book(tenant, { practitionerEmail: practitioner, client, ...slot(9, 20) }),
    ).rejects.toMatchObject({ code: 'slot_taken' });
    const booked = await service.book(tenant, { practitionerEmail: practitioner, client, ...slot(10) });

    expect(mock.sessions.filter((x) => x.id === booked.calendarEventId)).toEqual([
      expect.objectContaining({ practitionerEmail: practitioner, client, ...slot(10), bookingId: booked.id }),
    ]);
  });
});
