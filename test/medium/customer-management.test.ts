// Managing customers through the API: the live preview of draft rules (tenant- and user-scoped, copies once, manual
// choices kept), field-level validation errors, the list's band and last contact, factor maxima, the score history,
// and the list sorted by the server (name, creation, health, trend, last contact) before paging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgCustomerStore } from '../../src/stores/customer-store.js';
import { createFixture, type Fixture, type TestTenant } from './detection-fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await createFixture({ now: new Date('2026-03-02T12:00:00Z') });
});
afterAll(async () => {
  await f.close();
});

async function post(t: TestTenant, url: string, payload: unknown) {
  return f.app.inject({ method: 'POST', url, headers: t.auth, payload: payload as Record<string, unknown> });
}

async function customer(t: TestTenant, body: Record<string, unknown>): Promise<string> {
  const r = await post(t, '/api/customers', body);
  expect(r.statusCode, r.body).toBe(201);
  return (r.json() as { id: string }).id;
}

interface Preview {
  matches: number;
  byReason: { domain: number; stakeholder: number; subject: number };
  keptByHand: number;
  sample: Array<{ id: string; subject: string; reason: string }>;
  capped: boolean;
}

describe('POST /api/customers/preview', () => {
  it('counts the meetings the caller sees that the draft rules match, copies once, by reason', async () => {
    const t = await f.newTenant({ ownDomains: ['own.example'] });
    const other = await f.newTenant({ ownDomains: ['own.example'] });
    const colleague = await t.colleague();
    // Two copies of one meeting (same iCalUId and start), one more domain meeting, a subject-only one, one
    // internal, one of a colleague (private calendar) and one of another tenant.
    await t.meeting({
      start: '2026-02-20T10:00:00Z',
      subject: 'Sync',
      iCalUId: 'u1',
      attendees: ['jane@acmecorp.com'],
    });
    await t.meeting({
      start: '2026-02-20T10:00:00Z',
      subject: 'Sync',
      iCalUId: 'u1',
      attendees: ['jane@acmecorp.com'],
    });
    await t.meeting({ start: '2026-02-25T10:00:00Z', subject: 'Kickoff', attendees: ['bo@eu.acmecorp.com'] });
    await t.meeting({ start: '2026-02-26T10:00:00Z', subject: 'Acme QBR prep', attendees: ['x@gmail.com'] });
    await t.meeting({ start: '2026-02-27T10:00:00Z', subject: 'Standup', attendees: ['me2@own.example'] });
    await t.meeting({ start: '2026-02-27T10:00:00Z', userId: colleague.userId, attendees: ['z@acmecorp.com'] });
    await other.meeting({ start: '2026-02-27T10:00:00Z', attendees: ['jane@acmecorp.com'] });

    const byDomain = await post(t, '/api/customers/preview', { domains: ['AcmeCorp.com'] });
    expect(byDomain.statusCode, byDomain.body).toBe(200);
    expect(byDomain.json()).toMatchObject({
      matches: 2,
      byReason: { domain: 2, stakeholder: 0, subject: 0 },
      keptByHand: 0,
      capped: false,
    });
    // Newest first.
    expect((byDomain.json() as Preview).sample.map((s) => s.subject)).toEqual(['Kickoff', 'Sync']);

    const all = (
      await post(t, '/api/customers/preview', {
        domains: ['acmecorp.com'],
        subjectPatterns: ['QBR'],
        stakeholders: [{ email: 'X@gmail.com' }],
      })
    ).json() as Preview;
    expect(all).toMatchObject({ matches: 3, byReason: { domain: 2, stakeholder: 1, subject: 0 } });
    const subjectOnly = (await post(t, '/api/customers/preview', { subjectPatterns: ['/qbr|kickoff/'] })).json();
    expect(subjectOnly).toMatchObject({ matches: 2, byReason: { subject: 2 } });
    // Nothing was stored.
    expect((await f.app.inject({ url: '/api/customers', headers: t.auth })).json()).toEqual({ items: [] });
    // Another tenant sees only its own meeting.
    expect((await post(other, '/api/customers/preview', { domains: ['acmecorp.com'] })).json()).toMatchObject({
      matches: 1,
    });
  });

  it('keeps meetings set by hand out of the count, and an edited customer brings its stakeholders', async () => {
    const t = await f.newTenant({ ownDomains: ['own.example'] });
    const m1 = await t.meeting({ start: '2026-02-20T10:00:00Z', attendees: ['jane@acmecorp.com'] });
    await t.meeting({ start: '2026-02-21T10:00:00Z', attendees: ['pat@gmail.com'] });
    const acme = await customer(t, {
      name: 'Acme',
      domains: ['acmecorp.com'],
      stakeholders: [{ email: 'pat@gmail.com' }],
    });
    await f.runtime.detection.detectMeetings(t.tenantId, [m1]);
    const none = await post(t, `/api/meetings/${m1}/customer`, { customerId: null });
    expect(none.statusCode, none.body).toBe(200);
    const p = (await post(t, '/api/customers/preview', { domains: ['acmecorp.com'], customerId: acme })).json();
    expect(p).toMatchObject({ matches: 1, keptByHand: 1, byReason: { stakeholder: 1, domain: 0 } });
    const missing = await post(t, '/api/customers/preview', { customerId: '00000000-0000-4000-8000-000000000000' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: 'not_found', details: { field: 'customerId' } });
  });

  it('answers 4xx with a stable code and the field, for the preview as for create and update', async () => {
    const t = await f.newTenant();
    const badDomain = await post(t, '/api/customers/preview', { domains: ['not a domain'] });
    expect(badDomain.statusCode).toBe(400);
    expect(badDomain.json().error).toMatchObject({ code: 'validation_failed', details: { field: 'domains' } });
    const badRegex = await post(t, '/api/customers/preview', { subjectPatterns: ['/(a)\\1/'] });
    expect(badRegex.statusCode).toBe(400);
    expect(badRegex.json().error).toMatchObject({ code: 'unsafe_pattern', details: { field: 'subjectPatterns' } });
    const badEmail = await post(t, '/api/customers/preview', { stakeholders: [{ email: 'nobody' }] });
    expect(badEmail.json().error).toMatchObject({ code: 'validation_failed', details: { field: 'email' } });
    const schema = await post(t, '/api/customers/preview', { domains: [''] });
    expect(schema.statusCode).toBe(400);
    expect(schema.json().error.code).toBe('validation_failed');
    expect(schema.json().error.details.problems[0].path).toBe('body/domains/0');
    const created = await post(t, '/api/customers', { name: 'Acme', subjectPatterns: ['/(?=x)/'] });
    expect(created.statusCode).toBe(400);
    expect(created.json().error).toMatchObject({ code: 'unsafe_pattern', details: { field: 'subjectPatterns' } });
    const id = await customer(t, { name: 'Acme' });
    const patched = await f.app.inject({
      method: 'PATCH',
      url: `/api/customers/${id}`,
      headers: t.auth,
      payload: { domains: ['acme corp'] },
    });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().error).toMatchObject({ code: 'validation_failed', details: { field: 'domains' } });
  });
});

