// Customers and stakeholders: validated CRUD, scoped by the caller's tenant.
import { AppError } from '../../domain/errors.js';
import type { Customer, CustomerInput, CustomerListQuery, CustomerSort, Stakeholder } from '../../domain/customers.js';
import type { Actor } from '../../domain/tenancy.js';
import type { AuditStore, CustomerStore } from '../../ports/stores.js';

/** Called after customers change so detection can re-run for the affected meetings. */
export type CustomerChangeListener = (
  tenantId: string,
  before: Customer | null,
  after: Customer | null,
) => Promise<void>;

/** Told when a change listener threw: the change stays committed and the call is kept for a retry. */
export type CustomerListenerFailure = (tenantId: string, err: unknown) => void;

/** Attempts of one failed listener call (the first included) before it is dropped. */
const MAX_LISTENER_ATTEMPTS = 5;
/** Failed listener calls kept for a retry; beyond it a failure is only reported. */
const MAX_PENDING_LISTENER_CALLS = 10_000;

interface PendingListenerCall {
  listener: CustomerChangeListener;
  tenantId: string;
  customerId: string;
  /** The customer before the first change the listener missed. */
  before: Customer | null;
  attempts: number;
}

/** Health, trend and last contact of every customer of the caller's tenant (the metrics service): sorts the list. */
export type CustomerRanking = (actor: Actor) => Promise<
  ReadonlyArray<{
    customerId: string;
    name: string;
    score: number;
    trend: 'up' | 'down' | 'flat';
    lastContact: string | null;
  }>
>;

const TREND_ORDER = { down: 0, flat: 1, up: 2 } as const;

/** Validates a subject pattern; throws AppError('unsafe_pattern') when it is not accepted. */
export type PatternValidator = (pattern: string) => void;

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}$/;

function normalizeInput(input: Partial<CustomerInput>, validatePattern: PatternValidator): Partial<CustomerInput> {
  const out: Partial<CustomerInput> = {};
  if (input.name !== undefined) {
    const name = input.name.trim();
    if (!name) throw new AppError('validation_failed', 'A customer needs a name.', { details: { field: 'name' } });
    out.name = name;
  }
  if (input.domains !== undefined) {
    const domains = [...new Set(input.domains.map((d) => d.trim().toLowerCase().replace(/^@/, '')))];
    const bad = domains.filter((d) => !DOMAIN.test(d));
    if (bad.length)
      throw new AppError('validation_failed', `Not a valid email domain: ${bad.join(', ')}`, {
        details: { field: 'domains', invalid: bad },
      });
    out.domains = domains;
  }
  if (input.subjectPatterns !== undefined) {
    const patterns = [...new Set(input.subjectPatterns.map((p) => p.trim()).filter(Boolean))];
    for (const p of patterns) {
      try {
        validatePattern(p);
      } catch (e) {
        // The field the pattern came from, so a form shows the error at it.
        if (e instanceof AppError)
          throw new AppError(e.code, e.message, { details: { ...e.details, field: 'subjectPatterns' }, cause: e });
        throw e;
      }
    }
    out.subjectPatterns = patterns;
  }
  if (input.stakeholders !== undefined) {
    // One stakeholder per address (addresses compare case-insensitively): a later entry's name or role wins.
    const byEmail = new Map<string, ReturnType<typeof normalizeStakeholder>>();
    for (const s of input.stakeholders.map((x) => normalizeStakeholder(x))) {
      const prev = byEmail.get(s.email);
      byEmail.set(s.email, prev ? { email: s.email, name: s.name ?? prev.name, role: s.role ?? prev.role } : s);
    }
    out.stakeholders = [...byEmail.values()];
  }
  return out;
}

function normalizeStakeholder(s: { email: string; name?: string | null; role?: string | null }) {
  const email = s.email.trim().toLowerCase();
  if (!EMAIL.test(email))
    throw new AppError('validation_failed', `Not a valid email address: ${s.email}`, { details: { field: 'email' } });
  return { email, name: s.name?.trim() || null, role: s.role?.trim() || null };
}

