// The Graph adapter writes an event of a colleague's calendar shared for writing through that calendar
// (`/me/calendars/{id}/events/{id}`): `/me/events/{id}` answers 404 there. A 404 on a write is `not_found` only when
// the calendar can still be read (the event is gone), `event_unreachable` otherwise.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAccessToken } from '../../../emulator/microsoft/identity/tokens.js';
import { startTestEmulator, type TestEmulator } from '../../../test/support/microsoft.js';
import { isAppError } from '../../domain/errors.js';
import type { CalendarProvider } from '../../ports/calendar-provider.js';
import { createGraphTransport, createMicrosoftProvider } from './index.js';

const ADELE = 'adele.vance@contoso.com';
const MEGAN = 'megan.bowen@contoso.com';

let t: TestEmulator;
let provider: CalendarProvider;

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

beforeAll(async () => {
  t = await startTestEmulator({ seed: 11 });
  const user = t.emu.directory.getUser(ADELE)!;
  // A delegate's token: writing to a calendar shared for writing needs Calendars.ReadWrite.Shared.
  const { token } = await issueAccessToken(t.emu.identity, {
    app: t.emu.directory.apps.get(t.emu.app.clientId)!,
    tenant: t.emu.directory.getTenant(user.tenantId)!,
    user,
    permissions: ['Calendars.ReadWrite', 'Calendars.ReadWrite.Shared', 'MailboxSettings.Read', 'User.Read'],
  });
  provider = createMicrosoftProvider({
    graphBaseUrl: t.emu.baseUrl,
    transport: createGraphTransport({ agent: t.agent, retry: { maxRetries: 2, baseDelayMs: 5 } }),
    token: async () => token,
    mailbox: ADELE,
    roomsEnabled: false,
  });
});
afterAll(async () => {
  await t?.close();
});

describe('Graph adapter: writes to a shared calendar', () => {
  it("reads, updates and deletes an event of the colleague's calendar through that calendar", async () => {
    const shared = (await provider.listCalendars()).find((c) => c.isShared && c.ownerEmail === MEGAN && c.canEdit);
    expect(shared).toBeDefined();
    const calendarId = shared!.id;
    const start = Date.UTC(2031, 5, 2, 9);
    const created = await provider.createEvent({
      calendarId,
      event: {
        subject: 'Booked by a delegate',
        start: new Date(start).toISOString(),
        end: new Date(start + 1_800_000).toISOString(),
        timeZone: 'UTC',
      },
    });
    expect((await provider.getEvent(created.id, calendarId)).subject).toBe('Booked by a delegate');
    const updated = await provider.updateEvent({
      eventId: created.id,
      calendarId,
      changes: { subject: 'Moved by a delegate' },
    });
    expect(updated.subject).toBe('Moved by a delegate');
    await provider.deleteEvent(created.id, calendarId);
    // The calendar is still readable: the 404 confirms the event is gone.
    const again = await errorOf(provider.deleteEvent(created.id, calendarId));
    expect(isAppError(again, 'not_found'), String(again)).toBe(true);
  });

  it('a write through a calendar that cannot be reached is event_unreachable, not "already gone"', async () => {
    const own = (await provider.listCalendars()).find((c) => c.isDefault)!;
    const start = Date.UTC(2031, 5, 3, 9);
    const created = await provider.createEvent({
      calendarId: own.id,
      event: {
        subject: 'Stays',
        start: new Date(start).toISOString(),
        end: new Date(start + 1_800_000).toISOString(),
        timeZone: 'UTC',
      },
    });
    const gone = 'AAMkADAwATM0MDAAMS1iNTcwLWI2NTEtMDACLTAwCgBGAAADnoCalendarHere';
    const del = await errorOf(provider.deleteEvent(created.id, gone));
    expect(isAppError(del, 'event_unreachable'), String(del)).toBe(true);
    const upd = await errorOf(
      provider.updateEvent({ eventId: created.id, calendarId: gone, changes: { subject: 'x' } }),
    );
    expect(isAppError(upd, 'event_unreachable'), String(upd)).toBe(true);
    expect((await provider.getEvent(created.id, own.id)).subject).toBe('Stays');
  });
});
