// Graph's error shape: { error: { code, message, innerError: { date, request-id, client-request-id } } }.
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Thrown by Graph handlers; the Graph error hook turns it into Graph's JSON error. */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphHttpError';
  }
}

/**
 * The JSON body Graph sends with an error status. A 429 also carries the throttling sample's innerError fields
 * (`code` and `status` "429", `message` "Please retry after"), as the throttling guidance documents.
 */
export function graphErrorBody(
  code: string,
  message: string,
  clientRequestId?: string,
  status?: number,
  requestId: string = randomUUID(),
) {
  const throttled = status === 429 ? { code: '429', message: 'Please retry after', status: '429' } : {};
  return {
    error: {
      code,
      message,
      innerError: {
        ...throttled,
        date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
}

/** What a request is known by: Graph's request-id, and the client-request-id the caller sent (or the same id). */
export interface RequestIds {
  requestId: string;
  clientRequestId: string;
}

const idsOf = new WeakMap<FastifyRequest, RequestIds>();

/** The ids of `req`, made on first use; the same ids go into its response headers and an error's innerError. */
export function requestIds(req: FastifyRequest): RequestIds {
  let ids = idsOf.get(req);
  if (!ids) {
    const requestId = randomUUID();
    const sent = req.headers['client-request-id'];
    ids = { requestId, clientRequestId: typeof sent === 'string' && sent ? sent : requestId };
    idsOf.set(req, ids);
  }
  return ids;
}

/** Sends a Graph error on `reply`. */
export function sendGraphError(req: FastifyRequest, reply: FastifyReply, err: GraphHttpError): FastifyReply {
  const { requestId, clientRequestId } = requestIds(req);
  for (const [k, v] of Object.entries(err.headers)) void reply.header(k, v);
  return reply
    .status(err.status)
    .header('content-type', 'application/json')
    .send(graphErrorBody(err.code, err.message, clientRequestId, err.status, requestId));
}
