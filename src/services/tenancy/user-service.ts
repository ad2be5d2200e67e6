// The people of a tenant, as its admins manage them: invite, change a role, deactivate and reactivate, revoke
// sessions, delete; and the tenant's API keys. Every change is audited with the acting user; no secret reaches the
// audit (a key's prefix at most).
import { AppError } from '../../domain/errors.js';
import type { Actor, Role, User } from '../../domain/tenancy.js';
import type { ApiKeyRecord, AuditStore, TenantStore, TokenVault } from '../../ports/stores.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import type { SessionService } from './session-service.js';
import type { TenantService } from './tenant-service.js';

/** Stops a user's calendar connection of one provider (subscriptions deleted, tokens erased, status revoked). */
export interface ConnectionStopper {
  provider: string;
  /**
   * Resolves to true when the user had a connection of this provider to stop. `revokeGrant`: also revoke the grant at
   * the provider where it can (deleting a user).
   */
  stop(by: Actor, userId: string, opts?: { revokeGrant?: boolean }): Promise<boolean>;
}

export interface UserServiceDeps {
  store: TenantStore;
  tenants: TenantService;
  sessions: SessionService;
  audit: AuditStore;
  vault: TokenVault;
  connections: ConnectionStopper[];
  clock?: Clock;
}

const lastAdmin = () =>
  new AppError('last_admin', undefined, {
    details: { reason: 'The organisation would be left without an active admin.' },
  });

export class UserService {
  private readonly clock: Clock;

  constructor(private readonly d: UserServiceDeps) {
    this.clock = d.clock ?? systemClock;
  }

  list(actor: Actor): Promise<User[]> {
    return this.d.store.listUsers(actor.tenantId);
  }

  private async get(actor: Actor, userId: string): Promise<User> {
    const u = await this.d.store.getUser(actor.tenantId, userId);
    if (!u) throw new AppError('not_found', 'No such user.');
    return u;
  }

  private record(actor: Actor, action: string, targetId: string, details: Record<string, unknown> = {}) {
    return this.d.audit.record({
      tenantId: actor.tenantId,
      actor: actor.userId,
      action,
      targetType: 'user',
      targetId,
      details,
    });
  }

  /** Invites a person: a user with status `invited`, active from their first sign-in. 409 when the address exists. */
  async invite(actor: Actor, input: { email: string; displayName?: string | null; role: Role }): Promise<User> {
    const email = input.email.trim().toLowerCase();
    if (await this.d.store.findUserByEmail(actor.tenantId, email))
      throw new AppError('already_exists', 'A user with this address exists in the organisation.', {
        details: { email },
      });
    let user: User;
    try {
      user = await this.d.store.createUser({
        tenantId: actor.tenantId,
        email,
        displayName: input.displayName ?? null,
        role: input.role,
        status: 'invited',
      });
    } catch (e) {
      // two invitations of one address at once: the unique index refuses the second
      if ((e as { code?: string }).code === '23505')
        throw new AppError('already_exists', 'A user with this address exists in the organisation.');
      throw e;
    }
    await this.record(actor, 'user.invited', user.id, { role: user.role });
    return user;
  }

  /** Changes a user's role; refuses (409 last_admin) to leave the organisation without an active admin. */
  async changeRole(actor: Actor, userId: string, role: Role): Promise<User> {
    const before = await this.get(actor, userId);
    if (before.role === role) return before;
    const after = await this.d.store.changeUser(actor.tenantId, userId, { role });
    if (after === 'last_admin') throw lastAdmin();
    if (!after) throw new AppError('not_found', 'No such user.');
    this.d.tenants.forgetCallers(actor.tenantId, userId);
    await this.record(actor, 'user.role_changed', userId, { from: before.role, to: role });
    return after;
  }

  /**
   * Deactivates a user: status `deactivated` (they can no longer sign in), every session and API key revoked at once,
   * their calendar connections stopped (tokens erased). Their meetings, customers and proposals are kept.
   */
  async deactivate(actor: Actor, userId: string): Promise<{ user: User; sessions: number; apiKeys: number }> {
    const before = await this.get(actor, userId);
    const now = this.clock.now();
    if (before.status !== 'deactivated') {
      const after = await this.d.store.changeUser(actor.tenantId, userId, {
        status: 'deactivated',
        deactivatedAt: now,
      });
      if (after === 'last_admin') throw lastAdmin();
      if (!after) throw new AppError('not_found', 'No such user.');
    }
    const { sessions, apiKeys, connections } = await this.cutOff(actor, userId);
    await this.record(actor, 'user.deactivated', userId, { sessions, apiKeys, connections });
    return { user: await this.get(actor, userId), sessions, apiKeys };
  }

