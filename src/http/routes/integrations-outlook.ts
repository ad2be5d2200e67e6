// Outlook connection routes: connect, OAuth callback (public), status, admin consent URL, calendars, disconnect.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ConnectedCalendar } from '../../domain/connections.js';
import type { ConnectionService } from '../../services/connections/connection-service.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../build-app.js';
import { errors } from '../schemas.js';

const BASE = '/api/integrations/outlook';
/** The callback is reached by the user's browser from Microsoft: no API key. */
export const OUTLOOK_PUBLIC_PATHS = [/^\/api\/integrations\/outlook\/callback$/];

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const Calendar = Type.Object({
  id: Type.String(),
  providerCalendarId: Type.String(),
  name: Type.String(),
  ownerEmail: Nullable(Type.String()),
  isShared: Type.Boolean(),
  isDefault: Type.Boolean(),
  canEdit: Type.Boolean(),
  onlineMeetingProviders: Type.Array(Type.String()),
});

const Status = Type.Object({
  connected: Type.Boolean(),
  status: Type.String({
    description: 'not_connected, active, needs_reauth, revoked, unsupported_mailbox or consent_required',
  }),
  account: Nullable(Type.Object({ email: Nullable(Type.String()), name: Nullable(Type.String()) })),
  providerTenantId: Nullable(Type.String({ description: 'Entra tenant id (tid)' })),
  providerUserId: Nullable(Type.String({ description: 'Entra object id (oid)' })),
  scopes: Type.Array(Type.String()),
  tokenExpiresAt: Nullable(Type.String()),
  connectedAt: Nullable(Type.String()),
  statusReason: Nullable(Type.String()),
  lastError: Nullable(Type.String()),
  calendars: Type.Array(Calendar),
  reconnectUrl: Nullable(
    Type.String({ description: 'A fresh sign-in link when the connection must be re-authorised' }),
  ),
});

const ConnectBody = Type.Object(
  {
    loginHint: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
    prompt: Type.Optional(Type.Union([Type.Literal('select_account'), Type.Literal('consent'), Type.Literal('login')])),
  },
  { additionalProperties: false },
);

const CallbackQuery = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 512 })),
  code: Type.Optional(Type.String({ maxLength: 8192 })),
  error: Type.Optional(Type.String({ maxLength: 200 })),
  error_description: Type.Optional(Type.String({ maxLength: 4000 })),
  admin_consent: Type.Optional(Type.String({ maxLength: 10 })),
  tenant: Type.Optional(Type.String({ maxLength: 100 })),
});

const calendarsOut = (cals: ConnectedCalendar[]) => cals.map((c) => ({ ...c }));

/** The route module, bound to the connection service by the feature wiring. */
export function outlookRoutes(service: ConnectionService): RouteModule {
  return async (app: FastifyInstance) => {
    const tags = ['integrations'];
    app.post(
      `${BASE}/connect`,
      {
        schema: {
          tags,
          summary: 'Start connecting Outlook: returns the Microsoft sign-in URL (state + PKCE, valid 10 minutes)',
          body: Type.Optional(ConnectBody),
          response: { 200: Type.Object({ authorizeUrl: Type.String(), expiresAt: Type.String() }), ...errors(503) },
        },
      },
      async (req) =>
        service.connect(
          actorOf(req),
          (req.body ?? {}) as { loginHint?: string; prompt?: 'select_account' | 'consent' | 'login' },
        ),
    );
    app.get(
      `${BASE}/callback`,
      {
        schema: {
          tags,
          summary: 'OAuth redirect from Microsoft (public); redirects to the settings page',
          security: [],
          querystring: CallbackQuery,
          response: { 302: Type.Null(), 400: Type.Ref('ErrorResponse'), 403: Type.Ref('ErrorResponse') },
        },
      },
      async (req, reply) => reply.redirect((await service.callback(req.query as Record<string, string>)).redirect, 302),
    );
    app.get(
      `${BASE}/status`,
      { schema: { tags, summary: 'The caller’s Outlook connection', response: { 200: Status, ...errors() } } },
      async (req) => {
        const actor = actorOf(req);
        const s = await service.status(actor);
        const c = s.connection;
        const reconnect = c && ['needs_reauth', 'revoked', 'consent_required'].includes(c.status);
        return {
          connected: s.connected,
          status: s.status,
          account: c ? { email: c.accountEmail, name: c.accountName } : null,
          providerTenantId: c?.providerTenantId ?? null,
          providerUserId: c?.providerUserId ?? null,
          scopes: c?.scopes ?? [],
          tokenExpiresAt: c?.tokenExpiresAt ?? null,
          connectedAt: c?.connectedAt ?? null,
          statusReason: c?.statusReason ?? null,
          lastError: c?.lastError ?? null,
          calendars: calendarsOut(s.calendars),
          reconnectUrl: reconnect
            ? (await service.connect(actor, { loginHint: c.accountEmail ?? undefined })).authorizeUrl
            : null,
        };
      },
    );
    app.get(
      `${BASE}/admin-consent-url`,
      {
        schema: {
          tags,
          summary: 'Link for an administrator to consent for the whole organisation, with the scopes and why',
          querystring: Type.Object({ tenant: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9.-]{1,100}$' })) }),
          response: {
            200: Type.Object({
              url: Type.String(),
              expiresAt: Type.String(),
              scopes: Type.Array(Type.Object({ scope: Type.String(), why: Type.String(), adminOnly: Type.Boolean() })),
            }),
            ...errors(),
          },
        },
      },
      async (req) => service.adminConsentUrl(actorOf(req), (req.query as { tenant?: string }).tenant),
    );
    app.get(
      `${BASE}/calendars`,
      {
        schema: {
          tags,
          summary: 'Re-reads the connected calendars (own and shared) from Outlook',
          response: { 200: Type.Object({ calendars: Type.Array(Calendar) }), ...errors(409, 503) },
        },
      },
      async (req) => ({ calendars: calendarsOut(await service.refreshCalendars(actorOf(req))) }),
    );
    app.post(
      `${BASE}/disconnect`,
      {
        schema: {
          tags,
          summary: 'Disconnect: delete subscriptions, erase tokens, mark revoked',
          response: { 200: Type.Object({ status: Type.String() }), ...errors(409) },
        },
      },
      async (req) => ({ status: (await service.disconnect(actorOf(req))).status }),
    );
  };
}
