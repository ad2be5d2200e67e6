// Who may touch which mailbox: route user resolution, on-premises mailboxes, delegated/app scopes, sharing roles.
import type { FastifyRequest } from 'fastify';
import type { EmuUser, Principal } from '../contracts.js';
import type { GraphContext } from './context.js';
import { GraphHttpError } from './errors.js';
import type { CalendarRecord, CalendarRole } from './model.js';

export type Need = 'read' | 'write';

/** Graph's error constructors used across the calendar routes. */
export const errors = {
  denied: () => new GraphHttpError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
  itemNotFound: () => new GraphHttpError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.'),
  invalidUser: (id: string) => new GraphHttpError(404, 'ErrorInvalidUser', `The requested user '${id}' is invalid.`),
  onPrem: () =>
    new GraphHttpError(
      404,
      'MailboxNotEnabledForRESTAPI',
      'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
    ),
  badRequest: (message: string, code = 'ErrorInvalidRequest') => new GraphHttpError(400, code, message),
  etag: () =>
    new GraphHttpError(
      412,
      'ErrorIrresolvableConflict',
      'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
    ),
};

/** The mailbox a request targets and the caller's standing on it. */
export interface MailboxAccess {
  principal: Principal;
  owner: EmuUser;
  /** The signed-in user (delegated calls), null for app-only calls. */
  caller: EmuUser | null;
  isOwner: boolean;
  /** The segment used in the URL (`me` or the id/UPN given), for @odata.context. */
  userSegment: string;
}

const READ_ROLES: ReadonlySet<CalendarRole | 'owner'> = new Set([
  'owner',
  'read',
  'limitedRead',
  'write',
  'delegateWithoutPrivateEventAccess',
  'delegateWithPrivateEventAccess',
]);
const WRITE_ROLES: ReadonlySet<CalendarRole | 'owner'> = new Set([
  'owner',
  'write',
  'delegateWithoutPrivateEventAccess',
  'delegateWithPrivateEventAccess',
]);

function hasAny(p: Principal, scopes: string[]): boolean {
  return scopes.some((s) => p.scopes.has(s));
}

/** Scopes that satisfy a calendar operation (delegated: own vs. shared mailbox; application roles). */
export function calendarScopes(need: Need, own: boolean, app: boolean): string[] {
  if (app)
    return need === 'read' ? ['Calendars.Read', 'Calendars.ReadBasic', 'Calendars.ReadWrite'] : ['Calendars.ReadWrite'];
  if (need === 'read') {
    return own
      ? [
          'Calendars.Read',
          'Calendars.ReadWrite',
          'Calendars.Read.Shared',
          'Calendars.ReadWrite.Shared',
          'Calendars.ReadBasic',
        ]
      : ['Calendars.Read.Shared', 'Calendars.ReadWrite.Shared'];
  }
  return own ? ['Calendars.ReadWrite', 'Calendars.ReadWrite.Shared'] : ['Calendars.ReadWrite.Shared'];
}

/**
 * Authenticates the request and resolves the mailbox named by `userParam` (undefined for `/me`).
 * Throws 401 (bad token), 404 ErrorInvalidUser (unknown user, other tenant), 404 MailboxNotEnabledForRESTAPI
 * (on-premises mailbox) or 403 ErrorAccessDenied (missing scope).
 */
