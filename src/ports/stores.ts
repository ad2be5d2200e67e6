// Persistence ports used by the services. Implementations live in src/stores; signatures use domain types only.
import type { Customer, CustomerInput, CustomerListQuery, Stakeholder } from '../domain/customers.js';
import type { ProviderType } from '../domain/calendar.js';
import type { Actor, Role, Tenant, TenantSettings, User, UserStatus } from '../domain/tenancy.js';

export interface TenantStore {
  createTenant(input: { name: string; calendarProvider: ProviderType; settings?: TenantSettings }): Promise<Tenant>;
  getTenant(id: string): Promise<Tenant | null>;
  updateSettings(id: string, settings: TenantSettings): Promise<Tenant>;
  createUser(input: {
    tenantId: string;
    email: string;
    displayName?: string | null;
    timeZone?: string;
    role?: Role;
    status?: UserStatus;
  }): Promise<User>;
  getUser(tenantId: string, userId: string): Promise<User | null>;
  /** The user and their tenant, read together. */
  getCaller(tenantId: string, userId: string): Promise<{ user: User; tenant: Tenant } | null>;
  findUserByEmail(tenantId: string, email: string): Promise<User | null>;
  listUsers(tenantId: string): Promise<User[]>;
  /** Stores only the hash of the key. */
  createApiKey(input: { tenantId: string; userId: string; keyHash: string; prefix: string }): Promise<{ id: string }>;
  findActorByKeyHash(keyHash: string): Promise<Actor | null>;
  /**
   * Changes a user's role or status. With `keepAdmin`, refuses ('last_admin', nothing changed) when the change would
   * leave the tenant without an active admin; changes to one tenant's admins are serialised, so two admins demoting
   * each other at once cannot both succeed. null when the tenant has no such user.
   */
  changeUser(
    tenantId: string,
    userId: string,
    patch: { role?: Role; status?: UserStatus; deactivatedAt?: Date | null },
  ): Promise<User | 'last_admin' | null>;
  /** Deletes a user (their rows in other tables go with them); refuses like changeUser for the last active admin. */
  deleteUser(tenantId: string, userId: string): Promise<boolean | 'last_admin'>;
  /** The ids of every calendar connection of the user (any status). */
  connectionIdsOf(tenantId: string, userId: string): Promise<string[]>;
  listApiKeys(tenantId: string): Promise<ApiKeyRecord[]>;
  /** Revokes one key of the tenant; false when there is none or it was revoked already. */
  revokeApiKey(tenantId: string, keyId: string, at: Date): Promise<ApiKeyRecord | null>;
  /** Revokes every live key of a user; the number revoked. */
  revokeApiKeysOfUser(tenantId: string, userId: string, at: Date): Promise<number>;
}

/** An API key as listed (never the key or its hash). */
export interface ApiKeyRecord {
  id: string;
  prefix: string;
  userId: string;
  userEmail: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface CustomerStore {
  list(tenantId: string, opts: CustomerListQuery): Promise<Customer[]>;
  listAll(tenantId: string): Promise<Customer[]>;
  get(tenantId: string, id: string): Promise<Customer | null>;
  create(tenantId: string, input: CustomerInput): Promise<Customer>;
  update(tenantId: string, id: string, input: Partial<CustomerInput>): Promise<Customer | null>;
  delete(tenantId: string, id: string): Promise<boolean>;
  addStakeholder(
    tenantId: string,
    customerId: string,
    input: { email: string; name?: string | null; role?: string | null },
  ): Promise<Stakeholder | null>;
  removeStakeholder(tenantId: string, customerId: string, stakeholderId: string): Promise<boolean>;
}

export interface AuditEntry {
  tenantId: string;
  actor: string;
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

/** Which audit entries to read: all filters combine; `before` is the keyset cursor (entries with a smaller id). */
export interface AuditQuery {
  limit: number;
  action?: string;
  actor?: string;
  targetType?: string;
  /** Entries at or after this instant. */
  since?: Date;
  /** Entries before this instant. */
  until?: Date;
  /** Only entries older than this id (the previous page's last). */
  before?: number;
}

export interface AuditStore {
  record(entry: AuditEntry): Promise<void>;
  /** The tenant's entries matching the query, newest first (by id). */
  list(tenantId: string, opts: AuditQuery): Promise<Array<AuditEntry & { id: number; createdAt: string }>>;
}

/** Opaque secret material of one connection (OAuth tokens, MSAL cache), encrypted at rest by the vault. */
export type TokenSecret = Record<string, unknown>;

export interface TokenVault {
  save(tenantId: string, connectionId: string, secret: TokenSecret): Promise<void>;
  load(tenantId: string, connectionId: string): Promise<TokenSecret | null>;
  erase(tenantId: string, connectionId: string): Promise<void>;
  /** Re-encrypts every ciphertext with the current key; returns how many were rewritten. */
  reencryptAll(): Promise<number>;
}

/** A browser session as stored (never its token, only the token's hash). */
export interface SessionRecord {
  id: string;
  tenantId: string;
  userId: string;
  csrfToken: string;
  provider: string | null;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

export interface SessionStore {
  create(input: {
    tenantId: string;
    userId: string;
    tokenHash: string;
    csrfToken: string;
    provider: string | null;
    userAgent: string | null;
    ip: string | null;
    now: Date;
    expiresAt: Date;
  }): Promise<SessionRecord>;
  /** The session with this token hash and its user's role and status (revoked ones included; the caller decides). */
  findByTokenHash(tokenHash: string): Promise<{ session: SessionRecord; role: Role; status: UserStatus } | null>;
  touch(id: string, at: Date): Promise<void>;
  /** Revokes one session of the tenant; false when there is none (or it was revoked already). */
  revoke(tenantId: string, id: string, at: Date): Promise<boolean>;
  /** Revokes every live session of a user, but `exceptId`; the number revoked. */
  revokeAllOfUser(tenantId: string, userId: string, at: Date, exceptId?: string): Promise<number>;
  /** The user's sessions that are neither revoked nor past their absolute expiry, newest first. */
  listLive(tenantId: string, userId: string, now: Date): Promise<SessionRecord[]>;
}
