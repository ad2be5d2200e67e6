// Micro-benchmark: customer detection and metric updates per meeting, and full metric recompute, for a large tenant.
// Run: npx tsx bench/detection.bench.ts [--quick]
import { pathToFileURL } from 'node:url';
import type { ResponseStatus } from '../src/domain/calendar.js';
import { CustomerIndex } from '../src/domain/detection/customer-index.js';
import { detectWithIndex } from '../src/domain/detection/detect.js';
import type { CustomerProfile, DetectableMeeting } from '../src/domain/detection/types.js';
import { MetricsAggregator } from '../src/domain/metrics/aggregate.js';
import { computeMetrics, customerMetricsFromAggregate, metricsFromAggregate } from '../src/domain/metrics/compute.js';
import type { MetricMeeting } from '../src/domain/metrics/types.js';

export interface BenchResult {
  name: string;
  unit: string;
  samples: number[];
}

/** Deterministic PRNG (xorshift32) so runs are comparable. */
function prng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

const WORDS = ['sync', 'review', 'roadmap', 'kickoff', 'demo', 'planning', 'weekly', 'onboarding', 'renewal', 'call'];
const PUBLIC = ['gmail.com', 'outlook.com', 'yahoo.com'];
const ROLES = [null, 'CEO', 'VP Engineering', 'Engineer', 'Procurement', 'Executive sponsor'];

function customers(n: number, rnd: (n: number) => number): CustomerProfile[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `cust-${String(i).padStart(5, '0')}`,
    name: `Customer ${i}`,
    domains: Array.from({ length: 1 + rnd(3) }, (_, d) => `c${i}-${d}.example.com`),
    subjectPatterns: [
      { kind: 'keyword' as const, value: `Customer${i}` },
      ...(rnd(2) === 0 ? [{ kind: 'keyword' as const, value: `Project ${i} ${WORDS[rnd(WORDS.length)]}` }] : []),
      // One customer in ten has a regular expression (each one costs a scan of the subject).
      ...(rnd(10) === 0 ? [{ kind: 'regex' as const, value: `^\\[C${i}-\\d+\\]` }] : []),
    ],
    stakeholders: Array.from({ length: 5 }, (_, k) => ({
      email: k === 0 ? `boss${i}@${PUBLIC[rnd(PUBLIC.length)]}` : `person${k}@c${i}-0.example.com`,
      role: ROLES[rnd(ROLES.length)] ?? null,
    })),
  }));
}

function meetings(n: number, customerCount: number, rnd: (n: number) => number): DetectableMeeting[] {
  return Array.from({ length: n }, () => {
    const c = rnd(customerCount);
    const kind = rnd(10);
    const attendees: DetectableMeeting['attendees'] = [{ email: `me${rnd(50)}@tenant.example`, type: 'required' }];
    if (kind < 6)
      for (let k = 0; k < 1 + rnd(5); k++)
        attendees.push({ email: `person${rnd(8)}@c${c}-${rnd(2)}.example.com`, type: 'required' });
    if (kind === 6) attendees.push({ email: `boss${c}@${PUBLIC[rnd(PUBLIC.length)]}`, type: 'required' });
    if (rnd(4) === 0) attendees.push({ email: `someone${rnd(999)}@${PUBLIC[rnd(PUBLIC.length)]}`, type: 'optional' });
    if (rnd(5) === 0) attendees.push({ email: `room${rnd(20)}@tenant.example`, type: 'resource' });
    const words = Array.from({ length: 2 + rnd(5) }, () => WORDS[rnd(WORDS.length)]);
    if (kind === 7 || kind === 8) words.splice(rnd(words.length), 0, `Customer${c}`);
    return { subject: words.join(' '), organizerEmail: `me${rnd(50)}@tenant.example`, attendees };
  });
}

const RESPONSES: ResponseStatus[] = ['accepted', 'accepted', 'tentative', 'declined', 'notResponded'];

function toMetricMeeting(
  id: number,
  m: DetectableMeeting,
  index: CustomerIndex,
  rnd: (n: number) => number,
): MetricMeeting {
  const d = detectWithIndex(m, index);
  const winner = d.candidates[0];
  const profile = d.customerId === null ? undefined : index.profile(d.customerId);
  const start = Date.parse('2026-01-01T00:00:00Z') + (rnd(2 * 365 * 48) - 365 * 48) * 1_800_000;
  return {
    id: `m${id}`,
    customerId: d.customerId,
    start: new Date(start).toISOString(),
    end: new Date(start + (1 + rnd(4)) * 1_800_000).toISOString(),
    type: rnd(5) === 0 ? 'occurrence' : 'singleInstance',
    seriesMasterId: null,
    isCancelled: rnd(15) === 0,
    ownResponse: rnd(20) === 0 ? 'declined' : 'accepted',
    attendees: m.attendees.map((a) => ({ ...a, response: RESPONSES[rnd(RESPONSES.length)] ?? 'none' })),
    customerAttendees: winner?.matchedAttendees ?? [],
    stakeholders: (winner?.matchedStakeholders ?? []).map((email) => ({
      email,
      role: profile?.stakeholders.find((s) => s.email === email)?.role ?? null,
    })),
  };
}

/**
 * CPU time (user + system, all threads of this process) of `fn`, in ms. CPU time rather than wall time, so that
 * other processes on a shared machine do not inflate the figures; it includes garbage collection.
 */
function timed(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1000;
}

