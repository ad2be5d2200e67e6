// The Google emulator's calendars beyond the primary one: secondary calendars (calendars.insert/delete), sharing by
// ACL with calendarList accessRole, events written through a shared calendar, Meet creation that stays pending, and
// usage limits that are not throttling.
import { Agent, fetch } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGoogleEmulator } from './server.js';
import { startGoogleTestEmulator, type GoogleTestEmulator } from './testing.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

let emu: RunningGoogleEmulator;
let agent: Agent;
let harness: GoogleTestEmulator;

const ADELE = 'adele.vance@contoso.com';
const MEGAN = 'megan.bowen@contoso.com';
const tokenOf = (user: string) => emu.oauth.mint(user, emu.app.clientId, ['https://www.googleapis.com/auth/calendar']);

async function call(user: string, method: string, path: string, json?: unknown) {
  const res = await fetch(`${emu.baseUrl}/calendar/v3${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokenOf(user)}`,
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: json === undefined ? undefined : JSON.stringify(json),
    dispatcher: agent,
  });
  const text = await res.text();
  return { status: res.status, json: (text.startsWith('{') ? JSON.parse(text) : null) as Json | null };
}

const at = (h: number) => ({
  dateTime: `2031-03-0${3 + Math.floor(h / 24)}T${String(h % 24).padStart(2, '0')}:00:00Z`,
});
const calPath = (id: string) => `/calendars/${encodeURIComponent(id)}`;

beforeAll(async () => {
  harness = await startGoogleTestEmulator();
  ({ emu, agent } = harness);
});
afterAll(async () => {
  await harness?.close();
});
afterEach(() => {
  emu.faults.reset();
});

