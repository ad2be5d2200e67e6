// buildApp(deps): the Fastify application (routes, validation, OpenAPI at /docs, errors, auth, rate limits); the composition root (main/runtime.ts) builds and listens.
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { AppDeps } from './app-deps.js';
import { installAccess } from './access.js';
import { AuthFailureLimiter, installAuth } from './auth.js';
import { installErrorHandling } from './error-handler.js';
import { loggerOptions, requestLogger } from './logging.js';
import { schemaController } from './validation.js';
import { ErrorResponse, addStandardErrors } from './schemas.js';
import customerRoutes from './routes/customers.js';
import healthRoutes from './routes/health.js';
import meRoutes from './routes/me.js';
import authRoutes from './routes/auth.js';

const reqIdPrefix = randomBytes(5).toString('hex');
let reqCounter = 0;

/**
 * Fastify's own request lines (an info line when a request comes in and one when it is answered) cost most of a small
 * request's time. Instead: one access line when the answer is sent, at debug for answers below 400 (nothing is
 * formatted at the default level, info) and at info for 4xx and 5xx (the error handler adds its own line with the code
 * or the error), at error when the answer itself failed. Fastify's other lines (errors, a request arriving while closing) keep their defaults.
 */
class AccessLog extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    const level = error ? 'error' : reply.statusCode >= 400 ? 'info' : 'debug';
    if (!(req.log as unknown as { isLevelEnabled(l: string): boolean }).isLevelEnabled(level)) return;
    req.log[level](
      {
        req,
        res: { statusCode: reply.statusCode },
        responseTime: Math.round(reply.elapsedTime * 10) / 10,
        ...(error ? { err: error } : {}),
      },
      error ? 'request errored' : 'request completed',
    );
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** True when the auth hook lets requests to this /api/ path through without a caller. */
    isPublicPath(path: string): boolean;
  }
}

// The deps types live in app-deps.ts so route modules can name them without importing this file (no cycle).

export const API_VERSION = '0.1.0';

/**
 * Builds the app without listening; tests use `app.inject()`.
 * @example const app = await buildApp(deps); await app.listen({ port: 3000 });
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(deps.config.logLevel, deps.logStream),
    bodyLimit: 1_048_576,
    // A random prefix per process and a counter: unique ids without hashing on every request.
    genReqId: () => `req_${reqIdPrefix}${(reqCounter++).toString(36).padStart(6, '0')}`,
    logController: new AccessLog(),
    // A request's child logger is made only when the request writes a line (most write none).
    childLoggerFactory: requestLogger as never,
    schemaController,
  });
  app.addSchema(ErrorResponse);
  installErrorHandling(app);
  // Every documented route declares the errors the server answers on it whatever its handler does (400, 401, 413,
  // 415, 429, 500 as they apply): OpenAPI lists every status a route can answer (test/e2e/openapi-truth.test.ts).
  app.addHook('onRoute', function (route) {
    addStandardErrors(route, this.hasContentTypeParser('application/json'));
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'calbridge API',
        version: API_VERSION,
        description:
          'Outlook / Microsoft 365 and Google calendars for SaaS platforms. Authenticate with `Authorization: Bearer <API key>`. Errors: `{ error: { code, message, details, requestId } }` with the stable codes of docs/errors.md.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(cookie);
  const publicPaths = deps.publicPaths ?? [];
  const isPublicPath = (path: string) => publicPaths.some((p) => p.test(path));
  installAuth(
    app,
    { apiKey: (h) => deps.tenants.authenticate(h), session: (t) => deps.sessions.authenticate(t) },
    isPublicPath,
    new AuthFailureLimiter(deps.config.authFailuresPerMinute, 60_000),
  );
  // what the auth hook lets through without a caller (the role matrix test checks it against ROUTE_ACCESS)
  app.decorate('isPublicPath', isPublicPath);
  // Two limits on /api/, both counted in this process's memory (see SECURITY.md for several processes): per API key
  // (or per IP on the public paths), then per tenant. Both are keyed on what the client cannot choose: the key that
  // authentication verified (the auth hook runs first), else the address; a made-up Authorization header on a public
  // path counts against its address. Failed authentications are limited per address by the auth hook itself. The tenant's counter runs only for requests the key's limit let
  // through, so one key spending past its own budget does not use up its colleagues' share.
  const tooMany = (scope: 'api_key' | 'tenant', retryAfterSeconds: number) =>
    new AppError(
      'rate_limited',
      `Too many requests for this ${scope === 'tenant' ? 'tenant' : 'API key'}; retry later.`,
      {
        details: { scope, retryAfterSeconds },
      },
    );
  const onApi = (req: FastifyRequest) => (req.url ?? '').startsWith('/api/');
  await app.register(rateLimit, {
    global: true,
    max: deps.config.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) =>
      req.actor
        ? req.actor.apiKeyId
          ? `key:${req.actor.apiKeyId}`
          : `session:${req.actor.sessionId}`
        : `ip:${req.ip}`,
    allowList: (req) => !onApi(req),
    errorResponseBuilder: (_req, ctx) => tooMany('api_key', Math.max(1, Math.ceil(ctx.ttl / 1000))),
  });
  const tenantLimit = app.createRateLimit({
    max: deps.config.rateLimitTenantPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => `tenant:${req.actor?.tenantId ?? ''}`,
    allowList: (req) => !onApi(req) || req.actor === null,
  });
  const perTenant = async (req: FastifyRequest, reply: FastifyReply) => {
    const limit = await tenantLimit(req);
    if (limit.isAllowed || !limit.isExceeded) return;
    void reply.header('x-ratelimit-scope', 'tenant');
    throw tooMany('tenant', Math.max(1, limit.ttlInSeconds));
  };
  // after the plugin's own onRoute hook, so the tenant check follows the key check on every route
  app.addHook('onRoute', (route) => {
    const hooks = route.onRequest;
    route.onRequest = [...(Array.isArray(hooks) ? hooks : hooks ? [hooks] : []), perTenant];
  });
  // each /api/ route's role check (src/http/access.ts), after the rate limits
  installAccess(app, deps.access);

  await healthRoutes(app, deps);
  await meRoutes(app, deps);
  await authRoutes(app, deps);
  await customerRoutes(app, deps);
  for (const m of deps.modules ?? []) await m(app, deps);
  return app;
}
