// Scheduled re-evaluation of engagement scores: recency, trend and upcoming change with time alone, so a customer
// with no new meetings still decays and crosses the health-webhook threshold. Runs as a recurring job.
import type { CustomerKey, CustomerPager } from '../../ports/detection.js';

export interface ReevaluationDeps {
  customers: CustomerPager;
  /** The change path's listener: scores the customers, stores them and enqueues a webhook per threshold crossing. */
  evaluate: (tenantId: string, customerIds: readonly string[]) => Promise<number>;
  /** Whether this process already keeps the tenant's metrics in memory, and how to drop them again. */
  isLoaded: (tenantId: string) => boolean;
  forget: (tenantId: string) => void;
  log: (obj: Record<string, unknown>, msg: string) => void;
  /** Customers per page (default 500): the walk never holds more keys than this. */
  batchSize?: number;
}

export interface ReevaluationResult {
  tenants: number;
  customers: number;
  /** Health webhooks enqueued. */
  enqueued: number;
  /** Tenants whose evaluation failed (logged; the walk goes on). */
  failed: number;
}

/** The recurring job's name on the job queue. */
export const HEALTH_REEVALUATION_JOB = 'health-reevaluation';

/**
 * Walks every customer of every tenant in pages and re-scores them through the same listener as the change path,
 * so a threshold crossing fires exactly as it would after a meeting change (and, since that compares with the last
 * *notified* score, only once). A tenant's metrics that were loaded only for the walk are dropped afterwards, so
 * memory stays bounded by one tenant at a time.
 */
export class HealthReevaluation {
  constructor(private readonly deps: ReevaluationDeps) {}

  async runOnce(): Promise<ReevaluationResult> {
    const limit = this.deps.batchSize ?? 500;
    const result: ReevaluationResult = { tenants: 0, customers: 0, enqueued: 0, failed: 0 };
    let current = null as TenantWalk | null;
    let after: CustomerKey | null = null;
    for (;;) {
      const page = await this.deps.customers.customersAfter(after, limit);
      if (page.length === 0) break;
      after = page[page.length - 1]!;
      for (const [tenantId, ids] of groupByTenant(page)) {
        if (current?.tenantId !== tenantId) {
          this.finish(current);
          current = { tenantId, wasLoaded: this.deps.isLoaded(tenantId), failed: false };
          result.tenants++;
        }
        if (current.failed) continue;
        try {
          result.enqueued += await this.deps.evaluate(tenantId, ids);
          result.customers += ids.length;
        } catch (e) {
          current.failed = true;
          result.failed++;
          this.deps.log({ tenantId, err: e instanceof Error ? e.message : String(e) }, 'score re-evaluation failed');
        }
      }
      if (page.length < limit) break;
    }
    this.finish(current);
    return result;
  }

  private finish(walk: TenantWalk | null): void {
    if (walk && !walk.wasLoaded) this.deps.forget(walk.tenantId);
  }
}

interface TenantWalk {
  tenantId: string;
  wasLoaded: boolean;
  failed: boolean;
}

function groupByTenant(page: readonly CustomerKey[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const k of page) {
    const ids = out.get(k.tenantId);
    if (ids) ids.push(k.customerId);
    else out.set(k.tenantId, [k.customerId]);
  }
  return out;
}
