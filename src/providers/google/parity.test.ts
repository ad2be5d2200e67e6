// The Google adapter against the Google emulator, where Google users lagged Outlook users: working hours (Google's
// API has none: calbridge's, or a default in the Calendar time zone), prep-brief mail through Gmail, and the
// read-only scope tier (reads and free/busy work, writes say what is missing).
import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGoogleEmulator } from '../../../emulator/google/server.js';
import { startGoogleTestEmulator, type GoogleTestEmulator } from '../../../emulator/google/testing.js';
import type { WorkingHours } from '../../domain/calendar.js';
import type { CalendarProvider } from '../../ports/calendar-provider.js';
import { createGoogleProvider, createGoogleTransport } from './index.js';
import { createGmailMailSender, toRfc2822 } from './send-mail.js';

const S = 'https://www.googleapis.com/auth/';
const LYNNE = 'lynne.robbins@contoso.com'; // Europe/Berlin in the emulator's seed
const FULL = ['openid', 'email', `${S}calendar.events`, `${S}calendar.readonly`, `${S}gmail.send`];
const READ_ONLY = ['openid', 'email', `${S}calendar.readonly`, `${S}calendar.freebusy`];

let emu: RunningGoogleEmulator;
let agent: Agent;
let harness: GoogleTestEmulator;

const transport = () => createGoogleTransport({ agent, retry: { maxRetries: 2, baseDelayMs: 1 } });
function providerFor(scopes: string[], kept: WorkingHours | null = null): CalendarProvider {
  const token = emu.oauth.mint(LYNNE, emu.app.clientId, scopes);
  return createGoogleProvider({
    apiBaseUrl: emu.baseUrl,
    transport: transport(),
    token: async () => token,
    mailbox: LYNNE,
    roomsEnabled: false,
    workingHours: async () => kept,
  });
}
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );
const WEEK = { start: '2031-03-03T00:00:00Z', end: '2031-03-08T00:00:00Z' }; // Monday to Friday

beforeAll(async () => {
  harness = await startGoogleTestEmulator();
  ({ emu, agent } = harness);
});
afterAll(async () => {
  await harness?.close();
});

describe('Google working hours', () => {
  it('defaults to Monday–Friday 09:00–17:00 in the Google Calendar time zone (settings/timezone)', async () => {
    const p = providerFor(FULL);
    expect(p.capabilities.workingHoursSource).toBe('calbridge');
    expect(await p.getWorkingHours()).toEqual({
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      startTime: '09:00:00',
      endTime: '17:00:00',
      timeZone: 'Europe/Berlin',
    });
    const log = emu.requestLog.list({}).map((r) => r.url);
    expect(log).toContain('/calendar/v3/users/me/settings/timezone');
  });

  it('answers the hours kept in calbridge, in getWorkingHours, the own free/busy and findMeetingTimes', async () => {
    const kept: WorkingHours = {
      daysOfWeek: ['tuesday'],
      startTime: '13:00:00',
      endTime: '15:00:00',
      timeZone: 'America/New_York',
    };
    const p = providerFor(FULL, kept);
    expect(await p.getWorkingHours()).toEqual(kept);
    const fb = await p.getFreeBusy({ schedules: [LYNNE, 'megan.bowen@contoso.com'], ...WEEK, intervalMinutes: 60 });
    expect(fb.schedules.map((s) => (s.status === 'ok' ? s.workingHours : 'unknown'))).toEqual([kept, null]);
    const found = await p.findMeetingTimes({
      attendees: [],
      window: WEEK,
      durationMinutes: 60,
      activityDomain: 'work',
      timeZone: 'UTC',
    });
    expect(found.suggestions.length).toBeGreaterThan(0);
    // Tuesday 13:00–15:00 New York is 18:00–20:00 UTC (before the US DST switch).
    for (const s of found.suggestions) {
      expect(s.start.slice(0, 10)).toBe('2031-03-04');
      expect(Date.parse(s.start)).toBeGreaterThanOrEqual(Date.parse('2031-03-04T18:00:00Z'));
      expect(Date.parse(s.end)).toBeLessThanOrEqual(Date.parse('2031-03-04T20:00:00Z'));
    }
  });
});

describe('prep-brief mail through Gmail', () => {
  it('sends one RFC 2822 message (text and HTML, UTF-8 subject) that Gmail keeps as sent by the user', async () => {
    const token = emu.oauth.mint(LYNNE, emu.app.clientId, FULL);
    const before = emu.outbox.sent.length;
    await createGmailMailSender({
      gmailBaseUrl: emu.baseUrl,
      transport: transport(),
      token: async () => token,
      mailbox: LYNNE,
    }).sendMail({
      to: [LYNNE],
      subject: 'Prép: Acme QBR\r\nBcc: x@evil.test',
      html: '<p>Agenda ✓</p>',
      text: 'Agenda ✓',
    });
    expect(emu.outbox.sent).toHaveLength(before + 1);
    expect(emu.outbox.sent.at(-1)).toMatchObject({
      from: LYNNE,
      to: [LYNNE],
      bcc: [],
      subject: 'Prép: Acme QBR Bcc: x@evil.test',
      text: 'Agenda ✓',
      html: '<p>Agenda ✓</p>',
    });
  });

  it('refuses a grant without gmail.send with the scope to ask for', async () => {
    const token = emu.oauth.mint(LYNNE, emu.app.clientId, READ_ONLY);
    const err = await errorOf(
      createGmailMailSender({
        gmailBaseUrl: emu.baseUrl,
        transport: transport(),
        token: async () => token,
        mailbox: LYNNE,
      }).sendMail({ to: [LYNNE], subject: 'x', html: '<p>x</p>', text: 'x' }),
    );
    expect(err).toMatchObject({
      code: 'permission_denied',
      details: { missingScope: `${S}gmail.send`, action: 'reconnect' },
    });
  });

  it('never puts a header line break or a bad address into the message', () => {
    expect(() => toRfc2822(LYNNE, { to: ['a@b.com>\r\nBcc: c@d.com'], subject: 's', html: '', text: '' })).toThrow();
    expect(toRfc2822(LYNNE, { to: ['a@b.com'], subject: 'a\nb', html: '', text: '' }, 'B')).toContain(
      'Subject: a b\r\n',
    );
  });
});

describe('the read-only tier (calendar.readonly + calendar.freebusy)', () => {
  it('reads calendars, events, free/busy and working hours; every write is write_access_not_granted', async () => {
    const p = providerFor(READ_ONLY);
    expect((await p.listCalendars()).length).toBeGreaterThan(0);
    await p.listEvents({ ...WEEK });
    const fb = await p.getFreeBusy({ schedules: [LYNNE], ...WEEK });
    expect(fb.schedules[0]).toMatchObject({ status: 'ok', workingHours: { timeZone: 'Europe/Berlin' } });
    const draft = { subject: 'x', start: '2031-03-04T09:00:00Z', end: '2031-03-04T09:30:00Z', timeZone: 'UTC' };
    const writes = [
      () => p.createEvent({ event: draft }),
      () => p.updateEvent({ eventId: 'abcdef123', changes: { subject: 'y' } }),
      () => p.deleteEvent('abcdef123'),
    ];
    for (const w of writes)
      expect(await errorOf(w())).toMatchObject({
        code: 'write_access_not_granted',
        details: {
          provider: 'google',
          status: 403,
          reason: 'insufficientPermissions',
          missingScope: `${S}calendar.events`,
        },
      });
  });
});
