// Customer detection for stored meetings: runs after sync and after customer changes, keeps a per-tenant index.
import type { Customer } from '../../domain/customers.js';
import { affectedMeetings, diffCustomer, isEmptyChange } from '../../domain/detection/affected.js';
import { CustomerIndex } from '../../domain/detection/customer-index.js';
import { detectWithIndex } from '../../domain/detection/detect.js';
import type { DetectionResult } from '../../domain/detection/types.js';
import type { TenantRevisions } from '../../ports/revisions.js';
import type { CustomerStore } from '../../ports/stores.js';
import type { DetectionRow, DetectionStore, DetectionWrite, TenantSettingsSource } from '../../ports/detection.js';
import { toProfile } from './profile.js';

/** Called with the meetings whose detection was (re)written, so metrics can follow. */
export type DetectedListener = (tenantId: string, meetingIds: string[]) => Promise<void>;

export interface DetectionServiceDeps {
  store: DetectionStore;
  customers: Pick<CustomerStore, 'listAll'>;
  settings: TenantSettingsSource;
  /** Customer revisions shared by every process (omitted: this process alone changes customers). */
  revisions?: TenantRevisions;
}

const PAGE = 1000;

/** JSON with sorted object keys: jsonb does not keep key order, so stored and fresh results compare equal. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

const sameResult = (row: DetectionRow, r: DetectionResult): boolean =>
  row.reason === r.reason && row.customerId === r.customerId && canonical(row.candidates) === canonical(r.candidates);

/**
 * Detection over stored meetings. One `CustomerIndex` per tenant is built lazily from the customers and the
 * tenant's `ownDomains`, kept current by `onCustomerChanged`, and rebuilt when `ownDomains` change. A manual
 * association (`manual_customer`) always wins: detection still records the candidates but never its customer.
 * @example
 * sync.onMeetingsChanged((t, changed) => detection.detectMeetings(t, changed));
 * customers.onChange((t, before, after) => detection.onCustomerChanged(t, before, after));
 */
export class DetectionService {
  private readonly indexes = new Map<string, { domainsKey: string; revision: number; index: Promise<CustomerIndex> }>();
  private readonly listeners: DetectedListener[] = [];

  constructor(private readonly deps: DetectionServiceDeps) {}

  onDetected(l: DetectedListener): void {
    this.listeners.push(l);
  }

  /**
   * The tenant's index (built on first use; rebuilt when the tenant's own domains change, or when another process
   * changed the tenant's customers: its revision moved).
   */
  async indexFor(tenantId: string): Promise<CustomerIndex> {
    const [settings, revisions] = await Promise.all([
      this.deps.settings.settings(tenantId),
      this.deps.revisions ? this.deps.revisions.read(tenantId) : Promise.resolve(null),
    ]);
    const own = settings.ownDomains ?? [];
    const domainsKey = [...own].sort().join(',');
    const revision = revisions?.customers ?? 0;
    const cached = this.indexes.get(tenantId);
    if (cached && cached.domainsKey === domainsKey && cached.revision === revision) return cached.index;
    const index = this.deps.customers
      .listAll(tenantId)
      .then((all) => CustomerIndex.build(all.map(toProfile), { tenantDomains: own }));
    this.indexes.set(tenantId, { domainsKey, revision, index });
    index.catch(() => {
      if (this.indexes.get(tenantId)?.index === index) this.indexes.delete(tenantId);
    });
    return index;
  }

  /** Forgets a tenant's index (the next detection rebuilds it). */
  invalidate(tenantId: string): void {
    this.indexes.delete(tenantId);
  }

  /** Detects the given meetings, writes what changed and tells the listeners. Returns the ids written. */
  async detectMeetings(tenantId: string, meetingIds: readonly string[]): Promise<string[]> {
    if (meetingIds.length === 0) return [];
    const rows = await this.deps.store.rowsForDetection(tenantId, meetingIds);
    return this.detectRows(tenantId, rows, await this.indexFor(tenantId), true);
  }

  /** Detects meetings that were never detected (e.g. a hook failed mid-way); returns how many. */
  async detectPending(tenantId: string, limit = 5000): Promise<number> {
    const ids = await this.deps.store.undetectedIds(tenantId, limit);
    await this.detectMeetings(tenantId, ids);
    return ids.length;
  }

  /**
   * Keeps the index current and re-detects only the meetings the change can affect (`affectedMeetings`).
   * Returns the number of meetings whose detection was rewritten.
   */
  async onCustomerChanged(tenantId: string, before: Customer | null, after: Customer | null): Promise<number> {
    // Other processes (workers detecting synced pages) rebuild their index at their next use.
    await this.deps.revisions?.bump(tenantId, 'customers');
    const index = await this.indexFor(tenantId);
    if (after) index.upsert(toProfile(after));
    else if (before) index.remove(before.id);
    const change = diffCustomer(before && toProfile(before), after && toProfile(after));
    if (isEmptyChange(change)) return 0;
    const affected = affectedMeetings(change);
    const query = {
      customerId: change.customerId,
      domains: change.addedDomains,
      stakeholders: change.addedStakeholders,
      allMeetings: change.addedPatterns.length > 0,
    };
    let after_: string | null = null;
    let written = 0;
    for (;;) {
      const page = await this.deps.store.affectedRows(tenantId, query, after_, PAGE);
      if (page.length === 0) break;
      after_ = page[page.length - 1]!.id;
      const todo = page.filter((r) => affected(r, r.reason === null ? null : storedResult(r)));
      written += (await this.detectRows(tenantId, todo, index, true)).length;
      if (page.length < PAGE) break;
    }
    return written;
  }

  private async detectRows(
    tenantId: string,
    rows: readonly DetectionRow[],
    index: CustomerIndex,
    notify: boolean,
  ): Promise<string[]> {
    const writes: DetectionWrite[] = [];
    for (const row of rows) {
      const r = detectWithIndex(row, index, row.manual ? { customerId: row.customerId } : undefined);
      if (sameResult(row, r)) continue;
      writes.push({
        id: row.id,
        customerId: r.customerId,
        reason: r.reason,
        confidence: r.confidence,
        candidates: r.candidates,
      });
    }
    if (writes.length > 0) await this.deps.store.writeResults(tenantId, writes);
    // Metrics follow every detected meeting (its times or attendees may have changed even if the customer did not).
    const ids = rows.map((r) => r.id);
    if (notify && ids.length > 0) for (const l of this.listeners) await l(tenantId, ids);
    return writes.map((w) => w.id);
  }
}

/** The previous detection as stored, for `affectedMeetings`. */
function storedResult(r: DetectionRow): DetectionResult {
  return { customerId: r.customerId, reason: r.reason ?? 'none', confidence: 0, candidates: r.candidates };
}
