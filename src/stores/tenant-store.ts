// Postgres repository for tenants, users and API keys.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Actor, Role, Tenant, TenantSettings, User, UserStatus } from '../domain/tenancy.js';
import type { ApiKeyRecord, TenantStore } from '../ports/stores.js';
import { prepared } from './prepared.js';
import type { DB, TenantRow, UserRow } from './schema.js';

const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  name: r.name,
  calendarProvider: r.calendar_provider,
  settings: (r.settings ?? {}) as TenantSettings,
  createdAt: r.created_at.toISOString(),
});

/** A users row as the domain's User (shared by the stores that read users). */
export const toUser = (r: UserRow): User => ({
  id: r.id,
  tenantId: r.tenant_id,
  email: r.email,
  displayName: r.display_name,
  timeZone: r.time_zone,
  role: r.role,
  status: r.status,
});

/** The user and their tenant in one statement, compiled once (GET /api/me and every scheduling context ask it). */
const callerQuery = prepared(
  (db: Kysely<DB>, tenantId: string, userId: string) =>
    db
      .selectFrom('users as u')
      .innerJoin('tenants as t', 't.id', 'u.tenant_id')
      .select([
        'u.id as user_id',
        'u.email',
        // No name of their own yet: the connected mailbox's (Graph displayName, Google profile name).
        sql<string | null>`coalesce(u.display_name, (
          select c.account_name from calendar_connections c
          where c.tenant_id = u.tenant_id and c.user_id = u.id and c.account_name is not null
          order by c.connected_at desc limit 1))`.as('display_name'),
        'u.time_zone',
        'u.role',
        'u.status',
        't.name as tenant_name',
        't.calendar_provider',
        't.settings',
        't.created_at as tenant_created_at',
      ])
      .where('u.tenant_id', '=', tenantId)
      .where('u.id', '=', userId),
  2,
);

/** The active caller of an unrevoked key, compiled once (every caller-cache miss asks it). */
const actorQuery = prepared(
  (db: Kysely<DB>, keyHash: string) =>
    db
      .selectFrom('api_keys as k')
      .innerJoin('users as u', 'u.id', 'k.user_id')
      .select(['k.id', 'k.tenant_id', 'k.user_id', 'k.last_used_at', 'u.role'])
      .where('k.key_hash', '=', keyHash)
      .where('k.revoked_at', 'is', null)
      .where('u.status', '=', 'active'),
  1,
);

/** A tenant by id, compiled once (every scheduling request and platform event reads it). */
const tenantQuery = prepared(
  (db: Kysely<DB>, id: string) => db.selectFrom('tenants').selectAll().where('id', '=', id),
  1,
);

/** A user of a tenant, compiled once (every scheduling request reads the caller). */
const userQuery = prepared(
  (db: Kysely<DB>, tenantId: string, userId: string) =>
    db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', userId),
  2,
);

/** A tenant's users by e-mail, compiled once (a proposal's approvers are picked from them). */
const usersQuery = prepared(
  (db: Kysely<DB>, tenantId: string) =>
    db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).orderBy('email'),
  1,
);

export class PgTenantStore implements TenantStore {
  constructor(private readonly db: Kysely<DB>) {}

