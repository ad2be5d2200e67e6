// Serves the web app: hashed assets under /assets/, index.html for the client routes (never /api, /docs, /healthz,
// /readyz or /metrics), a strict Content-Security-Policy, and the one-time demo login (POST /api/web/demo-login).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type Static } from 'typebox';
import { AppError } from '../../domain/errors.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../app-deps.js';
import { aliasedRoutes, CALENDAR_PREFIXES } from '../route-aliases.js';
import { errors, IdParams } from '../schemas.js';

/** Client-side routes answered with index.html (the SPA fallback is this explicit list, so nothing else is shadowed). */
export const CLIENT_ROUTES = [
  '/',
  '/calendar',
  '/customers',
  '/customers/:id',
  '/schedule',
  '/approvals',
  '/approvals/:id',
  '/settings',
  '/chat',
  '/signin',
  '/admin',
  '/admin/:tab',
  // the same app under /app: where sign-in returns and what e-mailed links (/app/approvals/<id>) open
  '/app',
  '/app/*',
];
/** The demo login is reached before the browser has an API key. */
export const WEB_PUBLIC_PATHS = [/^\/api\/web\/demo-login$/];

/** Event bodies are sanitised in the app; the policy is the second wall: no inline or foreign script, no framing. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface WebRouteDeps {
  /** Resolves to the built app's folder (builds it when missing or stale); rejects when it cannot be built. */
  distDir: () => Promise<string>;
  /** Redeems a one-time demo login token for the demo API key; null when the token is wrong, used or expired. */
  redeemDemoLogin: (token: string) => Promise<string | null>;
  /** The stored body of one of the caller's meetings (Outlook HTML, unsanitised: the browser sanitises it). */
  meetingBody: (
    tenantId: string,
    userId: string,
    meetingId: string,
  ) => Promise<{ contentType: string; content: string } | null>;
}

const LoginBody = Type.Object(
  { token: Type.String({ minLength: 16, maxLength: 200 }) },
  { additionalProperties: false },
);

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
}

export function webRoutes(d: WebRouteDeps): RouteModule {
  return async (app: FastifyInstance) => {
    await app.register(async (scope) => {
      await scope.register(fastifyStatic, { root: '/', serve: false, decorateReply: true });
      scope.get('/assets/*', { schema: { hide: true } }, async (req, reply) => {
        const dir = join(await d.distDir(), 'assets');
        const file = (req.params as { '*': string })['*'];
        if (!/^[\w.-]+$/.test(file)) throw new AppError('not_found', 'No such asset.');
        securityHeaders(reply).header('cache-control', 'public, max-age=31536000, immutable');
        return reply.sendFile(file, dir, { cacheControl: false });
      });
      let cached: { dir: string; html: string } | null = null;
      const index = async () => {
        const dir = await d.distDir();
        if (cached?.dir !== dir) cached = { dir, html: await readFile(join(dir, 'index.html'), 'utf8') };
        return cached.html;
      };
      for (const url of CLIENT_ROUTES)
        scope.get(url, { schema: { hide: true } }, async (_req, reply) =>
          securityHeaders(reply)
            .header('cache-control', 'no-cache')
            .type('text/html; charset=utf-8')
            .send(await index()),
        );
    });
    aliasedRoutes(app, CALENDAR_PREFIXES).get(
      '/events/:id/body',
      {
        schema: {
          tags: ['calendar'],
          summary: 'The body of one of your meetings as Outlook stores it (HTML: sanitise before display)',
          params: IdParams,
          response: { 200: Type.Object({ contentType: Type.String(), content: Type.String() }), ...errors() },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        const body = await d.meetingBody(actor.tenantId, actor.userId, (req.params as Static<typeof IdParams>).id);
        if (!body) throw new AppError('not_found', 'No such meeting.');
        return body;
      },
    );
    {
      const redeem = d.redeemDemoLogin;
      app.post(
        '/api/web/demo-login',
        {
          schema: {
            tags: ['web'],
            security: [],
            summary: 'Redeems the one-time demo login link the local demo server wrote at start (embedded demo only)',
            body: LoginBody,
            response: { 200: Type.Object({ apiKey: Type.String() }), 401: Type.Ref('ErrorResponse') },
          },
        },
        async (req) => {
          const key = await redeem((req.body as Static<typeof LoginBody>).token);
          if (!key) throw new AppError('unauthenticated', 'This login link is not valid (used, expired or wrong).');
          return { apiKey: key };
        },
      );
    }
  };
}