/** Runs the benchmark. Full size: 1,000 customers and 200,000 meetings; quick: 100 and 10,000. */
export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const nCustomers = opts.quick ? 100 : 1_000;
  const nMeetings = opts.quick ? 10_000 : 200_000;
  const rnd = prng(42);
  const profiles = customers(nCustomers, rnd);
  const sample = meetings(nMeetings, nCustomers, rnd);
  const results: BenchResult[] = [];

  let index = CustomerIndex.build(profiles, { tenantDomains: ['tenant.example'] });
  results.push({
    name: `index build (${nCustomers} customers)`,
    unit: 'ms CPU',
    samples: Array.from({ length: 5 }, () =>
      timed(() => (index = CustomerIndex.build(profiles, { tenantDomains: ['tenant.example'] }))),
    ),
  });

  const batch = 1_000;
  // Warm-up (JIT, RE2 DFA caches, address memo) on a slice, untimed.
  for (const m of sample.slice(0, 2_000)) detectWithIndex(m, index);
  const detectSamples: number[] = [];
  let matched = 0;
  for (let i = 0; i < sample.length; i += batch) {
    const ms = timed(() => {
      for (let j = i; j < Math.min(i + batch, sample.length); j++)
        if (detectWithIndex(sample[j] as DetectableMeeting, index).customerId) matched++;
    });
    detectSamples.push((ms * 1000) / batch);
  }
  results.push({
    name: `detect one meeting (${nCustomers} customers; ${Math.round((100 * matched) / nMeetings)}% matched)`,
    unit: 'µs CPU',
    samples: detectSamples,
  });

  const metricMeetings = sample.map((m, i) => toMetricMeeting(i, m, index, rnd));
  const agg = new MetricsAggregator();
  const loadMs = timed(() => {
    for (const m of metricMeetings) agg.upsert(m);
  });
  results.push({ name: `aggregate initial load (${nMeetings} meetings)`, unit: 'ms CPU', samples: [loadMs] });

  const updateSamples: number[] = [];
  for (let round = 0; round < 20; round++) {
    const ops = Array.from({ length: batch }, () => {
      const base = metricMeetings[rnd(metricMeetings.length)] as MetricMeeting;
      const shift = (rnd(200) - 100) * 3_600_000;
      return {
        ...base,
        start: new Date(Date.parse(base.start) + shift).toISOString(),
        end: new Date(Date.parse(base.end) + shift).toISOString(),
      };
    });
    updateSamples.push((timed(() => ops.forEach((m) => agg.upsert(m))) * 1000) / batch);
    for (const m of ops) agg.upsert(metricMeetings[Number(m.id.slice(1))] as MetricMeeting);
  }
  results.push({ name: 'metric update (upsert of a moved meeting)', unit: 'µs CPU', samples: updateSamples });

  const removeSamples: number[] = [];
  for (let round = 0; round < 20; round++) {
    const ids = Array.from({ length: batch }, () => metricMeetings[rnd(metricMeetings.length)] as MetricMeeting);
    removeSamples.push((timed(() => ids.forEach((m) => agg.remove(m.id))) * 1000) / batch);
    for (const m of ids) agg.upsert(m);
  }
  results.push({ name: 'metric remove', unit: 'µs CPU', samples: removeSamples });

  const now = '2026-01-01T00:00:00.000Z';
  const ids = agg.customerIds();
  const readSamples: number[] = [];
  for (let round = 0; round < 20; round++) {
    const pick = Array.from({ length: 100 }, () => ids[rnd(ids.length)] as string);
    readSamples.push(
      (timed(() => pick.forEach((id) => customerMetricsFromAggregate(agg, id, now))) * 1000) / pick.length,
    );
  }
  results.push({
    name: 'one customer metrics from aggregate (3 windows + 52 weeks)',
    unit: 'µs CPU',
    samples: readSamples,
  });

  results.push({
    name: `all customers' metrics from aggregate (${ids.length} customers)`,
    unit: 'ms CPU',
    samples: Array.from({ length: 3 }, () => timed(() => metricsFromAggregate(agg, now))),
  });

  const fullSamples = Array.from({ length: 3 }, () => timed(() => computeMetrics(metricMeetings, now)));
  results.push({
    name: `full recompute (${nMeetings} meetings, ${ids.length} customers)`,
    unit: 'ms CPU',
    samples: fullSamples,
  });
  results.push(bigCustomer(opts.quick ? 5_000 : 50_000, rnd));
  return Promise.resolve(results);
}

/** Update cost when one customer has very many meetings (the sorted list must not move them all). */
function bigCustomer(n: number, rnd: (n: number) => number): BenchResult {
  const base = Date.parse('2024-01-01T00:00:00Z');
  const make = (i: number, start: number): MetricMeeting => ({
    id: `big${i}`,
    customerId: 'big',
    start: new Date(start).toISOString(),
    end: new Date(start + 3_600_000).toISOString(),
    type: 'singleInstance',
    seriesMasterId: null,
    isCancelled: false,
    ownResponse: 'accepted',
    attendees: [{ email: 'ann@big.example.com', type: 'required', response: 'accepted' }],
    customerAttendees: ['ann@big.example.com'],
    stakeholders: [{ email: 'ann@big.example.com', role: 'CEO' }],
  });
  const agg = new MetricsAggregator();
  for (let i = 0; i < n; i++) agg.upsert(make(i, base + rnd(n * 2) * 1_800_000));
  const samples: number[] = [];
  for (let round = 0; round < 20; round++) {
    const ops = Array.from({ length: 500 }, () => make(rnd(n), base + rnd(n * 2) * 1_800_000));
    samples.push((timed(() => ops.forEach((m) => agg.upsert(m))) * 1000) / ops.length);
  }
  return { name: `metric update, one customer with ${n} meetings`, unit: 'µs CPU', samples };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const results = await run({ quick });
  for (const r of results)
    console.log(`${r.name}: median ${median(r.samples).toFixed(2)} ${r.unit} (${r.samples.length} samples)`);
}
