// GraphClient and adapter details against the emulator: $batch parts retried (never dropped), chunked getSchedule,
// series masters fetched for orphan occurrences, links to other hosts refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../domain/errors.js';
import type { CalendarProvider } from '../../ports/calendar-provider.js';
import {
  newOAuthClient,
  signIn,
  startTestEmulator,
  tokenSource,
  type TestEmulator,
} from '../../../test/support/microsoft.js';
import { GraphClient } from './client.js';
import { createGraphTransport, createMicrosoftProvider } from './index.js';

const LOGIN = 'adele.vance@contoso.com';
let t: TestEmulator;
let graph: GraphClient;
let provider: CalendarProvider;

beforeAll(async () => {
  t = await startTestEmulator({ seed: 5 });
  const oauth = newOAuthClient(t);
  const transport = createGraphTransport({ agent: t.agent, retry: { maxRetries: 8, baseDelayMs: 10 } });
  const token = tokenSource(oauth, await signIn(oauth, t.agent, LOGIN));
  graph = new GraphClient({ baseUrl: t.emu.baseUrl, transport, token, limitKey: LOGIN });
  provider = createMicrosoftProvider({
    graphBaseUrl: t.emu.baseUrl,
    transport,
    token,
    mailbox: LOGIN,
    roomsEnabled: true,
  });
});
afterAll(async () => t?.close());

describe('GraphClient', () => {
  it('re-sends only the failed parts of a $batch until every part succeeds', async () => {
    const cals = await provider.listCalendars();
    t.emu.requestLog.reset();
    t.emu.faults.update({ seed: 11, errors: { rate: 0.4, statuses: [503, 504], retryAfterSeconds: 0 } });
    try {
      const calls = Array.from({ length: 10 }, () => ({
        method: 'GET' as const,
        path: `/me/calendars/${encodeURIComponent(cals[0]!.id)}?$select=id,name`,
      }));
      const results = await graph.batch(calls);
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
      const log = t.emu.requestLog.list({});
      const inner = log.filter((r) => r.url.startsWith('/v1.0/me/calendars/'));
      const failedParts = inner.filter((r) => r.status >= 500).length;
      expect(failedParts).toBeGreaterThan(0);
      // each successful part ran exactly once; failed parts were re-sent, nothing else was
      expect(inner.filter((r) => r.status === 200)).toHaveLength(10);
      const outer = log.filter((r) => r.url === '/v1.0/$batch');
      expect(outer.length).toBeGreaterThanOrEqual(3);
    } finally {
      t.emu.faults.update({ errors: { rate: 0 } });
    }
  });

  it('chunks free/busy into ≤ 20 schedules and < 62 days per getSchedule, stitched per person', async () => {
    const real = [...t.emu.directory.users.values()].filter((u) => u.kind === 'user').map((u) => u.mail);
    const people = [...real, ...Array.from({ length: 25 - real.length }, (_, i) => `ghost${i}@contoso.com`)].slice(
      0,
      25,
    );
    const start = new Date(Date.UTC(2027, 0, 4)).toISOString();
    const end = new Date(Date.UTC(2027, 0, 4) + 70 * 86_400_000).toISOString();
    t.emu.requestLog.reset();
    const fb = await provider.getFreeBusy({
      schedules: [...people, 'nobody@unknown-org.example'],
      start,
      end,
      intervalMinutes: 60,
    });
    expect(fb.schedules).toHaveLength(26);
    const schedules = t.emu.requestLog.list({}).filter((r) => r.url.endsWith('/getSchedule'));
    expect(schedules).toHaveLength(4);
    for (const s of fb.schedules) {
      if (s.status === 'ok') expect(s.availabilityView).toHaveLength(70 * 24);
    }
    expect(fb.schedules.find((s) => s.email === 'nobody@unknown-org.example')?.status).toBe('unknown');
    const tid = t.emu.directory.getUser(LOGIN)!.tenantId;
    const colleagues = [...t.emu.directory.users.values()]
      .filter((u) => u.kind === 'user' && u.tenantId === tid && u.mailbox === 'exchangeOnline')
      .map((u) => u.mail);
    expect(colleagues.length).toBeGreaterThan(3);
    for (const c of colleagues) expect(fb.schedules.find((s) => s.email === c)?.status).toBe('ok');
    for (const ghost of people.filter((p) => p.startsWith('ghost')))
      expect(fb.schedules.find((s) => s.email === ghost)?.status).toBe('unknown');
  });

  it('returns the series master with changed occurrences whose master is not in the page', async () => {
    const start = Date.UTC(2027, 5, 7, 9);
    const series = await provider.createEvent({
      event: {
        subject: 'Weekly sync',
        start: new Date(start).toISOString(),
        end: new Date(start + 1800_000).toISOString(),
        timeZone: 'UTC',
        recurrence: {
          rrule: 'FREQ=WEEKLY;COUNT=4',
          timeZone: 'UTC',
          startLocal: new Date(start).toISOString().slice(0, 19),
          exDates: [],
        },
      },
    });
    const cal = (await provider.listCalendars()).find((c) => c.isDefault)!;
    const window = {
      start: new Date(start - 86_400_000).toISOString(),
      end: new Date(start + 40 * 86_400_000).toISOString(),
    };
    let cursor: string | null = null;
    for (let done = false; !done;)
      ({ cursor, done } = await provider.syncChanges({ calendarId: cal.id, window, cursor }));
    const page = await provider.listEvents({ start: window.start, end: window.end, pageSize: 100 });
    const occurrence = page.events.find((e) => e.seriesMasterId === series.id)!;
    await provider.updateEvent({ eventId: occurrence.id, changes: { subject: 'Weekly sync (moved)' } });
    const changes = [];
    for (let done = false; !done;) {
      const p = await provider.syncChanges({ calendarId: cal.id, window, cursor });
      changes.push(...p.changes);
      ({ cursor, done } = p);
    }
    const upserts = changes.flatMap((c) => (c.kind === 'upsert' ? [c.event] : []));
    expect(upserts.some((e) => e.seriesMasterId === series.id)).toBe(true);
    const master = upserts.find((e) => e.id === series.id);
    expect(master?.recurrence?.rrule).toMatch(/FREQ=WEEKLY/);
  });

  it('reads working hours from mailboxSettings in IANA terms', async () => {
    const wh = await provider.getWorkingHours();
    expect(wh?.daysOfWeek).toContain('monday');
    expect(wh?.startTime).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    expect(wh?.timeZone).toMatch(/\//);
  });

  it('without the admin-consented Place.Read.All, listRooms is permission_denied and says so', async () => {
    const err = await provider.listRooms().catch((e: unknown) => e);
    expect(isAppError(err, 'permission_denied')).toBe(true);
    expect((err as Error).message).toMatch(/administrator/);
    expect((err as { details: Record<string, unknown> }).details.missingScope).toBe('Place.Read.All');
  });

  it('refuses to follow a link to another host (the token stays on Graph)', async () => {
    const err = await graph.call({ method: 'GET', path: 'https://attacker.example/v1.0/me' }).catch((e: unknown) => e);
    expect(isAppError(err, 'provider_error')).toBe(true);
  });
});
