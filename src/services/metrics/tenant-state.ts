// One tenant's incremental metrics: the domain aggregator fed with one representative per meeting occurrence.
import type { CustomerIndex } from '../../domain/detection/customer-index.js';
import { MetricsAggregator } from '../../domain/metrics/aggregate.js';
import type { MetricMeeting, MetricsOptions } from '../../domain/metrics/types.js';
import type { MetricRow } from '../../ports/detection.js';

/**
 * The same meeting appears once per calendar it is on (organizer's and attendees' copies, shared calendars).
 * Metrics count it once: rows are grouped by `occurrenceKey` (iCalUId + occurrence start) and the group's
 * representative — the first row by id whose owner did not decline, else the first row — is what the
 * aggregator holds, under the key as its id. `representatives()` gives the same list for a full recompute.
 */
export class TenantMetricsState {
  readonly aggregator: MetricsAggregator;
  private readonly rows = new Map<string, MetricMeeting & { key: string }>();
  private readonly byKey = new Map<string, Set<string>>();

  constructor(options: Partial<MetricsOptions> = {}) {
    this.aggregator = new MetricsAggregator(options);
  }

  /** Number of rows (calendar copies) held. */
  get size(): number {
    return this.rows.size;
  }

  /**
   * Applies current rows and deletions (ids with no row any more, or no customer). Returns the customers whose
   * aggregates changed.
   */
  apply(rows: readonly MetricRow[], goneIds: readonly string[], index: CustomerIndex): Set<string> {
    const touched = new Set<string>();
    const drop = (id: string): void => {
      const old = this.rows.get(id);
      if (!old) return;
      this.rows.delete(id);
      const set = this.byKey.get(old.key);
      set?.delete(id);
      if (set && set.size === 0) this.byKey.delete(old.key);
      touched.add(old.key);
    };
    for (const id of goneIds) drop(id);
    for (const r of rows) {
      drop(r.id);
      if (r.customerId === null) continue;
      this.rows.set(r.id, { ...toMetricMeeting(r, index), key: r.occurrenceKey });
      let set = this.byKey.get(r.occurrenceKey);
      if (!set) this.byKey.set(r.occurrenceKey, (set = new Set()));
      set.add(r.id);
      touched.add(r.occurrenceKey);
    }
    const changed = new Set<string>();
    for (const key of touched) {
      const rep = this.representative(key);
      const ids = rep ? this.aggregator.upsert(rep) : this.aggregator.remove(key);
      for (const c of ids) changed.add(c);
    }
    return changed;
  }

  /** Every occurrence's representative (what a full recompute counts). */
  representatives(): MetricMeeting[] {
    const out: MetricMeeting[] = [];
    for (const key of this.byKey.keys()) {
      const r = this.representative(key);
      if (r) out.push(r);
    }
    return out;
  }

  private representative(key: string): MetricMeeting | null {
    const ids = this.byKey.get(key);
    if (!ids || ids.size === 0) return null;
    let best: (MetricMeeting & { key: string }) | null = null;
    for (const id of ids) {
      const m = this.rows.get(id)!;
      const better =
        best === null ||
        (best.ownResponse === 'declined' && m.ownResponse !== 'declined') ||
        ((best.ownResponse === 'declined') === (m.ownResponse === 'declined') && m.id < best.id);
      if (better) best = m;
    }
    if (!best) return null;
    const { key: _key, ...meeting } = best;
    return { ...meeting, id: key };
  }
}

/** A stored row in metrics' terms; stakeholder roles come from the tenant's customer index. */
export function toMetricMeeting(r: MetricRow, index: CustomerIndex): MetricMeeting {
  const profile = r.customerId ? index.profile(r.customerId) : undefined;
  const roles = new Map((profile?.stakeholders ?? []).map((s) => [s.email.toLowerCase(), s.role]));
  return {
    id: r.id,
    customerId: r.customerId,
    start: r.start,
    end: r.end,
    type: r.type,
    seriesMasterId: r.seriesMasterId,
    isCancelled: r.isCancelled,
    ownResponse: r.ownResponse,
    attendees: r.attendees.map((a) => ({ email: a.email, type: a.type, response: a.response })),
    customerAttendees: r.matchedAttendees,
    stakeholders: r.matchedStakeholders.map((email) => ({ email, role: roles.get(email) ?? null })),
  };
}
