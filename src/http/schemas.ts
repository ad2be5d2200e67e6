// Shared TypeBox schemas for routes: errors, ids, paging.
import { Type, type TSchema, type TSchemaOptions } from 'typebox';

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      requestId: Type.String(),
    }),
  },
  {
    $id: 'ErrorResponse',
    description: 'Every error: a stable code (see docs/errors.md), a message and the request id.',
  },
);

/**
 * One of a list of strings, as Type.Union of their literals (the same JSON schema), typed as the list's element type:
 * the Static of a Union built from an array (not a tuple) is `never`, so a route typed by it would get no useful type.
 */
export const LiteralUnion = <T extends string>(values: readonly T[], options?: TSchemaOptions) =>
  Type.Unsafe<T>(
    Type.Union(
      values.map((v) => Type.Literal(v)),
      options,
    ),
  );

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });

export const Paging = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
});

/** Standard error responses for an authenticated route. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of [400, 401, 404, 429, ...statuses]) out[s] = Type.Ref('ErrorResponse');
  return out;
}

/** The parts of a route's options the standard errors depend on (Fastify's RouteOptions has them). */
export interface RouteForErrors {
  method: string | string[];
  url: string;
  schema?: {
    hide?: boolean;
    security?: readonly unknown[];
    params?: unknown;
    querystring?: unknown;
    body?: unknown;
    response?: unknown;
  };
}

/**
 * Adds to a documented route's `schema.response` the error statuses the server's own machinery can answer on it,
 * whatever the handler does (see docs/api.md, 'How errors are declared'):
 * 400 when it takes params, a query or a body (schema validation, malformed JSON); 401 unless it is public
 * (`security: []`); 413 and 415 when its method carries a body (Fastify parses POST, PUT, PATCH and DELETE bodies; 415
 * only when the scope parses JSON, a scope with its own catch-all parser never answers it); 429 on /api/ (the rate
 * limits); 500 everywhere (an unexpected failure). Statuses the handler itself answers (404, 409, 422, 403, 503…)
 * stay declared by the route, and a status the route already declares is left as it is.
 */
export function addStandardErrors(route: RouteForErrors, parsesJson: boolean): void {
  const schema = route.schema;
  if (!schema || schema.hide) return;
  const methods = (Array.isArray(route.method) ? route.method : [route.method]).map((m) => m.toUpperCase());
  const hasBody = methods.some((m) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(m));
  const statuses: number[] = [500];
  if (schema.params || schema.querystring || schema.body || hasBody) statuses.push(400);
  if (!(Array.isArray(schema.security) && schema.security.length === 0)) statuses.push(401);
  if (hasBody) statuses.push(413);
  if (hasBody && parsesJson) statuses.push(415);
  if (route.url.startsWith('/api/')) statuses.push(429);
  const response: Record<string, unknown> = { ...((schema.response as Record<string, unknown> | undefined) ?? {}) };
  for (const s of statuses) if (!(s in response)) response[s] = Type.Ref('ErrorResponse');
  schema.response = response;
}
