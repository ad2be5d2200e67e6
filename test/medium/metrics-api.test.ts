// Meeting metrics and the engagement score through the API on a small hand-computed fixture; incremental == full.
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFixture, type Fixture, type TestTenant } from './detection-fixture.js';

let f: Fixture;
let t: TestTenant;

beforeAll(async () => {
  f = await createFixture({ now: new Date('2026-03-02T12:00:00Z') });
});
beforeEach(async () => {
  f.clock.now = new Date('2026-03-02T12:00:00Z');
  t = await f.newTenant({ ownDomains: ['own.example'] });
});
afterAll(async () => {
  await f.close();
});

async function customer(body: Record<string, unknown>): Promise<string> {
  const r = await f.app.inject({ method: 'POST', url: '/api/customers', headers: t.auth, payload: body });
  expect(r.statusCode, r.body).toBe(201);
  return (r.json() as { id: string }).id;
}

async function seed(seeds: Array<Parameters<TestTenant['meeting']>[0]>): Promise<string[]> {
  const ids: string[] = [];
  for (const s of seeds) ids.push(await t.meeting(s));
  await f.runtime.detection.detectMeetings(t.tenantId, ids);
  return ids;
}

const get = async (url: string) => {
  const r = await f.app.inject({ url, headers: t.auth });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as Record<string, unknown>;
};

