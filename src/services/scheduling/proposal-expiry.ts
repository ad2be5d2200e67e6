// The proposal expiry sweep (issue 19): a recurring worker job marks pending proposals past their expiry expired and
// emits each one's `proposal.expired`, so a receiver hears of an expiry when it happens, not when the proposal is next
// read. Tenant by tenant, in batches; each batch's state change and its events are written in one transaction (both
// or neither), and the conditional UPDATE behind `expireDue` hands a proposal to exactly one caller, so two workers
// sweeping at once, or a sweep and a read, announce it once.
import type { PolicyUser } from '../../domain/approval-policy.js';
import { isAppError } from '../../domain/errors.js';
import type { ProposalRecord } from '../../ports/scheduling.js';

/** The pg-boss queue of the sweep (one of JOB_NAMES). */
export const PROPOSAL_EXPIRY_JOB = 'proposal-expiry';
/** Minutes between sweeps. */
export const PROPOSAL_EXPIRY_MINUTES = 1;

/** What one transaction of the sweep can do: every call runs in it. */
export interface ProposalExpiryTx {
  /** Marks up to `limit` of the tenant's pending proposals past `now` expired; returns only those this call changed. */
  expireDue(now: Date, limit: number): Promise<Array<{ record: ProposalRecord; organizer: PolicyUser | null }>>;
  /** Queues the proposal's `proposal.expired` event; throws when it cannot (the transaction then rolls back). */
  announce(record: ProposalRecord, organizer: PolicyUser | null): Promise<void>;
}

export interface ProposalExpiryDeps {
  /** Tenants with pending proposals past `now` (at most `limit`). */
  tenantsDue(now: Date, limit: number): Promise<string[]>;
  /** Runs `fn` in one transaction of the tenant (null when the tenant no longer exists: nothing to do). */
  inTransaction<T>(tenantId: string, fn: (tx: ProposalExpiryTx) => Promise<T>): Promise<T | null>;
  now: () => Date;
  /** Proposals per transaction (default 100). */
  batchSize?: number;
  /** Tenants per run (default 1000; the next run takes the rest). */
  maxTenants?: number;
}

export interface ProposalExpiryResult {
  tenants: number;
  expired: number;
  /** Tenants whose batch failed, with a stable code (never a message: it may quote data). */
  failures: Array<{ tenantId: string; code: string }>;
}

export class ProposalExpirySweep {
  constructor(private readonly d: ProposalExpiryDeps) {}

  /** One sweep: every due proposal of every tenant (up to maxTenants), batch by batch. */
  async runOnce(): Promise<ProposalExpiryResult> {
    const now = this.d.now();
    const batch = this.d.batchSize ?? 100;
    const result: ProposalExpiryResult = { tenants: 0, expired: 0, failures: [] };
    for (const tenantId of await this.d.tenantsDue(now, this.d.maxTenants ?? 1000)) {
      result.tenants++;
      try {
        for (;;) {
          const n = await this.d.inTransaction(tenantId, async (tx) => {
            const due = await tx.expireDue(now, batch);
            for (const x of due) await tx.announce(x.record, x.organizer);
            return due.length;
          });
          result.expired += n ?? 0;
          if (n === null || n < batch) break;
        }
      } catch (e) {
        result.failures.push({ tenantId, code: isAppError(e) ? e.code : 'internal' });
      }
    }
    return result;
  }
}
