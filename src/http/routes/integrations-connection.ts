// The connection routes every calendar provider serves under /api/integrations/<slug>: connect, OAuth callback
// (public), status, calendars and disconnect. Each provider's route file passes its wording and the schema parts
// that differ (sign-in prompts, callback query, status meanings).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type TObject, type TOptional, type TString } from 'typebox';
import type { CallbackQuery, ConnectionService } from '../../services/connections/connection-service.js';
import { AppError } from '../../domain/errors.js';
import { SESSION_COOKIE } from '../../services/tenancy/session-service.js';
import { safeReturnTo } from '../../services/tenancy/signin-service.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../app-deps.js';
import { errors, LiteralUnion } from '../schemas.js';

/** What differs between providers' connection routes. */
export interface ConnectionRoutesSpec {
  /** The path segment: `/api/integrations/<slug>`. */
  slug: string;
  /** The OpenAPI summary of each route. */
  summaries: Record<'connect' | 'callback' | 'status' | 'calendars' | 'disconnect', string>;
  /** OpenAPI descriptions of the status fields whose meaning is the provider's. */
  descriptions: Record<'status' | 'providerTenantId' | 'providerUserId', string>;
  /** The `prompt` values the connect body accepts. */
  prompts: ReadonlyArray<'select_account' | 'consent' | 'login'>;
  /** The callback's query schema (optional strings); the fields it declares that the service knows are passed to it. */
  callbackQuery: TObject<Record<string, TOptional<TString>>>;
  /** Connection statuses for which the status answer carries a fresh sign-in link. */
  reconnectStatuses: readonly string[];
  /** Provider-only routes, registered after the status route (keeps the OpenAPI document's order). */
  extraRoutes?: (app: FastifyInstance, ctx: { base: string; tags: string[] }) => void;
}

/** Where a provider's OAuth callback is served (public: reached by the user's browser, no API key). */
export const callbackPath = (slug: string) => `/api/integrations/${slug}/callback`;

/** The paths of a provider's connection routes that need no API key. */
export const connectionPublicPaths = (slug: string): RegExp[] => [new RegExp(`^${callbackPath(slug)}$`)];

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** A connected calendar, as the status and calendars routes answer it. */
export const Calendar = Type.Object({
  id: Type.String(),
  providerCalendarId: Type.String(),
  name: Type.String(),
  ownerEmail: Nullable(Type.String()),
  isShared: Type.Boolean(),
  isDefault: Type.Boolean(),
  canEdit: Type.Boolean(),
  onlineMeetingProviders: Type.Array(Type.String()),
});

function statusSchema(d: ConnectionRoutesSpec['descriptions']) {
  return Type.Object({
    connected: Type.Boolean(),
    status: Type.String({ description: d.status }),
    account: Nullable(Type.Object({ email: Nullable(Type.String()), name: Nullable(Type.String()) })),
    providerTenantId: Nullable(Type.String({ description: d.providerTenantId })),
    providerUserId: Nullable(Type.String({ description: d.providerUserId })),
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
}

const connectBody = (prompts: ConnectionRoutesSpec['prompts']) =>
  Type.Object(
    {
      loginHint: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
      prompt: Type.Optional(LiteralUnion(prompts)),
      allowOtherAccount: Type.Optional(
        Type.Boolean({
          description:
            "Accept a sign-in with an account other than the caller's own (their calbridge address or the account already connected); without it such a sign-in is refused with 403 account_mismatch and nothing is stored.",
        }),
      ),
      returnTo: Type.Optional(
        Type.String({
          maxLength: 1000,
          description:
            'A same-origin path (e.g. /app/calendar) the browser goes to after a successful connect, instead of the settings page; anything else is 400 bad_request.',
        }),
      ),
    },
    { additionalProperties: false },
  );

/** The callback fields the connection service reads. */
const SERVICE_CALLBACK_FIELDS = ['state', 'code', 'error', 'error_description', 'admin_consent', 'tenant'] as const;

/**
 * The route module for one provider's connections, bound to its connection service by the feature wiring.
 * @example connectionRoutes(service, { slug: 'google', summaries, descriptions, prompts: ['consent'], callbackQuery, reconnectStatuses: ['revoked'] })
 */
export function connectionRoutes(service: ConnectionService, spec: ConnectionRoutesSpec): RouteModule {
  const base = `/api/integrations/${spec.slug}`;
  const Status = statusSchema(spec.descriptions);
  const ConnectBody = connectBody(spec.prompts);
  const callbackFields = SERVICE_CALLBACK_FIELDS.filter((f) => f in spec.callbackQuery.properties);
  const calendarsOut = <T extends object>(cals: readonly T[]) => cals.map((c) => ({ ...c }));
  return async (untyped: FastifyInstance, deps) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['integrations'];
    // The public callback authenticates no one; it reads the browser's session (if any) to match the flow's.
    const browserSession = async (req: FastifyRequest): Promise<string | null> => {
      const token = req.cookies?.[SESSION_COOKIE];
      if (!token) return null;
      return (await deps.sessions.authenticate(token).catch(() => null))?.session.id ?? null;
    };
    app.post(
      `${base}/connect`,
      {
        schema: {
          tags,
          summary: spec.summaries.connect,
          body: Type.Optional(ConnectBody),
          response: { 200: Type.Object({ authorizeUrl: Type.String(), expiresAt: Type.String() }), ...errors(503) },
        },
      },
      async (req) => {
        const { returnTo, ...body } = req.body ?? {};
        const redirectAfter = returnTo === undefined ? null : safeReturnTo(returnTo);
        if (returnTo !== undefined && !redirectAfter)
          throw new AppError('bad_request', 'returnTo must be a path on this server.', {
            details: { field: 'returnTo' },
          });
        return service.connect(actorOf(req), { ...body, ...(redirectAfter ? { redirectAfter } : {}) });
      },
    );
    app.get(
      callbackPath(spec.slug),
      {
        schema: {
          tags,
          summary: spec.summaries.callback,
          security: [],
          querystring: spec.callbackQuery,
          description:
            'A flow started with a browser session must come back in the same session: otherwise 403 connect_session_mismatch.',
          response: { 302: Type.Null(), 400: Type.Ref('ErrorResponse'), 403: Type.Ref('ErrorResponse') },
        },
      },
      async (req, reply) => {
        const q = req.query;
        const input: CallbackQuery = Object.fromEntries(callbackFields.map((f) => [f, q[f]]));
        return reply.redirect((await service.callback(input, { sessionId: await browserSession(req) })).redirect, 302);
      },
    );
    app.get(
      `${base}/status`,
      { schema: { tags, summary: spec.summaries.status, response: { 200: Status, ...errors() } } },
      async (req) => {
        const actor = actorOf(req);
        const s = await service.status(actor);
        const c = s.connection;
        const reconnect = c && spec.reconnectStatuses.includes(c.status);
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
    spec.extraRoutes?.(app, { base, tags });
    app.get(
      `${base}/calendars`,
      {
        schema: {
          tags,
          summary: spec.summaries.calendars,
          response: { 200: Type.Object({ calendars: Type.Array(Calendar) }), ...errors(409, 503) },
        },
      },
      async (req) => ({ calendars: calendarsOut(await service.refreshCalendars(actorOf(req))) }),
    );
    app.post(
      `${base}/disconnect`,
      {
        schema: {
          tags,
          summary: spec.summaries.disconnect,
          response: { 200: Type.Object({ status: Type.String() }), ...errors(409) },
        },
      },
      async (req) => ({ status: (await service.disconnect(actorOf(req))).status }),
    );
  };
}
