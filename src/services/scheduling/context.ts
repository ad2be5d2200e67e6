// Who is calling and through which provider: the caller's connection, calendars and tenant, with stable errors.
import type { CalendarProvider } from '../../ports/calendar-provider.js';
import type { ProviderType } from '../../domain/calendar.js';
import type { Customer } from '../../domain/customers.js';
import { missingWriteScope } from '../../domain/connections.js';
import { AppError } from '../../domain/errors.js';
import type { Actor, Tenant, User } from '../../domain/tenancy.js';
import type { AuditStore } from '../../ports/stores.js';
import type { ApprovalNotices } from './approval-notices.js';
import type {
  CalendarRef,
  CallerConnection,
  ConnectionLookup,
  MeetingStore,
  ProposalStore,
  TemplateStore,
} from '../../ports/scheduling.js';

export interface ProviderBinding {
  tenantId: string;
  userId: string;
  connectionId: string;
  mailbox: string;
}

/** Everything the scheduling services are built from (the composition root supplies the adapters). */
export interface SchedulingDeps {
  lookup: ConnectionLookup;
  meetings: MeetingStore;
  proposals: ProposalStore;
  templates: TemplateStore;
  tenants: {
    getTenant(id: string): Promise<Tenant>;
    getUser(actor: Pick<Actor, 'tenantId' | 'userId'>): Promise<User>;
    listUsers(tenantId: string): Promise<User[]>;
  };
  customers: {
    get(actor: Actor, id: string): Promise<Customer>;
    list(actor: Actor, opts: { limit: number; offset: number; search?: string }): Promise<Customer[]>;
  };
  audit: AuditStore;
  providerFor(type: ProviderType, ctx: ProviderBinding): CalendarProvider;
  /** Where a user (re)connects their calendar for this provider. */
  connectUrl(provider: ProviderType): string;
  now(): Date;
  /** Tells approvers of new proposals and the platform webhook of decisions (absent: nobody is told). */
  notices?: ApprovalNotices;
  /** The organizer's manager's e-mail from the directory (Graph `/users/{id}/manager`); null when unknown. */
  managerOf?(tenantId: string, userId: string): Promise<string | null>;
  /** How long people search waits for the provider's directory (default DIRECTORY_PROVIDER_TIMEOUT_MS). */
  directoryTimeoutMs?: number;
}

/** The resolved caller: tenant, user, connection and the provider bound to it. */
export interface CallerContext {
  actor: Actor;
  tenant: Tenant;
  user: User;
  connection: CallerConnection;
  provider: CalendarProvider;
}

/** Throws the error an API call answers with when the connection cannot be used. */
export function assertUsable(d: SchedulingDeps, conn: CallerConnection | null): asserts conn is CallerConnection {
  if (!conn)
    throw new AppError('not_connected', 'Connect a calendar first.', {
      details: { connectUrl: d.connectUrl('MICROSOFT') },
    });
  if (conn.status === 'active') return;
  if (conn.status === 'unsupported_mailbox')
    throw new AppError('unsupported_mailbox', undefined, { details: { connectionId: conn.id } });
  throw new AppError('reconnect_required', undefined, {
    details: {
      connectionId: conn.id,
      status: conn.status,
      reason: conn.statusReason ?? conn.status,
      connectUrl: d.connectUrl(conn.provider),
    },
  });
}

/**
 * Throws `write_access_not_granted` when the connection's grant does not allow writing to `cal` (or to any calendar:
 * the read-only tier of free/busy and reading), before a proposal exists: the provider would refuse the write after
 * the user had approved it. Reads never call this. `details.missingScope` names the permission to grant.
 */
