// Helpers shared by the calendar route modules: /me + /users/{id} registration, JSON replies, body checks.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from './mailbox-access.js';

export type Handler = (req: FastifyRequest, reply: FastifyReply, userParam: string | undefined) => Promise<unknown>;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

/** Registers `handler` for `/me{suffix}` and `/users/:user{suffix}`. */
export function both(app: FastifyInstance, method: Method, suffix: string, handler: Handler): void {
  app.route({ method, url: `/me${suffix}`, handler: (req, reply) => handler(req, reply, undefined) });
  app.route({
    method,
    url: `/users/:user${suffix}`,
    handler: (req, reply) => handler(req, reply, (req.params as { user: string }).user),
  });
}

/** Sends Graph JSON with a status. */
export function json(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .status(status)
    .header(
      'content-type',
      'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8',
    )
    .send(body);
}

/** The request body as a JSON object, else 400. */
export function objectBody(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  if (b === null || b === undefined || typeof b !== 'object' || Array.isArray(b)) {
    throw errors.badRequest('Empty Payload. JSON content expected.', 'BadRequest');
  }
  return b as Record<string, unknown>;
}

/** A route parameter. */
export function param(req: FastifyRequest, name: string): string {
  return (req.params as Record<string, string>)[name] ?? '';
}

/** The If-Match header, if any. */
export function ifMatch(req: FastifyRequest): string | undefined {
  const h = req.headers['if-match'];
  return Array.isArray(h) ? h.join(',') : h;
}
