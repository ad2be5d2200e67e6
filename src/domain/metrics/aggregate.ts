// The incremental per-customer metrics aggregate: exact add / remove / update without rescanning other meetings.
import { compareOccurrences, resolveMetricsOptions, toOccurrence, weekStartMs, type Occurrence } from './occurrence.js';
import { SortedBlocks, type BlockPos } from './sorted-blocks.js';
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
 * - every counted occurrence is kept once, sorted by (start, id) in a `SortedBlocks` list, and in a map by id;
 *   rolling windows are binary searches plus a walk over the occurrences inside the window, so any `now` works
 *   and nothing has to be "expired";
 * - closed weeks of the weekly series come from week buckets holding only integer sums and reference-counted
 *   stakeholder sets, so subtracting a removed occurrence gives back exactly the previous state;
 * - an update is remove(old) + add(new) of the stored occurrence, never of the caller's idea of the old one.
 * Costs: add/remove O(log n + block size); a window query O(log n + k) for k occurrences in the window and its
 * previous window; the weekly series O(weeks).
 */
export class CustomerAggregate {
  readonly customerId: string;
  private readonly sorted: SortedBlocks<Occurrence>;
  private readonly byId = new Map<string, Occurrence>();
  private readonly weeks = new Map<number, WeekBucket>();

  /** `blockSize` only tunes the sorted list (tests use tiny blocks to exercise block splits). */
  constructor(customerId: string, blockSize?: number) {
    this.customerId = customerId;
    this.sorted = new SortedBlocks<Occurrence>(compareOccurrences, blockSize);
  }

  get size(): number {
    return this.sorted.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  add(o: Occurrence): void {
    if (this.byId.has(o.id)) this.remove(o.id);
    this.sorted.insert(o);
    this.byId.set(o.id, o);
    this.bucket(o, +1);
  }

  /** Removes an occurrence by id; returns false when it was not there. */
  remove(id: string): boolean {
    const o = this.byId.get(id);
    if (!o) return false;
    if (!this.sorted.remove(o)) throw new Error(`CustomerAggregate ${this.customerId}: index out of order for ${id}`);
    this.byId.delete(id);
    this.bucket(o, -1);
    return true;
  }

  /** Occurrences with `fromMs <= start < toMs`, in order. */
  range(fromMs: number, toMs: number): Occurrence[] {
    return this.sorted.between(this.at(fromMs), this.at(toMs));
  }

  /** Held occurrences with start in `[fromMs, toMs)`, counted without copying. */
  countHeld(fromMs: number, toMs: number): number {
    return this.sorted.countBetween(this.at(fromMs), this.at(toMs), isHeld);
  }

  /** The latest held occurrence starting before `ms`. */
  lastHeldBefore(ms: number): Occurrence | null {
    return this.sorted.findBefore(this.at(ms), isHeld);
  }

  /** The earliest held occurrence starting at or after `ms`. */
  firstHeldFrom(ms: number): Occurrence | null {
    return this.sorted.findFrom(this.at(ms), isHeld);
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

  /** Position of the first occurrence starting at or after `ms`. */
  private at(ms: number): BlockPos {
    return this.sorted.lowerBound((o) => o.startMs < ms);
  }
}

const isHeld = (o: Occurrence): boolean => o.status === 'held';

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

  private readonly blockSize: number | undefined;

  /** `tuning.blockSize` sets the sorted lists' block size (tests only; the default suits all sizes). */
  constructor(options: Partial<MetricsOptions> = {}, tuning: { blockSize?: number } = {}) {
    this.options = resolveMetricsOptions(options);
    this.blockSize = tuning.blockSize;
    this.executiveRoles = new Set(this.options.executiveRoles);
  }

  /** Adds or replaces a meeting (by id). Returns the ids of the customers whose aggregates changed. */
  upsert(meeting: MetricMeeting): string[] {
    const changed = this.remove(meeting.id);
    const o = toOccurrence(meeting, this.executiveRoles);
    if (o === null) return changed;
    let c = this.customers.get(o.customerId);
    if (!c) {
      c = new CustomerAggregate(o.customerId, this.blockSize);
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
