// Sign-in with Microsoft and Google (OpenID Connect): GET /api/auth/signin/:provider sends the browser to the identity
// provider with a flow bound to it by a short-lived cookie; GET /api/auth/callback/:provider completes it, starts the
// session (its cookie) and sends the browser on. Both are public and answer browsers: a failure lands on the web app's
// sign-in page with the error's stable code (/app/signin?error=<code>), never raw JSON.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError, isAppError } from '../../domain/errors.js';
import {
  SIGNIN_COOKIE,
  SIGNIN_PROVIDERS,
  type SignInProvider,
  type SignInService,
} from '../../services/tenancy/signin-service.js';
import type { RouteModule } from '../app-deps.js';
import { isLoopbackHost, setSessionCookie } from '../session-cookie.js';

export const SIGNIN_PATH = '/api/auth/signin';
export const SIGNIN_CALLBACK_PATH = '/api/auth/callback';
/** Where the browser lands when a sign-in fails: the web app's sign-in page shows the code's message. */
export const SIGNIN_ERROR_PAGE = '/app/signin';

/** Public: reached by a browser without a session. */
export const SIGNIN_PUBLIC_PATHS = [/^\/api\/auth\/signin\/[^/]+$/, /^\/api\/auth\/callback\/[^/]+$/];

const Provider = Type.Object({ provider: Type.Union(SIGNIN_PROVIDERS.map((p) => Type.Literal(p))) });
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

/** The route module, bound to the sign-in service by the composition root. */
export function signInRoutes(service: SignInService): RouteModule {
  return async (app: FastifyInstance) => {
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
          }),
          response: Redirect,
        },
      },
      async (req, reply) => {
        const { provider } = req.params as { provider: SignInProvider };
        const { returnTo } = req.query as { returnTo?: string };
        try {
          const started = await service.start(provider, { returnTo });
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
        const { provider } = req.params as { provider: SignInProvider };
        const binding = req.cookies?.[SIGNIN_COOKIE];
        // The flow's cookie is spent whatever happens.
        void reply.clearCookie(SIGNIN_COOKIE, cookieOptions(req));
        try {
          const done = await service.finish(provider, req.query as Record<string, string | undefined>, binding, {
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
  };
}
