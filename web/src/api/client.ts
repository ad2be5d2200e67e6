// Typed REST client: paths and shapes from types.gen.ts (generated from the OpenAPI document), stable error codes. A
// browser signed in with Microsoft or Google is authenticated by its session cookie (same origin) and sends the
// session's CSRF token on every write; the demo and machines use an API key (Bearer) kept in this tab.
import type { Paths } from './types.gen';

/** An API failure with the server's stable code (or `network_error` / `not_available`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null = null,
    /** The error's details (validation_failed: `problems` with each field's path). */
    readonly details: Record<string, unknown> | null = null,
  ) {
    super(message);
  }
  /** The route does not exist on this server (a feature not deployed yet). */
  get notAvailable(): boolean {
    return this.status === 404 && this.code === 'route_not_found';
  }
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Op<P extends keyof Paths, M> = M extends keyof Paths[P] ? Paths[P][M] : never;
type Field<O, K extends string> = O extends Record<K, infer T> ? T : never;
/** Paths that have method M. */
export type PathsWith<M extends Method> = { [P in keyof Paths]: M extends keyof Paths[P] ? P : never }[keyof Paths];
/** The request options of one operation: params/query/body only where the operation has them. */
export type RequestOf<P extends keyof Paths, M extends Method> = ([Field<Op<P, M>, 'params'>] extends [never]
  ? { params?: undefined }
  : { params: Field<Op<P, M>, 'params'> }) &
  ([Field<Op<P, M>, 'query'>] extends [never] ? { query?: undefined } : { query?: Field<Op<P, M>, 'query'> }) &
  ([Field<Op<P, M>, 'body'>] extends [never] ? { body?: undefined } : { body: Field<Op<P, M>, 'body'> });
export type ResponseOf<P extends keyof Paths, M extends Method> = Field<Op<P, M>, 'response'>;

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

function fillPath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(params?.[name] ?? ''));
}

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
  const url = new URL(fillPath(path, opts.params), window.location.origin);
  for (const [k, v] of Object.entries(opts.query ?? {}))
    for (const item of Array.isArray(v) ? (v as unknown[]) : [v])
      if (item !== undefined && item !== null && item !== '') url.searchParams.append(k, String(item));
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = apiKey.get();
  if (key) headers.authorization = `Bearer ${key}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const write = !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
  if (write && csrfToken && !key) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, {
      method: method.toUpperCase(),
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', 'The server could not be reached. Check your connection and retry.');
  }
  if (res.status === 204) return null as T;
  const text = await res.text();
  const data: unknown = text ? safeJson(text) : null;
  if (!res.ok) {
    const err = (
      data as {
        error?: { code?: string; message?: string; requestId?: string; details?: Record<string, unknown> };
      } | null
    )?.error;
    if (res.status === 401 && !opts.quiet) listeners.forEach((f) => f());
    throw new ApiError(
      res.status,
      err?.code ?? `http_${res.status}`,
      err?.message ?? res.statusText,
      err?.requestId ?? null,
      err?.details ?? null,
    );
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
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
