// Serves the web app: hashed assets under /assets/ (immutable for a year), index.html for the client routes (never
// /api, /docs, /healthz, /readyz or /metrics; no-cache), both compressed (brotli or gzip: the build's precompressed
// .br/.gz files, else compressed here once and kept), the app with a 404 for unknown paths a browser asks for (the
// app shows its own Page not found; API clients keep the JSON 404), a strict Content-Security-Policy, and the
// one-time demo login (POST /api/web/demo-login).
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
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
  // the calendar grid's (FullCalendar) stylesheet carries its small icon font as a data: URL
  "font-src 'self' data:",
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

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** Content types of the files a Vite build writes. */
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.json', '.map', '.svg', '.txt', '.ico']);

type Encoding = 'br' | 'gzip' | null;
/** The best encoding the client accepts (brotli before gzip); q=0 refuses one. */
export function chooseEncoding(accept: string | string[] | undefined): Encoding {
  const header = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  const ok = new Map<string, number>();
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    ok.set(name.trim(), q === undefined ? 1 : Number(q));
  }
  const accepts = (enc: string) => (ok.get(enc) ?? (ok.has('*') ? ok.get('*')! : 0)) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip')) return 'gzip';
  return null;
}

/**
 * The web app's files in memory, as sent: each file once per encoding (read from the build's .br/.gz when it wrote
 * them, else compressed on first use). Keyed by the dist folder, so a rebuild into a new folder starts afresh.
 */
class Files {
  private dir = '';
  private readonly cache = new Map<string, Promise<Buffer | null>>();

  get(dir: string, file: string, encoding: Encoding): Promise<Buffer | null> {
    if (dir !== this.dir) {
      this.dir = dir;
      this.cache.clear();
    }
    const key = `${file}\0${encoding ?? ''}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = this.load(dir, file, encoding);
      this.cache.set(key, hit);
      // a missing file is not remembered (a build may still be writing it)
      void hit.then((b) => b === null && this.cache.delete(key));
    }
    return hit;
  }

  private async load(dir: string, file: string, encoding: Encoding): Promise<Buffer | null> {
    const path = join(dir, file);
    if (encoding) {
      const pre = await readFile(`${path}.${encoding === 'br' ? 'br' : 'gz'}`).catch(() => null);
      if (pre) return pre;
    }
    const raw = await readFile(path).catch(() => null);
    if (!raw || !encoding) return raw;
    return encoding === 'br'
      ? brotli(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } })
      : gzipped(raw, { level: 9 });
  }
}

/**
 * Sends one of the app's files, compressed when the client accepts it and the type is worth compressing; false when
 * there is no such file (nothing sent). (A boolean, not the reply: a reply is thenable, and an async function would
 * adopt it.)
 */
async function sendFile(
  files: Files,
  req: FastifyRequest,
  reply: FastifyReply,
  dir: string,
  file: string,
): Promise<boolean> {
  const ext = extname(file).toLowerCase();
  const encoding = COMPRESSIBLE.has(ext) ? chooseEncoding(req.headers['accept-encoding']) : null;
  const body = await files.get(dir, file, encoding);
  if (!body) return false;
  if (COMPRESSIBLE.has(ext)) void reply.header('vary', 'accept-encoding');
  if (encoding) void reply.header('content-encoding', encoding);
  void reply.type(TYPES[ext] ?? 'application/octet-stream').send(body);
  return true;
}

/** Paths a browser may be sent the app for when nothing else answers them. */
const NOT_APP = /^\/(api|docs|assets|healthz|readyz|metrics)(\/|$)/;
/** True when the request is a browser asking for a page (not an API client, not an asset). */
const wantsPage = (req: FastifyRequest): boolean =>
  (req.method === 'GET' || req.method === 'HEAD') &&
  !NOT_APP.test(req.url.split('?')[0] ?? '') &&
  /\btext\/html\b/.test(String(req.headers.accept ?? ''));

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
}

export function webRoutes(d: WebRouteDeps): RouteModule {
  return async (untyped: FastifyInstance) => {
    const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
    const files = new Files();
    await app.register(async (scope) => {
      // No params schema (the route is hidden from the API document): the wildcard's type is given by the generic.
      scope.get<{ Params: { '*': string } }>('/assets/*', { schema: { hide: true } }, async (req, reply) => {
        const dir = join(await d.distDir(), 'assets');
        const file = req.params['*'];
        if (!/^[\w.-]+$/.test(file) || /\.(br|gz)$/.test(file)) throw new AppError('not_found', 'No such asset.');
        securityHeaders(reply).header('cache-control', 'public, max-age=31536000, immutable');
        if (await sendFile(files, req, reply, dir, file)) return reply;
        void reply.header('cache-control', 'no-store');
        throw new AppError('not_found', 'No such asset.');
      });
      const page = async (req: FastifyRequest, reply: FastifyReply, status: number) => {
        securityHeaders(reply).header('cache-control', 'no-cache').status(status);
        if (await sendFile(files, req, reply, await d.distDir(), 'index.html')) return reply;
        throw new AppError('internal', 'The web app is not built.');
      };
      for (const url of CLIENT_ROUTES)
        scope.get(url, { schema: { hide: true } }, async (req, reply) => page(req, reply, 200));
      // Anything else: a browser asking for a page gets the app (it shows Page not found) with a 404; everyone else,
      // and every /api path, the JSON route_not_found the not-found handler gives.
      scope.get('/*', { schema: { hide: true } }, async (req, reply) => {
        if (wantsPage(req)) return page(req, reply, 404);
        throw new AppError('route_not_found', `No route ${req.method} ${req.url.split('?')[0]}`);
      });
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
        const body = await d.meetingBody(actor.tenantId, actor.userId, req.params.id);
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
          const key = await redeem(req.body.token);
          if (!key) throw new AppError('unauthenticated', 'This login link is not valid (used, expired or wrong).');
          return { apiKey: key };
        },
      );
    }
  };
}
