// Tenant settings are validated whole at write (closed schemas: an unknown key is 400 validation_failed naming it),
// settings stored by an older version with keys the reader does not know are ignored, and a customer change is never
// answered with an error after it was committed because a change listener failed (the listener is retried).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../support/app.js';
import { createFixture, type Fixture, type TestTenant } from './detection-fixture.js';

let f: Fixture;
let t: TestTenant;

beforeAll(async () => {
  f = await createFixture();
});
beforeEach(async () => {
  t = await f.newTenant({ ownDomains: ['own.example'] });
});
afterAll(async () => {
  await f.close();
});

const patch = (payload: unknown) =>
  f.app.inject({ method: 'PATCH', url: '/api/settings', headers: t.auth, payload: payload as object });
const stored = async () =>
  (
    await f.container.database.db
      .selectFrom('tenants')
      .select('settings')
      .where('id', '=', t.tenantId)
      .executeTakeFirstOrThrow()
  ).settings as Record<string, unknown>;

describe('PATCH /api/settings', () => {
  it('answers 400 validation_failed naming an unknown engagement factor, and stores nothing', async () => {
    const before = await stored();
    const r = await patch({ engagementWeights: { recency: 30, bogus: 5 } });
    expect(r.statusCode, r.body).toBe(400);
    const e = r.json().error as { code: string; message: string; details: { problems: Array<{ path: string }> } };
    expect(e.code).toBe('validation_failed');
    expect(e.message).toContain('engagementWeights/bogus');
    expect(e.details.problems[0]!.path).toBe('body/engagementWeights/bogus');
    expect(await stored()).toEqual(before);
  });

  it('answers 400 to weights that leave no factor positive (the score could not be computed)', async () => {
    const zero = { recency: 0, frequency: 0, breadth: 0, executive: 0, attendance: 0, trend: 0, upcoming: 0 };
    const r = await patch({ engagementWeights: zero });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'validation_failed', details: { field: 'engagementWeights' } });
    expect((await stored()).engagementWeights).toBeUndefined();
  });

  it('answers 400 naming an unknown top-level key', async () => {
    const r = await patch({ healthWebhookTreshold: 5 });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toContain('healthWebhookTreshold');
  });

  it('accepts and returns known factors', async () => {
    const r = await patch({ engagementWeights: { recency: 40, upcoming: 0 } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().engagementWeights).toEqual({ recency: 40, upcoming: 0 });
  });
});

describe('settings an older version stored', () => {
  it('are ignored where unknown: customer writes answer once, scores and detection work', async () => {
    // An unknown factor, as PATCH /api/settings accepted before it was validated.
    await f.container.database.db
      .updateTable('tenants')
      .set({ settings: JSON.stringify({ ownDomains: ['own.example'], engagementWeights: { recency: 30, bogus: 5 } }) })
      .where('id', '=', t.tenantId)
      .execute();
    const m = await t.meeting({ start: '2026-03-04T10:00:00Z', attendees: ['j@acmecorp.com'] });
    await f.runtime.detection.detectMeetings(t.tenantId, [m]);
    const c = await f.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: t.auth,
      payload: { name: 'Acme', domains: ['acmecorp.com'] },
    });
    expect(c.statusCode, c.body).toBe(201);
    const list = await f.app.inject({ url: '/api/customers', headers: t.auth });
    expect((list.json().items as unknown[]).length).toBe(1);
    const id = (c.json() as { id: string }).id;
    const h = await f.app.inject({ url: `/api/customers/${id}/health-signals`, headers: t.auth });
    expect(h.statusCode, h.body).toBe(200);
    expect((h.json() as { score: number }).score).toBeGreaterThan(0);
    const scores = await f.app.inject({ url: '/api/customers/scores', headers: t.auth });
    expect(scores.statusCode, scores.body).toBe(200);
    const detected = await f.app.inject({ url: `/api/meetings/${m}`, headers: t.auth });
    expect(detected.json()).toMatchObject({ customer: { customerId: id } });
    // GET /api/me shows the settings without the unknown key.
    const me = await f.app.inject({ url: '/api/me', headers: t.auth });
    expect(me.json().tenant.settings.engagementWeights).toEqual({ recency: 30 });
  });
});

describe('a customer change listener that throws', () => {
  it('does not turn the committed write into an error; the change is retried with the customer as it is now', async () => {
    const calls: Array<{ before: string | null; after: string | null }> = [];
    let fail = true;
    f.container.customers.onChange(async (tenantId, before, after) => {
      if (tenantId !== t.tenantId) return;
      calls.push({ before: before?.name ?? null, after: after?.name ?? null });
      if (fail) throw new Error('listener down');
    });
    const c = await f.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: t.auth,
      payload: { name: 'Globex', domains: ['globex.example'] },
    });
    expect(c.statusCode, c.body).toBe(201);
    const id = (c.json() as { id: string }).id;
    const u = await f.app.inject({
      method: 'PATCH',
      url: `/api/customers/${id}`,
      headers: t.auth,
      payload: { name: 'Globex Inc' },
    });
    expect(u.statusCode, u.body).toBe(200);
    // The second change of the same customer carries the first one's `before`: one diff from the last good state.
    expect(calls).toEqual([
      { before: null, after: 'Globex' },
      { before: null, after: 'Globex Inc' },
    ]);
    const list = await f.app.inject({ url: '/api/customers', headers: t.auth });
    expect((list.json().items as Array<{ name: string }>).map((x) => x.name)).toEqual(['Globex Inc']);
    fail = false;
    expect(await f.container.customers.retryFailedListeners()).toBe(0);
    expect(calls.at(-1)).toEqual({ before: null, after: 'Globex Inc' });
    expect(await f.container.customers.retryFailedListeners()).toBe(0);
    expect(calls).toHaveLength(3);
  });
});

describe('in the runtime', () => {
  it('a failed customer-change listener is logged at warn with its tenant and counted, and the write succeeds', async () => {
    const app = await createTestApp();
    try {
      const a = await app.newTenant();
      app.container.customers.onChange(async () => {
        throw new Error('index store down');
      });
      const c = await app.app.inject({
        method: 'POST',
        url: '/api/customers',
        headers: a.auth,
        payload: { name: 'Umbrella' },
      });
      expect(c.statusCode, c.body).toBe(201);
      const line = app
        .logs()
        .split('\n')
        .find((l) => l.includes('detection after a customer change failed'));
      expect(line).toBeDefined();
      expect(JSON.parse(line!)).toMatchObject({ level: 40, job: 'detection', tenantId: a.tenantId, code: 'internal' });
      expect(line).not.toContain('index store down');
      expect(await app.runtime.metrics.registry.getSingleMetricAsString('calbridge_job_failures_total')).toContain(
        'job="detection",code="internal"',
      );
      expect(app.container.customers.pendingListenerCalls).toBe(1);
    } finally {
      await app.close();
    }
  });
});
