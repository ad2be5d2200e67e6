// A thin Graph v1.0 client over the decorated transport: bearer token (refreshed once on a 401), JSON in/out,
// errors mapped once through mapGraphError, absolute @odata links kept on Graph's origin, and JSON $batch with
// per-part retry of throttled/unavailable parts.
import { AppError } from '../../domain/errors.js';
import type { CallBudget } from '../../domain/scheduling/limits.js';
import {
  realTiming,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  type Timing,
} from '../decorators/http.js';
import { retryAfterMs } from '../decorators/retry.js';
import { isInvalidTokenError, mapGraphError } from './errors.js';

/** Supplies the access token; `forceRefresh` after Graph rejected `rejected`. */
export type TokenSource = (opts: { forceRefresh: boolean; rejected?: string }) => Promise<string>;

export interface GraphClientOptions {
  /** e.g. `https://graph.microsoft.com`. */
  baseUrl: string;
  transport: HttpTransport;
  token: TokenSource;
  /** The mailbox this client acts for (per-mailbox limits). */
  limitKey: string;
  /** Most parts per $batch (Outlook runs at most 4 concurrently per mailbox). */
  batchSize?: number;
  /** Rounds of re-sending throttled batch parts. */
  batchRetries?: number;
  /**
   * Longest Retry-After of a batch part slept before re-sending it (default 30 s, as the retry decorator); a longer
   * one fails the batch with the part's `provider_throttled` / `provider_unavailable` carrying `retryAfterSeconds`.
   */
  maxRetryWaitMs?: number;
  timing?: Timing;
  /** Spent before every HTTP call (a $batch by its parts): the most calls this client makes; none: unbounded. */
  budget?: CallBudget;
}

export interface GraphCall {
  method: HttpRequest['method'];
  /** `/me/events` (under /v1.0) or an absolute @odata link on Graph's origin. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  idempotent?: boolean;
}

/**
 * On every call: times in UTC, and immutable item ids (an event's default id changes when it moves to another
 * calendar; the immutable one stays for its lifetime in the mailbox: outlook-immutable-id).
 */
const PREFER_UTC = 'outlook.timezone="UTC", IdType="ImmutableId"';
const RETRY_PART = new Set([429, 503, 504]);

/** The origin of a Graph base URL, parsed once per URL (a client is made per scheduling request). */
const origins = new Map<string, string>();
function originOf(baseUrl: string): string {
  let o = origins.get(baseUrl);
  if (o === undefined) {
    o = new URL(baseUrl).origin;
    if (origins.size < 100) origins.set(baseUrl, o);
  }
  return o;
}

export class GraphClient {
  private readonly origin: string;
  private readonly batchSize: number;
  private readonly timing: Timing;

  constructor(private readonly opts: GraphClientOptions) {
    this.origin = originOf(opts.baseUrl);
    this.batchSize = Math.min(20, Math.max(1, opts.batchSize ?? 4));
    this.timing = opts.timing ?? realTiming;
  }

  /** Absolute URL of a call; refuses links to another origin (the token must never leave Graph). */
  url(path: string): string {
    if (/^https?:\/\//i.test(path)) {
      if (new URL(path).origin !== this.origin) {
        throw new AppError('provider_error', 'The calendar provider returned a link to another host.', {
          details: { reason: 'foreign_link' },
        });
      }
      return path;
    }
    return `${this.origin}/v1.0${path.startsWith('/') ? path : `/${path}`}`;
  }

  private headers(token: string, call: GraphCall): Record<string, string> {
    const prefer = [PREFER_UTC, call.headers?.Prefer].filter(Boolean).join(', ');
    const h: Record<string, string> = {
      Accept: 'application/json',
      ...call.headers,
      Prefer: prefer,
      Authorization: `Bearer ${token}`,
    };
    if (call.body !== undefined) h['Content-Type'] = 'application/json';
    return h;
  }

  /** Sends a call with the token; on an invalid-token 401, refreshes once and resends. Returns the raw response. */
  async send(call: GraphCall, weight = 1): Promise<HttpResponse> {
    const req = (token: string): HttpRequest => ({
      method: call.method,
      url: this.url(call.path),
      headers: this.headers(token, call),
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      limitKey: this.opts.limitKey,
      weight,
      idempotent: call.idempotent,
    });
    this.opts.budget?.spend(weight);
    let token = await this.opts.token({ forceRefresh: false });
    let res = await this.opts.transport(req(token));
    if (res.status === 401 && isInvalidTokenError({ status: 401, body: res.body, headers: res.headers })) {
      token = await this.opts.token({ forceRefresh: true, rejected: token });
      res = await this.opts.transport(req(token));
    }
    return res;
  }

