// Who may call what: every route under /api/ names the least role it needs, here in one table (docs/security.md shows
// it; test/medium/role-matrix.test.ts calls every route with every role and checks both). A route missing from the
// table fails at start-up, so a new route cannot ship without a decision.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';
import { roleIncludes, type Role } from '../domain/tenancy.js';
import { actorOf } from './auth.js';

/**
 * `public`: no caller (OAuth callbacks, provider webhooks, sign-in); a role: a signed-in user or API key whose role
 * includes it (admin ⊇ approver ⊇ member). `member` routes may still refuse per object (own proposals, the approval
 * policy): those checks live in the services.
 */
export type Access = Role | 'public';

const CALENDAR: Record<string, Access> = {
  'GET /calendar/availability': 'member',
  'GET /calendar/events': 'member',
  'POST /calendar/events': 'member',
  'PUT /calendar/events/:id': 'member',
  'DELETE /calendar/events/:id': 'member',
  'GET /calendar/events/:id/body': 'member',
  'POST /calendar/events/:id/rsvp': 'member',
  'POST /calendar/findmeetingtimes': 'member',
  'GET /calendar/rooms': 'member',
  'POST /calendar/sync': 'member',
  'GET /calendar/sync-status': 'member',
};

export const ROUTE_ACCESS: Readonly<Record<string, Access>> = {
  ...Object.fromEntries(Object.entries(CALENDAR).map(([k, v]) => [k.replace(' /', ' /api/'), v])),
  // the older /api/outlook/calendar/... spellings of the same routes
  ...Object.fromEntries(Object.entries(CALENDAR).map(([k, v]) => [k.replace(' /', ' /api/outlook/'), v])),
  'GET /api/calendar/export.ics': 'member',
  'GET /api/calendar/feed': 'member',
  'POST /api/calendar/feed': 'member',
  'DELETE /api/calendar/feed': 'member',
  'GET /api/calendar/working-hours': 'member',
  'PUT /api/calendar/working-hours': 'member',
  'DELETE /api/calendar/working-hours': 'member',
  'GET /api/calendars': 'member',
  'PATCH /api/calendars/:calendarId': 'member',
  'POST /api/chat': 'member',
  'GET /api/chat/history': 'member',
  'DELETE /api/chat/history': 'member',
  'GET /api/customers': 'member',
  'POST /api/customers': 'member',
  'GET /api/customers/scores': 'member',
  'POST /api/customers/preview': 'member',
  'GET /api/customers/:id': 'member',
  'PATCH /api/customers/:id': 'member',
  'DELETE /api/customers/:id': 'admin',
  'GET /api/customers/:id/health-signals': 'member',
  'GET /api/customers/:id/meetings': 'member',
  'GET /api/customers/:id/metrics': 'member',
  'GET /api/customers/:id/score-history': 'member',
  'POST /api/customers/:id/schedule': 'member',
  'POST /api/customers/:id/stakeholders': 'member',
  'DELETE /api/customers/:id/stakeholders/:stakeholderId': 'member',
  'GET /api/integrations/google/calendars': 'member',
  'GET /api/integrations/google/callback': 'public',
  'POST /api/integrations/google/connect': 'member',
  'POST /api/integrations/google/disconnect': 'member',
  'GET /api/integrations/google/status': 'member',
  'GET /api/integrations/outlook/admin-consent-url': 'admin',
  'GET /api/integrations/outlook/calendars': 'member',
  'GET /api/integrations/outlook/callback': 'public',
  'POST /api/integrations/outlook/connect': 'member',
  'POST /api/integrations/outlook/disconnect': 'member',
  'GET /api/integrations/outlook/status': 'member',
  'GET /api/me': 'member',
  'GET /api/me/preferences': 'member',
  'PUT /api/me/preferences': 'member',
  'GET /api/api-keys': 'admin',
  'POST /api/api-keys': 'admin',
  'DELETE /api/api-keys/:id': 'admin',
  'GET /api/audit': 'admin',
  'GET /api/audit/export': 'admin',
  'GET /api/tenant/export': 'admin',
  'POST /api/tenant/deletion': 'admin',
  'POST /api/users/:id/deletion': 'admin',
  'GET /api/data-jobs/:id': 'admin',
  'GET /api/data-jobs/:id/status': 'public',
  'GET /api/users': 'member',
  'POST /api/users': 'admin',
  'PATCH /api/users/:id': 'admin',
  'DELETE /api/users/:id': 'admin',
  'POST /api/users/:id/deactivate': 'admin',
  'POST /api/users/:id/reactivate': 'admin',
  'DELETE /api/users/:id/sessions': 'admin',
  'GET /api/auth/signin/:provider': 'public',
  'GET /api/auth/callback/:provider': 'public',
  'GET /api/auth/connect/:provider': 'member',
  'GET /api/auth/session': 'member',
  'GET /api/auth/sessions': 'member',
  'POST /api/auth/signout': 'member',
  'POST /api/auth/signout-everywhere': 'member',
  'GET /api/meetings/:id': 'member',
  'POST /api/meetings/:id/customer': 'member',
  'DELETE /api/meetings/:id/customer': 'member',
  'GET /api/approval-policy': 'member',
  'PUT /api/approval-policy': 'admin',
  'GET /api/approvals/pending': 'member',
  'GET /api/proposals': 'member',
  'GET /api/proposals/:id': 'member',
  'POST /api/proposals/:id/approve': 'member',
  'POST /api/proposals/:id/reject': 'member',
  'PATCH /api/proposals/:id': 'member',
  'GET /api/directory/people': 'member',
  'PATCH /api/settings': 'admin',
  'POST /api/settings/webhook-secret': 'admin',
  'GET /api/sync/preferences': 'member',
  'PUT /api/sync/preferences': 'member',
  'DELETE /api/sync/preferences': 'member',
  'GET /api/templates': 'member',
  'GET /api/templates/:id': 'member',
  'POST /api/templates': 'admin',
  'PATCH /api/templates/:id': 'admin',
  'DELETE /api/templates/:id': 'admin',
  'POST /api/web/demo-login': 'public',
  'GET /api/webhook-endpoints': 'admin',
  'POST /api/webhook-endpoints': 'admin',
  'GET /api/webhook-endpoints/event-types': 'admin',
  'GET /api/webhook-endpoints/:id': 'admin',
  'PATCH /api/webhook-endpoints/:id': 'admin',
  'DELETE /api/webhook-endpoints/:id': 'admin',
  'POST /api/webhook-endpoints/:id/secret': 'admin',
  'GET /api/webhook-endpoints/:id/deliveries': 'admin',
  'GET /api/webhook-endpoints/:id/deliveries/:deliveryId': 'admin',
  'POST /api/webhook-endpoints/:id/deliveries/:deliveryId/replay': 'admin',
  'POST /api/webhook-endpoints/:id/test': 'admin',
  'POST /api/webhooks/google/:calendarId': 'public',
  'POST /api/webhooks/microsoft/lifecycle': 'public',
  'POST /api/webhooks/microsoft/notifications': 'public',
};