describe('metrics through the API', () => {
  it('match hand-computed windows, trend and score on a small fixture (a meeting on two calendars counts once)', async () => {
    const acme = await customer({
      name: 'Acme',
      domains: ['acmecorp.com'],
      stakeholders: [
        { email: 'ceo@acmecorp.com', role: 'CEO' },
        { email: 'ann@acmecorp.com', role: 'Engineer' },
      ],
    });
    const mate = await t.colleague();
    await seed([
      { start: '2026-02-25T10:00:00Z', attendees: ['ceo@acmecorp.com', 'ann@acmecorp.com'], iCalUId: 'uid-1' },
      {
        start: '2026-02-25T10:00:00Z',
        attendees: ['ceo@acmecorp.com', 'ann@acmecorp.com'],
        iCalUId: 'uid-1',
        userId: mate.userId,
        ownResponse: 'accepted',
      },
      {
        start: '2026-02-10T10:00:00Z',
        attendees: [{ email: 'ann@acmecorp.com', response: 'declined' }, 'bob@acmecorp.com'],
      },
      { start: '2026-01-20T10:00:00Z', attendees: ['ann@acmecorp.com'], isCancelled: true },
      { start: '2026-01-15T10:00:00Z', end: '2026-01-15T10:30:00Z', attendees: ['bob@acmecorp.com'] },
      { start: '2026-03-04T10:00:00Z', attendees: ['ceo@acmecorp.com'] },
    ]);
    const m = await get(`/api/customers/${acme}/metrics`);
    const [w30, w90] = m.windows as Array<Record<string, unknown>>;
    expect(w30).toMatchObject({
      days: 30,
      meetings: 2,
      totalMinutes: 120,
      averageMinutes: 60,
      medianDaysBetween: 15,
      invitedCustomerAttendees: 4,
      acceptedCustomerAttendees: 3,
      attendanceRate: 0.75,
      stakeholdersMet: 2,
      executivesMet: 1,
      executiveMeetings: 1,
      previousMeetings: 1,
      change: 1,
      changeRatio: 1,
    });
    expect(w90).toMatchObject({
      days: 90,
      meetings: 3,
      totalMinutes: 150,
      cancelled: 1,
      invitedCustomerAttendees: 5,
      acceptedCustomerAttendees: 4,
    });
    expect(m.trend).toBe('up');
    expect(m.nextMeeting).toMatchObject({ start: '2026-03-04T10:00:00.000Z' });
    const weekly = m.weekly as Array<{ weekStart: string; meetings: number }>;
    expect(weekly).toHaveLength(52);
    expect(weekly.filter((w) => w.meetings > 0).map((w) => [w.weekStart, w.meetings])).toEqual([
      ['2026-01-12', 1],
      ['2026-02-09', 1],
      ['2026-02-23', 1],
    ]);
    // recency 25 + frequency 3/6·20 = 10 + breadth 2/4·15 = 7.5 + executive 10 + attendance 4/5·10 = 8
    // + trend (0.5 + 0.5·1/2)·10 = 7.5 + upcoming 10 = 78.
    const h = await get(`/api/customers/${acme}/health-signals`);
    expect(h.score).toBe(78);
    const contributions = Object.fromEntries(
      (h.factors as Array<{ name: string; contribution: number }>).map((x) => [x.name, x.contribution]),
    );
    expect(contributions).toEqual({
      recency: 25,
      frequency: 10,
      breadth: 7.5,
      executive: 10,
      attendance: 8,
      trend: 7.5,
      upcoming: 10,
    });
    const scores = (await get('/api/customers/scores')).items as Array<{
      customerId: string;
      score: number;
      trend: string;
    }>;
    expect(scores).toEqual([
      {
        customerId: acme,
        name: 'Acme',
        score: 78,
        band: 'healthy',
        trend: 'up',
        lastContact: '2026-02-25T10:00:00.000Z',
      },
    ]);
    // Each factor's maximum is its weight's share of the weights that apply (all do here: 100 in all).
    expect(
      Object.fromEntries(
        (h.factors as Array<{ name: string; maxContribution: number }>).map((x) => [x.name, x.maxContribution]),
      ),
    ).toEqual({ recency: 25, frequency: 20, breadth: 15, executive: 10, attendance: 10, trend: 10, upcoming: 10 });
  });

  it('tenant weights change the score; a customer without meetings has zero metrics; other tenants get 404', async () => {
    const acme = await customer({ name: 'Acme', domains: ['acmecorp.com'] });
    const quiet = await customer({ name: 'Quiet', domains: ['quiet.example'] });
    await seed([{ start: '2026-03-04T10:00:00Z', attendees: ['x@acmecorp.com'] }]);
    await f.container.tenants.updateSettings(
      { tenantId: t.tenantId, userId: t.userId, apiKeyId: null, sessionId: null, role: 'admin' },
      {
        engagementWeights: { recency: 0, frequency: 0, breadth: 0, executive: 0, attendance: 0, trend: 0, upcoming: 1 },
      },
    );
    expect((await get(`/api/customers/${acme}/health-signals`)).score).toBe(100);
    const q = await get(`/api/customers/${quiet}/metrics`);
    expect((q.windows as Array<{ meetings: number }>).map((w) => w.meetings)).toEqual([0, 0, 0]);
    expect(q.lastMeeting).toBeNull();
    expect((await get(`/api/customers/${quiet}/health-signals`)).score).toBe(0);
    const other = await f.newTenant();
    for (const path of ['metrics', 'health-signals', 'meetings'])
      expect((await f.app.inject({ url: `/api/customers/${acme}/${path}`, headers: other.auth })).statusCode).toBe(404);
  });

  it('incremental metrics equal a full recompute after random changes through the service', async () => {
    const domains = ['a.example', 'b.example', 'c.example'];
    const customers = [];
    for (const d of domains)
      customers.push(
        await customer({ name: d, domains: [d], stakeholders: [{ email: `boss@${d}`, role: 'VP Sales' }] }),
      );
    // Load the tenant's state first, so that every later change goes through the incremental path.
    await f.runtime.metrics.metricsOf(t.tenantId, customers[0]!);
    const seedArb = fc.record({
      day: fc.integer({ min: -120, max: 60 }),
      hour: fc.integer({ min: 0, max: 23 }),
      who: fc.subarray(['boss@a.example', 'x@a.example', 'boss@b.example', 'y@c.example', 'z@gmail.com'], {
        minLength: 1,
      }),
      declined: fc.boolean(),
      cancelled: fc.boolean(),
      dup: fc.boolean(),
    });
    const plan = fc.sample(fc.array(seedArb, { minLength: 30, maxLength: 30 }), { numRuns: 1, seed: 42 })[0]!;
    const base = Date.parse('2026-03-02T00:00:00Z');
    const ids: string[] = [];
    for (const [i, p] of plan.entries()) {
      const start = new Date(base + p.day * 86_400_000 + p.hour * 3_600_000).toISOString();
      const attendees = p.who.map((email, k) => ({
        email,
        response: p.declined && k === 0 ? ('declined' as const) : ('accepted' as const),
      }));
      ids.push(await t.meeting({ start, attendees, isCancelled: p.cancelled, iCalUId: p.dup ? `dup-${i % 5}` : null }));
    }
    await f.runtime.detection.detectMeetings(t.tenantId, ids);
    const db = f.container.database.db;
    // Updates (cancel / move), a manual move to another customer, deletions.
    await db.updateTable('meetings').set({ is_cancelled: true }).where('id', 'in', ids.slice(0, 4)).execute();
    await db
      .updateTable('meetings')
      .set({ start_at: new Date(base - 3 * 86_400_000) })
      .where('id', 'in', ids.slice(4, 8))
      .execute();
    await f.runtime.detection.detectMeetings(t.tenantId, ids.slice(0, 8));
    await f.runtime.meetings.associate(
      { tenantId: t.tenantId, userId: t.userId, apiKeyId: null, sessionId: null, role: 'admin' },
      ids[9]!,
      customers[2]!,
    );
    await db.deleteFrom('meetings').where('id', 'in', ids.slice(10, 14)).execute();
    await f.runtime.metrics.applyChanges(t.tenantId, ids.slice(10, 14));
    for (const at of ['2026-03-02T12:00:00Z', '2026-01-01T00:00:00Z', '2026-04-15T08:00:00Z']) {
      const full = await f.runtime.metrics.recompute(t.tenantId, new Date(at));
      expect(full.size).toBeGreaterThan(0);
      for (const id of customers) {
        const inc = await f.runtime.metrics.metricsOf(t.tenantId, id, new Date(at));
        const expected = full.get(id);
        if (expected) expect(inc).toEqual(expected);
        else expect(inc.windows.every((w) => w.meetings === 0 && w.cancelled === 0)).toBe(true);
      }
    }
  });
});
