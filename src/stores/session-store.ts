// Postgres repository for browser sessions (migration 17). Every statement is scoped by tenant except the lookup by
// token hash, which is how a request finds its tenant in the first place.
import type { Kysely, Selectable } from 'kysely';
import type { SessionRecord, SessionStore } from '../ports/stores.js';
import type { DB, SessionsTable } from './schema.js';

const toSession = (r: Selectable<SessionsTable>): SessionRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  userId: r.user_id,
  csrfToken: r.csrf_token,
  provider: r.provider,
  userAgent: r.user_agent,
  ip: r.ip,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

export class PgSessionStore implements SessionStore {
  constructor(private readonly db: Kysely<DB>) {}

  async create(input: Parameters<SessionStore['create']>[0]): Promise<SessionRecord> {
    const row = await this.db
      .insertInto('sessions')
      .values({
        tenant_id: input.tenantId,
        user_id: input.userId,
        token_hash: input.tokenHash,
        csrf_token: input.csrfToken,
        provider: input.provider,
        user_agent: input.userAgent,
        ip: input.ip,
        created_at: input.now,
        last_seen_at: input.now,
        expires_at: input.expiresAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toSession(row);
  }

  async findByTokenHash(tokenHash: string) {
    const row = await this.db
      .selectFrom('sessions as s')
      .innerJoin('users as u', (j) => j.onRef('u.id', '=', 's.user_id').onRef('u.tenant_id', '=', 's.tenant_id'))
      .selectAll('s')
      .select(['u.role', 'u.status'])
      .where('s.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return null;
    const { role, status, ...s } = row;
    return { session: toSession(s), role, status };
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
  }

  async revoke(tenantId: string, id: string, at: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('sessions')
      .set({ revoked_at: at })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async revokeAllOfUser(tenantId: string, userId: string, at: Date, exceptId?: string): Promise<number> {
    let q = this.db
      .updateTable('sessions')
      .set({ revoked_at: at })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (exceptId) q = q.where('id', '!=', exceptId);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async listLive(tenantId: string, userId: string, now: Date): Promise<SessionRecord[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toSession);
  }
}