export class CustomerService {
  private listeners: CustomerChangeListener[] = [];
  private failureHandlers: CustomerListenerFailure[] = [];
  private ranking: CustomerRanking | null = null;
  /** Listener calls that threw, by listener, tenant and customer (a later change of the customer joins its entry). */
  private readonly pending = new Map<string, PendingListenerCall>();

  constructor(
    private readonly customers: CustomerStore,
    private readonly audit: AuditStore,
    private readonly validatePattern: PatternValidator,
  ) {}

  onChange(listener: CustomerChangeListener): void {
    this.listeners.push(listener);
  }

  /** Hears of every listener call that threw (to log it and schedule `retryFailedListeners`). */
  onListenerFailure(handler: CustomerListenerFailure): void {
    this.failureHandlers.push(handler);
  }

  /**
   * Tells the listeners of a committed change. A listener that throws never fails the request (the change is
   * committed, and a client retrying it would duplicate it): the failure is reported and the call is kept for
   * `retryFailedListeners`. A later change of the same customer is passed to that listener as one change from the
   * state before the first one it missed.
   */
  private async changed(tenantId: string, before: Customer | null, after: Customer | null) {
    const customerId = (after ?? before)?.id;
    if (!customerId) return;
    for (const [i, listener] of this.listeners.entries()) {
      const key = `${i}:${tenantId}:${customerId}`;
      const missed = this.pending.get(key);
      this.pending.delete(key);
      await this.call(
        key,
        {
          listener,
          tenantId,
          customerId,
          before: missed ? missed.before : before,
          attempts: missed?.attempts ?? 0,
        },
        after,
      );
    }
  }

  private async call(key: string, c: PendingListenerCall, after: Customer | null): Promise<void> {
    if (!c.before && !after) return; // created and deleted since: nothing for the listener to follow
    try {
      await c.listener(c.tenantId, c.before, after);
    } catch (e) {
      for (const h of this.failureHandlers) {
        try {
          h(c.tenantId, e);
        } catch {
          // a reporter that fails must not fail the committed change either
        }
      }
      if (c.attempts + 1 < MAX_LISTENER_ATTEMPTS && this.pending.size < MAX_PENDING_LISTENER_CALLS)
        this.pending.set(key, { ...c, attempts: c.attempts + 1 });
    }
  }

  /**
   * Calls again every listener call that threw, with each customer as it is now (null when deleted since).
   * Resolves to how many calls are still waiting for a retry.
   */
  async retryFailedListeners(): Promise<number> {
    for (const key of [...this.pending.keys()]) {
      const c = this.pending.get(key);
      if (!c) continue;
      let now: Customer | null;
      try {
        now = await this.customers.get(c.tenantId, c.customerId);
      } catch {
        continue; // still waiting
      }
      // A change of the customer made meanwhile took the call over (with this `before`).
      if (this.pending.get(key) !== c) continue;
      this.pending.delete(key);
      await this.call(key, c, now);
    }
    return this.pending.size;
  }

  /** Listener calls waiting for a retry. */
  get pendingListenerCalls(): number {
    return this.pending.size;
  }

  /**
   * A customer's rules as create and update would store them (trimmed, lower-cased, deduplicated), validated the same
   * way (`validation_failed` / `unsafe_pattern` with `details.field`), without storing anything: the live preview.
   */
  draft(input: Partial<CustomerInput>): Partial<CustomerInput> {
    return normalizeInput(input, this.validatePattern);
  }

  /** Where health, trend and last contact come from (the metrics service, wired with detection). */
  useRanking(ranking: CustomerRanking): void {
    this.ranking = ranking;
  }

