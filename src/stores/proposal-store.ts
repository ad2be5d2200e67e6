// Postgres repository for meeting proposals: conditional status transitions make approval happen exactly once.
import { sql, type ColumnType, type Kysely } from 'kysely';
import { prepared } from './prepared.js';
import type {
  ApprovalResult,
  ProposalKind,
  ProposalPayload,
  ProposalPreview,
  ProposalRecord,
  ProposalStatus,
  ProposalStore,
} from '../ports/scheduling.js';
import type { DB, MeetingProposalsTable } from './schema.js';

/** meeting_proposals with the column of migration 0005. */
interface ProposalsTable5 extends MeetingProposalsTable {
  result: ColumnType<unknown, string | null | undefined, string | null>;
}
type SDB = Omit<DB, 'meeting_proposals'> & { meeting_proposals: ProposalsTable5 };

interface Row {
  id: string;
  tenant_id: string;
  user_id: string;
  customer_id: string | null;
  kind: string;
  status: string;
  payload: unknown;
  preview: unknown;
  meeting_id: string | null;
  created_by: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  expires_at: Date;
  error: string | null;
  decision_reason?: string | null;
  result: unknown;
  created_at: Date;
  updated_at: Date;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

function toRecord(r: Row): ProposalRecord {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    userId: r.user_id,
    customerId: r.customer_id,
    kind: r.kind as ProposalKind,
    status: r.status as ProposalStatus,
    payload: json<ProposalPayload>(r.payload),
    preview: json<ProposalPreview>(r.preview),
    meetingId: r.meeting_id,
    createdBy: r.created_by,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at ? r.decided_at.toISOString() : null,
    expiresAt: r.expires_at.toISOString(),
    error: r.error,
    decisionReason: r.decision_reason ?? null,
    result: r.result == null ? null : json<ApprovalResult>(r.result),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** A new proposal, compiled once (every proposal made through the API inserts one). */
const insertProposal = prepared(
  (
    db: Kysely<SDB>,
    tenantId: string,
    userId: string,
    customerId: string | null,
    kind: string,
    payload: string,
    preview: string,
    createdBy: string,
    expiresAt: string,
    meetingId: string | null,
  ) =>
    db
      .insertInto('meeting_proposals')
      .values({
        tenant_id: tenantId,
        user_id: userId,
        customer_id: customerId,
        kind,
        payload,
        preview,
        created_by: createdBy,
        expires_at: expiresAt,
        meeting_id: meetingId,
      })
      .returningAll(),
  9,
);

export class PgProposalStore implements ProposalStore {
  private readonly db: Kysely<SDB>;
  constructor(db: Kysely<DB>) {
    this.db = db as unknown as Kysely<SDB>;
  }

  async create(input: Parameters<ProposalStore['create']>[0]): Promise<ProposalRecord> {
    const [r] = await insertProposal(
      this.db,
      input.tenantId,
      input.userId,
      input.customerId,
      input.kind,
      JSON.stringify(input.payload),
      JSON.stringify(input.preview),
      input.createdBy,
      input.expiresAt,
      input.meetingId,
    );
    if (!r) throw new Error('the proposal insert returned no row');
    return toRecord(r as Row);
  }

  async get(tenantId: string, id: string): Promise<ProposalRecord | null> {
    const r = await this.db
      .selectFrom('meeting_proposals')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toRecord(r as Row) : null;
  }

  async list(
    tenantId: string,
    q: { status?: ProposalStatus; userId?: string; limit: number; offset: number },
  ): Promise<ProposalRecord[]> {
    let query = this.db.selectFrom('meeting_proposals').selectAll().where('tenant_id', '=', tenantId);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.userId) query = query.where('user_id', '=', q.userId);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute();
    return rows.map((r) => toRecord(r as Row));
  }

  async claim(tenantId: string, id: string, now: Date, staleBefore: Date): Promise<ProposalRecord | null> {
    const r = await this.db
      .updateTable('meeting_proposals')
      .set({ status: 'approving', updated_at: now, error: null })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('expires_at', '>', now)]),
          eb.and([eb('status', '=', 'approving'), eb('updated_at', '<', staleBefore)]),
        ]),
      )
      .returningAll()
      .executeTakeFirst();
    return r ? toRecord(r as Row) : null;
  }

  async complete(
    tenantId: string,
    id: string,
    c: { decidedBy: string; decidedAt: Date; result: ApprovalResult; meetingId: string | null },
  ): Promise<void> {
    await this.db
      .updateTable('meeting_proposals')
      .set({
        status: 'approved',
        decided_by: c.decidedBy,
        decided_at: c.decidedAt,
        result: JSON.stringify(c.result),
        meeting_id: c.meetingId,
        updated_at: c.decidedAt,
        error: null,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'approving')
      .execute();
  }

  async release(tenantId: string, id: string, error: string): Promise<void> {
    await this.db
      .updateTable('meeting_proposals')
      .set({ status: 'pending', error, updated_at: sql<Date>`now()` })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'approving')
      .execute();
  }

  async fail(tenantId: string, id: string, error: string): Promise<void> {
    await this.db
      .updateTable('meeting_proposals')
      .set({ status: 'failed', error, updated_at: sql<Date>`now()` })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'approving')
      .execute();
  }

  async revise(
    tenantId: string,
    id: string,
    change: { payload: ProposalPayload; preview: ProposalPreview },
    now: Date,
  ): Promise<ProposalRecord | null> {
    const r = await this.db
      .updateTable('meeting_proposals')
      .set({ payload: JSON.stringify(change.payload), preview: JSON.stringify(change.preview), updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    return r ? toRecord(r as Row) : null;
  }

  async reject(tenantId: string, id: string, decidedBy: string, now: Date, reason?: string | null): Promise<boolean> {
    const r = await this.db
      .updateTable('meeting_proposals')
      .set({
        status: 'rejected',
        decided_by: decidedBy,
        decided_at: now,
        updated_at: now,
        decision_reason: reason ?? null,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async expire(tenantId: string, id: string, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('meeting_proposals')
      .set({ status: 'expired', updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
