// Tenants, users and API keys: creation and authentication of API callers.
import { hash, randomBytes } from 'node:crypto';
import type { ProviderType } from '../../domain/calendar.js';
import { AppError } from '../../domain/errors.js';
import type { Actor, Role, Tenant, TenantSettings, User } from '../../domain/tenancy.js';
import type { AuditStore, TenantStore } from '../../ports/stores.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import { checkSettingsPatch } from './settings.js';
import type { WebhookUrlPolicy } from './webhook-url.js';

/** SHA-256 of an API key: keys are 256-bit random, so a fast hash is enough and only the hash is stored. */
export function hashApiKey(key: string): string {
  // one-shot: no Hash object per request (every API-key request hashes its key to find its caller; issue 20)
  return hash('sha256', key, 'hex');
}

/**
 * How long a verified API key's caller is remembered in this process: requests within it skip the key lookup. A key
 * revoked (or its user's role changed) in this process is forgotten at once (forgetCallers); in another process it
 * stops working within this time.
 */
export const CALLER_CACHE_MS = 5_000;
/** Callers remembered at most (the cache starts afresh beyond). */
const CALLER_CACHE_SIZE = 10_000;

export class TenantService {
  private readonly callers = new Map<string, { actor: Actor; until: number }>();
  /** Bumped by every forgetCallers: a lookup that began before a change does not remember what it read. */
  private callersEpoch = 0;

  constructor(
    private readonly tenants: TenantStore,
    private readonly audit: AuditStore,
    /** Which webhook URLs a tenant may set (default: https to public addresses only). */
    private readonly webhookUrls: WebhookUrlPolicy = { allowLoopback: false },
    private readonly clock: Clock = systemClock,
    /** The tenant's verified domains: its users' and connected mailboxes' (own domains must be among them). */
    private readonly verifiedDomains?: (tenantId: string) => Promise<Set<string>>,
  ) {}

  async createTenant(input: {
    name: string;
    calendarProvider: ProviderType;
    settings?: TenantSettings;
  }): Promise<Tenant> {
    const name = input.name.trim();
    if (!name) throw new AppError('validation_failed', 'A tenant needs a name.');
    if (input.settings) checkSettingsPatch(input.settings, this.webhookUrls);
    const tenant = await this.tenants.createTenant({ ...input, name });
    await this.audit.record({
      tenantId: tenant.id,
      actor: 'system',
      action: 'tenant.created',
      targetType: 'tenant',
      targetId: tenant.id,
    });
    return tenant;
  }

  async getTenant(id: string): Promise<Tenant> {
    const t = await this.tenants.getTenant(id);
    if (!t) throw new AppError('not_found', 'No such tenant.');
    return t;
  }

  /** Merges a patch into the tenant's settings; each field of the patch is checked first (validation_failed). */
  async updateSettings(actor: Actor, patch: TenantSettings): Promise<Tenant> {
    checkSettingsPatch(patch, this.webhookUrls);
    const t = await this.getTenant(actor.tenantId);
    if (patch.ownDomains !== undefined) await this.checkOwnDomains(t.id, patch.ownDomains);
    const updated = await this.tenants.updateSettings(t.id, { ...t.settings, ...patch });
    await this.audit.record({
      tenantId: t.id,
      actor: actor.userId,
      action: 'tenant.settings_updated',
      targetType: 'tenant',
      targetId: t.id,
      details: { keys: Object.keys(patch) },
    });
    return updated;
  }

  /**
   * Own domains turn a meeting with their people internal (no second approver): each must be a domain someone in the
   * tenant has, a user's or a connected mailbox's, compared exactly (`com` or a domain nobody has is refused).
   */
  private async checkOwnDomains(tenantId: string, domains: readonly string[]): Promise<void> {
    if (!this.verifiedDomains || domains.length === 0) return;
    const verified = await this.verifiedDomains(tenantId);
    for (const d of domains) {
      const domain = d.trim().toLowerCase();
      if (!verified.has(domain))
        throw new AppError(
          'domain_not_verified',
          `${domain} is not the domain of any user or connected mailbox of this tenant (known: ${[...verified].sort().join(', ') || 'none'}).`,
          { details: { field: 'ownDomains', domain, verified: [...verified].sort() } },
        );
    }
  }