  /** Sessions and keys revoked, connections stopped; shared by deactivate and delete. */
  private async cutOff(actor: Actor, userId: string, revokeGrant = false) {
    const now = this.clock.now();
    const apiKeys = await this.d.store.revokeApiKeysOfUser(actor.tenantId, userId, now);
    this.d.tenants.forgetCallers(actor.tenantId, userId);
    const sessions = await this.d.sessions.revokeUser(actor, actor.tenantId, userId);
    const connections: string[] = [];
    for (const c of this.d.connections) if (await c.stop(actor, userId, { revokeGrant })) connections.push(c.provider);
    return { sessions, apiKeys, connections };
  }

  /** Lets a deactivated user sign in again (status `active`); their keys and sessions stay revoked. */
  async reactivate(actor: Actor, userId: string): Promise<User> {
    const before = await this.get(actor, userId);
    if (before.status !== 'deactivated') return before;
    const after = await this.d.store.changeUser(actor.tenantId, userId, { status: 'active', deactivatedAt: null });
    if (after === 'last_admin' || !after) throw new AppError('not_found', 'No such user.');
    await this.record(actor, 'user.reactivated', userId);
    return after;
  }

  /** Ends every browser session of a user (an admin's "sign out everywhere" for someone else). */
  async revokeSessions(actor: Actor, userId: string): Promise<number> {
    await this.get(actor, userId);
    return this.d.sessions.revokeUser(actor, actor.tenantId, userId);
  }

  /**
   * Deletes a user and their personal data: connections stopped (the grant revoked at the provider where it can:
   * Google) and every token erased through the vault first, then
   * the user's row and everything that is theirs (connections and calendars, their synced meetings, sessions, API
   * keys, working hours, sync preferences, OAuth states, their proposals). Customers and the audit trail stay: the
   * audit keeps the user's id (no longer linked to a person) and a `user.deleted` entry.
   */
  async delete(actor: Actor, userId: string): Promise<void> {
    const before = await this.get(actor, userId);
    // refuse before anything is cut off when they are the last active admin
    if (before.role === 'admin' && before.status === 'active') {
      const admins = (await this.d.store.listUsers(actor.tenantId)).filter(
        (u) => u.role === 'admin' && u.status === 'active',
      );
      if (admins.length <= 1) throw lastAdmin();
    }
    const { sessions, apiKeys, connections } = await this.cutOff(actor, userId, true);
    const ids = await this.d.store.connectionIdsOf(actor.tenantId, userId);
    for (const id of ids) await this.d.vault.erase(actor.tenantId, id);
    const deleted = await this.d.store.deleteUser(actor.tenantId, userId);
    if (deleted === 'last_admin') throw lastAdmin();
    if (!deleted) throw new AppError('not_found', 'No such user.');
    this.d.tenants.forgetCallers(actor.tenantId, userId);
    await this.record(actor, 'user.deleted', userId, {
      role: before.role,
      sessions,
      apiKeys,
      connectionsStopped: connections,
      tokensErased: ids.length,
    });
  }

  listApiKeys(actor: Actor): Promise<ApiKeyRecord[]> {
    return this.d.store.listApiKeys(actor.tenantId);
  }

  /** Issues a key for an active user of the tenant; the key is in this answer only. */
  async createApiKey(actor: Actor, userId: string): Promise<{ apiKey: string; key: ApiKeyRecord }> {
    const user = await this.get(actor, userId);
    if (user.status !== 'active')
      throw new AppError('user_not_active', `The user is ${user.status}; keys are issued to active users only.`, {
        details: { status: user.status },
      });
    const { apiKey, keyId } = await this.d.tenants.issueApiKey(actor, user);
    const key = (await this.d.store.listApiKeys(actor.tenantId)).find((k) => k.id === keyId)!;
    return { apiKey, key };
  }

  async revokeApiKey(actor: Actor, keyId: string): Promise<ApiKeyRecord> {
    const key = await this.d.store.revokeApiKey(actor.tenantId, keyId, this.clock.now());
    if (!key) {
      const known = (await this.d.store.listApiKeys(actor.tenantId)).find((k) => k.id === keyId);
      if (known) return known;
      throw new AppError('not_found', 'No such API key.');
    }
    this.d.tenants.forgetCallers(actor.tenantId, key.userId);
    await this.d.audit.record({
      tenantId: actor.tenantId,
      actor: actor.userId,
      action: 'api_key.revoked',
      targetType: 'api_key',
      targetId: keyId,
      details: { userId: key.userId, prefix: key.prefix },
    });
    return key;
  }
}
