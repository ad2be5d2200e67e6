// People to invite, found as the organizer types: colleagues (the tenant's calbridge users) and customers'
// stakeholders, matched on the start of any word of the name or on the start of the address.
import type { Actor } from '../../domain/tenancy.js';
import type { SchedulingDeps } from './context.js';

export interface DirectoryPerson {
  email: string;
  name: string | null;
  /** colleague: a user of the tenant; stakeholder: a contact of a customer. */
  kind: 'colleague' | 'stakeholder';
  customerId: string | null;
  customerName: string | null;
  role: string | null;
}

/** Customers looked at per search at most (stakeholders are stored per customer). */
export const DIRECTORY_CUSTOMER_SCAN = 500;

/** Whether `q` (lower case, trimmed) starts the address or any word of the name. */
export function matchesPerson(q: string, email: string, name: string | null): boolean {
  if (email.toLowerCase().startsWith(q)) return true;
  const words = (name ?? '').toLowerCase().split(/[\s.'’-]+/);
  if (words.some((w) => w.startsWith(q))) return true;
  return (name ?? '').toLowerCase().startsWith(q);
}

/**
 * Up to `limit` people matching `q` (at least one character), colleagues first, then stakeholders, each address
 * once. Tenant-scoped: only the caller's tenant's users and customers are read.
 */
export async function searchDirectory(
  d: Pick<SchedulingDeps, 'tenants' | 'customers'>,
  actor: Actor,
  query: string,
  limit: number,
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
      });
    }
  const rank = (p: DirectoryPerson) =>
    (p.kind === 'colleague' ? 0 : 2) + (p.email.startsWith(q) || (p.name ?? '').toLowerCase().startsWith(q) ? 0 : 1);
  return [...out.values()]
    .sort((a, b) => rank(a) - rank(b) || (a.name ?? a.email).localeCompare(b.name ?? b.email))
    .slice(0, limit);
}