  /** Sends a call and returns its JSON body; any status >= 400 throws the mapped AppError. */
  async call<T>(call: GraphCall): Promise<T> {
    const res = await this.send(call);
    if (res.status >= 400) throw mapGraphError({ status: res.status, body: res.body, headers: res.headers });
    return res.body as T;
  }

  /**
   * Runs calls through JSON $batch, `batchSize` per request; parts answered 429/503/504 are re-sent (after their
   * Retry-After) until they succeed or the rounds run out — never dropped. Results are in the order of `calls`.
   */
  async batch(calls: GraphCall[]): Promise<HttpResponse[]> {
    // Refused before any part is sent when the parts alone would spend more than the budget left.
    this.opts.budget?.ensure(calls.length);
    const results: Array<HttpResponse | null> = calls.map(() => null);
    for (let start = 0; start < calls.length; start += this.batchSize) {
      const ids = calls.slice(start, start + this.batchSize).map((_, i) => start + i);
      await this.batchRound(calls, ids, results);
    }
    return results.map((r) => r!);
  }

  private async batchRound(calls: GraphCall[], ids: number[], results: Array<HttpResponse | null>): Promise<void> {
    let pending = ids;
    const rounds = this.opts.batchRetries ?? 5;
    for (let round = 0; pending.length > 0; round++) {
      if (pending.length === 1) {
        results[pending[0]!] = await this.send(calls[pending[0]!]!);
        return;
      }
      const body = {
        requests: pending.map((i) => {
          const c = calls[i]!;
          const url = this.url(c.path).slice(`${this.origin}/v1.0`.length);
          return {
            id: String(i),
            method: c.method,
            url,
            headers: {
              Prefer: [PREFER_UTC, c.headers?.Prefer].filter(Boolean).join(', '),
              ...(c.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
              ...omit(c.headers, 'Prefer'),
            },
            ...(c.body !== undefined ? { body: c.body } : {}),
          };
        }),
      };
      // The batch may be re-sent after an ambiguous failure only when every part may be.
      const idempotent = pending.every(
        (i) => calls[i]!.idempotent ?? ['GET', 'DELETE', 'PUT'].includes(calls[i]!.method),
      );
      const res = await this.send({ method: 'POST', path: '/$batch', body, idempotent }, pending.length);
      if (res.status >= 400) throw mapGraphError({ status: res.status, body: res.body, headers: res.headers });
      const parts = (res.body as { responses?: BatchPart[] })?.responses ?? [];
      let waitMs = 0;
      let longest: HttpResponse | null = null;
      const retryIds: number[] = [];
      for (const i of pending) {
        const part = parts.find((p) => p.id === String(i));
        const headers = new Headers(part?.headers ?? {});
        const r: HttpResponse = { status: part?.status ?? 500, headers, body: part?.body ?? null };
        results[i] = r;
        if (!part || (RETRY_PART.has(r.status) && round < rounds)) {
          retryIds.push(i);
          const hint = retryAfterMs(headers.get('retry-after'), this.timing.now());
          const wait = hint ?? Math.min(8000, 250 * 2 ** round);
          if (wait > waitMs) [waitMs, longest] = [wait, r];
        }
      }
      // Never re-send sooner than asked; a wait longer than the bound is the caller's to schedule.
      if (round < rounds && longest && waitMs > (this.opts.maxRetryWaitMs ?? 30_000))
        throw mapGraphError({ status: longest.status, body: longest.body, headers: longest.headers });
      pending = round < rounds ? retryIds : [];
      if (pending.length > 0) await this.timing.sleep(waitMs);
    }
  }
}

interface BatchPart {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

function omit(h: Record<string, string> | undefined, key: string): Record<string, string> {
  const out = { ...h };
  delete out[key];
  return out;
}

/** Throws the mapped AppError for a failed batch part. */
export function checkPart<T>(res: HttpResponse): T {
  if (res.status >= 400) throw mapGraphError({ status: res.status, body: res.body, headers: res.headers });
  return res.body as T;
}