  /**
   * The user with this email in the tenant, created when missing: with `role`, else as the tenant's admin when it is
   * the tenant's first user (someone must be able to manage it), else as a member.
   */
  async ensureUser(
    tenantId: string,
    email: string,
    opts: { displayName?: string; timeZone?: string; role?: Role } = {},
  ): Promise<User> {
    await this.getTenant(tenantId);
    const existing = await this.tenants.findUserByEmail(tenantId, email);
    if (existing) return existing;
    const role = opts.role ?? ((await this.tenants.listUsers(tenantId)).length === 0 ? 'admin' : 'member');
    return this.tenants.createUser({
      tenantId,
      email,
      displayName: opts.displayName ?? null,
      timeZone: opts.timeZone,
      role,
    });
  }

  async getUser(actor: Pick<Actor, 'tenantId' | 'userId'>): Promise<User> {
    const u = await this.tenants.getUser(actor.tenantId, actor.userId);
    if (!u) throw new AppError('not_found', 'No such user.');
    return u;
  }

  /** The caller's user and tenant (one read). */
  async getCaller(actor: Pick<Actor, 'tenantId' | 'userId'>): Promise<{ user: User; tenant: Tenant }> {
    const c = await this.tenants.getCaller(actor.tenantId, actor.userId);
    if (!c) throw new AppError('not_found', 'No such user.');
    return c;
  }

  listUsers(tenantId: string): Promise<User[]> {
    return this.tenants.listUsers(tenantId);
  }

  /**
   * Issues an API key for a user of the tenant (the user is created when missing). The key is returned once;
   * only its hash is stored.
   * @example const { apiKey } = await tenants.createApiKey(tenantId, 'csm@contoso.com');
   */
  async createApiKey(
    tenantId: string,
    userEmail: string,
    opts: { role?: Role } = {},
  ): Promise<{ apiKey: string; userId: string; keyId: string }> {
    const user = await this.ensureUser(tenantId, userEmail, opts);
    const { apiKey, keyId } = await this.issueApiKey('system', user);
    return { apiKey, userId: user.id, keyId };
  }

  /** A new key for `user`, audited with who issued it (an admin, or `system` for the CLI and the demo). */
  async issueApiKey(
    by: Pick<Actor, 'userId'> | 'system',
    user: Pick<User, 'id' | 'tenantId'>,
  ): Promise<{ apiKey: string; keyId: string }> {
    const secret = randomBytes(32).toString('base64url');
    const prefix = secret.slice(0, 6);
    const apiKey = `cbk_${prefix}_${secret.slice(6)}`;
    const { id } = await this.tenants.createApiKey({
      tenantId: user.tenantId,
      userId: user.id,
      keyHash: hashApiKey(apiKey),
      prefix,
    });
    await this.audit.record({
      tenantId: user.tenantId,
      actor: by === 'system' ? 'system' : by.userId,
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: id,
      details: { userId: user.id, prefix },
    });
    return { apiKey, keyId: id };
  }

  /**
   * Forgets the remembered callers of a user in this process (their keys revoked, role changed, user deactivated or
   * deleted): the next request looks the key up again. Other processes forget within CALLER_CACHE_MS.
   */
  forgetCallers(tenantId: string, userId: string): void {
    this.callersEpoch++;
    for (const [hash, c] of this.callers)
      if (c.actor.tenantId === tenantId && c.actor.userId === userId) this.callers.delete(hash);
  }

  /** The caller behind an `Authorization: Bearer <key>` value; `unauthenticated` when missing or wrong. */
  async authenticate(authorization: string | undefined): Promise<Actor> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) throw new AppError('unauthenticated');
    const hash = hashApiKey(m[1]!);
    const now = this.clock.now().getTime();
    const known = this.callers.get(hash);
    if (known && known.until > now) return known.actor;
    this.callers.delete(hash);
    const epoch = this.callersEpoch;
    const actor = await this.tenants.findActorByKeyHash(hash);
    if (!actor) throw new AppError('unauthenticated');
    // A revocation or role change made while the key was looked up may not be in what was read: not remembered.
    if (epoch !== this.callersEpoch) return actor;
    if (this.callers.size >= CALLER_CACHE_SIZE) this.callers.clear();
    this.callers.set(hash, { actor, until: now + CALLER_CACHE_MS });
    return actor;
  }
}
