// Postgres repository for the audit log.
import type { Kysely } from 'kysely';
import type { AuditEntry, AuditQuery, AuditStore } from '../ports/stores.js';
import { prepared } from './prepared.js';
import type { DB } from './schema.js';

/** One audit row, compiled once (most writes of the API record one). */
const insertEntry = prepared(
  (
    db: Kysely<DB>,
    tenantId: string,
    actor: string,
    action: string,
    targetType: string | null,
    targetId: string | null,
    details: string,
  ) =>
    db.insertInto('audit_log').values({
      tenant_id: tenantId,
      actor,
      action,
      target_type: targetType,
      target_id: targetId,
      details,
    }),
  6,
);

export class PgAuditStore implements AuditStore {
  constructor(private readonly db: Kysely<DB>) {}

  async record(e: AuditEntry): Promise<void> {
    await insertEntry(
      this.db,
      e.tenantId,
      e.actor,
      e.action,
      e.targetType ?? null,
      e.targetId ?? null,
      JSON.stringify(e.details ?? {}),
    );
  }

  async list(tenantId: string, opts: AuditQuery) {
    let q = this.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId);
    if (opts.action) q = q.where('action', '=', opts.action);
    if (opts.actor) q = q.where('actor', '=', opts.actor);
    if (opts.targetType) q = q.where('target_type', '=', opts.targetType);
    if (opts.since) q = q.where('created_at', '>=', opts.since);
    if (opts.until) q = q.where('created_at', '<', opts.until);
    if (opts.before !== undefined) q = q.where('id', '<', opts.before);
    const rows = await q.orderBy('id', 'desc').limit(opts.limit).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      tenantId: r.tenant_id,
      actor: r.actor,
      action: r.action,
      targetType: r.target_type ?? undefined,
      targetId: r.target_id ?? undefined,
      details: r.details,
      createdAt: r.created_at.toISOString(),
    }));
  }
}
