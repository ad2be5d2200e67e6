// Sign-in with Microsoft and Google (OpenID Connect): GET /api/auth/signin/:provider sends the browser to the identity
// provider with a flow bound to it by a short-lived cookie; GET /api/auth/callback/:provider completes it, starts the
// session (its cookie) and sends the browser on. Both are public and answer browsers: a failure lands on the web app's
// sign-in page with the error's stable code (/app/signin?error=<code>), never raw JSON. With `connect=1` the sign-in
// also asks for the calendar scopes, and GET /api/auth/connect/:provider (a signed-in browser) then starts the
// calendar connect with prompt=none: the provider answers without a second page because consent exists.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError, isAppError } from '../../domain/errors.js';
import type { ConnectionService } from '../../services/connections/connection-service.js';
import {
  safeReturnTo,
  SIGNIN_CONNECT_PATH,
  SIGNIN_COOKIE,
  SIGNIN_PROVIDERS,
  type SignInProvider,
  type SignInService,
} from '../../services/tenancy/signin-service.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../app-deps.js';
import { errors, LiteralUnion } from '../schemas.js';
import { isLoopbackHost, setSessionCookie } from '../session-cookie.js';

export const SIGNIN_PATH = '/api/auth/signin';
export const SIGNIN_CALLBACK_PATH = '/api/auth/callback';
/** Where the browser lands when a sign-in fails: the web app's sign-in page shows the code's message. */
export const SIGNIN_ERROR_PAGE = '/app/signin';

/** Public: reached by a browser without a session. */
export const SIGNIN_PUBLIC_PATHS = [/^\/api\/auth\/signin\/[^/]+$/, /^\/api\/auth\/callback\/[^/]+$/];

const Provider = Type.Object({ provider: LiteralUnion(SIGNIN_PROVIDERS) });
const CallbackQuery = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 512 })),
  code: Type.Optional(Type.String({ maxLength: 8192 })),
  error: Type.Optional(Type.String({ maxLength: 200 })),
  error_description: Type.Optional(Type.String({ maxLength: 4000 })),
  error_subcode: Type.Optional(Type.String({ maxLength: 200 })),
  client_info: Type.Optional(Type.String({ maxLength: 2000 })),
  scope: Type.Optional(Type.String({ maxLength: 4000 })),
  session_state: Type.Optional(Type.String({ maxLength: 200 })),
  authuser: Type.Optional(Type.String({ maxLength: 20 })),
  hd: Type.Optional(Type.String({ maxLength: 253 })),
  prompt: Type.Optional(Type.String({ maxLength: 50 })),
  iss: Type.Optional(Type.String({ maxLength: 500 })),
});
const Redirect = {
  302: Type.Null({ description: 'To the identity provider, or back to the app (on failure /app/signin?error=<code>)' }),
};

const cookieOptions = (req: FastifyRequest) => ({
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: !isLoopbackHost(req),
  path: SIGNIN_CALLBACK_PATH,
});

/** The browser goes to the sign-in page with the failure's stable code. */
function failed(req: FastifyRequest, reply: FastifyReply, e: unknown): FastifyReply {
  const err = isAppError(e) ? e : new AppError('signin_failed');
  if (!isAppError(e)) req.log.error({ err: e }, 'sign-in failed unexpectedly');
  else req.log.info({ code: err.code, details: err.details }, 'sign-in refused');
  void reply.header('cache-control', 'no-store');
  return reply.redirect(`${SIGNIN_ERROR_PAGE}?error=${encodeURIComponent(err.code)}`, 302);
}

/** A provider's calendar connect, for "sign in and connect my calendar". */
export interface SignInConnector {
  service: ConnectionService;
  /** Its slug under /api/integrations (outlook, google). */
  slug: string;
}