export function assertWritesGranted(d: SchedulingDeps, conn: CallerConnection, cal: CalendarRef | null): void {
  const missing = missingWriteScope(conn.provider, conn.scopes, cal);
  if (!missing) return;
  const details = {
    connectionId: conn.id,
    provider: conn.provider,
    grantedScopes: conn.scopes ?? [],
    missingScope: missing,
    connectUrl: d.connectUrl(conn.provider),
  };
  if (missing === 'Calendars.ReadWrite.Shared')
    throw new AppError(
      'write_access_not_granted',
      "Writing to a calendar someone shared with you needs the Microsoft Graph permission Calendars.ReadWrite.Shared, which this connection was not granted (it was made before calbridge asked for it, or with the read-only setting). Reconnect Outlook to grant it, or book the meeting in your own calendar and invite the calendar's owner.",
      { details: { ...details, calendarId: cal?.id ?? null } },
    );
  throw new AppError('write_access_not_granted', undefined, { details });
}

/** Throws `calendar_not_writable` for a calendar shared with the connection without edit rights. */
export function assertCalendarWritable(cal: CalendarRef): void {
  if (cal.canEdit) return;
  throw new AppError('calendar_not_writable', undefined, {
    details: { calendarId: cal.id, name: cal.name, isShared: cal.isShared },
  });
}

/** The provider bound to `userId`'s connection (checked usable). */
export async function providerOfUser(
  d: SchedulingDeps,
  tenant: Tenant,
  userId: string,
): Promise<{ connection: CallerConnection; provider: CalendarProvider }> {
  const connection = await d.lookup.forUser(tenant.id, userId, tenant.calendarProvider);
  assertUsable(d, connection);
  const provider = d.providerFor(connection.provider, {
    tenantId: tenant.id,
    userId,
    connectionId: connection.id,
    mailbox: connection.mailbox,
  });
  return { connection, provider };
}

export async function callerContext(d: SchedulingDeps, actor: Actor): Promise<CallerContext> {
  const [tenant, user] = await Promise.all([d.tenants.getTenant(actor.tenantId), d.tenants.getUser(actor)]);
  const { connection, provider } = await providerOfUser(d, tenant, actor.userId);
  return { actor, tenant, user, connection, provider };
}

/** The calendar events go to: the one asked for (calbridge id), else the connection's default calendar. */
export async function targetCalendar(d: SchedulingDeps, c: CallerContext, calendarId?: string): Promise<CalendarRef> {
  const calendars = await d.lookup.calendarsOf(c.tenant.id, c.connection.id);
  const cal = calendarId
    ? calendars.find((x) => x.id === calendarId)
    : (calendars.find((x) => x.isDefault && !x.isShared) ?? calendars[0]);
  if (!cal) {
    throw new AppError(
      'not_found',
      calendarId
        ? 'No such calendar on your connection.'
        : 'Your connection has no calendar yet; refresh its calendars.',
    );
  }
  assertCalendarWritable(cal);
  assertWritesGranted(d, c.connection, cal);
  return cal;
}

/**
 * The provider id of the calendar a meeting lives in (calbridge calendar id → the id the provider knows), so every
 * write names the event's calendar. A calendar the connection no longer lists is `event_unreachable`.
 */
export async function providerCalendarOf(
  d: SchedulingDeps,
  tenantId: string,
  connectionId: string,
  calendarId: string,
): Promise<string> {
  const cal = (await d.lookup.calendarsOf(tenantId, connectionId)).find((x) => x.id === calendarId);
  if (!cal)
    throw new AppError('event_unreachable', undefined, {
      details: { calendarId, reason: 'calendar_not_on_connection' },
    });
  return cal.providerCalendarId;
}

/** Domains that count as internal: the tenant's own domains and the caller's mailbox domain. */
export function internalDomains(tenant: Tenant, mailbox: string): Set<string> {
  const own = new Set((tenant.settings.ownDomains ?? []).map((x) => x.toLowerCase()));
  const domain = mailbox.split('@')[1];
  if (domain) own.add(domain.toLowerCase());
  return own;
}

export function isExternal(email: string, internal: Set<string>): boolean {
  const domain = email.toLowerCase().split('@')[1] ?? '';
  for (const d of internal) if (domain === d || domain.endsWith(`.${d}`)) return false;
  return true;
}
