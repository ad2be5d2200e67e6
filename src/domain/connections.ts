// Calendar connections: one user's authorised link to a provider account, its status and its calendars.
import type { Instant, ProviderType } from './calendar.js';

export type ConnectionStatus = 'active' | 'needs_reauth' | 'revoked' | 'unsupported_mailbox' | 'consent_required';

export interface Connection {
  id: string;
  tenantId: string;
  userId: string;
  provider: ProviderType;
  status: ConnectionStatus;
  /** Why the status is what it is (e.g. `invalid_grant`, `admin_consent_required`). */
  statusReason: string | null;
  lastError: string | null;
  /** Entra `tid` of the account's organisation. */
  providerTenantId: string | null;
  /** Entra `oid` of the account. */
  providerUserId: string | null;
  accountEmail: string | null;
  accountName: string | null;
  scopes: string[];
  tokenExpiresAt: Instant | null;
  connectedAt: Instant;
  updatedAt: Instant;
}

/** A calendar of a connection as calbridge keeps it (own or shared with the user). */
export interface ConnectedCalendar {
  id: string;
  connectionId: string;
  providerCalendarId: string;
  name: string;
  ownerEmail: string | null;
  isShared: boolean;
  isDefault: boolean;
  canEdit: boolean;
  onlineMeetingProviders: string[];
}

/** Something that happened to a connection; published on the in-process event bus. */
export type ConnectionEvent =
  | { type: 'connection.connected'; tenantId: string; userId: string; connectionId: string; provider: ProviderType }
  | {
      type:
        | 'connection.needs_reauth'
        | 'connection.revoked'
        | 'connection.unsupported_mailbox'
        | 'connection.consent_required';
      tenantId: string;
      userId: string;
      connectionId: string;
      provider: ProviderType;
      reason: string;
    };

/**
 * Delegated scopes that let calbridge write events, per provider (Graph names without their resource prefix, as
 * stored; Google scopes with or without `https://www.googleapis.com/auth/`). The read-only tier grants none of them.
 */
const WRITE_SCOPES: Record<ProviderType, readonly string[]> = {
  MICROSOFT: ['Calendars.ReadWrite', 'Calendars.ReadWrite.Shared'],
  GOOGLE: ['calendar', 'calendar.events'],
};
/** The write scope the read-only tier lacks, named in `write_access_not_granted`. */
export const WRITE_SCOPE_TO_ASK: Record<ProviderType, string> = {
  MICROSOFT: 'Calendars.ReadWrite',
  GOOGLE: 'https://www.googleapis.com/auth/calendar.events',
};

const bare = (scopes: readonly string[]) =>
  scopes.map((s) => s.replace(/^https:\/\/(?:www\.googleapis\.com\/auth|graph\.microsoft\.com)\//, ''));

/**
 * Whether the granted scopes let calbridge write events. Unknown grants (no scopes recorded) count as writable: the
 * provider then decides.
 * @example grantsCalendarWrites('MICROSOFT', ['Calendars.Read', 'User.Read']) // false
 */
export function grantsCalendarWrites(provider: ProviderType, scopes: readonly string[] | null | undefined): boolean {
  if (!scopes || scopes.length === 0) return true;
  return bare(scopes).some((s) => WRITE_SCOPES[provider].includes(s));
}

/**
 * The delegated permission a write to `calendar` needs and the connection was not granted, or null. Graph lets a
 * delegate write to another user's calendar only with `Calendars.ReadWrite.Shared` (`Calendars.ReadWrite` covers the
 * user's own calendars); on Google the ACL role decides and the events scope is enough.
 * @example missingWriteScope('MICROSOFT', ['Calendars.ReadWrite'], { isShared: true }) // 'Calendars.ReadWrite.Shared'
 */
export function missingWriteScope(
  provider: ProviderType,
  scopes: readonly string[] | null | undefined,
  calendar: { isShared: boolean } | null,
): string | null {
  if (!scopes || scopes.length === 0) return null;
  if (!grantsCalendarWrites(provider, scopes)) return WRITE_SCOPE_TO_ASK[provider];
  if (provider === 'MICROSOFT' && calendar?.isShared && !bare(scopes).includes('Calendars.ReadWrite.Shared'))
    return 'Calendars.ReadWrite.Shared';
  return null;
}
