// Scheduled score re-evaluation: with no new meeting, time alone lowers a customer's score; the recurring job sees
// it, the health webhook fires once (as on the change path), and not again on the next run. Plus the pg-boss
// schedule behind it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPgBossQueue } from '../../src/jobs/pgboss-queue.js';
import { HEALTH_REEVALUATION_JOB, HealthReevaluation } from '../../src/services/metrics/reevaluation.js';
import { PgCustomerPager } from '../../src/stores/customer-pager.js';
import { createFixture, type Fixture, type TestTenant } from './detection-fixture.js';

const DAY = 86_400_000;
const T0 = new Date('2026-03-02T12:00:00Z');
let f: Fixture;
let t: TestTenant;
let receiver: Server;
let url: string;
let received: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  f = await createFixture();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push(JSON.parse(body) as Record<string, unknown>);
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
beforeEach(async () => {
  received = [];
  f.clock.now = T0;
  t = await f.newTenant({ ownDomains: ['own.example'], healthWebhookUrl: url, healthWebhookThreshold: 10 });
  const s = await f.app.inject({ method: 'POST', url: '/api/settings/webhook-secret', headers: t.auth });
  expect(s.statusCode).toBe(200);
});
afterAll(async () => {
  await f.close();
  await new Promise((resolve) => receiver.close(resolve));
});

async function customer(name: string, domain: string): Promise<string> {
  const c = await f.app.inject({
    method: 'POST',
    url: '/api/customers',
    headers: t.auth,
    payload: { name, domains: [domain] },
  });
  expect(c.statusCode).toBe(201);
  return (c.json() as { id: string }).id;
}

/** Meetings `days` from T0 with an attendee of `domain`, detected as sync would have them detected. */
async function meetings(domain: string, days: number[]): Promise<void> {
  const ids = [];
  for (const d of days)
    ids.push(await t.meeting({ start: new Date(T0.getTime() + d * DAY).toISOString(), attendees: [`j@${domain}`] }));
  await f.runtime.detection.detectMeetings(t.tenantId, ids);
}

const score = async (id: string) =>
  ((await f.app.inject({ url: `/api/customers/${id}/health-signals`, headers: t.auth })).json() as { score: number })
    .score;

describe('scheduled score re-evaluation', () => {
  it('fires the health webhook once when time alone moves a score past the threshold', async () => {
    const acme = await customer('Acme', 'acmecorp.com');
    await meetings('acmecorp.com', [-40, -25, -12, -4]); // a recent run of meetings, none planned
    const baseline = await score(acme);
    await f.runtime.tick();
    expect(received).toHaveLength(0); // the first score is a silent baseline

    // A day later nothing moved enough: a run stores nothing worth notifying.
    f.clock.now = new Date(T0.getTime() + DAY);
    expect((await f.runtime.reevaluation.runOnce()).enqueued).toBe(0);
    await f.runtime.tick();
    expect(received).toHaveLength(0);

    // Seven weeks on, no new meeting: recency and trend have decayed.
    f.clock.now = new Date(T0.getTime() + 50 * DAY);
    const decayed = await score(acme);
    expect(baseline - decayed).toBeGreaterThan(10);
    const run = await f.runtime.reevaluation.runOnce();
    expect(run).toMatchObject({ failed: 0 });
    expect(run.enqueued).toBeGreaterThanOrEqual(1);
    await f.runtime.tick();
    const mine = () => received.filter((e) => e.tenantId === t.tenantId);
    expect(mine()).toHaveLength(1);
    expect(mine()[0]).toMatchObject({
      type: 'customer.health_changed',
      customerId: acme,
      previousScore: baseline,
      score: decayed,
      trend: 'down',
      occurredAt: f.clock.now.toISOString(),
    });

    // The next run finds the notified score current: nothing again.
    expect((await f.runtime.reevaluation.runOnce()).enqueued).toBe(0);
    await f.runtime.tick();
    expect(mine()).toHaveLength(1);
    const stored = await sql<{ score: number; notified_score: number }>`
      SELECT score, notified_score FROM customer_health_scores
       WHERE tenant_id = ${t.tenantId} AND customer_id = ${acme}`.execute(f.container.database.db);
    expect(stored.rows).toEqual([{ score: decayed, notified_score: decayed }]);
  });

  it('walks every customer of every tenant in bounded pages, and drops metrics it loaded only for the walk', async () => {
    const ids = [await customer('A', 'a.example'), await customer('B', 'b.example'), await customer('C', 'c.example')];
    await meetings('a.example', [-3]);
    const all = Number(
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM customers`.execute(f.container.database.db)).rows[0]!.n,
    );
    const tenants = Number(
      (
        await sql<{ n: number }>`SELECT count(DISTINCT tenant_id)::int AS n FROM customers`.execute(
          f.container.database.db,
        )
      ).rows[0]!.n,
    );
    expect(tenants).toBeGreaterThan(1);
    const pages: number[] = [];
    const pager = new PgCustomerPager(f.container.database.db);
    const seen: string[] = [];
    f.runtime.metrics.forget(t.tenantId);
    const walk = new HealthReevaluation({
      customers: {
        customersAfter: async (after, limit) => {
          const page = await pager.customersAfter(after, limit);
          pages.push(page.length);
          return page;
        },
      },
      evaluate: async (tenantId, customerIds) => {
        seen.push(...customerIds);
        return f.runtime.webhooks.onMetricsChanged(tenantId, customerIds);
      },
      isLoaded: (tenantId) => f.runtime.metrics.hasState(tenantId),
      forget: (tenantId) => f.runtime.metrics.forget(tenantId),
      log: () => undefined,
      batchSize: 2,
    });
    const r = await walk.runOnce();
    expect(r).toMatchObject({ customers: all, tenants, failed: 0 });
    expect(Math.max(...pages)).toBeLessThanOrEqual(2);
    expect(new Set(seen).size).toBe(all);
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect(f.runtime.metrics.hasState(t.tenantId)).toBe(false);
    // Every customer now has a stored score (a baseline for those never scored before).
    const scored = await sql<{ customer_id: string }>`
      SELECT customer_id FROM customer_health_scores WHERE tenant_id = ${t.tenantId}`.execute(f.container.database.db);
    expect(scored.rows.map((s) => s.customer_id).sort()).toEqual([...ids].sort());
  });

  it('runs as a pg-boss recurring job: one schedule row at the configured interval, worked by this process', async () => {
    const queue = await createPgBossQueue(f.container.database, { schedule: true });
    try {
      let runs = 0;
      await queue.recurring(HEALTH_REEVALUATION_JOB, { everyMinutes: 45 }, async () => {
        runs++;
      });
      const boss = f.container.database.schema === 'public' ? 'pgboss' : `${f.container.database.schema}_boss`;
      const schedules = async () =>
        (
          await sql<{ name: string; cron: string }>`SELECT name, cron FROM ${sql.table(`${boss}.schedule`)}`.execute(
            f.container.database.db,
          )
        ).rows;
      expect(await schedules()).toEqual([{ name: HEALTH_REEVALUATION_JOB, cron: 'FREQ=MINUTELY;INTERVAL=45' }]);
      await queue.runRecurringNow(HEALTH_REEVALUATION_JOB);
      const end = Date.now() + 30_000;
      while (runs === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
      expect(runs).toBe(1);
      await queue.recurring(HEALTH_REEVALUATION_JOB, { everyMinutes: 0 }, async () => undefined);
      expect(await schedules()).toEqual([]);
    } finally {
      await queue.stop();
    }
  }, 60_000);
});