describe('Google emulator: calendars, sharing, pending conferences, usage limits', () => {
  it('creates a secondary calendar the caller owns; events live there; deleting it removes it (never the primary)', async () => {
    const made = await call(ADELE, 'POST', '/calendars', { summary: 'Customer calls', timeZone: 'Europe/Berlin' });
    expect(made.status).toBe(200);
    expect(made.json).toMatchObject({
      kind: 'calendar#calendar',
      summary: 'Customer calls',
      timeZone: 'Europe/Berlin',
    });
    const id = String(made.json!.id);
    expect(id).toMatch(/@group\.calendar\.google\.com$/);
    const list = await call(ADELE, 'GET', '/users/me/calendarList?minAccessRole=writer');
    const entries = list.json!.items as Json[];
    expect(entries.map((e) => [e.id, e.accessRole, e.primary ?? false])).toEqual([
      [ADELE, 'owner', true],
      [id, 'owner', false],
    ]);
    const ev = await call(ADELE, 'POST', `${calPath(id)}/events`, {
      summary: 'In secondary',
      start: at(9),
      end: at(10),
    });
    expect(ev.status).toBe(200);
    // A secondary calendar organizes its own events; the caller created it.
    expect(ev.json!.organizer).toMatchObject({ email: id, self: true });
    expect(ev.json!.creator).toMatchObject({ email: ADELE });
    // The event is in that calendar only: the primary calendar has no such id.
    expect((await call(ADELE, 'GET', `${calPath(id)}/events/${ev.json!.id}`)).status).toBe(200);
    expect((await call(ADELE, 'GET', `/calendars/primary/events/${ev.json!.id}`)).status).toBe(404);
    expect((await call(ADELE, 'DELETE', '/calendars/primary')).status).toBe(400);
    expect((await call(MEGAN, 'DELETE', calPath(id))).status).toBe(404);
    expect((await call(ADELE, 'DELETE', calPath(id))).status).toBe(204);
    expect((await call(ADELE, 'GET', `${calPath(id)}/events`)).status).toBe(404);
    expect(((await call(ADELE, 'GET', '/users/me/calendarList')).json!.items as Json[]).map((e) => e.id)).not.toContain(
      id,
    );
  });

  it('shares a calendar by ACL: reader may read, writer may write; the calendar organizes; 410 for a second delete', async () => {
    // Without a rule a colleague's calendar is free/busy only: hidden from events calls.
    expect((await call(ADELE, 'GET', `${calPath(MEGAN)}/events`)).status).toBe(404);
    const rule = await call(MEGAN, 'POST', '/calendars/primary/acl', {
      role: 'reader',
      scope: { type: 'user', value: ADELE },
    });
    expect(rule.json).toMatchObject({ id: `user:${ADELE}`, role: 'reader', scope: { type: 'user', value: ADELE } });
    // Only the owner manages the ACL.
    expect(
      (await call(ADELE, 'POST', `${calPath(MEGAN)}/acl`, { role: 'owner', scope: { type: 'user', value: ADELE } }))
        .status,
    ).toBe(403);
    const shared = ((await call(ADELE, 'GET', '/users/me/calendarList')).json!.items as Json[]).find(
      (e) => e.id === MEGAN,
    );
    expect(shared).toMatchObject({ accessRole: 'reader', summary: 'Megan Bowen' });
    expect(shared!.primary).toBeUndefined();
    expect((await call(ADELE, 'GET', `${calPath(MEGAN)}/events`)).json!.accessRole).toBe('reader');
    const refused = await call(ADELE, 'POST', `${calPath(MEGAN)}/events`, {
      summary: 'No',
      start: at(11),
      end: at(12),
    });
    expect(refused.status).toBe(403);
    expect(refused.json!.error.errors[0].reason).toBe('requiredAccessLevel');

    await call(MEGAN, 'POST', '/calendars/primary/acl', { role: 'writer', scope: { type: 'user', value: ADELE } });
    const made = await call(ADELE, 'POST', `${calPath(MEGAN)}/events`, {
      summary: 'Booked by a delegate',
      start: at(13),
      end: at(14),
    });
    expect(made.status).toBe(200);
    expect(made.json!.organizer).toMatchObject({ email: MEGAN });
    expect(made.json!.creator).toMatchObject({ email: ADELE });
    const id = String(made.json!.id);
    const patched = await call(ADELE, 'PATCH', `${calPath(MEGAN)}/events/${id}`, { summary: 'Moved by a delegate' });
    expect(patched.json!.summary).toBe('Moved by a delegate');
    expect((await call(MEGAN, 'GET', `/calendars/primary/events/${id}`)).json!.summary).toBe('Moved by a delegate');
    // Through the caller's own primary calendar the event does not exist: 404, not "deleted".
    expect((await call(ADELE, 'DELETE', `/calendars/primary/events/${id}`)).status).toBe(404);
    expect((await call(ADELE, 'DELETE', `${calPath(MEGAN)}/events/${id}`)).status).toBe(204);
    const again = await call(ADELE, 'DELETE', `${calPath(MEGAN)}/events/${id}`);
    expect(again.status).toBe(410);
    expect(again.json!.error.errors[0].reason).toBe('deleted');

    expect((await call(MEGAN, 'DELETE', `/calendars/primary/acl/${encodeURIComponent(`user:${ADELE}`)}`)).status).toBe(
      204,
    );
    expect((await call(ADELE, 'PATCH', `${calPath(MEGAN)}/events/${id}`, { summary: 'x' })).status).toBe(404);
    expect(((await call(ADELE, 'GET', '/users/me/calendarList')).json!.items as Json[]).map((e) => e.id)).not.toContain(
      MEGAN,
    );
  });

  it('keeps a new Meet pending for the configured reads, then succeeds, or fails without entry points', async () => {
    const meet = (requestId: string) => ({
      summary: `Meet ${requestId}`,
      start: at(15),
      end: at(16),
      conferenceData: { createRequest: { requestId, conferenceSolutionKey: { type: 'hangoutsMeet' } } },
    });
    emu.faults.update({ conference: { pendingReads: 2, outcome: 'success' } });
    const made = await call(ADELE, 'POST', '/calendars/primary/events?conferenceDataVersion=1', meet('p-1'));
    expect(made.json!.conferenceData).toEqual({
      createRequest: {
        requestId: 'p-1',
        conferenceSolutionKey: { type: 'hangoutsMeet' },
        status: { statusCode: 'pending' },
      },
    });
    expect(made.json!.hangoutLink).toBeUndefined();
    const read = () => call(ADELE, 'GET', `/calendars/primary/events/${made.json!.id}`);
    expect((await read()).json!.conferenceData.createRequest.status.statusCode).toBe('pending');
    expect((await read()).json!.conferenceData.createRequest.status.statusCode).toBe('pending');
    const done = (await read()).json!;
    expect(done.conferenceData.createRequest.status.statusCode).toBe('success');
    expect(done.conferenceData.entryPoints[0].uri).toMatch(/^https:\/\/meet\.google\.com\//);
    expect(done.hangoutLink).toBe(done.conferenceData.entryPoints[0].uri);
    expect(done.etag).not.toBe(made.json!.etag);

    emu.faults.update({ conference: { pendingReads: 0, outcome: 'failure' } });
    const failed = await call(ADELE, 'POST', '/calendars/primary/events?conferenceDataVersion=1', meet('f-1'));
    expect(failed.json!.conferenceData.createRequest.status.statusCode).toBe('failure');
    expect(failed.json!.conferenceData.entryPoints).toBeUndefined();
    expect(failed.json!.hangoutLink).toBeUndefined();
    const bad = await fetch(`${emu.baseUrl}/_emulator/faults`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conference: { outcome: 'maybe' } }),
      dispatcher: agent,
    });
    expect(bad.status).toBe(400);
  });

  it('answers a daily limit with 403 dailyLimitExceeded (usageLimits)', async () => {
    emu.faults.update({
      throttle: { enabled: true, requestsPerWindow: 1, windowSeconds: 60, status: 403, reason: 'dailyLimitExceeded' },
    });
    await call(ADELE, 'GET', '/users/me/calendarList');
    const limited = await call(ADELE, 'GET', '/users/me/calendarList');
    expect(limited.status).toBe(403);
    expect(limited.json!.error.errors[0]).toMatchObject({ domain: 'usageLimits', reason: 'dailyLimitExceeded' });
  });
});
