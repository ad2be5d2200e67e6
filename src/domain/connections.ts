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
