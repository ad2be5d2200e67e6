// Customer engagement metrics and scores, kept incrementally per tenant and read by the API and the health webhook.
import type { CustomerIndex } from '../../domain/detection/customer-index.js';
import { AppError } from '../../domain/errors.js';
import { computeMetrics, customerMetricsFromAggregate } from '../../domain/metrics/compute.js';
import { DAY_MS, WEEK_MS, summarizeWindow, weekLabel, weekStartMs } from '../../domain/metrics/occurrence.js';
import {
  DEFAULT_SCORE_OPTIONS,
  SCORE_FACTORS,
  engagementScore,
  type EngagementScore,
  type ScoreFactorName,
  type ScoreOptions,
} from '../../domain/metrics/score.js';
import type { CustomerMetrics, MetricsOptions } from '../../domain/metrics/types.js';
import type { Actor, TenantSettings } from '../../domain/tenancy.js';
import type { TenantRevisions } from '../../ports/revisions.js';
import type { CustomerStore } from '../../ports/stores.js';
import type { MetricsStore, TenantSettingsSource } from '../../ports/detection.js';
import { healthBand, type HealthBand } from '../../domain/metrics/band.js';
import { TenantMetricsState } from './tenant-state.js';

export interface MetricsServiceDeps {
  store: MetricsStore;
  customers: Pick<CustomerStore, 'get' | 'listAll'>;
  settings: TenantSettingsSource;
  /** The tenant's customer index (stakeholder roles for executive presence). */
  index: (tenantId: string) => Promise<CustomerIndex>;
  now: () => Date;
  options?: Partial<MetricsOptions>;
  /**
   * Reload a tenant's state when it is older than this (ms of real time; default 5 minutes): a backstop for changes
   * no revision records (time passing is handled by `asOf`).
   */
  stateTtlMs?: number;
  /**
   * Meeting revisions shared by every process: a change applied here bumps it, and a state loaded before another
   * process's change is reloaded at the next read (omitted: this process alone changes meetings).
   */
  revisions?: TenantRevisions;
}

export type Trend = 'up' | 'down' | 'flat';

export interface HealthSignals {
  customerId: string;
  asOf: string;
  score: number;
  band: HealthBand;
  trend: Trend;
  /** Each factor with `maxContribution`: the points it gives at full value (0 when it does not apply). */
  factors: Array<EngagementScore['factors'][number] & { maxContribution: number }>;
  metrics: CustomerMetrics;
}

/** One row of the customer list: score, band, trend and the last held meeting. */
export interface CustomerScore {
  customerId: string;
  name: string;
  score: number;
  band: HealthBand;
  trend: Trend;
  /** Start of the last held meeting, null when none. */
  lastContact: string | null;
}

/** Longest score history the API returns (days). */
export const MAX_HISTORY_DAYS = 365;

/** Called with the customers whose metrics changed (the health webhook listens). */
export type MetricsChanged = (tenantId: string, customerIds: string[]) => Promise<void>;

/**
 * The score options a tenant's settings give. Settings are checked at write; what an older version stored is read
 * leniently so it never fails a request or a job: unknown factor names and weights that are not numbers from 0 to 100
 * are ignored, and weights that leave no factor above zero fall back to the defaults.
 */
export function scoreOptionsOf(settings: TenantSettings): Partial<ScoreOptions> {
  const w = settings.engagementWeights;
  if (!w || typeof w !== 'object') return {};
  const weights: Partial<Record<ScoreFactorName, number>> = {};
  for (const f of SCORE_FACTORS) {
    const v = (w as Record<string, unknown>)[f];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100) weights[f] = v;
  }
  const merged = SCORE_FACTORS.map((f) => weights[f] ?? DEFAULT_SCORE_OPTIONS.weights[f]);
  if (merged.every((x) => x === 0)) return {};
  return { weights: weights as ScoreOptions['weights'] };
}

/** Trend of the shortest window: more meetings than the window before, fewer, or the same. */
export function trendOf(m: CustomerMetrics): Trend {
  const w = m.windows[0];
  if (!w || w.change === 0) return 'flat';
  return w.change > 0 ? 'up' : 'down';
}

/**
 * Metrics are kept in memory per tenant: a `TenantMetricsState` (the domain's `MetricsAggregator`) loaded lazily
 * from the database on first use, then updated only for the meetings sync and detection report. Work on one
 * tenant is serialised, so a load never races an update.
 */