export async function resolveMailbox(
  ctx: GraphContext,
  req: FastifyRequest,
  userParam: string | undefined,
  need: Need,
  kind: 'calendar' | 'settings' | 'mail' = 'calendar',
): Promise<MailboxAccess> {
  const principal = await ctx.authenticate(req.headers.authorization);
  const app = principal.kind === 'application';
  let owner: EmuUser | undefined;
  if (userParam === undefined) {
    if (app || !principal.userId)
      throw new GraphHttpError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    owner = ctx.directory.users.get(principal.userId);
    if (!owner) throw errors.invalidUser(principal.userId);
  } else {
    owner = ctx.directory.getUser(decodeURIComponent(userParam));
    if (!owner || owner.tenantId !== principal.tenantId) throw errors.invalidUser(userParam);
  }
  const caller = principal.userId ? (ctx.directory.users.get(principal.userId) ?? null) : null;
  const isOwner = !app && caller?.id === owner.id;
  const scopes =
    kind === 'settings'
      ? need === 'read'
        ? ['MailboxSettings.Read', 'MailboxSettings.ReadWrite']
        : ['MailboxSettings.ReadWrite']
      : kind === 'mail'
        ? need === 'read'
          ? ['Mail.Read', 'Mail.ReadWrite']
          : ['Mail.ReadWrite']
        : calendarScopes(need, isOwner, app);
  if (!hasAny(principal, scopes)) throw errors.denied();
  if (kind !== 'calendar' && !isOwner && !app) throw errors.denied();
  if (owner.mailbox === 'onPremises' || !ctx.store.hasMailbox(owner.id)) {
    if (owner.mailbox === 'onPremises') throw errors.onPrem();
    ctx.store.ensureMailbox(owner);
  }
  return { principal, owner, caller, isOwner, userSegment: userParam ?? 'me' };
}

/** True when the access may `need` on the calendar (owners and apps always; delegates by sharing role). */
export function canUseCalendar(ctx: GraphContext, acc: MailboxAccess, cal: CalendarRecord, need: Need): boolean {
  if (acc.isOwner || acc.principal.kind === 'application') return true;
  if (!acc.caller) return false;
  const role = ctx.store.roleFor(acc.owner.id, cal.id, acc.caller);
  return (need === 'read' ? READ_ROLES : WRITE_ROLES).has(role);
}

/** Throws 403 unless the access may `need` on the calendar. */
export function requireCalendar(ctx: GraphContext, acc: MailboxAccess, cal: CalendarRecord, need: Need): void {
  if (!canUseCalendar(ctx, acc, cal, need)) throw errors.denied();
}

/**
 * The calendar with this id in the target mailbox, checked for `need`. On `/me`, an id of another user's
 * calendar shared with the caller (as Outlook adds it to the sharee's calendars) switches the access to the
 * owner's mailbox as a delegate. 404 ErrorItemNotFound when missing, 403 when not allowed.
 */
export function calendarOr404(
  ctx: GraphContext,
  acc: MailboxAccess,
  calendarId: string | undefined,
  need: Need,
): CalendarRecord {
  let cal =
    calendarId === undefined
      ? ctx.store.defaultCalendar(acc.owner.id)
      : ctx.store.getCalendar(acc.owner.id, calendarId);
  if (!cal && calendarId !== undefined && acc.isOwner && acc.caller) {
    const shared = ctx.store.findCalendar(calendarId);
    const owner = shared ? ctx.directory.users.get(shared.userId) : undefined;
    if (shared && owner && owner.tenantId === acc.caller.tenantId) {
      if (!hasAny(acc.principal, calendarScopes(need, false, false))) throw errors.denied();
      acc.owner = owner;
      acc.isOwner = false;
      cal = shared.calendar;
      if (!canUseCalendar(ctx, acc, cal, 'read')) throw errors.itemNotFound();
    }
  }
  if (!cal) throw errors.itemNotFound();
  requireCalendar(ctx, acc, cal, need);
  return cal;
}

/** Calendars of other mailboxes shared with the caller at read level or more (for `/me/calendars`). */
export function sharedWithCaller(ctx: GraphContext, acc: MailboxAccess): CalendarRecord[] {
  if (!acc.caller || !acc.isOwner) return [];
  const out: CalendarRecord[] = [];
  const caller = acc.caller;
  for (const id of ctx.store.mailboxIds()) {
    if (id === caller.id) continue;
    for (const cal of ctx.store.listCalendars(id)) {
      if (!cal.permissions.some((p) => p.emailAddress.address?.toLowerCase() === caller.mail.toLowerCase())) continue;
      if (READ_ROLES.has(ctx.store.roleFor(id, cal.id, caller))) out.push(cal);
    }
  }
  return out;
}
