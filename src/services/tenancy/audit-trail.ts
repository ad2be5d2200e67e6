// The tenant's audit trail as its admins read it: newest first, filtered, a page at a time (keyset on the entry id,
// so a page never repeats or skips entries written meanwhile), or all of it as a stream for the JSON lines export.
import type { Actor } from '../../domain/tenancy.js';
import type { AuditEntry, AuditQuery, AuditStore } from '../../ports/stores.js';

export type AuditFilter = Omit<AuditQuery, 'limit' | 'before'>;
export type AuditRecord = AuditEntry & { id: number; createdAt: string };

/** Entries read per statement by the export. */
const EXPORT_PAGE = 500;

export class AuditTrail {
  constructor(private readonly store: AuditStore) {}

  /** One page: `before` is the previous page's `nextCursor`; `nextCursor` is null on the last page. */
  async page(
    actor: Actor,
    filter: AuditFilter & { limit: number; before?: number },
  ): Promise<{ entries: AuditRecord[]; nextCursor: number | null }> {
    const rows = await this.store.list(actor.tenantId, { ...filter, limit: filter.limit + 1 });
    const entries = rows.slice(0, filter.limit);
    return { entries, nextCursor: rows.length > filter.limit ? entries[entries.length - 1]!.id : null };
  }

  /** Every matching entry, newest first, read a page at a time. */
  async *all(actor: Actor, filter: AuditFilter): AsyncGenerator<AuditRecord> {
    let before: number | undefined;
    for (;;) {
      const rows = await this.store.list(actor.tenantId, {
        ...filter,
        limit: EXPORT_PAGE,
        ...(before !== undefined ? { before } : {}),
      });
      yield* rows;
      if (rows.length < EXPORT_PAGE) return;
      before = rows[rows.length - 1]!.id;
    }
  }
}
