// Benchmark: detection + metric update per synced meeting through the services and the database, and the full
// metrics recompute / lazy load of a tenant with 1,000 customers and 200,000 meetings (quick: 100 and 10,000).
// Run: npx tsx bench/metrics-service.bench.ts [--quick]   (DATABASE_URL=postgres://… to use a server)
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import type { BenchResult } from './harness.js';
import { closeBenchTemplate, openBenchDatabase } from './load/db.js';
import { DetectionService } from '../src/services/detection/detection-service.js';
import type { TenantSettingsSource } from '../src/ports/detection.js';
import { MetricsService } from '../src/services/metrics/metrics-service.js';
import { PgCustomerStore } from '../src/stores/customer-store.js';
import type { Database } from '../src/stores/database.js';
import { PgMeetingQueryStore } from '../src/stores/meeting-query-store.js';
import { PgMetricsStore } from '../src/stores/metrics-store.js';

const NOW = new Date('2026-03-02T12:00:00Z');
const DAY = 86_400_000;

function prng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

async function seed(
  database: Database,
  customers: number,
  meetings: number,
): Promise<{ tenantId: string; userId: string; ids: string[] }> {
  const db = database.db;
  const rnd = prng(7);
  const t = await db
    .insertInto('tenants')
    .values({
      name: 'Bench',
      calendar_provider: 'MICROSOFT',
      settings: JSON.stringify({ ownDomains: ['own.example'] }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const u = await db
    .insertInto('users')
    .values({ tenant_id: t.id, email: 'me@own.example' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const customerIds: string[] = [];
  for (let i = 0; i < customers; i += 500) {
    const rows = Array.from({ length: Math.min(500, customers - i) }, (_, k) => ({
      tenant_id: t.id,
      name: `Customer ${i + k}`,
      domains: [`c${i + k}.example.com`],
      subject_patterns: [`Project${i + k}`],
    }));
    const r = await db.insertInto('customers').values(rows).returning('id').execute();
    customerIds.push(...r.map((x) => x.id));
  }
  await db
    .insertInto('stakeholders')
    .values(
      customerIds.map((id, i) => ({ tenant_id: t.id, customer_id: id, email: `ceo@c${i}.example.com`, role: 'CEO' })),
    )
    .execute();
  const ids: string[] = [];
  for (let i = 0; i < meetings; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, meetings - i) }, () => {
      const c = rnd(customers);
      const start = NOW.getTime() + (rnd(500) - 400) * DAY + rnd(10) * 3_600_000;
      const who = rnd(3) === 0 ? 'ceo' : `p${rnd(20)}`;
      return {
        tenant_id: t.id,
        user_id: u.id,
        subject: rnd(5) === 0 ? `Project${c} review` : 'Weekly call',
        body: '',
        body_content_type: 'text',
        start_at: new Date(start),
        end_at: new Date(start + 3_600_000),
        time_zone: 'UTC',
        is_all_day: false,
        show_as: 'busy',
        sensitivity: 'normal',
        organizer: JSON.stringify({ email: 'me@own.example', name: null }),
        attendees: JSON.stringify([
          {
            email: `${who}@c${c}.example.com`,
            name: null,
            type: 'required',
            response: rnd(6) === 0 ? 'declined' : 'accepted',
          },
        ]),
        is_cancelled: rnd(20) === 0,
        event_type: 'singleInstance',
        response_status: 'organizer',
      };
    });
    const r = await db.insertInto('meetings').values(rows).returning('id').execute();
    ids.push(...r.map((x) => x.id));
  }
  return { tenantId: t.id, userId: u.id, ids };
}

function services(database: Database) {
  const db = database.db;
  const settings: TenantSettingsSource = {
    settings: async (id) => {
      const r = await db.selectFrom('tenants').select('settings').where('id', '=', id).executeTakeFirst();
      return (r?.settings ?? {}) as { ownDomains?: string[] };
    },
  };
  const customers = new PgCustomerStore(db);
  const detection = new DetectionService({ store: new PgMeetingQueryStore(db), customers, settings });
  const metrics = new MetricsService({
    store: new PgMetricsStore(db),
    customers,
    settings,
    index: (t) => detection.indexFor(t),
    now: () => NOW,
  });
  detection.onDetected((t, ids) => metrics.applyChanges(t, ids).then(() => undefined));
  return { detection, metrics };
}

/**
 * CPU time of this process since `start` (ms), not wall time: on a shared machine other processes would distort
 * wall time. With PGlite (default) the database runs in this process, so its work is included; on a server
 * (DATABASE_URL) the server's own CPU is not.
 */
const ms = (start: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
};
const now = () => process.cpuUsage();

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const customers = opts.quick ? 100 : 1000;
  const meetings = opts.quick ? 10_000 : 200_000;
  const database = await openBenchDatabase();
  try {
    const { tenantId, ids } = await seed(database, customers, meetings);
    const { detection, metrics } = services(database);
    let start = now();
    for (let i = 0; i < ids.length; i += 1000) await detection.detectMeetings(tenantId, ids.slice(i, i + 1000));
    const detectAll = ms(start);
    // Full recompute from the database (load + computeMetrics) and the lazy load of a fresh service.
    const recompute: number[] = [];
    const lazyLoad: number[] = [];
    for (let r = 0; r < (opts.quick ? 3 : 2); r++) {
      start = now();
      await metrics.recompute(tenantId);
      recompute.push(ms(start));
      const fresh = services(database);
      start = now();
      await fresh.metrics.metricsOf(tenantId, 'none');
      lazyLoad.push(ms(start));
    }
    await metrics.metricsOf(tenantId, 'none'); // load the incremental state
    // One synced meeting at a time: the row changes (as sync writes it), then detection + metric update.
    const rnd = prng(11);
    const perMeeting: number[] = [];
    const perMeetingInPage: number[] = [];
    for (let k = 0; k < (opts.quick ? 100 : 300); k++) {
      const id = ids[rnd(ids.length)]!;
      const c = rnd(customers);
      await sql`UPDATE meetings SET attendees = ${JSON.stringify([{ email: `p1@c${c}.example.com`, name: null, type: 'required', response: 'accepted' }])}::jsonb,
        start_at = start_at + interval '1 hour', end_at = end_at + interval '1 hour' WHERE id = ${id}::uuid`.execute(
        database.db,
      );
      start = now();
      await detection.detectMeetings(tenantId, [id]);
      perMeeting.push(ms(start));
    }
    for (let p = 0; p < (opts.quick ? 3 : 10); p++) {
      const page = Array.from({ length: 100 }, () => ids[rnd(ids.length)]!);
      await sql`UPDATE meetings SET start_at = start_at + interval '1 day', end_at = end_at + interval '1 day'
        WHERE id IN (${sql.join(page.map((id) => sql`${id}::uuid`))})`.execute(database.db);
      start = now();
      await detection.detectMeetings(tenantId, page);
      perMeetingInPage.push(ms(start) / page.length);
    }
    const label = `${customers} customers, ${meetings / 1000}k meetings`;
    return [
      {
        name: `detection + metrics per synced meeting, alone (${label})`,
        unit: 'ms CPU',
        samples: perMeeting,
        better: 'lower',
      },
      {
        name: `detection + metrics per synced meeting, page of 100 (${label})`,
        unit: 'ms CPU',
        samples: perMeetingInPage,
        better: 'lower',
      },
      { name: `full metrics recompute from the DB (${label})`, unit: 'ms CPU', samples: recompute, better: 'lower' },
      { name: `lazy load of a tenant's metrics state (${label})`, unit: 'ms CPU', samples: lazyLoad, better: 'lower' },
      {
        name: `initial detection of every meeting through the service (${label})`,
        unit: 'ms CPU',
        samples: [detectAll],
        better: 'lower',
      },
    ];
  } finally {
    await database.close();
    await closeBenchTemplate();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  for (const r of await run({ quick })) {
    const s = [...r.samples].sort((a, b) => a - b);
    console.log(
      `${r.name}: median ${s[s.length >> 1]!.toFixed(2)} ${r.unit}, max ${s[s.length - 1]!.toFixed(2)} (n=${s.length})`,
    );
  }
}