/** The table's key of a route: `METHOD /path/:param`. */
export const accessKey = (method: string, url: string): string => `${method.toUpperCase()} ${url}`;

/** The access rule of a route (undefined when it has none). */
export function accessOf(method: string, url: string, table = ROUTE_ACCESS): Access | undefined {
  return table[accessKey(method, url)];
}

/**
 * Adds the role check to every /api/ route as it is registered, and refuses to register one the table does not name.
 * HEAD routes Fastify adds for GETs follow their GET.
 */
export function installAccess(app: FastifyInstance, table: Readonly<Record<string, Access>> = ROUTE_ACCESS): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
    const rules = new Map<string, Access>();
    for (const method of methods) {
      const access = accessOf(method, route.url, table);
      if (!access) throw new Error(`${accessKey(method, route.url)} has no access rule in src/http/access.ts`);
      rules.set(method, access);
    }
    if ([...rules.values()].every((a) => a === 'public')) return;
    // Before the body is validated: a caller without the role learns nothing about the route's schema.
    const check = async (req: FastifyRequest) => {
      const access = rules.get(req.method === 'HEAD' ? 'GET' : req.method);
      if (!access || access === 'public') return;
      const actor = actorOf(req);
      if (!roleIncludes(actor.role, access)) {
        throw new AppError('role_required', `This needs the ${access} role; yours is ${actor.role}.`, {
          details: { required: access, role: actor.role },
        });
      }
    };
    const hooks = route.onRequest;
    route.onRequest = [...(Array.isArray(hooks) ? hooks : hooks ? [hooks] : []), check];
  });
}
