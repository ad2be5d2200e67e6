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

/** Adds an onRequest hook that authenticates every `/api/` request except the listed public paths. */
export function installAuth(
  app: FastifyInstance,
  authenticate: (authorization: string | undefined) => Promise<Actor>,
  isPublic: (url: string, method: string) => boolean,
): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (req) => {
    const path = req.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/') || isPublic(path, req.method)) return;
    req.actor = await authenticate(req.headers.authorization);
  });
}
