// `calbridge/client`: a typed REST client for calbridge's API, generated from the committed OpenAPI document
// (openapi-typescript → api.gen.ts, `npm run gen:client`; a test fails when it drifts) and driven by openapi-fetch.
// It adds what every caller would otherwise write: the API key (or a browser's session cookie with its CSRF token),
// retries on 429 and 503 that honour Retry-After, errors as one class carrying the stable code, and a pager for the
// offset-paged lists. The web app (web/src/api/client.ts) goes through this same client.
import createOpenApiClient, { type Client } from 'openapi-fetch';
import { retryAfterMs as parseRetryAfter } from '../domain/retry-after.js';
import type { components, paths } from './api.gen.js';

export type { components, paths };
/** The API's named schemas (Customer, Proposal, CalendarEventView, ErrorResponse, …). */
export type Schemas = components['schemas'];

/** An error answer of the API: its HTTP status and the body's stable code (see docs/errors.md), message and request id. */
export class CalbridgeApiError extends Error {
  override readonly name = 'CalbridgeApiError';
  /** The body's message as the server wrote it (`message` prefixes it with the status and the code). */
  readonly serverMessage: string;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null = null,
    readonly details: Record<string, unknown> | undefined = undefined,
  ) {
    super(`${status} ${code}: ${message}`);
    this.serverMessage = message;
  }
}

export interface CalbridgeClientOptions {
  /** The server's URL, e.g. `https://calbridge.example.com`. */
  baseUrl: string;
  /**
   * A calbridge API key, sent as `Authorization: Bearer …`; a function is asked before every request (a key that
   * can change or go away, as a browser tab's).
   */
  apiKey?: string | (() => string | null | undefined);
  /**
   * A browser signed in with calbridge's session cookie (same origin): the cookie goes with every request
   * (`credentials`, default `'same-origin'`) and the session's CSRF token, when there is one, as `X-CSRF-Token` on
   * every write (POST, PUT, PATCH, DELETE). When an API key is sent too, the key authenticates and no token is sent.
   * @example createCalbridgeClient({ baseUrl: location.origin, session: { csrfToken: () => session.csrfToken } })
   */
  session?: { csrfToken: () => string | null | undefined; credentials?: RequestCredentials };
  /** Tries after a 429 or 503 (default 3); other answers are returned at once. */
  retries?: number;
  /** Longest wait between tries (default 30 s): a longer Retry-After ends the retries and returns the answer. */
  maxRetryDelayMs?: number;
  /** The fetch to use (default the global one, looked up per request); it is called with one Request. */
  fetch?: (request: Request) => Promise<Response>;
  /** How a wait happens (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

export type CalbridgeClient = Client<paths> & {
  /** Awaits an openapi-fetch call and returns its data, or throws a CalbridgeApiError for an error answer. */
  ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T>;
};

const RETRIED = new Set([429, 503]);
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The wait a Retry-After asks for (seconds or an HTTP date), or null when there is none. */
export const retryAfterMs = (header: string | null, now = Date.now()): number | null => parseRetryAfter(header, now);

export function createCalbridgeClient(o: CalbridgeClientOptions): CalbridgeClient {
  const retries = o.retries ?? 3;
  const maxDelay = o.maxRetryDelayMs ?? 30_000;
  // The global fetch is looked up per request, not when the client is made (a test may replace it later).
  const baseFetch = o.fetch ?? ((request: Request) => globalThis.fetch(request));
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retryingFetch = async (request: Request): Promise<Response> => {
    for (let attempt = 0; ; attempt++) {
      const res = await baseFetch(request.clone());
      if (!RETRIED.has(res.status) || attempt >= retries) return res;
      // Without Retry-After: 1 s, 2 s, 4 s … (the server sends one on every 429 it makes).
      const wait = retryAfterMs(res.headers.get('retry-after')) ?? 1000 * 2 ** attempt;
      if (wait > maxDelay) return res;
      await res.body?.cancel();
      await sleep(wait);
    }
  };
  const client = createOpenApiClient<paths>({
    baseUrl: o.baseUrl.replace(/\/+$/, ''),
    fetch: retryingFetch,
    ...(typeof o.apiKey === 'string' && o.apiKey ? { headers: { authorization: `Bearer ${o.apiKey}` } } : {}),
    ...(o.session ? { credentials: o.session.credentials ?? 'same-origin' } : {}),
  });
  const { apiKey, session } = o;
  if (typeof apiKey === 'function' || session)
    client.use({
      onRequest({ request }) {
        const key = typeof apiKey === 'function' ? apiKey() : apiKey;
        if (key && typeof apiKey === 'function') request.headers.set('authorization', `Bearer ${key}`);
        const csrf = session?.csrfToken();
        if (!key && csrf && !READS.has(request.method)) request.headers.set('x-csrf-token', csrf);
        return request;
      },
    });
  return Object.assign(client, {
    async ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
      const { data, error, response } = await call;
      if (response.ok) return data as T;
      const body = (error ?? {}) as {
        error?: { code?: string; message?: string; requestId?: string; details?: object };
      };
      throw new CalbridgeApiError(
        response.status,
        body.error?.code ?? 'http_error',
        body.error?.message ?? response.statusText,
        body.error?.requestId ?? response.headers.get('x-request-id'),
        body.error?.details as Record<string, unknown> | undefined,
      );
    },
  });
}

/**
 * Every item of a keyset-paged list (`cursor`/`limit` in, `items` and `nextCursor` out), page by page: each page
 * starts after the last item of the one before, so an item added or removed while walking is never skipped or listed
 * twice, and every page costs the server the same. The cursor is undefined for the first page; send `total: false`
 * with it so that page skips counting every match too. A list that hands out the same cursor twice is an error,
 * never a loop.
 * @example for await (const e of cursorPages((cursor, limit) => api.ok(api.GET('/api/calendar/events', { params: { query: { start, end, limit, cursor, total: false } } })))) …
 */
export async function* cursorPages<T>(
  fetchPage: (cursor: string | undefined, limit: number) => Promise<{ items: T[]; nextCursor?: string | null }>,
  limit = 100,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor, limit);
    for (const item of page.items) yield item;
    const next = page.nextCursor ?? null;
    if (next === null || page.items.length === 0) return;
    if (next === cursor) throw new Error('cursorPages: the list answered the same nextCursor twice');
    cursor = next;
  }
}

/**
 * Every item of an offset-paged list (`limit`/`offset` in, `items` and optionally `total` out), page by page.
 * @example for await (const e of pages((offset, limit) => api.ok(api.GET('/api/calendar/events', { params: { query: { offset, limit } } })))) …
 */
export async function* pages<T>(
  fetchPage: (offset: number, limit: number) => Promise<{ items: T[]; total?: number }>,
  limit = 100,
): AsyncGenerator<T> {
  for (let offset = 0; ;) {
    const page = await fetchPage(offset, limit);
    for (const item of page.items) yield item;
    offset += page.items.length;
    if (page.items.length < limit || page.items.length === 0 || (page.total !== undefined && offset >= page.total))
      return;
  }
}