export class MetricsService {
  private readonly states = new Map<
    string,
    { loadedAt: number; revision: number; state: Promise<TenantMetricsState> }
  >();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly listeners: MetricsChanged[] = [];

  constructor(private readonly deps: MetricsServiceDeps) {}

  onChange(l: MetricsChanged): void {
    this.listeners.push(l);
  }

  private serial<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(tenantId) ?? Promise.resolve();
    const next = prev.then(work, work);
    const tail = next.catch(() => undefined);
    this.locks.set(tenantId, tail);
    void tail.then(() => {
      if (this.locks.get(tenantId) === tail) this.locks.delete(tenantId);
    });
    return next;
  }

  private isLoaded(tenantId: string): boolean {
    const s = this.states.get(tenantId);
    return s !== undefined && Date.now() - s.loadedAt <= (this.deps.stateTtlMs ?? 300_000);
  }

  /** The tenant's state: kept while fresh and no other process changed the tenant's meetings since it was loaded. */
  private async state(tenantId: string): Promise<TenantMetricsState> {
    const revision = this.deps.revisions ? (await this.deps.revisions.read(tenantId)).meetings : 0;
    const kept = this.states.get(tenantId);
    if (kept && this.isLoaded(tenantId) && kept.revision === revision) return kept.state;
    const state = this.load(tenantId);
    this.states.set(tenantId, { loadedAt: Date.now(), revision, state });
    state.catch(() => this.states.delete(tenantId));
    return state;
  }

  private async load(tenantId: string): Promise<TenantMetricsState> {
    const [rows, index] = await Promise.all([this.deps.store.metricRows(tenantId), this.deps.index(tenantId)]);
    const state = new TenantMetricsState(this.deps.options);
    state.apply(rows, [], index);
    return state;
  }

  /** Brings the given meetings up to date (changed or deleted). Returns the customers whose metrics changed. */
  async applyChanges(tenantId: string, meetingIds: readonly string[]): Promise<string[]> {
    if (meetingIds.length === 0) return [];
    const changed = await this.serial(tenantId, async () => {
      const before = this.states.get(tenantId);
      const state = await this.state(tenantId);
      const loaded = this.states.get(tenantId) === before && before !== undefined;
      const rows = await this.deps.store.metricRows(tenantId, meetingIds);
      await this.recordChange(tenantId);
      // A fresh load already holds these rows; their customers still need their scores looked at.
      if (!loaded) return [...new Set(rows.flatMap((r) => (r.customerId ? [r.customerId] : [])))];
      const present = new Set(rows.map((r) => r.id));
      const gone = meetingIds.filter((id) => !present.has(id));
      return [...state.apply(rows, gone, await this.deps.index(tenantId))];
    });
    if (changed.length > 0) for (const l of this.listeners) await l(tenantId, changed);
    return changed;
  }

  /**
   * Bumps the meetings revision for the other processes; this process's state, which is about to hold the change,
   * takes the new revision when nobody else bumped in between (else it is reloaded at its next read).
   */
  private async recordChange(tenantId: string): Promise<void> {
    if (!this.deps.revisions) return;
    const next = await this.deps.revisions.bump(tenantId, 'meetings');
    const kept = this.states.get(tenantId);
    if (kept && kept.revision === next - 1) kept.revision = next;
  }

  /** Whether this process keeps the tenant's metrics in memory (and they are fresh enough to use). */
  hasState(tenantId: string): boolean {
    return this.isLoaded(tenantId);
  }

  /** Drops a tenant's state (the next read reloads it). */
  forget(tenantId: string): void {
    this.states.delete(tenantId);
  }

  /** Every customer's metrics recomputed from the database with `computeMetrics` (cross-check and benchmark). */
  async recompute(tenantId: string, at?: Date): Promise<Map<string, CustomerMetrics>> {
    const state = await this.load(tenantId);
    return computeMetrics(state.representatives(), (at ?? this.deps.now()).toISOString(), state.aggregator.options);
  }

  /** One customer's metrics from the incremental state (all zero when it has no meeting). */
  async metricsOf(tenantId: string, customerId: string, at?: Date): Promise<CustomerMetrics> {
    const state = await this.serial(tenantId, () => this.state(tenantId));
    const now = (at ?? this.deps.now()).toISOString();
    return customerMetricsFromAggregate(state.aggregator, customerId, now) ?? emptyMetrics(customerId, now, state);
  }

  async scoreOf(tenantId: string, customerId: string, settings?: TenantSettings): Promise<HealthSignals> {
    const s = settings ?? (await this.deps.settings.settings(tenantId));
    const metrics = await this.metricsOf(tenantId, customerId);
    const score = engagementScore(metrics, scoreOptionsOf(s));
    const applicable = score.factors.reduce((sum, f) => sum + (f.value === null ? 0 : f.weight), 0);
    return {
      customerId,
      asOf: metrics.asOf,
      score: score.score,
      band: healthBand(score.score),
      trend: trendOf(metrics),
      factors: score.factors.map((f) => ({
        ...f,
        maxContribution: f.value === null || applicable === 0 ? 0 : Math.round((10_000 * f.weight) / applicable) / 100,
      })),
      metrics,
    };
  }

  // API reads (tenant-scoped: another tenant's customer is not found).

  async customerMetrics(actor: Actor, customerId: string): Promise<CustomerMetrics> {
    await this.requireCustomer(actor, customerId);
    return this.metricsOf(actor.tenantId, customerId);
  }

  async healthSignals(actor: Actor, customerId: string): Promise<HealthSignals> {
    await this.requireCustomer(actor, customerId);
    return this.scoreOf(actor.tenantId, customerId);
  }

  /** Score, band, trend and last contact of every customer of the tenant, best first (the customer list page). */
  async scores(actor: Actor): Promise<CustomerScore[]> {
    const settings = await this.deps.settings.settings(actor.tenantId);
    const customers = await this.deps.customers.listAll(actor.tenantId);
    const out: CustomerScore[] = [];
    for (const c of customers) {
      const s = await this.scoreOf(actor.tenantId, c.id, settings);
      out.push({
        customerId: c.id,
        name: c.name,
        score: s.score,
        band: s.band,
        trend: s.trend,
        lastContact: s.metrics.lastMeeting?.start ?? null,
      });
    }
    return out.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  }

  /**
   * The customer's score per UTC day over the last `days` days, oldest first: the stored daily snapshots (written
   * whenever scores are evaluated) with today's from the score as it is now, so the series always ends today.
   */
  async scoreHistory(
    actor: Actor,
    customerId: string,
    days: number,
  ): Promise<{ items: Array<{ day: string; score: number; band: HealthBand }> }> {
    await this.requireCustomer(actor, customerId);
    const now = this.deps.now();
    const today = now.toISOString().slice(0, 10);
    const from = new Date(now.getTime() - (Math.min(days, MAX_HISTORY_DAYS) - 1) * DAY_MS).toISOString().slice(0, 10);
    const stored = await this.deps.store.scoreHistory(actor.tenantId, customerId, from);
    const current = await this.scoreOf(actor.tenantId, customerId);
    const items = [...stored.filter((x) => x.day < today), { day: today, score: current.score }];
    return { items: items.map((x) => ({ ...x, band: healthBand(x.score) })) };
  }

  private async requireCustomer(actor: Actor, customerId: string): Promise<void> {
    if (!(await this.deps.customers.get(actor.tenantId, customerId))) {
      throw new AppError('not_found', 'No such customer.');
    }
  }
}

/** The metrics of a customer with no counted meeting: zero windows, an empty weekly series. */
function emptyMetrics(customerId: string, now: string, state: TenantMetricsState): CustomerMetrics {
  const nowMs = Date.parse(now);
  const o = state.aggregator.options;
  const current = weekStartMs(nowMs);
  return {
    customerId,
    asOf: new Date(nowMs).toISOString(),
    windows: o.windowsDays.map((d) => summarizeWindow(d, nowMs - d * DAY_MS, nowMs, [], 0)),
    lastMeeting: null,
    nextMeeting: null,
    weekly: Array.from({ length: o.weeks }, (_, i) => ({
      weekStart: weekLabel(current - (o.weeks - 1 - i) * WEEK_MS),
      meetings: 0,
      minutes: 0,
      cancelled: 0,
      declined: 0,
      stakeholdersMet: 0,
    })),
  };
}
