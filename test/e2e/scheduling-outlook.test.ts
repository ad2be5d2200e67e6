// Scheduling end to end against the Microsoft 365 emulator: availability with working hours in several zones and an
// external attendee (unknown), Graph findMeetingTimes, rooms, proposals with Teams and a room approved twice (one
// event, one invitation each), rejection, expiry, events API over the synced table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mondayAfter, startSchedulingE2E, type Caller, type SchedulingE2E } from './scheduling-harness.js';

let h: SchedulingE2E;
let adele: Caller;
let megan: Caller;
let day: string;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EXTERNAL = 'wile.coyote@acmecorp.com';
const ROOM = 'rainier@contoso.com';

beforeAll(async () => {
  h = await startSchedulingE2E({ onlineMeetingByDefault: true });
  adele = await h.connect('adele.vance@contoso.com');
  // Megan approves Adele's proposals: the default approval policy names users whose role includes approver.
  megan = await h.connect('megan.bowen@contoso.com', 'approver');
  day = mondayAfter(h.t.emu.clock.now(), 3);
}, 120_000);
afterAll(async () => h?.close());

const call = async (who: Caller, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) => {
  const r = await h.app.inject({ method, url, headers: who.auth, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: (r.body ? r.json() : null) as Json };
};

describe('availability against Graph getSchedule', () => {
  it('returns people in their own zones, the room, and the external attendee as unknown', async () => {
    const q = new URLSearchParams({
      start: `${day}T00:00:00Z`,
      end: `${day}T23:59:00Z`,
      granularity: '60',
      timeZone: 'Europe/Berlin',
    });
    for (const a of ['megan.bowen@contoso.com', 'lynne.robbins@contoso.com', EXTERNAL]) q.append('attendees', a);
    q.append('rooms', ROOM);
    const r = await call(adele, 'GET', `/api/outlook/calendar/availability?${q.toString()}`);
    expect(r.status).toBe(200);
    const byEmail = new Map<string, Json>(r.body.schedules.map((s: Json) => [s.email, s]));
    expect(byEmail.get('adele.vance@contoso.com')!.workingHours.timeZone).toBe('America/Los_Angeles');
    expect(byEmail.get('megan.bowen@contoso.com')!.workingHours.timeZone).toBe('America/New_York');
    expect(byEmail.get('lynne.robbins@contoso.com')!.workingHours.timeZone).toBe('Europe/Berlin');
    expect(byEmail.get(EXTERNAL)).toMatchObject({ status: 'unknown' });
    expect(byEmail.get(ROOM)).toMatchObject({ status: 'ok', kind: 'room' });
    expect(r.body.completeness.text).toMatch(new RegExp(`^4 of 5 calendars current; ${EXTERNAL} unknown`));
    const ext = r.body.grid.rows.find((x: Json) => x.email === EXTERNAL);
    expect(ext.cells.every((c: Json) => c.status === 'unknown')).toBe(true);
    // Working-hours flags follow each person's zone: Lynne's day starts 9 hours before Adele's.
    const firstIn = (email: string) =>
      r.body.grid.rows.find((x: Json) => x.email === email).cells.findIndex((c: Json) => c.inWorkingHours);
    expect(firstIn('adele.vance@contoso.com') - firstIn('lynne.robbins@contoso.com')).toBe(9);
    expect(r.body.grid.slots[0].local).toBe(`${day}T01:00`);
  });
});

describe('suggested times through Graph findMeetingTimes', () => {
  it('suggests times inside both working days, with a free room', async () => {
    const r = await call(adele, 'POST', '/api/outlook/calendar/findmeetingtimes', {
      attendees: [{ email: 'megan.bowen@contoso.com' }],
      rooms: [ROOM],
      window: { start: `${day}T00:00:00Z`, end: `${day}T23:59:00Z` },
      durationMinutes: 30,
      maxCandidates: 5,
    });
    expect(r.status).toBe(200);
    expect(r.body.engine).toBe('provider');
    expect(r.body.suggestions.length).toBeGreaterThan(0);
    for (const s of r.body.suggestions) {
      // Adele works from 08:00 Los Angeles (15:00Z in PDT / 16:00Z in PST); Megan until 17:00 New York (21:00Z / 22:00Z).
      expect(Date.parse(s.start)).toBeGreaterThanOrEqual(Date.parse(`${day}T15:00:00Z`));
      expect(Date.parse(s.end)).toBeLessThanOrEqual(Date.parse(`${day}T22:00:00Z`));
    }
  });

  it('answers 422 unsatisfiable when working days in Los Angeles and Sydney never overlap', async () => {
    const r = await call(adele, 'POST', '/api/outlook/calendar/findmeetingtimes', {
      attendees: [{ email: 'diego.siciliani@contoso.com' }],
      window: { start: `${day}T00:00:00Z`, end: `${day}T12:00:00Z` },
      durationMinutes: 60,
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('unsatisfiable');
    expect(typeof r.body.error.details.reason).toBe('string');
  });

  it('lists rooms with building and capacity filters', async () => {
    const all = await call(adele, 'GET', '/api/outlook/calendar/rooms');
    expect(all.status).toBe(200);
    expect(all.body.items.map((x: Json) => x.email)).toContain(ROOM);
    const big = await call(adele, 'GET', '/api/outlook/calendar/rooms?minCapacity=10');
    expect(big.body.items.every((x: Json) => x.capacity >= 10)).toBe(true);
    expect(big.body.items.length).toBeLessThan(all.body.items.length);
    const b2 = await call(adele, 'GET', '/api/outlook/calendar/rooms?building=2');
    expect(b2.body.items.length).toBeGreaterThan(0);
    expect(b2.body.items.every((x: Json) => x.building === '2')).toBe(true);
  });
});

describe('proposals performed through Graph', () => {
  async function freeSlot(): Promise<{ start: string; end: string }> {
    const r = await call(adele, 'POST', '/api/outlook/calendar/findmeetingtimes', {
      attendees: [{ email: 'megan.bowen@contoso.com' }],
      rooms: [ROOM],
      window: { start: `${day}T00:00:00Z`, end: `${mondayAfter(Date.parse(`${day}T00:00:00Z`), 0)}T00:00:00Z` },
      durationMinutes: 30,
      maxCandidates: 1,
    });
    expect(r.status).toBe(200);
    return { start: r.body.suggestions[0].start, end: r.body.suggestions[0].end };
  }

  it('creates a Teams meeting with a room once, however often it is approved', async () => {
    const slot = await freeSlot();
    const subject = `Acme roadmap ${Date.now()}`;
    const p = await call(adele, 'POST', '/api/outlook/calendar/events', {
      subject,
      start: slot.start,
      end: slot.end,
      attendees: [{ email: 'megan.bowen@contoso.com' }, { email: EXTERNAL, name: 'Wile E. Coyote' }],
      room: ROOM,
    });
    expect(p.status).toBe(201);
    expect(p.body.preview.teams).toBe(true);
    const meganPreview = p.body.preview.attendees.find((a: Json) => a.email === 'megan.bowen@contoso.com');
    expect(meganPreview.timeZone).toBe('America/New_York');
    expect(meganPreview.localStart).toMatch(/ E[SD]T$/);
    expect(h.eventsIn('adele.vance@contoso.com', subject)).toHaveLength(0);
    const approvals = await Promise.all([
      call(megan, 'POST', `/api/proposals/${p.body.id}/approve`),
      call(megan, 'POST', `/api/proposals/${p.body.id}/approve`),
    ]);
    const retry = await call(megan, 'POST', `/api/proposals/${p.body.id}/approve`);
    for (const a of [...approvals, retry]) expect(a.status).toBe(200);
    expect(new Set([...approvals, retry].map((a) => a.body.result.providerEventId)).size).toBe(1);
    const own = h.eventsIn('adele.vance@contoso.com', subject);
    expect(own).toHaveLength(1);
    expect(own[0]!.isOnlineMeeting).toBe(true);
    expect(retry.body.result.joinUrl).toBe(own[0]!.joinUrl);
    expect(h.eventsIn('megan.bowen@contoso.com', subject)).toHaveLength(1);
    expect(h.eventsIn(ROOM, subject)).toHaveLength(1);
    // The emulator delivers the invitation to the customer's mailbox (another organisation) too: once.
    expect(h.eventsIn(EXTERNAL, subject)).toHaveLength(1);
    // The meeting is stored as calbridge's, linked outbound, so the sync engine sees no foreign change.
    const db = h.container.database.db;
    const m = await db
      .selectFrom('meetings')
      .selectAll()
      .where('id', '=', retry.body.result.meetingId)
      .executeTakeFirstOrThrow();
    expect(m).toMatchObject({ origin: 'calbridge', provider_event_id: retry.body.result.providerEventId });
    const link = await db
      .selectFrom('outlook_calendar_sync')
      .selectAll()
      .where('meeting_id', '=', m.id)
      .executeTakeFirstOrThrow();
    expect(link.sync_direction).toBe('outbound');
    expect(link.change_key).toBe(m.provider_change_key);
    const listed = await call(adele, 'GET', `/api/outlook/calendar/events?start=${slot.start}&end=${slot.end}`);
    expect(listed.body.items.map((x: Json) => x.id)).toContain(m.id);
  });

  it('rejects a proposal: nothing is created', async () => {
    const subject = `Rejected ${Date.now()}`;
    const p = await call(adele, 'POST', '/api/outlook/calendar/events', {
      subject,
      start: `${day}T18:00:00Z`,
      end: `${day}T18:30:00Z`,
      attendees: [{ email: EXTERNAL }],
    });
    expect((await call(megan, 'POST', `/api/proposals/${p.body.id}/reject`)).body.status).toBe('rejected');
    expect((await call(megan, 'POST', `/api/proposals/${p.body.id}/approve`)).body.error.code).toBe(
      'proposal_not_pending',
    );
    expect(h.eventsIn('adele.vance@contoso.com', subject)).toHaveLength(0);
  });

  it('an expired proposal cannot be approved', async () => {
    const subject = `Expired ${Date.now()}`;
    const p = await call(adele, 'POST', '/api/outlook/calendar/events', {
      subject,
      start: `${day}T19:00:00Z`,
      end: `${day}T19:30:00Z`,
      attendees: [{ email: EXTERNAL }],
    });
    h.clock.offsetMs = 73 * 3_600_000;
    try {
      const a = await call(megan, 'POST', `/api/proposals/${p.body.id}/approve`);
      expect(a.status).toBe(409);
      expect(a.body.error.code).toBe('proposal_expired');
    } finally {
      h.clock.offsetMs = 0;
    }
    expect(h.eventsIn('adele.vance@contoso.com', subject)).toHaveLength(0);
  });

  it('a room booked by someone else after the proposal answers 422 room_unavailable', async () => {
    const slot = await freeSlot();
    const subject = `Room race ${Date.now()}`;
    const p = await call(adele, 'POST', '/api/outlook/calendar/events', {
      subject,
      start: slot.start,
      end: slot.end,
      attendees: [{ email: 'megan.bowen@contoso.com' }],
      room: ROOM,
    });
    const grab = await call(megan, 'POST', '/api/outlook/calendar/events', {
      subject: `Grab ${subject}`,
      start: slot.start,
      end: slot.end,
      attendees: [{ email: 'alex.wilber@contoso.com' }],
      room: ROOM,
    });
    expect((await call(adele, 'POST', `/api/proposals/${grab.body.id}/approve`)).status).toBe(200);
    const a = await call(megan, 'POST', `/api/proposals/${p.body.id}/approve`);
    expect(a.status).toBe(422);
    expect(a.body.error.code).toBe('room_unavailable');
    expect(h.eventsIn('adele.vance@contoso.com', subject)).toHaveLength(0);
  });
});