describe("a customer's possible meetings (match=candidate)", () => {
  it('lists what was corrected away with "not this customer", and "this is <customer>" brings it back', async () => {
    const t = await f.newTenant({ ownDomains: ['own.example'] });
    const acme = await customer(t, { name: 'Acme', domains: ['acmecorp.com'] });
    const m1 = await t.meeting({ start: '2026-02-20T10:00:00Z', subject: 'Kickoff', attendees: ['jane@acmecorp.com'] });
    const m2 = await t.meeting({ start: '2026-02-21T10:00:00Z', subject: 'Review', attendees: ['bo@acmecorp.com'] });
    await f.runtime.detection.detectMeetings(t.tenantId, [m1, m2]);
    const list = async (match: string) =>
      (
        (
          await f.app.inject({
            url: `/api/customers/${acme}/meetings?when=past&match=${match}`,
            headers: t.auth,
          })
        ).json() as { items: Array<{ id: string; customer: { reason: string; manual: boolean } }> }
      ).items.map((x) => [x.id, x.customer.reason, x.customer.manual]);
    expect(await list('customer')).toEqual([
      [m2, 'domain', false],
      [m1, 'domain', false],
    ]);
    expect(await list('candidate')).toEqual([]);
    expect((await post(t, `/api/meetings/${m1}/customer`, { customerId: null })).statusCode).toBe(200);
    expect(await list('customer')).toEqual([[m2, 'domain', false]]);
    expect(await list('candidate')).toEqual([[m1, 'manual_none', true]]);
    // Re-detection after a rule change keeps the correction.
    await f.app.inject({
      method: 'PATCH',
      url: `/api/customers/${acme}`,
      headers: t.auth,
      payload: { domains: ['acmecorp.com', 'acme.io'] },
    });
    await f.runtime.detection.detectMeetings(t.tenantId, [m1, m2]);
    expect(await list('candidate')).toEqual([[m1, 'manual_none', true]]);
    expect((await post(t, `/api/meetings/${m1}/customer`, { customerId: acme })).statusCode).toBe(200);
    expect(await list('candidate')).toEqual([]);
    expect(await list('customer')).toEqual([
      [m2, 'domain', false],
      [m1, 'manual', true],
    ]);
  });
});

