// Postgres adapter of the proposal expiry sweep: which tenants have pending proposals past their expiry, and a
// conditional UPDATE … RETURNING that marks a batch of one tenant's expired. Only the call whose UPDATE changed a row
// gets it back, so a proposal is expired (and announced) once however many sweeps or reads run at the same time.
import { sql, type Kysely } from 'kysely';
import type { PolicyUser } from '../domain/approval-policy.js';
import type { ProposalRecord } from '../ports/scheduling.js';
import { PgProposalStore } from './proposal-store.js';
import type { DB } from './schema.js';

export class PgProposalExpiryStore {
  constructor(private readonly db: Kysely<DB>) {}

  /** Tenants with a pending proposal whose expiry is at or before `now` (at most `limit`, a system-wide read). */
  async tenantsDue(now: Date, limit: number): Promise<string[]> {
    const r = await sql<{ tenant_id: string }>`SELECT DISTINCT tenant_id FROM meeting_proposals
      WHERE status = 'pending' AND expires_at <= ${now} ORDER BY tenant_id LIMIT ${limit}`.execute(this.db);
    return r.rows.map((x) => x.tenant_id);
  }

  /**
   * Marks up to `limit` of the tenant's pending proposals past their expiry expired and returns them with their
   * organizers. Rows another transaction holds (a concurrent sweep) are skipped, and the outer condition on status
   * makes a row a concurrent read expired first come back to nobody twice.
   */
  async expireDue(
    tenantId: string,
    now: Date,
    limit: number,
  ): Promise<Array<{ record: ProposalRecord; organizer: PolicyUser | null }>> {
    const r = await sql<{
      id: string;
      user_id: string;
    }>`UPDATE meeting_proposals SET status = 'expired', updated_at = ${now}
      WHERE tenant_id = ${tenantId}::uuid AND status = 'pending' AND expires_at <= ${now}
        AND id IN (SELECT id FROM meeting_proposals
          WHERE tenant_id = ${tenantId}::uuid AND status = 'pending' AND expires_at <= ${now}
          ORDER BY expires_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id, user_id`.execute(this.db);
    if (r.rows.length === 0) return [];
    const userIds = [...new Set(r.rows.map((x) => x.user_id))];
    const users = await this.db
      .selectFrom('users')
      .select(['id', 'email', 'display_name', 'role', 'status'])
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', userIds)
      .execute();
    const byId = new Map(
      users.map((u) => [
        u.id,
        { id: u.id, email: u.email, displayName: u.display_name, role: u.role, status: u.status } as PolicyUser,
      ]),
    );
    const proposals = new PgProposalStore(this.db);
    const out: Array<{ record: ProposalRecord; organizer: PolicyUser | null }> = [];
    for (const row of r.rows) {
      const record = await proposals.get(tenantId, row.id);
      if (record) out.push({ record, organizer: byId.get(row.user_id) ?? null });
    }
    return out;
  }
}