  /**
   * One page of the tenant's customers, filtered by name and sorted (name by default; ascending unless `order` is
   * desc). Name and creation are columns; health (score), trend (down < flat < up) and last contact (never < oldest <
   * newest) come from the metrics: ranked here, the ranking handed to the store, which orders and pages in SQL. Ties
   * go by name, ascending in both orders.
   */
  async list(
    actor: Actor,
    opts: { limit: number; offset: number; search?: string; sort?: CustomerSort; order?: 'asc' | 'desc' },
  ): Promise<Customer[]> {
    const { sort = 'name', order = 'asc', ...page } = opts;
    const descending = order === 'desc';
    if (sort === 'name' || sort === 'createdAt')
      return this.customers.list(actor.tenantId, { ...page, orderBy: sort, descending });
    if (!this.ranking)
      throw new AppError('validation_failed', 'Sorting by health, trend or last contact is not available here.', {
        details: { field: 'sort' },
      });
    const key = (x: Awaited<ReturnType<CustomerRanking>>[number]): number =>
      sort === 'health'
        ? x.score
        : sort === 'trend'
          ? TREND_ORDER[x.trend]
          : x.lastContact
            ? Date.parse(x.lastContact)
            : Number.NEGATIVE_INFINITY;
    const rank = [...(await this.ranking(actor))]
      .map((x) => ({ id: x.customerId, name: x.name, k: key(x) }))
      .sort((a, b) => {
        const d = a.k === b.k ? 0 : a.k < b.k ? -1 : 1;
        return (descending ? -d : d) || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      })
      .map((x) => x.id);
    const query: CustomerListQuery = { ...page, orderBy: { rank } };
    return this.customers.list(actor.tenantId, query);
  }

  async get(actor: Actor, id: string): Promise<Customer> {
    const c = await this.customers.get(actor.tenantId, id);
    if (!c) throw new AppError('not_found', 'No such customer.');
    return c;
  }

  async create(actor: Actor, input: CustomerInput): Promise<Customer> {
    const n = normalizeInput(input, this.validatePattern) as CustomerInput;
    const c = await this.customers.create(actor.tenantId, n);
    await this.audit.record({
      tenantId: actor.tenantId,
      actor: actor.userId,
      action: 'customer.created',
      targetType: 'customer',
      targetId: c.id,
    });
    await this.changed(actor.tenantId, null, c);
    return c;
  }

  async update(actor: Actor, id: string, input: Partial<CustomerInput>): Promise<Customer> {
    const before = await this.get(actor, id);
    const n = normalizeInput({ ...input, stakeholders: undefined }, this.validatePattern);
    const c = await this.customers.update(actor.tenantId, id, n);
    if (!c) throw new AppError('not_found', 'No such customer.');
    await this.audit.record({
      tenantId: actor.tenantId,
      actor: actor.userId,
      action: 'customer.updated',
      targetType: 'customer',
      targetId: id,
      details: { fields: Object.keys(n) },
    });
    await this.changed(actor.tenantId, before, c);
    return c;
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const before = await this.get(actor, id);
    await this.customers.delete(actor.tenantId, id);
    await this.audit.record({
      tenantId: actor.tenantId,
      actor: actor.userId,
      action: 'customer.deleted',
      targetType: 'customer',
      targetId: id,
    });
    await this.changed(actor.tenantId, before, null);
  }

  async addStakeholder(
    actor: Actor,
    customerId: string,
    input: { email: string; name?: string | null; role?: string | null },
  ): Promise<Stakeholder> {
    const before = await this.get(actor, customerId);
    const s = await this.customers.addStakeholder(actor.tenantId, customerId, normalizeStakeholder(input));
    if (!s) throw new AppError('not_found', 'No such customer.');
    await this.changed(actor.tenantId, before, await this.get(actor, customerId));
    return s;
  }

  async removeStakeholder(actor: Actor, customerId: string, stakeholderId: string): Promise<void> {
    const before = await this.get(actor, customerId);
    if (!(await this.customers.removeStakeholder(actor.tenantId, customerId, stakeholderId))) {
      throw new AppError('not_found', 'No such stakeholder.');
    }
    await this.changed(actor.tenantId, before, await this.get(actor, customerId));
  }
}
