// Consent rules: which permissions a user may grant, which need an administrator, tenant resolution for a sign-in.
import type { EmuApp, EmuTenant, EmuUser } from '../contracts.js';
import type { Directory } from '../directory.js';
import { AadError } from './errors.js';
import { DEFAULT_DELEGATED, adminOnly, parseScopes, type ParsedScopes } from './scopes.js';
import type { IdentityState } from './state.js';

/** The tenant segment of an identity URL: a specific tenant, or `common`/`organizations` (any tenant). */
export type TenantSegment = { kind: 'any' } | { kind: 'tenant'; tenant: EmuTenant };

export function resolveTenantSegment(directory: Directory, segment: string): TenantSegment {
  const s = segment.toLowerCase();
  if (s === 'common' || s === 'organizations') return { kind: 'any' };
  const tenant = directory.getTenant(s);
  if (!tenant) throw new AadError(90002, {}, 400);
  return { kind: 'tenant', tenant };
}

/** Delegated permissions a sign-in asks for, with `.default` expanded to the app's configured permissions. */
export function requestedPermissions(parsed: ParsedScopes): string[] {
  const set = new Set(parsed.graph);
  if (parsed.graphDefault) for (const s of DEFAULT_DELEGATED) set.add(s);
  return [...set];
}

/** Permissions granted to the app for the user: their own consents plus the tenant's admin consents. */
export function grantedPermissions(state: IdentityState, tenant: EmuTenant, app: EmuApp, user: EmuUser): Set<string> {
  const out = new Set(state.consentedScopes(app.clientId, user.id));
  for (const s of tenant.adminConsents.get(app.clientId) ?? []) out.add(s);
  return out;
}

/** Checks the user may sign in to the app through this tenant segment; throws AADSTS50020/700016. */
export function checkSignIn(directory: Directory, segment: TenantSegment, app: EmuApp, user: EmuUser): EmuTenant {
  const tenant = directory.tenants.get(user.tenantId);
  if (!tenant || (segment.kind === 'tenant' && segment.tenant.id !== user.tenantId)) throw new AadError(50020);
  if (!app.multiTenant && app.homeTenantId !== user.tenantId) throw new AadError(700016);
  return tenant;
}

export type ConsentDecision =
  | { kind: 'granted' }
  /** Permissions the user can consent to themselves. */
  | { kind: 'user-consent'; missing: string[] }
  /** Only an administrator can grant what is missing. */
  | { kind: 'admin-required'; missing: string[]; error: AadError };

/** What consent a sign-in needs. `force` (prompt=consent) asks again even when everything is granted. */
export function decideConsent(
  state: IdentityState,
  tenant: EmuTenant,
  app: EmuApp,
  user: EmuUser,
  requested: string[],
): ConsentDecision {
  const granted = grantedPermissions(state, tenant, app, user);
  const missing = requested.filter((s) => !granted.has(s));
  if (missing.length === 0) return { kind: 'granted' };
  if (tenant.userConsentDisabled) return { kind: 'admin-required', missing, error: new AadError(90094) };
  const adminScopes = adminOnly(missing);
  if (adminScopes.length > 0) return { kind: 'admin-required', missing, error: new AadError(65001) };
  return { kind: 'user-consent', missing };
}

/** Parses and validates an authorize or token `scope`; throws AADSTS650053 for unknown permissions. */
export function parseRequestedScopes(raw: string | undefined): ParsedScopes {
  const parsed = parseScopes(raw);
  if (parsed.invalid.length > 0) throw new AadError(650053, { scope: parsed.invalid[0] ?? '' });
  if (parsed.graph.size === 0 && !parsed.graphDefault && !parsed.oidc.has('openid')) {
    throw new AadError(70011);
  }
  return parsed;
}
