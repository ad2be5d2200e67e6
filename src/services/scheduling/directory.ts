// People to invite, found as the organizer types: colleagues (the tenant's calbridge users), people of the provider's
// directory (the organisation of the caller's connected mailbox: Graph /users search, Google's Workspace directory)
// and customers' stakeholders, matched on the start of any word of the name or on the start of the address.
import type { ProviderType } from '../../domain/calendar.js';
import { isAppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/tenancy.js';
import type { DirectoryEntry } from '../../ports/calendar-provider.js';
import type { SchedulingDeps } from './context.js';

export interface DirectoryPerson {
  email: string;
  name: string | null;
  /**
   * colleague: a user of the tenant; directory: a person of the connected mailbox's organisation directory (not a
   * calbridge user); stakeholder: a contact of a customer.
   */
  kind: 'colleague' | 'directory' | 'stakeholder';
  customerId: string | null;
  customerName: string | null;
  role: string | null;
  /** The job title the provider's directory gives (null when unknown). */
  jobTitle: string | null;
}

/** Whether the provider's directory answered, and why not when it did not. */
export interface DirectorySource {
  status: 'ok' | 'not_connected' | 'reconnect_required' | 'scope_missing' | 'timeout' | 'unavailable' | 'unsupported';
  provider: ProviderType | null;
  /** The permission to grant (reconnect) for `scope_missing`. */
  missingScope: string | null;
  connectUrl: string | null;
}

export interface DirectoryAnswer {
  items: DirectoryPerson[];
  sources: { calbridge: 'ok'; provider: DirectorySource };
}

/** Customers looked at per search at most (stakeholders are stored per customer). */
export const DIRECTORY_CUSTOMER_SCAN = 500;
/** How long the provider's directory may take before calbridge answers with its own people only. */
export const DIRECTORY_PROVIDER_TIMEOUT_MS = 1500;
/** The permission each provider's directory search needs, as the connection's granted scopes name it. */
export const DIRECTORY_SCOPES: Record<ProviderType, string> = {
  MICROSOFT: 'User.ReadBasic.All',
  GOOGLE: 'https://www.googleapis.com/auth/directory.readonly',
};

/** Whether `q` (lower case, trimmed) starts the address or any word of the name. */
export function matchesPerson(q: string, email: string, name: string | null): boolean {
  if (email.toLowerCase().startsWith(q)) return true;
  const words = (name ?? '').toLowerCase().split(/[\s.'’-]+/);
  if (words.some((w) => w.startsWith(q))) return true;
  return (name ?? '').toLowerCase().startsWith(q);
}

/**
 * Up to `limit` of calbridge's own people matching `q` (at least one character), colleagues first, then stakeholders,
 * each address once. Tenant-scoped: only the caller's tenant's users and customers are read.
 */
export async function searchDirectory(
  d: Pick<SchedulingDeps, 'tenants' | 'customers'>,
  actor: Actor,
  query: string,
  limit: number,
): Promise<DirectoryPerson[]> {
  return mergeDirectory(await ownPeople(d, actor, query), [], query, limit);
}

async function ownPeople(
  d: Pick<SchedulingDeps, 'tenants' | 'customers'>,
  actor: Actor,
  query: string,
): Promise<DirectoryPerson[]> {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const out = new Map<string, DirectoryPerson>();
  const users = await d.tenants.listUsers(actor.tenantId);
  for (const u of users) {
    if (u.status === 'deactivated' || !matchesPerson(q, u.email, u.displayName)) continue;
    out.set(u.email.toLowerCase(), {
      email: u.email.toLowerCase(),
      name: u.displayName,
      kind: 'colleague',
      customerId: null,
      customerName: null,
      role: null,
      jobTitle: null,
    });
  }
  const customers = await d.customers.list(actor, { limit: DIRECTORY_CUSTOMER_SCAN, offset: 0 });
  for (const c of customers)
    for (const s of c.stakeholders) {
      const email = s.email.toLowerCase();
      if (out.has(email) || !(matchesPerson(q, email, s.name) || c.name.toLowerCase().startsWith(q))) continue;
      out.set(email, {
        email,
        name: s.name,
        kind: 'stakeholder',
        customerId: c.id,
        customerName: c.name,
        role: s.role ?? null,
        jobTitle: null,
      });
    }
  return [...out.values()];
}

/**
 * calbridge's people and the provider directory's, each address once (a calbridge colleague or stakeholder keeps its
 * kind and gains the directory's job title and name), ranked: colleagues, then directory people, then stakeholders;
 * within each, a match at the start of the name or address before a match on a later word; then by name.
 */
export function mergeDirectory(
  own: DirectoryPerson[],
  provider: DirectoryEntry[],
  query: string,
  limit: number,
): DirectoryPerson[] {
  const q = query.trim().toLowerCase();
  const out = new Map(own.map((p) => [p.email, { ...p }]));
  for (const e of provider) {
    const email = e.email.toLowerCase();
    const known = out.get(email);
    if (known) {
      known.jobTitle ??= e.jobTitle;
      known.name ??= e.name;
      continue;
    }
    out.set(email, {
      email,
      name: e.name,
      kind: 'directory',
      customerId: null,
      customerName: null,
      role: null,
      jobTitle: e.jobTitle,
    });
  }
  const group = { colleague: 0, directory: 2, stakeholder: 4 } as const;
  const rank = (p: DirectoryPerson) =>
    group[p.kind] + (p.email.startsWith(q) || (p.name ?? '').toLowerCase().startsWith(q) ? 0 : 1);
  return [...out.values()]
    .sort((a, b) => rank(a) - rank(b) || (a.name ?? a.email).localeCompare(b.name ?? b.email))
    .slice(0, limit);
}

const source = (
  status: DirectorySource['status'],
  provider: ProviderType | null,
  extra: Partial<DirectorySource> = {},
): DirectorySource => ({ status, provider, missingScope: null, connectUrl: null, ...extra });

/**
 * People of the caller's connected mailbox's directory matching `query`, within `timeoutMs`; never throws: without a
 * usable connection, the permission, or an answer in time, no people and a source saying why.
 */
export async function providerPeople(
  d: Pick<SchedulingDeps, 'tenants' | 'lookup' | 'providerFor' | 'connectUrl'>,
  actor: Actor,
  query: string,
  limit: number,
  timeoutMs: number = DIRECTORY_PROVIDER_TIMEOUT_MS,
): Promise<{ people: DirectoryEntry[]; source: DirectorySource }> {
  const none = (s: DirectorySource) => ({ people: [] as DirectoryEntry[], source: s });
  try {
    const tenant = await d.tenants.getTenant(actor.tenantId);
    const conn = await d.lookup.forUser(tenant.id, actor.userId, tenant.calendarProvider);
    if (!conn) return none(source('not_connected', null, { connectUrl: d.connectUrl(tenant.calendarProvider) }));
    if (conn.status !== 'active')
      return none(source('reconnect_required', conn.provider, { connectUrl: d.connectUrl(conn.provider) }));
    const needed = DIRECTORY_SCOPES[conn.provider];
    const scopeMissing = () =>
      none(source('scope_missing', conn.provider, { missingScope: needed, connectUrl: d.connectUrl(conn.provider) }));
    // A grant known not to hold the permission: not asked (the provider would answer 403).
    if (needed && conn.scopes && conn.scopes.length > 0 && !conn.scopes.includes(needed)) return scopeMissing();
    const provider = d.providerFor(conn.provider, {
      tenantId: tenant.id,
      userId: actor.userId,
      connectionId: conn.id,
      mailbox: conn.mailbox,
    });
    if (!provider.searchPeople) return none(source('unsupported', conn.provider));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const asked = provider.searchPeople({ query: query.trim(), limit });
    asked.catch(() => undefined); // a late failure after the timeout is not an unhandled rejection
    try {
      const r = await Promise.race([asked, late]);
      if (r === 'timeout') return none(source('timeout', conn.provider));
      return { people: r, source: source('ok', conn.provider) };
    } catch (e) {
      if (isAppError(e, 'permission_denied')) return scopeMissing();
      if (isAppError(e, 'reconnect_required'))
        return none(source('reconnect_required', conn.provider, { connectUrl: d.connectUrl(conn.provider) }));
      return none(source('unavailable', conn.provider));
    } finally {
      clearTimeout(timer);
    }
  } catch {
    return none(source('unavailable', null));
  }
}
