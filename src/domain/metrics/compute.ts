// Customer metrics: a full recompute from a list of meetings, and the same figures read from the incremental aggregate.
import { AppError } from '../errors.js';
import type { CustomerAggregate, MetricsAggregator } from './aggregate.js';
import {
  compareOccurrences,
  DAY_MS,
  resolveMetricsOptions,
  summarizeWindow,
  toOccurrence,
  WEEK_MS,
  weekLabel,
  weekStartMs,
  type Occurrence,
} from './occurrence.js';
import type { CustomerMetrics, MeetingRef, MetricMeeting, MetricsOptions, WeeklyPoint } from './types.js';

function parseNow(now: string): number {
  const ms = Date.parse(now);
  if (!Number.isFinite(ms))
    throw new AppError('validation_failed', 'The reference instant is not a valid date.', { details: { now } });
  return ms;
}

const ref = (o: Occurrence | null | undefined): MeetingRef | null =>
  o ? { meetingId: o.id, start: new Date(o.startMs).toISOString() } : null;

const emptyWeek = (ms: number): WeeklyPoint => ({
  weekStart: weekLabel(ms),
  meetings: 0,
  minutes: 0,
  cancelled: 0,
  declined: 0,
  stakeholdersMet: 0,
});

const minutes = (ms: number): number => Math.round((ms / 60_000) * 100) / 100;

/** Summarises occurrences (any order) into one weekly point. */
function weekFrom(weekMs: number, list: readonly Occurrence[]): WeeklyPoint {
  const p = emptyWeek(weekMs);
  let durationMs = 0;
  const met = new Set<string>();
  for (const o of list) {
    if (o.status === 'cancelled') p.cancelled++;
    else if (o.status === 'declined') p.declined++;
    else {
      p.meetings++;
      durationMs += o.durationMs;
      for (const e of o.met) met.add(e);
    }
  }
  p.minutes = minutes(durationMs);
  p.stakeholdersMet = met.size;
  return p;
}

/** Full recompute for one customer from its sorted occurrences: plain filters, no index. */
function fromOccurrences(customerId: string, sorted: Occurrence[], nowMs: number, o: MetricsOptions): CustomerMetrics {
  const windows = o.windowsDays.map((days) => {
    const from = nowMs - days * DAY_MS;
    const inWindow = sorted.filter((x) => x.startMs >= from && x.startMs < nowMs);
    const previous = sorted.filter((x) => x.status === 'held' && x.startMs >= from - days * DAY_MS && x.startMs < from);
    return summarizeWindow(days, from, nowMs, inWindow, previous.length);
  });
  const held = sorted.filter((x) => x.status === 'held');
  const past = held.filter((x) => x.startMs < nowMs);
  const firstWeek = weekStartMs(nowMs) - (o.weeks - 1) * WEEK_MS;
  const perWeek: Occurrence[][] = Array.from({ length: o.weeks }, () => []);
  for (const x of sorted) {
    if (x.startMs >= firstWeek && x.startMs < nowMs) perWeek[(weekStartMs(x.startMs) - firstWeek) / WEEK_MS]?.push(x);
  }
  return {
    customerId,
    asOf: new Date(nowMs).toISOString(),
    windows,
    lastMeeting: ref(past[past.length - 1]),
    nextMeeting: ref(held.find((x) => x.startMs >= nowMs)),
    weekly: perWeek.map((list, i) => weekFrom(firstWeek + i * WEEK_MS, list)),
  };
}

/**
 * Computes every customer's metrics from scratch. Meetings with the same id: the last one wins (as with
 * `MetricsAggregator.upsert`). Series masters and meetings without a customer are ignored. Only customers with
 * at least one counted meeting appear, in id order.
 * @example
 * const all = computeMetrics(meetings, '2026-03-01T00:00:00.000Z');
 * all.get('acme')?.windows[0]?.meetings // held meetings with Acme in the 30 days before 1 March
 */
export function computeMetrics(
  meetings: Iterable<MetricMeeting>,
  now: string,
  options: Partial<MetricsOptions> = {},
): Map<string, CustomerMetrics> {
  const o = resolveMetricsOptions(options);
  const nowMs = parseNow(now);
  const roles = new Set(o.executiveRoles);
  const latest = new Map<string, MetricMeeting>();
  for (const m of meetings) latest.set(m.id, m);
  const byCustomer = new Map<string, Occurrence[]>();
  for (const m of latest.values()) {
    const occ = toOccurrence(m, roles);
    if (occ === null) continue;
    const list = byCustomer.get(occ.customerId);
    if (list) list.push(occ);
    else byCustomer.set(occ.customerId, [occ]);
  }
  const out = new Map<string, CustomerMetrics>();
  for (const id of [...byCustomer.keys()].sort()) {
    const list = (byCustomer.get(id) as Occurrence[]).sort(compareOccurrences);
    out.set(id, fromOccurrences(id, list, nowMs, o));
  }
  return out;
}

function fromAggregate(c: CustomerAggregate, nowMs: number, o: MetricsOptions): CustomerMetrics {
  const windows = o.windowsDays.map((days) => {
    const from = nowMs - days * DAY_MS;
    return summarizeWindow(days, from, nowMs, c.range(from, nowMs), c.countHeld(from - days * DAY_MS, from));
  });
  const currentWeek = weekStartMs(nowMs);
  const weekly: WeeklyPoint[] = [];
  for (let i = o.weeks - 1; i >= 1; i--) {
    const w = currentWeek - i * WEEK_MS;
    const b = c.week(w);
    weekly.push(
      b
        ? {
            ...emptyWeek(w),
            meetings: b.held,
            minutes: minutes(b.durationMs),
            cancelled: b.cancelled,
            declined: b.declined,
            stakeholdersMet: b.stakeholders.size,
          }
        : emptyWeek(w),
    );
  }
  weekly.push(weekFrom(currentWeek, c.range(currentWeek, nowMs)));
  return {
    customerId: c.customerId,
    asOf: new Date(nowMs).toISOString(),
    windows,
    lastMeeting: ref(c.lastHeldBefore(nowMs)),
    nextMeeting: ref(c.firstHeldFrom(nowMs)),
    weekly,
  };
}

/**
 * One customer's metrics read from the incremental aggregate: O(log n + meetings in the widest window pair +
 * weeks). Returns `null` when the customer has no counted meeting. Equal to `computeMetrics(...).get(id)` for
 * the same meetings (a property test checks it).
 */
export function customerMetricsFromAggregate(
  agg: MetricsAggregator,
  customerId: string,
  now: string,
): CustomerMetrics | null {
  const c = agg.customer(customerId);
  return c ? fromAggregate(c, parseNow(now), agg.options) : null;
}

/** Every customer's metrics from the aggregate; the same map `computeMetrics` returns for the same meetings. */
export function metricsFromAggregate(agg: MetricsAggregator, now: string): Map<string, CustomerMetrics> {
  const nowMs = parseNow(now);
  const out = new Map<string, CustomerMetrics>();
  for (const id of agg.customerIds())
    out.set(id, fromAggregate(agg.customer(id) as CustomerAggregate, nowMs, agg.options));
  return out;
}
