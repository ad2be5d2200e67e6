// Recurring meetings, the write fields and RSVP through the REST API, against the Microsoft and the Google emulator
// over HTTP: a series is proposed and approved, synced, one occurrence moved, the series renamed, one occurrence
// cancelled; the invitee answers one occurrence and then the series; bad rules and wrong scopes answer stable codes.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followGoogleAuthorize, startGoogleApp, type GoogleTestApp } from '../support/google.js';
import { startSchedulingE2E, type SchedulingE2E } from './scheduling-harness.js';

interface Auth {
  authorization: string;
  /** The calbridge user the key belongs to. */
  userId: string;
}
interface Side {
  app: FastifyInstance;
  organizer: Auth;
  invitee: Auth;
  inviteeEmail: string;
  approver: Auth;
  /** Runs the calendar sync of the organizer and the invitee. */
  sync(): Promise<void>;
  close(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const ORGANIZER = 'adele.vance@contoso.com';
const INVITEE = 'megan.bowen@contoso.com';
const APPROVER = 'lynne.robbins@contoso.com';
const DAY = 86_400_000;

async function microsoftSide(): Promise<Side> {
  const h: SchedulingE2E = await startSchedulingE2E();
  const organizer = await h.connect(ORGANIZER);
  const invitee = await h.connect(INVITEE);
  const approver = await h.user(APPROVER, 'approver');
  return {
    app: h.app,
    organizer: { ...organizer.auth, userId: organizer.userId },
    invitee: { ...invitee.auth, userId: invitee.userId },
    inviteeEmail: INVITEE,
    approver: { ...approver.auth, userId: approver.userId },
    sync: async () => {
      await h.runtime.sync.sync.syncUser(h.tenantId, organizer.userId);
      await h.runtime.sync.sync.syncUser(h.tenantId, invitee.userId);
    },
    close: () => h.close(),
  };
}

async function googleSide(): Promise<Side> {
  const h: GoogleTestApp = await startGoogleApp({ minimalSeed: true, accessTokenSeconds: 3600 });
  const tenant = await h.container.tenants.createTenant({
    name: 'Contoso (Google)',
    calendarProvider: 'GOOGLE',
    settings: { ownDomains: ['contoso.com'] },
  });
  const user = async (email: string, role?: 'approver') => {
    const k = await h.container.tenants.createApiKey(tenant.id, email, role ? { role } : {});
    return { userId: k.userId, auth: { authorization: `Bearer ${k.apiKey}` } };
  };
  const connect = async (email: string) => {
    const u = await user(email);
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/integrations/google/connect',
      headers: u.auth,
      payload: { loginHint: email },
    });
    const q = await followGoogleAuthorize(h.t.agent, (res.json() as { authorizeUrl: string }).authorizeUrl);
    const cb = await h.app.inject({ method: 'GET', url: `/api/integrations/google/callback?${q.toString()}` });
    expect(cb.statusCode).toBe(302);
    return u;
  };
  const organizer = await connect(ORGANIZER);
  const invitee = await connect(INVITEE);
  const approver = await user(APPROVER, 'approver');
  return {
    app: h.app,
    organizer: { ...organizer.auth, userId: organizer.userId },
    invitee: { ...invitee.auth, userId: invitee.userId },
    inviteeEmail: INVITEE,
    approver: { ...approver.auth, userId: approver.userId },
    sync: async () => {
      await h.runtime.sync.sync.syncUser(tenant.id, organizer.userId);
      await h.runtime.sync.sync.syncUser(tenant.id, invitee.userId);
    },
    close: () => h.close(),
  };
}

