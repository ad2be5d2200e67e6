// The only place that knows HTTP status codes: maps AppError kinds and Fastify errors to `{ error: { code, message, details, requestId } }`.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, type ErrorKind } from '../domain/errors.js';

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  bad_request: 400,
  unsupported_media: 415,
  too_large: 413,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown>; requestId: string };
}

function body(req: FastifyRequest, code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorBody {
  return { error: { code, message, ...(details ? { details } : {}), requestId: req.id } };
}

/** Converts any thrown value into the status and body the API answers with. */
export function toHttpError(
  req: FastifyRequest,
  err: unknown,
): { status: number; body: ErrorBody; headers?: Record<string, string> } {
  if (err instanceof AppError) {
    const headers: Record<string, string> = {};
    const retry = err.details?.retryAfterSeconds;
    if (typeof retry === 'number') headers['retry-after'] = String(Math.ceil(retry));
    return { status: STATUS_BY_KIND[err.kind], body: body(req, err.code, err.message, err.details), headers };
  }
  const fe = err as FastifyError & {
    validation?: Array<{ instancePath?: string; message?: string; params?: unknown }>;
  };
  if (fe?.validation) {
    const problems = fe.validation.map((v) => {
      // An unknown key is named in the path (`body/engagementWeights/bogus`), not only in params.
      const extra = (v.params as { additionalProperty?: unknown } | undefined)?.additionalProperty;
      return {
        path: `${fe.validationContext ?? ''}${v.instancePath ?? ''}${typeof extra === 'string' ? `/${extra}` : ''}`,
        message: v.message ?? 'invalid',
        params: v.params,
      };
    });
    return {
      status: 400,
      body: body(
        req,
        'validation_failed',
        `Invalid request: ${problems[0]?.path || fe.validationContext || 'body'} ${problems[0]?.message ?? ''}`.trim(),
        { problems },
      ),
    };
  }
  switch (fe?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: body(req, 'malformed_json', 'The request body is not valid JSON.') };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 415, body: body(req, 'unsupported_media_type', 'Send the body as application/json.') };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: body(req, 'payload_too_large', 'The request body is too large.') };
    default:
      break;
  }
  if (fe?.statusCode === 429) {
    return { status: 429, body: body(req, 'rate_limited', 'Too many requests; retry later.') };
  }
  if (
    err instanceof SyntaxError ||
    (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
  ) {
    return { status: 400, body: body(req, 'bad_request', 'The request is not valid.') };
  }
  return { status: 500, body: body(req, 'internal', 'An internal error occurred.') };
}

/** Installs the error and not-found handlers. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const { status, body: b, headers } = toHttpError(req, err);
    if (status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: b.error.code }, 'request rejected');
    for (const [k, v] of Object.entries(headers ?? {})) void reply.header(k, v);
    return reply.status(status).send(b);
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send(body(req, 'route_not_found', `No route ${req.method} ${req.url.split('?')[0]}`)),
  );
}
