// Google users get what Outlook users get, through the HTTP API against the Google emulator: working hours (kept by
// calbridge, defaulted from the Google Calendar time zone) in availability, and prep briefs by mail through Gmail,
// exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionApi } from '../support/connection-app.js';
import { followGoogleAuthorize, startGoogleApp, type GoogleTestApp } from '../support/google.js';

const LOGIN = 'lynne.robbins@contoso.com'; // Europe/Berlin in the emulator's seed
let h: GoogleTestApp;
const api = connectionApi('google');
let auth: { authorization: string };

const call = async (method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: object) => {
  const res = await h.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, json: res.json() as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

beforeAll(async () => {
  h = await startGoogleApp({ minimalSeed: true, accessTokenSeconds: 3600 });
  await api.signUp(h, { name: 'Contoso (Google)', calendarProvider: 'GOOGLE' }, LOGIN);
  const { apiKey } = await h.container.tenants.createApiKey(api.tenantId, LOGIN);
  auth = { authorization: `Bearer ${apiKey}` };
  const q = await followGoogleAuthorize(h.t.agent, (await api.connectUrl(LOGIN)).toString());
  expect((await api.callback(q)).statusCode).toBe(302);
});
afterAll(async () => h?.close());

describe('working hours of a Google user', () => {
  // Monday 2 March 2026, in winter time (Berlin UTC+1).
  const day = { start: '2026-03-02T00:00:00Z', end: '2026-03-03T00:00:00Z' };
  const organizerCells = async () => {
    const r = await call(
      'GET',
      `/api/calendar/availability?start=${day.start}&end=${day.end}&granularity=60&timeZone=UTC`,
    );
    expect(r.status).toBe(200);
    const row = (r.json.grid.rows as Array<{ email: string; cells: Array<{ inWorkingHours: boolean | null }> }>).find(
      (x) => x.email === LOGIN,
    )!;
    return row.cells
      .map((c, hour) => [hour, c.inWorkingHours] as const)
      .filter(([, w]) => w)
      .map(([hr]) => hr);
  };

  it('default to Monday–Friday 09:00–17:00 in the Google Calendar time zone, and the scheduler grid shows them', async () => {
    const r = await call('GET', '/api/calendar/working-hours');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      workingHours: {
        daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
        startTime: '09:00:00',
        endTime: '17:00:00',
        timeZone: 'Europe/Berlin',
      },
      source: 'default',
      editable: true,
      updatedAt: null,
    });
    // 09:00–17:00 Berlin is 08:00–16:00 UTC.
    expect(await organizerCells()).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it('are set per user, used by availability and findmeetingtimes, and forgotten again', async () => {
    const put = await call('PUT', '/api/calendar/working-hours', {
      daysOfWeek: ['monday', 'monday'],
      startTime: '14:00',
      endTime: '16:30',
      timeZone: 'Europe/Berlin',
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({
      workingHours: { daysOfWeek: ['monday'], startTime: '14:00:00', endTime: '16:30:00', timeZone: 'Europe/Berlin' },
      source: 'calbridge',
      editable: true,
    });
    expect(await organizerCells()).toEqual([13, 14]);
    const found = await call('POST', '/api/calendar/findmeetingtimes', {
      attendees: [],
      window: { start: '2031-03-03T00:00:00Z', end: '2031-03-08T00:00:00Z' },
      durationMinutes: 60,
      timeZone: 'UTC',
    });
    expect(found.status).toBe(200);
    const starts = (found.json.suggestions as Array<{ start: string }>).map((s) => s.start);
    expect(starts.length).toBeGreaterThan(0);
    // Monday 14:00–16:30 Berlin is 13:00–15:30 UTC: every hour-long suggestion starts between 13:00 and 14:30 UTC.
    for (const s of starts) {
      expect(Date.parse(s)).toBeGreaterThanOrEqual(Date.parse('2031-03-03T13:00:00Z'));
      expect(Date.parse(s)).toBeLessThanOrEqual(Date.parse('2031-03-03T14:30:00Z'));
    }
    expect((await call('DELETE', '/api/calendar/working-hours')).json).toMatchObject({ source: 'default' });
  });

  it('refuses bad hours with 400 and a stable code', async () => {
    for (const body of [
      { daysOfWeek: ['funday'], startTime: '09:00', endTime: '17:00', timeZone: 'Europe/Berlin' },
      { daysOfWeek: ['monday'], startTime: '9am', endTime: '17:00', timeZone: 'Europe/Berlin' },
      { daysOfWeek: ['monday'], startTime: '09:00', endTime: '09:00', timeZone: 'Europe/Berlin' },
      { daysOfWeek: ['monday'], startTime: '09:00', endTime: '17:00', timeZone: 'Mars/Olympus' },
    ]) {
      const r = await call('PUT', '/api/calendar/working-hours', body);
      expect(r.status).toBe(400);
      expect(['validation_failed', 'bad_request']).toContain(r.json.error.code);
    }
  });
});

describe('prep briefs of a Google user', () => {
  it('are sent as mail through Gmail from the user’s mailbox, exactly once', async () => {
    await h.container.tenants.updateSettings(
      {
        tenantId: api.tenantId,
        userId: (await h.container.tenants.authenticate(auth.authorization)).userId,
        apiKeyId: null,
        sessionId: null,
        role: 'admin',
      },
      { ownDomains: ['contoso.com'], prepBriefMinutesBefore: 30 },
    );
    const customer = await call('POST', '/api/customers', {
      name: 'Acme',
      domains: ['acmecorp.com'],
      stakeholders: [{ email: 'wile.coyote@acmecorp.com', name: 'Wile', role: 'CEO' }],
    });
    expect(customer.status).toBe(201);
    const p = await api.provider(h, 'GOOGLE');
    const start = Math.ceil((Date.now() + 20 * 60_000) / 60_000) * 60_000;
    await p.createEvent({
      event: {
        subject: 'Acme QBR',
        start: new Date(start).toISOString(),
        end: new Date(start + 1_800_000).toISOString(),
        timeZone: 'UTC',
        attendees: [{ email: 'wile.coyote@acmecorp.com', type: 'required' }],
      },
    });
    const me = await h.container.tenants.authenticate(auth.authorization);
    await h.runtime.sync.sync.syncUser(api.tenantId, me.userId);
    const before = h.t.emu.outbox.sent.length;
    await h.runtime.jobs.tick();
    await h.runtime.jobs.tick();
    const sent = h.t.emu.outbox.sent.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      from: LOGIN,
      to: [LOGIN],
      subject: expect.stringContaining('Acme QBR') as unknown,
    });
    expect(sent[0]!.text).toContain('Wile Coyote <wile.coyote@acmecorp.com> — CEO');
    expect(sent[0]!.html).toContain('Acme');
    const [delivery] = await h.runtime.detection.outbox.deliveries(api.tenantId);
    expect(delivery).toMatchObject({ kind: 'brief_email' });
  });
});