for (const [name, start] of [
  ['Microsoft', microsoftSide],
  ['Google', googleSide],
] as const) {
  describe(`recurring meetings, write fields and RSVP through the API (${name} emulator)`, () => {
    let s: Side;
    const call = async (
      who: Auth,
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      url: string,
      payload?: object,
    ) => {
      const headers = { authorization: who.authorization };
      const res = await s.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
      return { status: res.statusCode, body: (res.body ? res.json() : null) as Json };
    };
    /** A change answered 202 (a proposal) is approved by the approver; 200/204 applied directly. */
    const applied = async (res: { status: number; body: Json }) => {
      if (res.status === 202) {
        const a = await call(s.approver, 'POST', `/api/proposals/${res.body.proposal.id}/approve`);
        expect(a.status, JSON.stringify(a.body)).toBe(200);
        return;
      }
      expect([200, 204], JSON.stringify(res.body)).toContain(res.status);
    };
    // A Tuesday three weeks ahead, 09:00 UTC (10:00 or 11:00 in Berlin).
    const first = (() => {
      const d = new Date(Date.now() + 21 * DAY);
      d.setUTCHours(9, 0, 0, 0);
      while (d.getUTCDay() !== 2) d.setTime(d.getTime() + DAY);
      return d.getTime();
    })();
    const iso = (ms: number) => new Date(ms).toISOString();
    const window = `start=${encodeURIComponent(iso(first - DAY))}&end=${encodeURIComponent(iso(first + 20 * DAY))}`;
    const subject = `Weekly QBR prep ${name} ${Date.now()}`;
    // The series in the caller's own calendar (a colleague's calendar shared with them holds a copy too).
    const listed = async (who: Auth, subj = subject): Promise<Json[]> => {
      const items = (await call(who, 'GET', `/api/calendar/events?${window}&limit=100&copies=all`)).body
        .items as Json[];
      const own = items.find((e) => e.userId === who.userId && e.seriesMasterId && e.origin === 'provider');
      return items
        .filter((e) => e.userId === who.userId && e.calendarId === own?.calendarId)
        .filter((e) => e.subject === subj || e.subject.startsWith('Moved') || e.subject === 'Renamed series')
        .filter((e) => !e.isCancelled)
        .sort((a, b) => a.start.localeCompare(b.start));
    };

    beforeAll(async () => {
      s = await start();
    }, 120_000);
    afterAll(async () => s?.close());

    it('refuses a rule the providers cannot agree on with 422 invalid_recurrence and its reason', async () => {
      const bad = await call(s.organizer, 'POST', '/api/calendar/events', {
        subject: 'Bad series',
        start: iso(first),
        end: iso(first + 1_800_000),
        timeZone: 'Europe/Berlin',
        attendees: [],
        recurrence: { frequency: 'weekly', daysOfWeek: ['monday'], count: 3 },
      });
      expect(bad.status).toBe(422);
      expect(bad.body.error).toMatchObject({ code: 'invalid_recurrence', details: { reason: 'start_not_in_pattern' } });
      const both = await call(s.organizer, 'POST', '/api/calendar/events', {
        subject: 'Bad series',
        start: iso(first),
        end: iso(first + 1_800_000),
        attendees: [],
        recurrence: { frequency: 'daily', count: 3, until: iso(first + 5 * DAY).slice(0, 10) },
      });
      expect(both.body.error).toMatchObject({ code: 'invalid_recurrence', details: { reason: 'end_date_and_count' } });
    });

    it('creates a weekly series with location, show-as, categories, sensitivity and reminder', async () => {
      const p = await call(s.organizer, 'POST', '/api/calendar/events', {
        subject,
        start: iso(first),
        end: iso(first + 1_800_000),
        timeZone: 'Europe/Berlin',
        attendees: [{ email: s.inviteeEmail }],
        location: 'Café Central, Herrengasse 14',
        showAs: 'tentative',
        categories: ['Customer'],
        sensitivity: 'private',
        reminderMinutes: 10,
        recurrence: { frequency: 'weekly', count: 3 },
      });
      expect(p.status, JSON.stringify(p.body)).toBe(201);
      const approved = await call(s.approver, 'POST', `/api/proposals/${p.body.id}/approve`);
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      await s.sync();
      const occ = await listed(s.organizer);
      expect(occ.map((o) => (Date.parse(o.start) - first) / DAY)).toEqual([0, 7, 14]);
      for (const o of occ) {
        expect(o).toMatchObject({ showAs: 'tentative', sensitivity: 'private', categories: ['Customer'] });
        expect(o.location.displayName).toBe('Café Central, Herrengasse 14');
        expect(o.seriesMasterId).toBeTruthy();
      }
    });

    it('moves one occurrence; the others keep the series time', async () => {
      const [, second] = await listed(s.organizer);
      const moved = { start: iso(Date.parse(second.start) + 3_600_000), end: iso(Date.parse(second.end) + 3_600_000) };
      await applied(
        await call(s.organizer, 'PUT', `/api/calendar/events/${second.id}`, { subject: 'Moved', ...moved }),
      );
      await s.sync();
      const occ = await listed(s.organizer);
      expect(occ.map((o) => [o.subject, o.start])).toEqual([
        [subject, iso(first)],
        ['Moved', moved.start],
        [subject, iso(first + 14 * DAY)],
      ]);
    });

    it('renames the whole series through an occurrence with scope series; a single meeting has none', async () => {
      const [firstOcc] = await listed(s.organizer);
      await applied(
        await call(s.organizer, 'PUT', `/api/calendar/events/${firstOcc.id}`, {
          scope: 'series',
          subject: 'Renamed series',
          showAs: 'busy',
        }),
      );
      await s.sync();
      const occ = await listed(s.organizer);
      expect(occ).toHaveLength(3);
      expect([occ[0].subject, occ[2].subject]).toEqual(['Renamed series', 'Renamed series']);
      expect(occ[0].showAs).toBe('busy');
      const single = await call(s.organizer, 'POST', '/api/calendar/events', {
        subject: `One-off ${name}`,
        start: iso(first + 2 * DAY),
        end: iso(first + 2 * DAY + 1_800_000),
        attendees: [],
      });
      await call(s.approver, 'POST', `/api/proposals/${single.body.id}/approve`);
      await s.sync();
      const oneOff = (await call(s.organizer, 'GET', `/api/calendar/events?${window}&limit=100`)).body.items.find(
        (e: Json) => e.subject === `One-off ${name}`,
      );
      const wrong = await call(s.organizer, 'PUT', `/api/calendar/events/${oneOff.id}`, {
        scope: 'series',
        subject: 'x',
      });
      expect(wrong.status).toBe(422);
      expect(wrong.body.error.code).toBe('not_a_series');
      const noScope = await call(s.organizer, 'PUT', `/api/calendar/events/${firstOcc.id}`, {
        recurrence: { frequency: 'weekly', count: 2 },
      });
      expect(noScope.body.error.code).toBe('not_a_series');
    });

    it('the invitee accepts the series, then answers one occurrence tentatively; the organizer cannot answer their own', async () => {
      const theirs = await listed(s.invitee);
      expect(theirs.length).toBeGreaterThanOrEqual(2);
      const series = await call(s.invitee, 'POST', `/api/calendar/events/${theirs[theirs.length - 1].id}/rsvp`, {
        response: 'accepted',
        scope: 'series',
        sendResponse: true,
      });
      expect(series.status, JSON.stringify(series.body)).toBe(200);
      const one = await call(s.invitee, 'POST', `/api/calendar/events/${theirs[0].id}/rsvp`, {
        response: 'tentative',
        comment: 'Travelling that week',
      });
      expect(one.status, JSON.stringify(one.body)).toBe(200);
      expect(one.body).toMatchObject({ status: 'responded', response: 'tentative' });
      await s.sync();
      const answers = (await listed(s.organizer)).map(
        (o) => o.attendees.find((a: Json) => a.email === s.inviteeEmail)?.response,
      );
      expect(answers[0]).toBe('tentative');
      expect(answers[answers.length - 1]).toBe('accepted');
      const [mine] = await listed(s.organizer);
      const own = await call(s.organizer, 'POST', `/api/calendar/events/${mine.id}/rsvp`, { response: 'accepted' });
      expect(own.status).toBe(409);
      expect(own.body.error.code).toBe('organizer_cannot_respond');
      const bad = await call(s.invitee, 'POST', `/api/calendar/events/${theirs[0].id}/rsvp`, { response: 'maybe' });
      expect(bad.status).toBe(400);
    });

    it('a proposal from a customer page carries a series: shown in words, moved with its start, approved into a series', async () => {
      const customer = await call(s.organizer, 'POST', '/api/customers', {
        name: `Globex ${name}`,
        domains: [`globex-${name.toLowerCase()}.com`],
        stakeholders: [{ email: `hank.scorpio@globex-${name.toLowerCase()}.com`, name: 'Hank Scorpio' }],
      });
      expect(customer.status, JSON.stringify(customer.body)).toBe(201);
      const url = `/api/customers/${customer.body.id}/schedule`;
      const tuesday = first + 28 * DAY; // a Tuesday, 09:00 UTC, past the series above
      const qbr = `Globex QBR series ${name} ${Date.now()}`;
      const body = { subject: qbr, start: iso(tuesday), durationMinutes: 30, timeZone: 'Europe/Berlin' };
      // the events API's rules and codes: a start off the pattern, an unknown frequency
      const off = await call(s.organizer, 'POST', url, {
        ...body,
        recurrence: { frequency: 'weekly', daysOfWeek: ['monday'], count: 6 },
      });
      expect(off.status).toBe(422);
      expect(off.body.error).toMatchObject({ code: 'invalid_recurrence', details: { reason: 'start_not_in_pattern' } });
      const yearly = await call(s.organizer, 'POST', url, { ...body, recurrence: { frequency: 'yearly' } });
      expect(yearly.status).toBe(400);

      const p = await call(s.organizer, 'POST', url, { ...body, recurrence: { frequency: 'weekly', count: 6 } });
      expect(p.status, JSON.stringify(p.body)).toBe(201);
      expect(p.body.recurrence).toEqual({
        frequency: 'weekly',
        interval: 1,
        daysOfWeek: ['tuesday'],
        count: 6,
        summary: 'Every Tuesday, 6 times',
      });
      const mine = await call(s.organizer, 'GET', '/api/proposals?status=pending&mine=true');
      expect(mine.body.items.find((x: Json) => x.id === p.body.id)?.recurrence?.summary).toBe('Every Tuesday, 6 times');
      // a single meeting shows no series
      expect(mine.body.items.filter((x: Json) => x.id !== p.body.id).every((x: Json) => x.recurrence === null)).toBe(
        true,
      );
      // moved a day before approval: the series follows its first meeting
      const wednesday = tuesday + DAY;
      const moved = await call(s.organizer, 'PATCH', `/api/proposals/${p.body.id}`, { start: iso(wednesday) });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(moved.body.recurrence).toMatchObject({ daysOfWeek: ['wednesday'], summary: 'Every Wednesday, 6 times' });

      const approved = await call(s.approver, 'POST', `/api/proposals/${p.body.id}/approve`);
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect(approved.body.recurrence.summary).toBe('Every Wednesday, 6 times');
      await s.sync();
      const range = `start=${encodeURIComponent(iso(tuesday - DAY))}&end=${encodeURIComponent(iso(tuesday + 60 * DAY))}`;
      const items = (await call(s.organizer, 'GET', `/api/calendar/events?${range}&limit=200`)).body.items as Json[];
      const occ = items
        .filter((e) => e.userId === s.organizer.userId && e.subject === qbr && !e.isCancelled && e.seriesMasterId)
        .sort((a, b) => a.start.localeCompare(b.start));
      expect(occ.map((o) => (Date.parse(o.start) - wednesday) / DAY)).toEqual([0, 7, 14, 21, 28, 35]);
      expect(new Set(occ.map((o) => o.seriesMasterId)).size).toBe(1);
    });

    it('cancels one occurrence; the series goes on without it', async () => {
      const before = await listed(s.organizer);
      await applied(await call(s.organizer, 'DELETE', `/api/calendar/events/${before[2].id}`));
      await s.sync();
      const after = await listed(s.organizer);
      expect(after.map((o) => o.start)).toEqual([before[0].start, before[1].start]);
    });
  });
}
