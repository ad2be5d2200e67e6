// Graph routes: calendars (list, get, create, update, delete, default) and calendar permissions (sharing).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GraphContext } from '../context.js';
import { GraphHttpError } from '../errors.js';
import {
  calendarOr404,
  canUseCalendar,
  errors,
  resolveMailbox,
  sharedWithCaller,
  type MailboxAccess,
} from '../mailbox-access.js';
import type { CalendarRecord, CalendarRole } from '../model.js';
import { both, json, objectBody, param } from '../route-helpers.js';
import { renderCalendar, renderPermission } from '../serialize.js';

const ROLES: ReadonlySet<string> = new Set([
  'none',
  'freeBusyRead',
  'limitedRead',
  'read',
  'write',
  'delegateWithoutPrivateEventAccess',
  'delegateWithPrivateEventAccess',
]);

function who(acc: MailboxAccess): string {
  return acc.userSegment === 'me' ? 'me' : `users('${acc.userSegment}')`;
}

function odataId(ctx: GraphContext, acc: MailboxAccess, cal: CalendarRecord): string {
  return `${ctx.baseUrl()}/v1.0/users('${acc.owner.id}@${acc.owner.tenantId}')/calendars('${cal.id}')`;
}

function selectOf(req: FastifyRequest): string[] | null {
  const s = (req.query as Record<string, string | undefined>).$select;
  return s ? s.split(',').map((x) => x.trim()) : null;
}

/** Sharee view of a calendar they do not own (Graph reports reduced rights). */
function viewFor(ctx: GraphContext, acc: MailboxAccess, cal: CalendarRecord): Partial<CalendarRecord> {
  if (acc.isOwner || !acc.caller) return {};
  const role = ctx.store.roleFor(acc.owner.id, cal.id, acc.caller);
  return {
    canShare: false,
    canViewPrivateItems: role === 'delegateWithPrivateEventAccess',
    canEdit: role === 'write' || role.startsWith('delegate'),
  };
}

const CAL_SCOPES: Array<{ path: string; cal: (req: FastifyRequest) => string | undefined }> = [
  { path: '/calendar', cal: () => undefined },
  { path: '/calendars/:calendarId', cal: (req) => param(req, 'calendarId') },
];

