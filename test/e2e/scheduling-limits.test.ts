// Probe hole 4 (issue 17): requests that fan out to the provider are capped with stated limits — 422
// `limit_exceeded` with { limit, max, got } and the limit in the message, refused before any provider call — and
// the largest request inside the limits stays a handful of getSchedule calls. Against the Microsoft 365 emulator,
// calls counted in its request log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULING_LIMITS as LIMITS } from '../../src/domain/scheduling/limits.js';
import { mondayAfter, startSchedulingE2E, type Caller, type SchedulingE2E } from './scheduling-harness.js';

let h: SchedulingE2E;
let adele: Caller;
let day: string;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const DAY = 86_400_000;

beforeAll(async () => {
  h = await startSchedulingE2E();
  adele = await h.connect('adele.vance@contoso.com');
  day = mondayAfter(h.t.emu.clock.now(), 2);
}, 120_000);
afterAll(async () => h?.close());

const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
  const r = await h.app.inject({ method, url, headers: adele.auth, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: (r.body ? r.json() : null) as Json };
};
const providerCalls = () => h.t.emu.requestLog.list({}).filter((r) => r.url.startsWith('/v1.0/')).length;
const getSchedules = () => h.t.emu.requestLog.list({}).filter((r) => r.url.endsWith('/getSchedule')).length;
const at = (offsetDays: number) => new Date(Date.parse(`${day}T15:00:00Z`) + offsetDays * DAY).toISOString();
const people = (n: number) => Array.from({ length: n }, (_, i) => `guest${i}@fabrikam.example`);

function expectLimit(r: { status: number; body: Json }, limit: string, max: number, got: number) {
  expect(r.status).toBe(422);
  expect(r.body.error.code).toBe('limit_exceeded');
  expect(r.body.error.details).toEqual({ limit, max, got });
  expect(r.body.error.message).toContain(`at most ${max}`);
}

describe('proposals', () => {
  it('refuses a meeting spanning years before any provider call (the probe: ~12,000 getSchedule calls)', async () => {
    h.t.emu.requestLog.reset();
    const r = await call('POST', '/api/calendar/events', {
      subject: 'Forever',
      start: at(0),
      end: at(3 * 365),
      attendees: people(40).map((email) => ({ email })),
    });
    expectLimit(r, 'meeting.days', LIMITS.meetingDays, 3 * 365);
    expect(providerCalls()).toBe(0);
  });

  it(`refuses more than ${LIMITS.meetingAttendees} attendees, also from a customer's stakeholders`, async () => {
    h.t.emu.requestLog.reset();
    const many = people(LIMITS.meetingAttendees + 1).map((email) => ({ email }));
    const r = await call('POST', '/api/calendar/events', {
      subject: 'Town hall',
      start: at(0),
      end: at(0.04),
      attendees: many,
    });
    expectLimit(r, 'meeting.attendees', LIMITS.meetingAttendees, LIMITS.meetingAttendees + 1);
    const customer = await call('POST', '/api/customers', {
      name: 'Fabrikam',
      domains: ['fabrikam.example'],
      stakeholders: many.slice(0, 500),
    });
    expect(customer.status).toBe(201);
    expect((await call('POST', `/api/customers/${customer.body.id}/stakeholders`, many[500]!)).status).toBe(201);
    const s = await call('POST', `/api/customers/${customer.body.id}/schedule`, {
      templateKey: 'check-in',
      start: at(0),
    });
    expectLimit(s, 'meeting.attendees', LIMITS.meetingAttendees, 501);
    expect(getSchedules()).toBe(0);
  });

  it('still proposes a multi-day meeting with many attendees, in 5 getSchedule calls', async () => {
    h.t.emu.requestLog.reset();
    const r = await call('POST', '/api/calendar/events', {
      subject: 'Offsite',
      start: at(0),
      end: at(LIMITS.meetingDays - 1),
      attendees: people(100).map((email) => ({ email })),
    });
    expect(r.status).toBe(201);
    expect(getSchedules()).toBe(5); // 100 people, 20 per getSchedule, one chunk of time
  });
});

describe('availability and suggestions', () => {
  it(`answers availability over ${LIMITS.availabilityDays} days or for too many people with 422`, async () => {
    h.t.emu.requestLog.reset();
    const q = new URLSearchParams({ start: at(0), end: at(LIMITS.availabilityDays + 1) });
    expectLimit(
      await call('GET', `/api/calendar/availability?${q.toString()}`),
      'availability.days',
      LIMITS.availabilityDays,
      LIMITS.availabilityDays + 1,
    );
    const crowd = new URLSearchParams({ start: at(0), end: at(1) });
    for (const p of people(LIMITS.availabilityAttendees + 1)) crowd.append('attendees', p);
    expectLimit(
      await call('GET', `/api/outlook/calendar/availability?${crowd.toString()}`),
      'availability.attendees',
      LIMITS.availabilityAttendees,
      LIMITS.availabilityAttendees + 1,
    );
    expect(providerCalls()).toBe(0);
  });

  it('serves the largest availability request inside the limits in 12 getSchedule calls', async () => {
    h.t.emu.requestLog.reset();
    const q = new URLSearchParams({ start: at(0), end: at(LIMITS.availabilityDays), granularity: '60' });
    for (const p of people(LIMITS.availabilityAttendees)) q.append('attendees', p);
    const r = await call('GET', `/api/calendar/availability?${q.toString()}`);
    expect(r.status).toBe(200);
    expect(r.body.schedules).toHaveLength(LIMITS.availabilityAttendees + 1);
    expect(getSchedules()).toBe(6 * 2); // 101 schedules in 6 groups of ≤ 20, 62 days in 2 chunks
  });

  it(`refuses a suggestion window longer than ${LIMITS.suggestionWindowDays} days`, async () => {
    h.t.emu.requestLog.reset();
    const r = await call('POST', '/api/calendar/findmeetingtimes', {
      attendees: [{ email: 'megan.bowen@contoso.com' }],
      window: { start: at(0), end: at(365) },
      durationMinutes: 30,
    });
    expectLimit(r, 'suggestions.window_days', LIMITS.suggestionWindowDays, 365);
    expect(providerCalls()).toBe(0);
  });
});