describe('copies of one meeting on a customer page', () => {
  it("are listed once (the own calendar's copy), and a correction of any copy applies to every copy", async () => {
    const t = await f.newTenant({ ownDomains: ['own.example'] });
    const colleague = await t.colleague();
    const acme = await customer(t, { name: 'Acme', domains: ['acmecorp.com'] });
    const own = await t.calendar({ shared: false });
    const shared = await t.calendar({ shared: true });
    const seed = {
      start: '2026-02-20T10:00:00Z',
      subject: 'QBR',
      iCalUId: 'uid-qbr',
      attendees: ['jane@acmecorp.com'],
    };
    const a = await t.meeting({ ...seed, calendarId: own });
    const b = await t.meeting({ ...seed, calendarId: shared });
    const c = await t.meeting({ ...seed, userId: colleague.userId });
    // A meeting with the same iCalUId at another time (another occurrence) is another meeting.
    const other = await t.meeting({ ...seed, start: '2026-02-13T10:00:00Z', calendarId: own });
    await f.runtime.detection.detectMeetings(t.tenantId, [a, b, c, other]);
    const list = async () =>
      (await f.app.inject({ url: `/api/customers/${acme}/meetings?when=past`, headers: t.auth })).json() as {
        items: Array<{ id: string }>;
        total: number;
      };
    expect(await list()).toMatchObject({ items: [{ id: a }, { id: other }], total: 2 });
    // "Not Acme" on the shared copy: every copy of that meeting follows, the other occurrence does not.
    expect((await post(t, `/api/meetings/${b}/customer`, { customerId: null })).statusCode).toBe(200);
    const rows = await f.container.database.db
      .selectFrom('meetings')
      .select(['id', 'customer_id', 'manual_customer'])
      .where('id', 'in', [a, b, c, other])
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of [a, b, c]) expect(byId.get(id)).toMatchObject({ customer_id: null, manual_customer: true });
    expect(byId.get(other)).toMatchObject({ customer_id: acme, manual_customer: false });
    expect(await list()).toMatchObject({ items: [{ id: other }], total: 1 });
    const metrics = (await f.app.inject({ url: `/api/customers/${acme}/metrics`, headers: t.auth })).json() as {
      windows: Array<{ days: number; meetings: number }>;
    };
    expect(metrics.windows.find((w) => w.days === 30)!.meetings).toBe(1);
    // Back to detection: every copy again.
    expect(
      (await f.app.inject({ method: 'DELETE', url: `/api/meetings/${c}/customer`, headers: colleague.auth }))
        .statusCode,
    ).toBe(200);
    expect(await list()).toMatchObject({ items: [{ id: a }, { id: other }], total: 2 });
  });
});

