// The emulated Entra ID directory: tenants, users (people and rooms) and registered applications.
import type { EmuApp, EmuTenant, EmuUser } from './contracts.js';

/** In-memory directory shared by the identity platform and the Graph surface. */
export class Directory {
  readonly tenants = new Map<string, EmuTenant>();
  readonly users = new Map<string, EmuUser>();
  readonly apps = new Map<string, EmuApp>();

  addTenant(t: Omit<EmuTenant, 'adminConsents' | 'userConsentDisabled'> & Partial<EmuTenant>): EmuTenant {
    const tenant: EmuTenant = { userConsentDisabled: false, adminConsents: new Map(), ...t };
    this.tenants.set(tenant.id, tenant);
    return tenant;
  }

  addUser(u: EmuUser): EmuUser {
    this.users.set(u.id, u);
    return u;
  }

  addApp(a: EmuApp): EmuApp {
    this.apps.set(a.clientId, a);
    return a;
  }

  /** A tenant by GUID or by one of its domains (case-insensitive). */
  getTenant(idOrDomain: string): EmuTenant | undefined {
    const key = idOrDomain.toLowerCase();
    const byId = this.tenants.get(key);
    if (byId) return byId;
    for (const t of this.tenants.values()) if (t.domains.some((d) => d.toLowerCase() === key)) return t;
    return undefined;
  }

  /** A user by object id, userPrincipalName or mail (case-insensitive). */
  getUser(idOrUpn: string): EmuUser | undefined {
    const key = idOrUpn.toLowerCase();
    const byId = this.users.get(key);
    if (byId) return byId;
    for (const u of this.users.values()) {
      if (u.userPrincipalName.toLowerCase() === key || u.mail.toLowerCase() === key) return u;
    }
    return undefined;
  }

  usersOfTenant(tenantId: string): EmuUser[] {
    return [...this.users.values()].filter((u) => u.tenantId === tenantId);
  }

  /** The tenant whose verified domains include the address's domain (or a parent of it). */
  tenantOfEmail(email: string): EmuTenant | undefined {
    const domain = email.split('@')[1]?.toLowerCase();
    if (!domain) return undefined;
    for (const t of this.tenants.values()) {
      if (t.domains.some((d) => domain === d.toLowerCase() || domain.endsWith(`.${d.toLowerCase()}`))) return t;
    }
    return undefined;
  }
}

/** The directory as JSON (admin snapshots, the state file). */
export interface DirectorySnapshot {
  tenants: Array<Omit<EmuTenant, 'adminConsents'> & { adminConsents: Record<string, string[]> }>;
  users: EmuUser[];
  apps: EmuApp[];
}

export function directorySnapshot(d: Directory): DirectorySnapshot {
  return {
    tenants: [...d.tenants.values()].map((t) => ({
      ...t,
      adminConsents: Object.fromEntries([...t.adminConsents].map(([k, v]) => [k, [...v]])),
    })),
    users: [...d.users.values()],
    apps: [...d.apps.values()],
  };
}

/** Replaces the directory's tenants, users and apps with a snapshot's. */
export function loadDirectory(d: Directory, s: DirectorySnapshot): void {
  d.tenants.clear();
  d.users.clear();
  d.apps.clear();
  for (const t of s.tenants) {
    d.addTenant({ ...t, adminConsents: new Map(Object.entries(t.adminConsents).map(([k, v]) => [k, new Set(v)])) });
  }
  for (const u of s.users) d.addUser(u);
  for (const a of s.apps) d.addApp(a);
}
