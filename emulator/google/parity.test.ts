// The Google emulator's parity surfaces: Calendar settings (the time zone; no working hours), Gmail messages.send
// with its outbox, and scopes enforced per method as the Calendar v3 discovery document lists them.
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGoogleEmulator } from './server.js';
import { startGoogleTestEmulator, type GoogleTestEmulator } from './testing.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const S = 'https://www.googleapis.com/auth/';
const LYNNE = 'lynne.robbins@contoso.com';
let emu: RunningGoogleEmulator;
let agent: Agent;
let harness: GoogleTestEmulator;

async function call(token: string, method: string, path: string, json?: unknown) {
  const res = await fetch(`${emu.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: json === undefined ? undefined : JSON.stringify(json),
    dispatcher: agent,
  });
  const text = await res.text();
  return { status: res.status, json: (text.startsWith('{') ? JSON.parse(text) : null) as Json | null };
}
const token = (scopes: string[], user = LYNNE) => emu.oauth.mint(user, emu.app.clientId, scopes);
const insufficient = (r: { status: number; json: Json | null }) => {
  expect(r.status).toBe(403);
  expect(r.json!.error.code).toBe(403);
  expect(r.json!.error.message).toBe('Request had insufficient authentication scopes.');
  expect(r.json!.error.errors[0]).toMatchObject({ domain: 'global', reason: 'insufficientPermissions' });
};

beforeAll(async () => {
  harness = await startGoogleTestEmulator();
  ({ emu, agent } = harness);
});
afterAll(async () => {
  await harness?.close();
});

describe('Google emulator: settings', () => {
  it('lists the documented settings with the user’s time zone, and none for working hours', async () => {
    const r = await call(token([`${S}calendar.readonly`]), 'GET', '/calendar/v3/users/me/settings');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ kind: 'calendar#settings' });
    const ids = (r.json!.items as Json[]).map((i) => i.id as string);
    expect(ids).toEqual(expect.arrayContaining(['timezone', 'weekStart', 'hideWeekends', 'format24HourTime']));
    expect(ids.filter((id) => /work/i.test(id))).toEqual([]);
    const tz = await call(token([`${S}calendar.settings.readonly`]), 'GET', '/calendar/v3/users/me/settings/timezone');
    expect(tz.status).toBe(200);
    expect(tz.json).toMatchObject({ kind: 'calendar#setting', id: 'timezone', value: 'Europe/Berlin' });
    expect(typeof tz.json!.etag).toBe('string');
    const unknown = await call(token([`${S}calendar`]), 'GET', '/calendar/v3/users/me/settings/workingHours');
    expect(unknown.status).toBe(404);
    insufficient(await call(token([`${S}calendar.events`]), 'GET', '/calendar/v3/users/me/settings/timezone'));
  });
});

describe('Google emulator: Gmail messages.send', () => {
  const mime = (headers: string, body = 'Hello') =>
    Buffer.from(`${headers}\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n${body}`).toString('base64url');

  it('sends an RFC 2822 message from base64url raw as the signed-in user and keeps it in the outbox', async () => {
    const before = emu.outbox.sent.length;
    const subject = `=?UTF-8?B?${Buffer.from('Prép: Acme QBR').toString('base64')}?=`;
    const r = await call(token([`${S}gmail.send`]), 'POST', '/gmail/v1/users/me/messages/send', {
      raw: mime(`To: Cleo <ceo@acmecorp.com>, dev@acmecorp.com\r\nSubject: ${subject}`, 'See you soon'),
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ id: expect.any(String), threadId: expect.any(String), labelIds: ['SENT'] });
    expect(emu.outbox.sent).toHaveLength(before + 1);
    const admin = await fetch(`${emu.baseUrl}/_emulator/outbox?from=${LYNNE}`, { dispatcher: agent });
    const { messages } = (await admin.json()) as { messages: Json[] };
    expect(messages.at(-1)).toMatchObject({
      id: r.json!.id,
      from: LYNNE,
      to: ['ceo@acmecorp.com', 'dev@acmecorp.com'],
      subject: 'Prép: Acme QBR',
      text: 'See you soon',
      labelIds: ['SENT'],
    });
  });

  it('refuses a token without a send scope, another user’s mailbox, a bad raw and a message without recipients', async () => {
    const sends = emu.outbox.sent.length;
    insufficient(
      await call(token([`${S}calendar`]), 'POST', '/gmail/v1/users/me/messages/send', { raw: mime('To: a@b.com') }),
    );
    const other = await call(
      token([`${S}gmail.send`]),
      'POST',
      '/gmail/v1/users/megan.bowen@contoso.com/messages/send',
      {
        raw: mime('To: a@b.com'),
      },
    );
    expect(other.status).toBe(403);
    const bad = await call(token([`${S}gmail.send`]), 'POST', '/gmail/v1/users/me/messages/send', { raw: '***' });
    expect(bad.status).toBe(400);
    expect(bad.json!.error.errors[0].reason).toBe('invalidArgument');
    const none = await call(token([`${S}gmail.send`]), 'POST', '/gmail/v1/users/me/messages/send', {
      raw: mime('Subject: nobody'),
    });
    expect(none.status).toBe(400);
    expect(none.json!.error.message).toBe('Recipient address required');
    expect(emu.outbox.sent).toHaveLength(sends);
  });
});

describe('Google emulator: scopes per method', () => {
  it('lets calendar.readonly + calendar.freebusy read, list and query free/busy, and refuses every write', async () => {
    const ro = token([`${S}calendar.readonly`, `${S}calendar.freebusy`]);
    expect((await call(ro, 'GET', '/calendar/v3/users/me/calendarList')).status).toBe(200);
    expect((await call(ro, 'GET', '/calendar/v3/users/me/calendarList/primary')).status).toBe(200);
    expect((await call(ro, 'GET', '/calendar/v3/calendars/primary/events')).status).toBe(200);
    const fb = await call(ro, 'POST', '/calendar/v3/freeBusy', {
      timeMin: '2031-03-03T00:00:00Z',
      timeMax: '2031-03-04T00:00:00Z',
      items: [{ id: LYNNE }],
    });
    expect(fb.status).toBe(200);
    const event = {
      summary: 'x',
      start: { dateTime: '2031-03-03T09:00:00Z' },
      end: { dateTime: '2031-03-03T10:00:00Z' },
    };
    insufficient(await call(ro, 'POST', '/calendar/v3/calendars/primary/events', event));
    insufficient(await call(ro, 'PATCH', '/calendar/v3/calendars/primary/events/abcdef123', { summary: 'y' }));
    insufficient(await call(ro, 'DELETE', '/calendar/v3/calendars/primary/events/abcdef123'));
  });

  it('does not let calendar.events alone list calendars or query free/busy (not in those methods’ scopes)', async () => {
    const ev = token([`${S}calendar.events`]);
    insufficient(await call(ev, 'GET', '/calendar/v3/users/me/calendarList'));
    insufficient(await call(ev, 'GET', '/calendar/v3/users/me/calendarList/primary'));
    insufficient(
      await call(ev, 'POST', '/calendar/v3/freeBusy', {
        timeMin: '2031-03-03T00:00:00Z',
        timeMax: '2031-03-04T00:00:00Z',
        items: [{ id: LYNNE }],
      }),
    );
    expect((await call(ev, 'GET', '/calendar/v3/calendars/primary/events')).status).toBe(200);
  });
});
