// Postgres repository for tenants, users and API keys.
import type { Kysely } from 'kysely';
import type { Actor, Role, Tenant, TenantSettings, User, UserStatus } from '../domain/tenancy.js';
import type { TenantStore } from '../ports/stores.js';
import type { DB, TenantRow, UserRow } from './schema.js';

const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  name: r.name,
  calendarProvider: r.calendar_provider,
  settings: (r.settings ?? {}) as TenantSettings,
  createdAt: r.created_at.toISOString(),
});

const toUser = (r: UserRow): User => ({
  id: r.id,
  tenantId: r.tenant_id,
  email: r.email,
  displayName: r.display_name,
  timeZone: r.time_zone,
  role: r.role,
  status: r.status,
});

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
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
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
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  /** The user and their tenant in one statement (what every `/api/me` asks). */
  async getCaller(tenantId: string, userId: string) {
    const row = await this.db
      .selectFrom('users as u')
      .innerJoin('tenants as t', 't.id', 'u.tenant_id')
      .select([
        'u.id as user_id',
        'u.email',
        'u.display_name',
        'u.time_zone',
        'u.role',
        'u.status',
        't.name as tenant_name',
        't.calendar_provider',
        't.settings',
        't.created_at as tenant_created_at',
      ])
      .where('u.tenant_id', '=', tenantId)
      .where('u.id', '=', userId)
      .executeTakeFirst();
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
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('email')
      .execute();
    return rows.map(toUser);
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
    const row = await this.db
      .selectFrom('api_keys as k')
      .innerJoin('users as u', 'u.id', 'k.user_id')
      .select(['k.id', 'k.tenant_id', 'k.user_id', 'u.role'])
      .where('k.key_hash', '=', keyHash)
      .where('k.revoked_at', 'is', null)
      .where('u.status', '=', 'active')
      .executeTakeFirst();
    return row
      ? { tenantId: row.tenant_id, userId: row.user_id, role: row.role, apiKeyId: row.id, sessionId: null }
      : null;
  }
}
