// Tenant revisions: counters that tell a process its in-memory state of a tenant (customer index, metrics) is stale
// because another process changed customers or meetings.

export type RevisionKind = 'customers' | 'meetings';

export interface TenantRevisions {
  /** The current revisions (0 for a tenant never bumped). */
  read(tenantId: string): Promise<Record<RevisionKind, number>>;
  /** Increments one revision; resolves to its new value. */
  bump(tenantId: string, kind: RevisionKind): Promise<number>;
}
