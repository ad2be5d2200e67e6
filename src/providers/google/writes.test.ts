// The Google adapter against the Google emulator: writes go to the event's own calendar (secondary or shared by ACL),
// only a 410 confirms a deletion, a Meet still being created is awaited, a usage limit is not retried and a rate
// limit is outwaited.
import type { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGoogleEmulator } from '../../../emulator/google/server.js';
import { startGoogleTestEmulator, type GoogleTestEmulator } from '../../../emulator/google/testing.js';
import type { EventDraft } from '../../domain/calendar.js';
import { isAppError } from '../../domain/errors.js';
import type { CalendarProvider } from '../../ports/calendar-provider.js';
import { createGoogleProvider, createGoogleTransport } from './index.js';

const ADELE = 'adele.vance@contoso.com';
const MEGAN = 'megan.bowen@contoso.com';
const SCOPES = ['openid', 'email', 'https://www.googleapis.com/auth/calendar'];

let emu: RunningGoogleEmulator;
let agent: Agent;
let harness: GoogleTestEmulator;
let slot = 0;

/** A provider for `login` whose Meet polling records its sleeps instead of waiting. */
function providerFor(login: string, sleeps: number[] = [], baseDelayMs = 1): CalendarProvider {
  const token = emu.oauth.mint(login, emu.app.clientId, SCOPES);
  return createGoogleProvider({
    apiBaseUrl: emu.baseUrl,
    transport: createGoogleTransport({ agent, retry: { maxRetries: 6, baseDelayMs } }),
    token: async () => token,
    mailbox: login,
    roomsEnabled: false,
    conferencePoll: { delaysMs: [5, 10, 20, 40], sleep: async (ms) => void sleeps.push(ms) },
  });
}

function draft(extra: Partial<EventDraft> = {}): EventDraft {
  const start = Date.UTC(2031, 4, 5, 9) + slot++ * 3_600_000;
  return {
    subject: `Writes ${slot}`,
    start: new Date(start).toISOString(),
    end: new Date(start + 1_800_000).toISOString(),
    timeZone: 'UTC',
    ...extra,
  };
}

