// The incremental per-customer metrics aggregate: exact add / remove / update without rescanning other meetings.
import { compareOccurrences, resolveMetricsOptions, toOccurrence, weekStartMs, type Occurrence } from './occurrence.js';
import type { MetricMeeting, MetricsOptions } from './types.js';

/** Running totals of one UTC week; exact under add and remove (integers and reference counts only). */
export interface WeekBucket {
  held: number;
  durationMs: number;
  cancelled: number;
  declined: number;
  /** stakeholder address → number of held occurrences in the week that met them. */
  stakeholders: Map<string, number>;
}

/**
 * The aggregate of one customer. Design (why remove and update are exact):
 * - every counted occurrence is kept once, in an array sorted by (start, id), and in a map by id; rolling
 *   windows are two binary searches plus a walk over the occurrences inside the window, so any `now` works
 *   and nothing has to be "expired";
 * - closed weeks of the weekly series come from week buckets holding only integer sums and reference-counted
 *   stakeholder sets, so subtracting a removed occurrence gives back exactly the previous state;
 * - an update is remove(old) + add(new) of the stored occurrence, never of the caller's idea of the old one.
 * Costs: add/remove O(log n) search + an array splice (a memory move of n pointers, about 10 µs at n = 50,000);
 * a window query O(log n + k) for k occurrences in the window and its previous window.
 */
export class CustomerAggregate {
  readonly customerId: string;
  private readonly sorted: Occurrence[] = [];
  private readonly byId = new Map<string, Occurrence>();
  private readonly weeks = new Map<number, WeekBucket>();

  constructor(customerId: string) {
    this.customerId = customerId;
  }

  get size(): number {
    return this.sorted.length;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  add(o: Occurrence): void {
    if (this.byId.has(o.id)) this.remove(o.id);
    this.sorted.splice(this.lowerBound(o), 0, o);
    this.byId.set(o.id, o);
    this.bucket(o, +1);
  }

  /** Removes an occurrence by id; returns false when it was not there. */
  remove(id: string): boolean {
    const o = this.byId.get(id);
    if (!o) return false;
    const at = this.lowerBound(o);
    if (this.sorted[at] !== o) throw new Error(`CustomerAggregate ${this.customerId}: index out of order for ${id}`);
    this.sorted.splice(at, 1);
    this.byId.delete(id);
    this.bucket(o, -1);
    return true;
  }

  /** Occurrences with `fromMs <= start < toMs`, in order. */
  range(fromMs: number, toMs: number): Occurrence[] {
    return this.sorted.slice(this.startIndex(fromMs), this.startIndex(toMs));
  }

  /** Held occurrences with start in `[fromMs, toMs)`, counted without copying. */
  countHeld(fromMs: number, toMs: number): number {
    let n = 0;
    for (let i = this.startIndex(fromMs), end = this.startIndex(toMs); i < end; i++) {
      if ((this.sorted[i] as Occurrence).status === 'held') n++;
    }
    return n;
  }

  /** The latest held occurrence starting before `ms`. */
  lastHeldBefore(ms: number): Occurrence | null {
    for (let i = this.startIndex(ms) - 1; i >= 0; i--) {
      const o = this.sorted[i] as Occurrence;
      if (o.status === 'held') return o;
    }
    return null;
  }

  /** The earliest held occurrence starting at or after `ms`. */
  firstHeldFrom(ms: number): Occurrence | null {
    for (let i = this.startIndex(ms); i < this.sorted.length; i++) {
      const o = this.sorted[i] as Occurrence;
      if (o.status === 'held') return o;
    }
    return null;
  }

  /** The bucket of the week starting at `weekStart` (ms, a Monday 00:00 UTC). */
  week(weekStart: number): Readonly<WeekBucket> | undefined {
    return this.weeks.get(weekStart);
  }

  private bucket(o: Occurrence, sign: 1 | -1): void {
    const key = weekStartMs(o.startMs);
    let b = this.weeks.get(key);
    if (!b) {
      b = { held: 0, durationMs: 0, cancelled: 0, declined: 0, stakeholders: new Map() };
      this.weeks.set(key, b);
    }
    if (o.status === 'cancelled') b.cancelled += sign;
    else if (o.status === 'declined') b.declined += sign;
    else {
      b.held += sign;
      b.durationMs += sign * o.durationMs;
      for (const e of o.met) {
        const n = (b.stakeholders.get(e) ?? 0) + sign;
        if (n === 0) b.stakeholders.delete(e);
        else b.stakeholders.set(e, n);
      }
    }
    if (b.held === 0 && b.cancelled === 0 && b.declined === 0) this.weeks.delete(key);
  }

  /** First index whose occurrence is not before `o` in (start, id) order. */
  private lowerBound(o: Occurrence): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareOccurrences(this.sorted[mid] as Occurrence, o) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose start is `>= ms`. */
  private startIndex(ms: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.sorted[mid] as Occurrence).startMs < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * A tenant's metrics state: one `CustomerAggregate` per customer plus meeting id → customer, so an update that
 * moves a meeting to another customer (re-detection) touches exactly the two aggregates involved.
 * @example
 * const agg = new MetricsAggregator();
 * agg.upsert(meeting);            // returns the customer ids whose metrics changed
 * agg.remove(meeting.id);
 * const m = customerMetricsFromAggregate(agg, 'acme', new Date().toISOString());
 */
export class MetricsAggregator {
  readonly options: MetricsOptions;
  private readonly executiveRoles: ReadonlySet<string>;
  private readonly customers = new Map<string, CustomerAggregate>();
  private readonly owner = new Map<string, string>();

  constructor(options: Partial<MetricsOptions> = {}) {
    this.options = resolveMetricsOptions(options);
    this.executiveRoles = new Set(this.options.executiveRoles);
  }

  /** Adds or replaces a meeting (by id). Returns the ids of the customers whose aggregates changed. */
  upsert(meeting: MetricMeeting): string[] {
    const changed = this.remove(meeting.id);
    const o = toOccurrence(meeting, this.executiveRoles);
    if (o === null) return changed;
    let c = this.customers.get(o.customerId);
    if (!c) {
      c = new CustomerAggregate(o.customerId);
      this.customers.set(o.customerId, c);
    }
    c.add(o);
    this.owner.set(o.id, o.customerId);
    return changed.includes(o.customerId) ? changed : [...changed, o.customerId];
  }

  /** Removes a meeting by id. Returns the ids of the customers whose aggregates changed (empty if unknown). */
  remove(meetingId: string): string[] {
    const customerId = this.owner.get(meetingId);
    if (customerId === undefined) return [];
    const c = this.customers.get(customerId) as CustomerAggregate;
    c.remove(meetingId);
    this.owner.delete(meetingId);
    if (c.size === 0) this.customers.delete(customerId);
    return [customerId];
  }

  customer(customerId: string): CustomerAggregate | undefined {
    return this.customers.get(customerId);
  }

  /** Customers with at least one counted meeting, sorted. */
  customerIds(): string[] {
    return [...this.customers.keys()].sort();
  }

  /** Number of counted meetings across all customers. */
  get size(): number {
    return this.owner.size;
  }
}
