// Property: the incremental aggregate after any add/update/remove sequence equals a full recompute.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventType, ResponseStatus } from '../calendar.js';
import { MetricsAggregator } from './aggregate.js';
import { computeMetrics, customerMetricsFromAggregate, metricsFromAggregate } from './compute.js';
import { DAY_MS } from './occurrence.js';
import type { MetricMeeting } from './types.js';

const BASE_MS = Date.parse('2026-06-15T10:00:00.000Z');
const PEOPLE = ['ann@c.com', 'bob@c.com', 'cy@c.com', 'dee@gmail.com', 'me@tenant.example'];
const ROLES = [null, 'CEO', 'VP Sales', 'Engineer', 'Executive sponsor'];
const RESPONSES: ResponseStatus[] = ['accepted', 'declined', 'tentative', 'notResponded', 'none', 'organizer'];
const TYPES: EventType[] = ['singleInstance', 'occurrence', 'exception', 'seriesMaster'];

/** A small deterministic PRNG so that large fixtures are cheap to build and reproducible from a fast-check seed. */
function prng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

function randomMeeting(rnd: (n: number) => number, id: string, customers: number): MetricMeeting {
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)] as T;
  // Starts on a 15-minute grid over ±800 days, so that many meetings share a start or sit on a window edge.
  const start = BASE_MS + (rnd(2 * 800 * 96) - 800 * 96) * 15 * 60_000;
  const attendees = PEOPLE.filter(() => rnd(2) === 0).map((email) => ({
    email: rnd(5) === 0 ? email.toUpperCase() : email,
    type: rnd(8) === 0 ? ('resource' as const) : ('required' as const),
    response: pick(RESPONSES),
  }));
  return {
    id,
    customerId: rnd(8) === 0 ? null : `c${rnd(customers)}`,
    start: new Date(start).toISOString(),
    end: new Date(start + rnd(13) * 15 * 60_000).toISOString(),
    type: pick(TYPES),
    seriesMasterId: rnd(3) === 0 ? 'series-1' : null,
    isCancelled: rnd(6) === 0,
    ownResponse: pick(RESPONSES),
    attendees,
    customerAttendees: PEOPLE.slice(0, 4).filter(() => rnd(3) > 0),
    stakeholders: PEOPLE.slice(0, 4)
      .filter(() => rnd(2) === 0)
      .map((email) => ({ email, role: pick(ROLES) })),
  };
}

/** Applies `ops` random operations to both an aggregate and a plain map, then compares at several instants. */
function runScenario(
  seed: number,
  ops: number,
  idSpace: number,
  customers: number,
  options = {},
  blockSize?: number,
): void {
  const rnd = prng(seed);
  const agg = new MetricsAggregator(options, { blockSize });
  const truth = new Map<string, MetricMeeting>();
  for (let i = 0; i < ops; i++) {
    const id = `m${rnd(idSpace)}`;
    if (rnd(4) === 0) {
      agg.remove(id);
      truth.delete(id);
    } else {
      const m = randomMeeting(rnd, id, customers);
      agg.upsert(m);
      truth.set(id, m);
    }
  }
  const starts = [...truth.values()].map((m) => Date.parse(m.start));
  const nows = [
    BASE_MS,
    // On window edges: exactly at a meeting's start, and 30 / 90 / 365 days after one.
    ...[0, 30, 90, 365].map((d) => (starts[rnd(starts.length)] ?? BASE_MS) + d * DAY_MS),
    BASE_MS + (rnd(1000) - 500) * DAY_MS,
  ];
  for (const ms of nows) {
    const now = new Date(ms).toISOString();
    const full = computeMetrics(truth.values(), now, options);
    expect(metricsFromAggregate(agg, now)).toEqual(full);
    for (const [id, m] of full) expect(customerMetricsFromAggregate(agg, id, now)).toEqual(m);
  }
}

describe('MetricsAggregator', () => {
  it('incremental equals full recompute (many small random sequences)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 300 }), (seed, ops) => {
        // Tiny blocks so that block splits and block removals happen all the time.
        runScenario(seed, ops, 60, 4, { weeks: 60 }, 2);
      }),
      { numRuns: 150 },
    );
  });

  it('incremental equals full recompute (large random fixture: 40,000 operations over 8,000 meetings)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        runScenario(seed, 40_000, 8_000, 50, {}, 16);
      }),
      { numRuns: 3 },
    );
  });

  it('reports which customers changed and drops empty customers', () => {
    const rnd = prng(7);
    const agg = new MetricsAggregator();
    const m = { ...randomMeeting(rnd, 'x', 3), customerId: 'a', type: 'singleInstance' as const };
    expect(agg.upsert(m)).toEqual(['a']);
    expect(agg.upsert({ ...m, customerId: 'b' })).toEqual(['a', 'b']);
    expect(agg.customerIds()).toEqual(['b']);
    expect(agg.upsert({ ...m, customerId: null })).toEqual(['b']);
    expect(agg.size).toBe(0);
    expect(agg.remove('x')).toEqual([]);
    expect(agg.upsert({ ...m, customerId: 'a', type: 'seriesMaster' })).toEqual([]);
  });
});