async function emulatorCall(user: string, method: string, path: string, json: unknown) {
  const token = emu.oauth.mint(user, emu.app.clientId, SCOPES);
  const { fetch } = await import('undici');
  const res = await fetch(`${emu.baseUrl}/calendar/v3${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(json),
    dispatcher: agent,
  });
  return (await res.json()) as Record<string, unknown>;
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

beforeAll(async () => {
  harness = await startGoogleTestEmulator({ autoConsent: true });
  ({ emu, agent } = harness);
});
afterAll(async () => {
  await harness?.close();
});
afterEach(() => {
  emu.faults.reset();
});

describe('Google adapter writes', () => {
  it("reads, updates and deletes an event of a colleague's calendar shared with write access", async () => {
    await emulatorCall(MEGAN, 'POST', '/calendars/primary/acl', {
      role: 'writer',
      scope: { type: 'user', value: ADELE },
    });
    const p = providerFor(ADELE);
    const shared = (await p.listCalendars()).find((c) => c.id === MEGAN);
    expect(shared).toMatchObject({ isShared: true, canEdit: true, isDefault: false });
    const created = await p.createEvent({ calendarId: MEGAN, event: draft() });
    expect(created.calendarId).toBe(MEGAN);
    expect((await p.getEvent(created.id, MEGAN)).subject).toBe(created.subject);
    const moved = await p.updateEvent({
      eventId: created.id,
      calendarId: MEGAN,
      changes: { subject: 'Moved in the shared calendar', start: created.start, end: created.end },
    });
    expect(moved.subject).toBe('Moved in the shared calendar');
    expect(emu.store.calendar(MEGAN)!.events.get(created.id)!.summary).toBe('Moved in the shared calendar');
    // Addressed through the wrong calendar the event is unknown: an error, never "already deleted".
    const wrong = await errorOf(p.deleteEvent(created.id));
    expect(isAppError(wrong, 'event_unreachable'), String(wrong)).toBe(true);
    expect(emu.store.calendar(MEGAN)!.events.get(created.id)!.status).toBe('confirmed');
    await p.deleteEvent(created.id, MEGAN);
    expect(emu.store.calendar(MEGAN)!.events.get(created.id)!.status).toBe('cancelled');
    // Google answers 410 for the second delete: confirmed gone.
    const again = await errorOf(p.deleteEvent(created.id, MEGAN));
    expect(isAppError(again, 'not_found'), String(again)).toBe(true);
  });

  it('writes to a secondary calendar; a patch through another calendar is event_unreachable', async () => {
    const cal = await emulatorCall(ADELE, 'POST', '/calendars', { summary: 'Renewals' });
    const p = providerFor(ADELE);
    const created = await p.createEvent({ calendarId: String(cal.id), event: draft() });
    const err = await errorOf(p.updateEvent({ eventId: created.id, changes: { subject: 'Lost' } }));
    expect(isAppError(err, 'event_unreachable'), String(err)).toBe(true);
    const ok = await p.updateEvent({ eventId: created.id, calendarId: String(cal.id), changes: { subject: 'Kept' } });
    expect(ok.subject).toBe('Kept');
  });

  it('waits for a Meet Google is still creating, with bounded re-reads', async () => {
    emu.faults.update({ conference: { pendingReads: 2, outcome: 'success' } });
    const sleeps: number[] = [];
    const created = await providerFor(ADELE, sleeps).createEvent({ event: draft({ onlineMeeting: true }) });
    expect(created.onlineMeeting?.joinUrl).toMatch(/^https:\/\/meet\.google\.com\//);
    // Two reads still pending, the third one finished.
    expect(sleeps).toEqual([5, 10, 20]);

    const again: number[] = [];
    const plain = await providerFor(ADELE).createEvent({ event: draft() });
    const updated = await providerFor(ADELE, again).updateEvent({
      eventId: plain.id,
      changes: { onlineMeeting: true },
    });
    expect(updated.onlineMeeting?.joinUrl).toMatch(/^https:\/\/meet\.google\.com\//);
    expect(again).toHaveLength(3);
  });

  it('reports a Meet that could not be created, and one still pending after the last read', async () => {
    emu.faults.update({ conference: { pendingReads: 1, outcome: 'failure' } });
    const failed = await errorOf(providerFor(ADELE).createEvent({ event: draft({ onlineMeeting: true }) }));
    expect(isAppError(failed, 'online_meeting_unavailable'), String(failed)).toBe(true);
    expect((failed as { details: unknown }).details).toMatchObject({ provider: 'google', statusCode: 'failure' });

    emu.faults.update({ conference: { pendingReads: 50, outcome: 'success' } });
    const sleeps: number[] = [];
    const pending = await errorOf(
      providerFor(ADELE, sleeps).createEvent({ event: draft({ onlineMeeting: true }), transactionId: 'tx-pending' }),
    );
    expect(isAppError(pending, 'provider_unavailable'), String(pending)).toBe(true);
    expect((pending as { details: unknown }).details).toMatchObject({ reason: 'conference_pending', reads: 4 });
    expect(sleeps).toEqual([5, 10, 20, 40]);
  });

  it('does not retry a usage limit that lasts hours (quotaExceeded, dailyLimitExceeded)', async () => {
    for (const reason of ['quotaExceeded', 'dailyLimitExceeded'] as const) {
      emu.faults.update({ throttle: { enabled: true, requestsPerWindow: 1, windowSeconds: 600, status: 403, reason } });
      const p = providerFor(ADELE);
      await p.listCalendars();
      emu.requestLog.reset();
      const err = await errorOf(p.listCalendars());
      expect(isAppError(err, 'provider_quota_exceeded'), String(err)).toBe(true);
      expect((err as Error).message).toMatch(/few hours/);
      // One request: no retry of a limit that will still be there in a few seconds.
      expect(emu.requestLog.list({ limit: 100 })).toHaveLength(1);
      emu.faults.reset();
    }
    // Throttling still backs off and retries.
    emu.faults.update({
      throttle: { enabled: true, requestsPerWindow: 1, windowSeconds: 0.05, status: 403, reason: 'rateLimitExceeded' },
    });
    const p = providerFor(ADELE, [], 40);
    await p.listCalendars();
    await expect(p.listCalendars()).resolves.toBeDefined();
  });

  it('outwaits a rate-limit window with its retries, even when every random part of the backoff is zero', async () => {
    // One request a second for Adele. The retries wait 20, 40, … 640 ms whole (1,260 ms in all) plus their random
    // part; with full jitter and a zero random part, the six retries would all be refused inside the same second.
    emu.faults.update({
      throttle: { enabled: true, requestsPerWindow: 1, windowSeconds: 1, status: 403, reason: 'rateLimitExceeded' },
    });
    try {
      const timing = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
      const p = createGoogleProvider({
        apiBaseUrl: emu.baseUrl,
        transport: createGoogleTransport({
          agent,
          retry: { maxRetries: 6, baseDelayMs: 20, timing: { ...timing, random: () => 0 } },
        }),
        token: async () => emu.oauth.mint(ADELE, emu.app.clientId, SCOPES),
        mailbox: ADELE,
        roomsEnabled: false,
      });
      await p.listCalendars();
      emu.requestLog.reset();
      await expect(p.listCalendars()).resolves.toBeDefined();
      expect(emu.requestLog.list({ limit: 100 }).length).toBeGreaterThan(1);
    } finally {
      emu.faults.reset();
    }
  });
});
