// Adapts the mailbox store to the pure scheduling maths: who may see what, busy items, working hours.
import type { EmuUser, Principal } from '../contracts.js';
import type { GraphContext } from './context.js';
import { GraphHttpError } from './errors.js';
import type { BusyItem, FreeBusyStatus, WorkingHoursSpec } from './scheduling.js';
import { resolveZone } from './time.js';

/** How much of a schedule the caller may see. */
export type Detail = 'full' | 'limited' | 'freeBusy';

/** A schedule target the caller may read, or the freeBusyError Graph answers for it. */
export type Target =
  | { ok: true; user: EmuUser; detail: Detail; seePrivate: boolean }
  | { ok: false; error: { message: string; responseCode: string } };

const STATUSES = new Set<FreeBusyStatus>(['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown']);

/** The user a request path names: `me` (delegated only) or an id / userPrincipalName. */
export function pathUser(ctx: GraphContext, p: Principal, id: string | undefined): EmuUser {
  if (id === undefined) {
    if (p.kind !== 'delegated' || !p.userId) {
      throw new GraphHttpError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    }
    const me = ctx.directory.users.get(p.userId);
    if (!me) throw new GraphHttpError(404, 'ErrorInvalidUser', `The requested user '${p.userId}' is invalid.`);
    return me;
  }
  const user = ctx.directory.getUser(id);
  if (!user || user.tenantId !== p.tenantId) {
    throw new GraphHttpError(404, 'ErrorInvalidUser', `The requested user '${id}' is invalid.`);
  }
  if (user.mailbox === 'onPremises' || !ctx.store.hasMailbox(user.id)) {
    throw new GraphHttpError(
      404,
      'MailboxNotEnabledForRESTAPI',
      'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
    );
  }
  return user;
}

/** Throws 403 unless the principal holds one of `scopes`. */
export function requireScope(p: Principal, scopes: readonly string[]): void {
  for (const s of scopes) if (p.scopes.has(s)) return;
  throw new GraphHttpError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
}

/** Resolves an SMTP address for free/busy as seen by `viewer` (null for an application caller). */
export function resolveTarget(ctx: GraphContext, tenantId: string, viewer: EmuUser | null, address: string): Target {
  const user = ctx.directory.getUser(address);
  if (!user || user.tenantId !== tenantId || user.mailbox === 'onPremises' || !ctx.store.hasMailbox(user.id)) {
    return {
      ok: false,
      error: {
        message: `Microsoft.Exchange.InfoWorker.Common.Availability.MailRecipientNotFoundException: Unable to resolve e-mail address ${address} to an Active Directory object.`,
        responseCode: 'ErrorMailRecipientNotFound',
      },
    };
  }
  if (!viewer) return { ok: true, user, detail: 'full', seePrivate: true };
  const role = ctx.store.roleFor(user.id, ctx.store.defaultCalendar(user.id).id, viewer);
  switch (role) {
    case 'owner':
    case 'delegateWithPrivateEventAccess':
      return { ok: true, user, detail: 'full', seePrivate: true };
    case 'read':
    case 'write':
    case 'delegateWithoutPrivateEventAccess':
    case 'custom':
      return { ok: true, user, detail: 'full', seePrivate: false };
    case 'limitedRead':
      return { ok: true, user, detail: 'limited', seePrivate: false };
    case 'freeBusyRead':
      return { ok: true, user, detail: 'freeBusy', seePrivate: false };
    case 'none':
      return {
        ok: false,
        error: {
          message: 'You do not have permission to view free/busy information for this mailbox.',
          responseCode: 'ErrorNoFreeBusyAccess',
        },
      };
  }
}

/** Free/busy items of the user's default calendar overlapping [startMs, endMs), by start; free and cancelled items left out. */
export function busyItems(ctx: GraphContext, userId: string, startMs: number, endMs: number): BusyItem[] {
  const cal = ctx.store.defaultCalendar(userId);
  const out: BusyItem[] = [];
  for (const inst of ctx.store.calendarView(userId, cal.id, startMs, endMs)) {
    const d = inst.ev.data;
    if (d.isCancelled) continue;
    const status = STATUSES.has(d.showAs as FreeBusyStatus) ? (d.showAs as FreeBusyStatus) : 'busy';
    if (status === 'free') continue;
    out.push({
      startMs: inst.startMs,
      endMs: inst.endMs,
      status,
      subject: d.subject ?? '',
      location: d.location?.displayName ?? '',
      isPrivate: d.sensitivity === 'private' || d.sensitivity === 'confidential',
    });
  }
  return out;
}

/** The user's working hours with the zone resolved (unknown zones fall back to UTC). */
export function workingHoursOf(
  ctx: GraphContext,
  userId: string,
): { graph: Record<string, unknown>; spec: WorkingHoursSpec } {
  const wh = ctx.store.getSettings(userId).workingHours;
  const zone = resolveZone(wh.timeZone?.name) ?? resolveZone(ctx.store.getSettings(userId).timeZone) ?? 'UTC';
  return {
    graph: { ...wh, daysOfWeek: [...wh.daysOfWeek], timeZone: { ...wh.timeZone } },
    spec: { daysOfWeek: wh.daysOfWeek, startTime: wh.startTime, endTime: wh.endTime, zone },
  };
}