describe('scores, factors and the score over time', () => {
  it('lists band and last contact, gives each factor its maximum, and keeps one snapshot per day', async () => {
    const t = await f.newTenant({ ownDomains: ['own.example'] });
    const other = await f.newTenant();
    const acme = await customer(t, {
      name: 'Acme',
      domains: ['acmecorp.com'],
      stakeholders: [{ email: 'jane@acmecorp.com', role: 'VP Sales' }],
    });
    const quiet = await customer(t, { name: 'Quiet', domains: ['quiet.example'] });
    const ids = [];
    for (const day of [3, 10, 20]) {
      ids.push(
        await t.meeting({
          start: new Date(Date.UTC(2026, 1, day, 10)).toISOString(),
          attendees: ['jane@acmecorp.com', 'bo@acmecorp.com'],
        }),
      );
    }
    ids.push(await t.meeting({ start: '2026-03-05T10:00:00Z', attendees: ['jane@acmecorp.com'] }));
    // Detection → metrics → score evaluation (as after a sync) stores today's snapshot.
    await f.runtime.detection.detectMeetings(t.tenantId, ids);

    const scores = (await f.app.inject({ url: '/api/customers/scores', headers: t.auth })).json() as {
      items: Array<{ customerId: string; score: number; band: string; lastContact: string | null }>;
    };
    const a = scores.items.find((x) => x.customerId === acme)!;
    expect(a.lastContact).toBe('2026-02-20T10:00:00.000Z');
    expect(a.band).toBe(a.score >= 70 ? 'healthy' : a.score >= 40 ? 'at_risk' : 'critical');
    expect(scores.items.find((x) => x.customerId === quiet)).toMatchObject({
      score: expect.any(Number),
      band: 'critical',
      lastContact: null,
    });

    const h = (await f.app.inject({ url: `/api/customers/${acme}/health-signals`, headers: t.auth })).json() as {
      score: number;
      band: string;
      factors: Array<{ name: string; value: number | null; contribution: number; maxContribution: number }>;
    };
    // Maxima are each factor's share of the weights that apply, and add up to 100.
    const sum = h.factors.reduce((s, x) => s + x.maxContribution, 0);
    expect(Math.abs(sum - 100)).toBeLessThan(0.05);
    for (const x of h.factors) expect(x.contribution).toBeLessThanOrEqual(x.maxContribution + 0.001);
    expect(h.factors.find((x) => x.name === 'recency')!.maxContribution).toBeGreaterThan(0);

    const day1 = await f.container.database.db
      .selectFrom('customer_score_history' as never)
      .select(['day' as never, 'score' as never])
      .where('customer_id' as never, '=', acme as never)
      .execute();
    expect(day1).toHaveLength(1);

    // Two days later the scheduled re-evaluation scores again: a second day is stored, and the history ends today.
    const saved = f.clock.now;
    try {
      f.clock.now = new Date('2026-03-04T12:00:00Z');
      await f.runtime.webhooks.onMetricsChanged(t.tenantId, [acme, quiet]);
      const hist = await f.app.inject({ url: `/api/customers/${acme}/score-history?days=30`, headers: t.auth });
      expect(hist.statusCode, hist.body).toBe(200);
      const items = (hist.json() as { items: Array<{ day: string; score: number; band: string }> }).items;
      expect(items.map((x) => x.day)).toEqual(['2026-03-02', '2026-03-04']);
      expect(items[0]!.score).toBe(h.score);
      for (const x of items) expect(['healthy', 'at_risk', 'critical']).toContain(x.band);
      const short = await f.app.inject({ url: `/api/customers/${acme}/score-history?days=1`, headers: t.auth });
      expect((short.json() as { items: unknown[] }).items).toHaveLength(1);
    } finally {
      f.clock.now = saved;
    }
    // Another tenant's customer is not found; a bad range is a 400.
    expect((await f.app.inject({ url: `/api/customers/${acme}/score-history`, headers: other.auth })).statusCode).toBe(
      404,
    );
    const bad = await f.app.inject({ url: `/api/customers/${acme}/score-history?days=0`, headers: t.auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
  });
});

describe('GET /api/customers sorted by the server', () => {
  it('sorts by name, health, trend and last contact, both ways, before paging; bad values are 400', async () => {
    const t = await f.newTenant({ ownDomains: ['own.example'] });
    const other = await f.newTenant();
    await customer(other, { name: 'Aardvark (other tenant)', domains: ['aardvark.example'] });
    // Busy: three recent meetings (highest score, last contact 2026-02-27); Once: one meeting long ago (lower score,
    // 2025-12-15); Never and Zed: no meeting (lowest score, never contacted)
    const busy = await customer(t, { name: 'Busy', domains: ['busy.example'] });
    const once = await customer(t, { name: 'Once', domains: ['once.example'] });
    const never = await customer(t, { name: 'Never', domains: ['never.example'] });
    const zed = await customer(t, { name: 'zed', domains: ['zed.example'] });
    const ids = [];
    for (const day of [13, 20, 27])
      ids.push(
        await t.meeting({ start: new Date(Date.UTC(2026, 1, day, 10)).toISOString(), attendees: ['a@busy.example'] }),
      );
    ids.push(await t.meeting({ start: '2025-12-15T10:00:00Z', attendees: ['b@once.example'] }));
    await f.runtime.detection.detectMeetings(t.tenantId, ids);

    const list = async (qs: string): Promise<string[]> => {
      const r = await f.app.inject({ url: `/api/customers?${qs}`, headers: t.auth });
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as { items: Array<{ id: string }> }).items.map((x) => x.id);
    };
    const scores = (await f.app.inject({ url: '/api/customers/scores', headers: t.auth })).json() as {
      items: Array<{ customerId: string; score: number; lastContact: string | null }>;
    };
    const score = (id: string) => scores.items.find((x) => x.customerId === id)!.score;
    expect(score(busy)).toBeGreaterThan(score(once));
    expect(score(once)).toBeGreaterThan(score(never));
    expect(score(never)).toBe(score(zed));

    // name (the default): case-insensitive order is the database's; only this tenant's customers
    expect(await list('')).toEqual([busy, never, once, zed]);
    expect(await list('sort=name&order=desc')).toEqual([zed, once, never, busy]);
    // health: ties (Never, zed) by name A→Z in both orders
    expect(await list('sort=health')).toEqual([never, zed, once, busy]);
    expect(await list('sort=health&order=desc')).toEqual([busy, once, never, zed]);
    // last contact: never contacted first, then the longest ago
    expect(await list('sort=lastContact')).toEqual([never, zed, once, busy]);
    expect(await list('sort=lastContact&order=desc')).toEqual([busy, once, never, zed]);
    // the order is applied before limit/offset (the second page of health, best first), and with the search
    expect(await list('sort=health&order=desc&limit=2&offset=1')).toEqual([once, never]);
    expect(await list('sort=health&order=desc&limit=1&offset=3')).toEqual([zed]);
    expect(await list('sort=lastContact&order=desc&search=e')).toEqual([once, never, zed]);
    expect(await list('sort=createdAt&order=desc&limit=2')).toEqual([zed, never]);
    // trend sorts too (every customer here is in one of the three trends)
    expect((await list('sort=trend')).sort()).toEqual([busy, once, never, zed].sort());

    // a customer the ranking does not know yet (created after the scores were read) is listed after it, never lost
    const store = new PgCustomerStore(f.container.database.db);
    const ranked = await store.list(t.tenantId, { limit: 10, offset: 0, orderBy: { rank: [once, 'not-a-uuid'] } });
    expect(ranked.map((c) => c.id)).toEqual([once, busy, never, zed]);

    for (const qs of ['sort=bogus', 'sort=health&order=down', 'sort=', 'sort=health;drop table customers']) {
      const bad = await f.app.inject({ url: `/api/customers?${qs}`, headers: t.auth });
      expect(bad.statusCode, qs).toBe(400);
      expect(bad.json().error.code, qs).toBe('validation_failed');
    }
  });
});
