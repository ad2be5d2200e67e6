// API-key authentication: `Authorization: Bearer <key>` → the calling user of one tenant (request.actor).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';
import type { Actor } from '../domain/tenancy.js';
import type { SessionRecord } from '../ports/stores.js';
import { SESSION_COOKIE, SessionService } from '../services/tenancy/session-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    /** The browser session the request came with (null for an API key or no caller). */
    authSession: SessionRecord | null;
  }
}

/** How a request proves who it is: an API key in `Authorization`, or a browser session's cookie. */
export interface Authenticators {
  apiKey: (authorization: string | undefined) => Promise<Actor>;
  session?: (token: string) => Promise<{ actor: Actor; session: SessionRecord }>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The authenticated caller; throws `unauthenticated` on a route that forgot its auth hook. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('unauthenticated');
  return req.actor;
}

/**
 * Failed authentications per client IP in a fixed window: once an address has failed `max` times, its requests to
 * authenticated paths answer 429 until the window ends, whatever key they carry (a guessed key is never checked).
 * Counted in this process's memory, like the request limits.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the address may try again, or 0 when it may now. */
  blockedFor(ip: string): number {
    const w = this.windows.get(ip);
    const t = this.now();
    if (!w || w.resetAt <= t) return 0;
    return w.count >= this.max ? Math.max(1, Math.ceil((w.resetAt - t) / 1000)) : 0;
  }

  fail(ip: string): void {
    const t = this.now();
    if (this.windows.size > 10_000) for (const [k, w] of this.windows) if (w.resetAt <= t) this.windows.delete(k);
    const w = this.windows.get(ip);
    if (!w || w.resetAt <= t) this.windows.set(ip, { count: 1, resetAt: t + this.windowMs });
    else w.count++;
  }
}

/**
 * Adds an onRequest hook that authenticates every `/api/` request except the listed public paths: by the API key in
 * `Authorization` when there is one, else by the session cookie. A cookie-authenticated write (any method but GET,
 * HEAD, OPTIONS) must also carry the session's CSRF token in `X-CSRF-Token` (403 `csrf_failed`): a cross-site form or
 * script can make the browser send the cookie but cannot read the token. With a `failures` limiter, an address that
 * failed too often is refused (429 `rate_limited`, scope `auth_failures`) before its key or cookie is looked at.
 */
export function installAuth(
  app: FastifyInstance,
  auth: Authenticators,
  isPublic: (url: string, method: string) => boolean,
  failures?: AuthFailureLimiter,
): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('authSession', null);
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/') || isPublic(path, req.method)) return;
    const wait = failures?.blockedFor(req.ip) ?? 0;
    if (wait > 0) {
      void reply.header('x-ratelimit-scope', 'auth_failures');
      throw new AppError('rate_limited', 'Too many failed sign-ins from this address; retry later.', {
        details: { scope: 'auth_failures', retryAfterSeconds: wait },
      });
    }
    const cookie = auth.session && !req.headers.authorization ? req.cookies?.[SESSION_COOKIE] : undefined;
    try {
      if (cookie) {
        const { actor, session } = await auth.session!(cookie);
        req.actor = actor;
        req.authSession = session;
      } else {
        req.actor = await auth.apiKey(req.headers.authorization);
      }
    } catch (e) {
      failures?.fail(req.ip);
      throw e;
    }
    if (req.authSession && !SAFE_METHODS.has(req.method)) {
      const given = req.headers['x-csrf-token'];
      if (!SessionService.csrfMatches(req.authSession, typeof given === 'string' ? given : undefined))
        throw new AppError('csrf_failed');
    }
  });
}
