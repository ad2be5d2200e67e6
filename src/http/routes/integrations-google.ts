// Google Calendar connection routes: connect, OAuth callback (public), status, calendars, disconnect.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ConnectionService } from '../../services/connections/connection-service.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../build-app.js';
import { errors } from '../schemas.js';

const BASE = '/api/integrations/google';
/** The callback is reached by the user's browser from Google: no API key. */
export const GOOGLE_PUBLIC_PATHS = [/^\/api\/integrations\/google\/callback$/];

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
  status: Type.String({ description: 'not_connected, active, needs_reauth or revoked' }),
  account: Nullable(Type.Object({ email: Nullable(Type.String()), name: Nullable(Type.String()) })),
  providerTenantId: Nullable(Type.String({ description: 'Google Workspace domain (hd), or the address domain' })),
  providerUserId: Nullable(Type.String({ description: 'Google account id (sub)' })),
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
    prompt: Type.Optional(Type.Union([Type.Literal('select_account'), Type.Literal('consent')])),
  },
  { additionalProperties: false },
);

const CallbackQuery = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 512 })),
  code: Type.Optional(Type.String({ maxLength: 8192 })),
  scope: Type.Optional(Type.String({ maxLength: 4000 })),
  error: Type.Optional(Type.String({ maxLength: 200 })),
  error_description: Type.Optional(Type.String({ maxLength: 4000 })),
  authuser: Type.Optional(Type.String({ maxLength: 20 })),
  hd: Type.Optional(Type.String({ maxLength: 255 })),
  prompt: Type.Optional(Type.String({ maxLength: 50 })),
});

/** The route module, bound to the Google connection service by the feature wiring. */
export function googleRoutes(service: ConnectionService): RouteModule {
  return async (app: FastifyInstance) => {
    const tags = ['integrations'];
    app.post(
      `${BASE}/connect`,
      {
        schema: {
          tags,
          summary: 'Start connecting Google Calendar: returns the Google sign-in URL (state + PKCE, valid 10 minutes)',
          body: Type.Optional(ConnectBody),
          response: { 200: Type.Object({ authorizeUrl: Type.String(), expiresAt: Type.String() }), ...errors(503) },
        },
      },
      async (req) =>
        service.connect(
          actorOf(req),
          (req.body ?? {}) as { loginHint?: string; prompt?: 'select_account' | 'consent' },
        ),
    );
    app.get(
      `${BASE}/callback`,
      {
        schema: {
          tags,
          summary: 'OAuth redirect from Google (public); redirects to the settings page',
          security: [],
          querystring: CallbackQuery,
          response: { 302: Type.Null(), 400: Type.Ref('ErrorResponse'), 403: Type.Ref('ErrorResponse') },
        },
      },
      async (req, reply) => {
        const q = req.query as Record<string, string | undefined>;
        const out = await service.callback({
          state: q.state,
          code: q.code,
          error: q.error,
          error_description: q.error_description,
        });
        return reply.redirect(out.redirect, 302);
      },
    );
    app.get(
      `${BASE}/status`,
      { schema: { tags, summary: 'The caller’s Google Calendar connection', response: { 200: Status, ...errors() } } },
      async (req) => {
        const actor = actorOf(req);
        const s = await service.status(actor);
        const c = s.connection;
        const reconnect = c && ['needs_reauth', 'revoked'].includes(c.status);
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
          calendars: s.calendars.map((x) => ({ ...x })),
          reconnectUrl: reconnect
            ? (await service.connect(actor, { loginHint: c.accountEmail ?? undefined })).authorizeUrl
            : null,
        };
      },
    );
    app.get(
      `${BASE}/calendars`,
      {
        schema: {
          tags,
          summary: 'Re-reads the connected calendars from Google',
          response: { 200: Type.Object({ calendars: Type.Array(Calendar) }), ...errors(409, 503) },
        },
      },
      async (req) => ({ calendars: (await service.refreshCalendars(actorOf(req))).map((x) => ({ ...x })) }),
    );
    app.post(
      `${BASE}/disconnect`,
      {
        schema: {
          tags,
          summary: 'Disconnect: stop watch channels, erase tokens, mark revoked',
          response: { 200: Type.Object({ status: Type.String() }), ...errors(409) },
        },
      },
      async (req) => ({ status: (await service.disconnect(actorOf(req))).status }),
    );
  };
}
