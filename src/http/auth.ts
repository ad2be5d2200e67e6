// API-key authentication: `Authorization: Bearer <key>` → the calling user of one tenant (request.actor).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';
import type { Actor } from '../domain/tenancy.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

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
 * Adds an onRequest hook that authenticates every `/api/` request except the listed public paths. With a
 * `failures` limiter, an address that failed too often is refused (429 `rate_limited`, scope `auth_failures`)
 * before its key is looked at.
 */
export function installAuth(
  app: FastifyInstance,
  authenticate: (authorization: string | undefined) => Promise<Actor>,
  isPublic: (url: string, method: string) => boolean,
  failures?: AuthFailureLimiter,
): void {
  app.decorateRequest('actor', null);
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
    try {
      req.actor = await authenticate(req.headers.authorization);
    } catch (e) {
      failures?.fail(req.ip);
      throw e;
    }
  });
}