export default async function calendarRoutes(app: FastifyInstance, ctx: GraphContext): Promise<void> {
  both(app, 'GET', '/calendars', async (req, reply, user) => {
    const acc = await resolveMailbox(ctx, req, user, 'read');
    const cals = ctx.store.listCalendars(acc.owner.id).filter((c) => canUseCalendar(ctx, acc, c, 'read'));
    if (cals.length === 0) throw errors.denied();
    const shared = sharedWithCaller(ctx, acc).map((c) => {
      const role = ctx.store.roleFor(ctx.directory.getUser(c.owner.address)?.id ?? '', c.id, acc.caller!);
      return renderCalendar(c, selectOf(req), {
        canShare: false,
        canViewPrivateItems: false,
        canEdit: role === 'write' || role.startsWith('delegate'),
        isDefaultCalendar: false,
        isRemovable: true,
      });
    });
    return json(reply, 200, {
      '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#users('${acc.owner.id}')/calendars`,
      // Each calendar of the list carries its @odata.id, as in the user-list-calendars example.
      value: [
        ...cals.map((c) => ({
          '@odata.id': odataId(ctx, acc, c),
          ...renderCalendar(c, selectOf(req), viewFor(ctx, acc, c)),
        })),
        ...shared,
      ],
    });
  });

  both(app, 'POST', '/calendars', async (req, reply, user) => {
    const acc = await resolveMailbox(ctx, req, user, 'write');
    if (!acc.isOwner && acc.principal.kind !== 'application') throw errors.denied();
    const body = objectBody(req);
    if (typeof body.name !== 'string' || body.name.trim() === '')
      throw errors.badRequest('The calendar name is required.', 'ErrorInvalidRequest');
    if (ctx.store.listCalendars(acc.owner.id).some((c) => c.name.toLowerCase() === String(body.name).toLowerCase())) {
      throw new GraphHttpError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
    }
    const cal = ctx.store.createCalendar(acc.owner.id, {
      name: body.name,
      ...(typeof body.color === 'string' ? { color: body.color } : {}),
      ...(typeof body.hexColor === 'string' ? { hexColor: body.hexColor } : {}),
    });
    return json(reply, 201, {
      '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#${who(acc)}/calendars/$entity`,
      '@odata.id': odataId(ctx, acc, cal),
      ...renderCalendar(cal),
    });
  });

  for (const scope of CAL_SCOPES) {
    both(app, 'GET', scope.path, async (req, reply, user) => {
      const acc = await resolveMailbox(ctx, req, user, 'read');
      const cal = calendarOr404(ctx, acc, scope.cal(req), 'read');
      return json(reply, 200, {
        '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#${who(acc)}/calendars/$entity`,
        '@odata.id': odataId(ctx, acc, cal),
        ...renderCalendar(cal, selectOf(req), viewFor(ctx, acc, cal)),
      });
    });

    both(app, 'PATCH', scope.path, async (req, reply, user) => {
      const acc = await resolveMailbox(ctx, req, user, 'write');
      const cal = calendarOr404(ctx, acc, scope.cal(req), 'write');
      if (!acc.isOwner && acc.principal.kind !== 'application') throw errors.denied();
      const body = objectBody(req);
      const patch: Partial<CalendarRecord> = {};
      if (typeof body.name === 'string') patch.name = body.name;
      if (typeof body.color === 'string') patch.color = body.color;
      if (typeof body.hexColor === 'string') patch.hexColor = body.hexColor;
      ctx.store.updateCalendar(acc.owner.id, cal.id, patch);
      return json(reply, 200, {
        '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#${who(acc)}/calendars/$entity`,
        ...renderCalendar(cal),
      });
    });

    both(app, 'DELETE', scope.path, async (req, reply, user) => {
      const acc = await resolveMailbox(ctx, req, user, 'write');
      const cal = calendarOr404(ctx, acc, scope.cal(req), 'write');
      if (!acc.isOwner && acc.principal.kind !== 'application') throw errors.denied();
      if (cal.isDefaultCalendar)
        throw errors.badRequest('The default calendar cannot be deleted.', 'ErrorCannotDeleteObject');
      ctx.store.deleteCalendar(acc.owner.id, cal.id);
      return reply.status(204).send();
    });

    both(app, 'GET', `${scope.path}/calendarPermissions`, async (req, reply, user) => {
      const acc = await resolveMailbox(ctx, req, user, 'read');
      const cal = calendarOr404(ctx, acc, scope.cal(req), 'read');
      if (!acc.isOwner && acc.principal.kind !== 'application') throw errors.denied();
      return json(reply, 200, {
        '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#users('${acc.owner.id}')/calendars('${cal.id}')/calendarPermissions`,
        value: cal.permissions.map(renderPermission),
      });
    });

    both(app, 'POST', `${scope.path}/calendarPermissions`, async (req, reply, user) => {
      const acc = await resolveMailbox(ctx, req, user, 'write');
      const cal = calendarOr404(ctx, acc, scope.cal(req), 'write');
      if (!acc.isOwner && acc.principal.kind !== 'application') throw errors.denied();
      const body = objectBody(req) as { emailAddress?: { address?: unknown }; role?: unknown };
      const address = body.emailAddress?.address;
      if (typeof address !== 'string' || !address.includes('@'))
        throw errors.badRequest('emailAddress.address is required.', 'ErrorInvalidRequest');
      if (typeof body.role !== 'string' || !ROLES.has(body.role))
        throw errors.badRequest(`Invalid role '${String(body.role)}'.`, 'ErrorInvalidRequest');
      const perm = ctx.store.sharePermission(acc.owner.id, cal.id, address, body.role as CalendarRole);
      return json(reply, 201, {
        '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#users('${acc.owner.id}')/calendars('${cal.id}')/calendarPermissions/$entity`,
        ...renderPermission(perm),
      });
    });

    both(app, 'GET', `${scope.path}/calendarPermissions/:permissionId`, async (req, reply, user) => {
      const acc = await resolveMailbox(ctx, req, user, 'read');
      const cal = calendarOr404(ctx, acc, scope.cal(req), 'read');
      if (!acc.isOwner && acc.principal.kind !== 'application') throw errors.denied();
      const perm = cal.permissions.find((p) => p.id === param(req, 'permissionId'));
      if (!perm) throw errors.itemNotFound();
      return json(reply, 200, {
        '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#users('${acc.owner.id}')/calendars('${cal.id}')/calendarPermissions/$entity`,
        ...renderPermission(perm),
      });
    });

    both(app, 'PATCH', `${scope.path}/calendarPermissions/:permissionId`, async (req, reply, user) => {
      const acc = await resolveMailbox(ctx, req, user, 'write');
      const cal = calendarOr404(ctx, acc, scope.cal(req), 'write');
      if (!acc.isOwner && acc.principal.kind !== 'application') throw errors.denied();
      const perm = cal.permissions.find((p) => p.id === param(req, 'permissionId'));
      if (!perm) throw errors.itemNotFound();
      const role = objectBody(req).role;
      if (typeof role !== 'string' || !perm.allowedRoles.includes(role as CalendarRole))
        throw errors.badRequest(`Invalid role '${String(role)}'.`, 'ErrorInvalidRequest');
      perm.role = role as CalendarRole;
      return json(reply, 200, {
        '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#users('${acc.owner.id}')/calendars('${cal.id}')/calendarPermissions/$entity`,
        ...renderPermission(perm),
      });
    });

    both(app, 'DELETE', `${scope.path}/calendarPermissions/:permissionId`, async (req, reply, user) => {
      const acc = await resolveMailbox(ctx, req, user, 'write');
      const cal = calendarOr404(ctx, acc, scope.cal(req), 'write');
      if (!acc.isOwner && acc.principal.kind !== 'application') throw errors.denied();
      const perm = cal.permissions.find((p) => p.id === param(req, 'permissionId'));
      if (!perm) throw errors.itemNotFound();
      if (!ctx.store.deletePermission(acc.owner.id, cal.id, perm.id))
        throw errors.badRequest('This permission cannot be removed.', 'ErrorInvalidRequest');
      return reply.status(204).send();
    });
  }
}