/** The route module, bound to the sign-in service (and the providers' connects) by the composition root. */
export function signInRoutes(
  service: SignInService,
  connectors: Partial<Record<SignInProvider, SignInConnector>> = {},
): RouteModule {
  return async (untyped: FastifyInstance, deps) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      `${SIGNIN_PATH}/:provider`,
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign in with Microsoft or Google: redirects to the identity provider (OpenID Connect, PKCE)',
          description:
            'Public. `returnTo` is a path on this server to come back to after signing in (default /app). The flow is bound to this browser by a 10-minute cookie; on failure the browser is sent to /app/signin?error=<code>.',
          security: [],
          params: Provider,
          querystring: Type.Object({
            returnTo: Type.Optional(Type.String({ maxLength: 1000, description: 'A same-origin path' })),
            connect: Type.Optional(
              Type.Union([Type.Literal('1'), Type.Literal('0')], {
                description:
                  'Sign in and connect the calendar with one consent: the request also asks for the calendar scopes, and after signing in the browser goes to GET /api/auth/connect/{provider}.',
              }),
            ),
          }),
          response: Redirect,
        },
      },
      async (req, reply) => {
        const { provider } = req.params;
        const { returnTo, connect } = req.query;
        try {
          const started = await service.start(provider, {
            returnTo,
            connect: connect === '1' && connectors[provider] !== undefined,
          });
          void reply.setCookie(SIGNIN_COOKIE, started.browserBinding, {
            ...cookieOptions(req),
            maxAge: started.maxAgeSeconds,
          });
          void reply.header('cache-control', 'no-store');
          return reply.redirect(started.url, 302);
        } catch (e) {
          return failed(req, reply, e);
        }
      },
    );
    app.get(
      `${SIGNIN_CALLBACK_PATH}/:provider`,
      {
        schema: {
          tags: ['auth'],
          summary: 'OpenID Connect redirect from Microsoft or Google (public): starts the session and redirects',
          security: [],
          params: Provider,
          querystring: CallbackQuery,
          response: Redirect,
        },
      },
      async (req, reply) => {
        const { provider } = req.params;
        const binding = req.cookies?.[SIGNIN_COOKIE];
        // The flow's cookie is spent whatever happens.
        void reply.clearCookie(SIGNIN_COOKIE, cookieOptions(req));
        try {
          const done = await service.finish(provider, req.query, binding, {
            userAgent: req.headers['user-agent'] ?? null,
            ip: req.ip,
          });
          setSessionCookie(req, reply, done.token, done.maxAgeSeconds);
          void reply.header('cache-control', 'no-store');
          return reply.redirect(done.returnTo, 302);
        } catch (e) {
          return failed(req, reply, e);
        }
      },
    );
    app.get(
      `${SIGNIN_CONNECT_PATH}/:provider`,
      {
        schema: {
          tags: ['auth'],
          summary:
            "Connects the signed-in person's calendar without a second consent page (after a sign-in with connect=1)",
          description:
            'For a browser session: starts the calendar connect of the provider for the signed-in person with their address as login hint and prompt=none, and redirects to the provider, which answers at once because the sign-in already asked for the calendar scopes (a person already connected goes straight on). The connect callback then stores the connection and goes on to `returnTo` (default /settings?connected=<slug>); when the provider needs a page after all (consent_required, interaction_required) the callback lands on /settings?connected=<slug>&error=<code>, and the person connects from there. With an API key: 400 bad_request.',
          params: Provider,
          querystring: Type.Object({
            returnTo: Type.Optional(Type.String({ maxLength: 1000, description: 'A same-origin path' })),
          }),
          response: {
            302: Type.Null({
              description:
                'To the identity provider (the silent connect); to returnTo or the settings page when already connected; to /settings?connected=<slug>&error=<code> when the connect cannot start',
            }),
            ...errors(),
          },
        },
      },
      async (req, reply) => {
        const { provider } = req.params;
        const actor = actorOf(req);
        if (!actor.sessionId)
          throw new AppError(
            'bad_request',
            'This route is for a signed-in browser; with an API key use POST /api/integrations/<provider>/connect.',
          );
        const connector = connectors[provider];
        const slug = connector?.slug ?? provider;
        void reply.header('cache-control', 'no-store');
        try {
          if (!connector)
            throw new AppError('provider_unavailable', `Connecting ${provider} is not configured on this server.`);
          const returnTo = safeReturnTo(req.query.returnTo) ?? undefined;
          // Already connected: nothing to ask the provider (Google would not issue a second refresh token silently).
          if ((await connector.service.status(actor)).connected)
            return reply.redirect(returnTo ?? `/settings?connected=${slug}`, 302);
          const user = await deps.tenants.getUser(actor);
          const started = await connector.service.connect(actor, {
            loginHint: user.email,
            prompt: 'none',
            ...(returnTo ? { redirectAfter: returnTo } : {}),
          });
          return reply.redirect(started.authorizeUrl, 302);
        } catch (e) {
          const err = isAppError(e) ? e : new AppError('provider_unavailable');
          if (!isAppError(e)) req.log.error({ err: e }, 'connect after sign-in failed unexpectedly');
          return reply.redirect(`/settings?connected=${slug}&error=${encodeURIComponent(err.code)}`, 302);
        }
      },
    );
  };
}
