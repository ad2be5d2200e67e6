// The web app's REST calls, through calbridge's own client (`calbridge/client`: openapi-fetch over the types generated
// from the committed openapi.json). A browser signed in with Microsoft or Google is authenticated by its session
// cookie (same origin) and sends the session's CSRF token on every write; the demo and machines use an API key (Bearer)
// kept in this tab. This module adds the app's habits: `{ params, query, body }` requests, a 401 that sends the app to
// the sign-in page, and errors as ApiError (the server's stable code, sentence and request id; errors.ts words them).
import { CalbridgeApiError, createCalbridgeClient, type CalbridgeClient, type paths } from 'calbridge/client';

/** An API failure with the server's stable code (or `network_error` / `not_available`). */
export class ApiError extends CalbridgeApiError {
  constructor(
    status: number,
    code: string,
    message: string,
    requestId: string | null = null,
    /** The error's details (validation_failed: `problems` with each field's path). */
    details: Record<string, unknown> | null = null,
  ) {
    super(status, code, message, requestId, details ?? undefined);
    // The app shows the server's own sentence (errors.ts, the forms), not the client's "status code: sentence" line.
    this.message = message;
  }
  /** The route does not exist on this server (a feature not deployed yet). */
  get notAvailable(): boolean {
    return this.status === 404 && this.code === 'route_not_found';
  }
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** The operation of path P and method M (never when the path has no such method). */
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Parameters_<O, K extends 'path' | 'query'> = O extends { parameters: infer X }
  ? K extends keyof X
    ? NonNullable<X[K]>
    : never
  : never;
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Body<O> = O extends { requestBody?: infer R } ? JsonOf<NonNullable<R>> : never;
type SuccessCode = 200 | 201 | 202 | 204;
/** The first success answer an operation declares (200, then 201, 202, 204); null when it has no JSON body. */
type Success<R> = 200 extends keyof R
  ? R[200]
  : 201 extends keyof R
    ? R[201]
    : 202 extends keyof R
      ? R[202]
      : R[SuccessCode & keyof R];
type SuccessJson<O> = O extends { responses: infer R }
  ? [JsonOf<Success<R>>] extends [never]
    ? null
    : JsonOf<Success<R>>
  : never;

/** Paths that have method M. */
export type PathsWith<M extends Method> = { [P in keyof paths]: [Op<P, M>] extends [never] ? never : P }[keyof paths];
/** The request options of one operation: params/query/body only where the operation has them. */
export type RequestOf<P extends keyof paths, M extends Method> = ([Parameters_<Op<P, M>, 'path'>] extends [never]
  ? { params?: undefined }
  : { params: Parameters_<Op<P, M>, 'path'> }) &
  ([Parameters_<Op<P, M>, 'query'>] extends [never]
    ? { query?: undefined }
    : { query?: Parameters_<Op<P, M>, 'query'> }) &
  ([Body<Op<P, M>>] extends [never] ? { body?: undefined } : { body: Body<Op<P, M>> });
/** What a successful call of the operation answers. */
export type ResponseOf<P extends keyof paths, M extends Method> = SuccessJson<Op<P, M>>;

const KEY = 'calbridge.apiKey';

/** The API key of this browser tab (sessionStorage: gone when the tab closes). */
export const apiKey = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (k: string) => sessionStorage.setItem(KEY, k.trim()),
  clear: () => sessionStorage.removeItem(KEY),
};

/** How the browser is signed in (GET /api/auth/session). */
export interface Session {
  via: 'session' | 'api_key';
  userId: string;
  tenantId: string;
  role: 'member' | 'approver' | 'admin';
  csrfToken: string | null;
  expiresAt: string | null;
}

let csrfToken: string | null = null;
/** Remembers the session's CSRF token (sent as X-CSRF-Token on writes); null when signed in with an API key. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const listeners = new Set<() => void>();
/** Called when the server answers 401 (the key is wrong or was revoked). */
export function onUnauthenticated(f: () => void): () => void {
  listeners.add(f);
  return () => {
    listeners.delete(f);
  };
}

const isAbort = (e: unknown) => (e as { name?: unknown } | null)?.name === 'AbortError';

let shared: CalbridgeClient | null = null;
/**
 * The one calbridge client of the app, made on first use: this origin, the tab's API key when there is one, else the
 * session cookie and its CSRF token. No retries here: a 429 or 503 is shown at once and TanStack Query (query.ts)
 * decides about trying again.
 */
function client(): CalbridgeClient {
  if (shared) return shared;
  shared = createCalbridgeClient({
    baseUrl: window.location.origin,
    apiKey: () => apiKey.get(),
    session: { csrfToken: () => csrfToken, credentials: 'same-origin' },
    retries: 0,
  });
  shared.use({
    // fetch itself failed (offline, DNS, CORS): the app's own code; a cancelled request stays an AbortError.
    onError: ({ error }) =>
      isAbort(error)
        ? undefined
        : new ApiError(0, 'network_error', 'The server could not be reached. Check your connection and retry.'),
  });
  return shared;
}

type Loose = (
  path: string,
  init: {
    params?: { path?: Record<string, string>; query?: Record<string, unknown> };
    body?: unknown;
    signal?: AbortSignal;
  },
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** Sends one request; rejects with ApiError. Untyped: prefer `api`. */
export async function request<T>(
  method: string,
  path: string,
  opts: {
    params?: Record<string, string>;
    query?: Record<string, unknown>;
    body?: unknown;
    signal?: AbortSignal;
    /** A 401 is expected (is anyone signed in?): do not send the app to the sign-in page. */
    quiet?: boolean;
  } = {},
): Promise<T> {
  const c = client();
  const send = c[method.toUpperCase() as 'GET'] as unknown as Loose;
  // Empty fields of a form are left out of the query, as if not given.
  const query = Object.fromEntries(Object.entries(opts.query ?? {}).filter(([, v]) => v !== ''));
  try {
    const data = await c.ok(
      send(path, {
        params: { path: opts.params, query },
        ...(opts.body === undefined ? {} : { body: opts.body }),
        ...(opts.signal ? { signal: opts.signal } : {}),
      }),
    );
    return (data ?? null) as T;
  } catch (e) {
    if (!(e instanceof CalbridgeApiError) || e instanceof ApiError) throw e;
    if (e.status === 401 && !opts.quiet) listeners.forEach((f) => f());
    throw new ApiError(
      e.status,
      e.code === 'http_error' ? `http_${e.status}` : e.code,
      e.serverMessage,
      e.requestId,
      e.details ?? null,
    );
  }
}

const call =
  <M extends Method>(method: M) =>
  <P extends PathsWith<M>>(path: P, req?: RequestOf<P, M> & { signal?: AbortSignal }): Promise<ResponseOf<P, M>> =>
    request(method, path, (req ?? {}) as Parameters<typeof request>[2]);

/**
 * The typed client.
 * @example const { items } = await api.get('/api/customers', { query: { limit: 20 } });
 */
export const api = {
  get: call('get'),
  post: call('post'),
  patch: call('patch'),
  put: call('put'),
  delete: call('delete'),
};