  async createTenant(input: { name: string; calendarProvider: Tenant['calendarProvider']; settings?: TenantSettings }) {
    const row = await this.db
      .insertInto('tenants')
      .values({
        name: input.name,
        calendar_provider: input.calendarProvider,
        settings: JSON.stringify(input.settings ?? {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTenant(row);
  }

  async getTenant(id: string) {
    const [row] = await tenantQuery(this.db, id);
    return row ? toTenant(row) : null;
  }

  async updateSettings(id: string, settings: TenantSettings) {
    const row = await this.db
      .updateTable('tenants')
      .set({ settings: JSON.stringify(settings), updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTenant(row);
  }

  async createUser(input: {
    tenantId: string;
    email: string;
    displayName?: string | null;
    timeZone?: string;
    role?: Role;
    status?: UserStatus;
  }) {
    const row = await this.db
      .insertInto('users')
      .values({
        tenant_id: input.tenantId,
        email: input.email.toLowerCase(),
        display_name: input.displayName ?? null,
        time_zone: input.timeZone ?? 'UTC',
        ...(input.role ? { role: input.role } : {}),
        ...(input.status ? { status: input.status } : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  }

  async getUser(tenantId: string, userId: string) {
    const [row] = await userQuery(this.db, tenantId, userId);
    return row ? toUser(row) : null;
  }

  /** The user and their tenant in one statement (what every `/api/me` asks). */
  async getCaller(tenantId: string, userId: string) {
    const [row] = await callerQuery(this.db, tenantId, userId);
    if (!row) return null;
    return {
      user: toUser({
        id: row.user_id,
        tenant_id: tenantId,
        email: row.email,
        display_name: row.display_name,
        time_zone: row.time_zone,
        role: row.role,
        status: row.status,
      } as UserRow),
      tenant: toTenant({
        id: tenantId,
        name: row.tenant_name,
        calendar_provider: row.calendar_provider,
        settings: row.settings,
        created_at: row.tenant_created_at,
      } as TenantRow),
    };
  }

  async findUserByEmail(tenantId: string, email: string) {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async listUsers(tenantId: string) {
    return (await usersQuery(this.db, tenantId)).map(toUser);
  }

  async createApiKey(input: { tenantId: string; userId: string; keyHash: string; prefix: string }) {
    return this.db
      .insertInto('api_keys')
      .values({ tenant_id: input.tenantId, user_id: input.userId, key_hash: input.keyHash, prefix: input.prefix })
      .returning('id')
      .executeTakeFirstOrThrow();
  }

  async findActorByKeyHash(keyHash: string): Promise<Actor | null> {
    // A deactivated user's keys stop working with the user (they are also revoked when the user is deactivated).
    const [row] = await actorQuery(this.db, keyHash);
    if (!row) return null;
    // "last used" to the minute: written at most once a minute per key (and once per caller-cache miss at most)
    const now = new Date();
    if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= LAST_USED_EVERY_MS)
      await this.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
    return { tenantId: row.tenant_id, userId: row.user_id, role: row.role, apiKeyId: row.id, sessionId: null };
  }

  /**
   * Runs `change` with the tenant's row locked (changes to a tenant's admins one at a time), then refuses when no
   * active admin would be left: the transaction is rolled back and 'last_admin' returned.
   */
  private async guardingAdmins<T>(
    tenantId: string,
    change: (trx: Transaction<DB>) => Promise<T>,
  ): Promise<T | 'last_admin'> {
    const LastAdmin = Symbol('last_admin');
    try {
      return await this.db.transaction().execute(async (trx) => {
        await sql`SELECT 1 FROM tenants WHERE id = ${tenantId} FOR UPDATE`.execute(trx);
        const before = await this.activeAdmins(trx, tenantId);
        const result = await change(trx);
        if (before > 0 && (await this.activeAdmins(trx, tenantId)) === 0) throw LastAdmin;
        return result;
      });
    } catch (e) {
      if (e === LastAdmin) return 'last_admin';
      throw e;
    }
  }

  private async activeAdmins(trx: Transaction<DB>, tenantId: string): Promise<number> {
    const r = await trx
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('role', '=', 'admin')
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async changeUser(
    tenantId: string,
    userId: string,
    patch: { role?: Role; status?: UserStatus; deactivatedAt?: Date | null },
  ): Promise<User | 'last_admin' | null> {
    const result = await this.guardingAdmins(tenantId, async (trx) => {
      const row = await trx
        .updateTable('users')
        .set({
          ...(patch.role ? { role: patch.role } : {}),
          ...(patch.status ? { status: patch.status } : {}),
          ...(patch.deactivatedAt !== undefined ? { deactivated_at: patch.deactivatedAt } : {}),
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', userId)
        .returningAll()
        .executeTakeFirst();
      return row ? toUser(row) : null;
    });
    return result;
  }

  async deleteUser(tenantId: string, userId: string): Promise<boolean | 'last_admin'> {
    return this.guardingAdmins(tenantId, async (trx) => {
      const r = await trx
        .deleteFrom('users')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', userId)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  async connectionIdsOf(tenantId: string, userId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('calendar_connections')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .execute();
    return rows.map((r) => r.id);
  }

  private keys(tenantId: string) {
    return this.db
      .selectFrom('api_keys as k')
      .innerJoin('users as u', 'u.id', 'k.user_id')
      .select(['k.id', 'k.prefix', 'k.user_id', 'u.email', 'k.created_at', 'k.last_used_at', 'k.revoked_at'])
      .where('k.tenant_id', '=', tenantId);
  }

  async listApiKeys(tenantId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.keys(tenantId).orderBy('k.created_at', 'desc').orderBy('k.id').execute();
    return rows.map(toKey);
  }

  async revokeApiKey(tenantId: string, keyId: string, at: Date): Promise<ApiKeyRecord | null> {
    const r = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return null;
    const row = await this.keys(tenantId).where('k.id', '=', keyId).executeTakeFirst();
    return row ? toKey(row) : null;
  }

  async revokeApiKeysOfUser(tenantId: string, userId: string, at: Date): Promise<number> {
    const r = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}

const LAST_USED_EVERY_MS = 60_000;

const toKey = (r: {
  id: string;
  prefix: string;
  user_id: string;
  email: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): ApiKeyRecord => ({
  id: r.id,
  prefix: r.prefix,
  userId: r.user_id,
  userEmail: r.email,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});
