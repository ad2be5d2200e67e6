// Retry decorator: honours Retry-After (seconds or HTTP date) on 429/503/504, exponential backoff with jitter (full,
// or added on top of the whole step as Google documents) for other 5xx and connection resets. Shaped like Microsoft's
// Graph SDK RetryHandler, as a transport wrapper.
// A Retry-After is never shortened: a wait longer than `maxWaitMs` is not slept in the request but surfaced as an
// AppError carrying `retryAfterSeconds`, so a job can be rescheduled for then (src/services/sync/worker.ts).
import { AppError } from '../../domain/errors.js';
import { retryAfterMs } from '../../domain/retry-after.js';
import {
  realTiming,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  type Timing,
  type TransportDecorator,
} from './http.js';

export interface RetryOptions {
  /** Attempts after the first (default 5). */
  maxRetries?: number;
  /** First backoff step in ms (default 250); doubles per attempt. */
  baseDelayMs?: number;
  /** Longest backoff step in ms when the server gave no Retry-After (default 60 s). */
  maxDelayMs?: number;
  /**
   * Longest Retry-After slept inside the request (default 30 s). A longer one is not shortened: the request fails
   * at once with `provider_throttled` (429) or `provider_unavailable` (503/504) carrying `retryAfterSeconds`.
   */
  maxWaitMs?: number;
  /**
   * How a backoff step is randomised. `full` (default, as Graph's SDK): a random wait up to the step, so a wait may be
   * close to zero. `added` (Google's truncated exponential backoff: 2^n s plus up to 1 s): the whole step plus a
   * random part of up to one base step, so the waits of `maxRetries` retries add up to at least
   * `baseDelayMs × (2^maxRetries − 1)` (steps capped at `maxDelayMs`) and outlast a rate-limit window of that length
   * instead of being spent inside it.
   */
  jitter?: 'full' | 'added';
  timing?: Timing;
  /** Called before each wait (telemetry, tests). */
  onRetry?: (info: { attempt: number; delayMs: number; status: number | null; url: string }) => void;
}

export { retryAfterMs };

const RETRY_AFTER_STATUSES = new Set([429, 503, 504]);

/** Whether a failure may be retried: 429/503 always (the server did not act), anything else only for idempotent requests. */
function retriable(req: HttpRequest, status: number | null): boolean {
  // 429 and 503 mean the request was not processed; a 504 or a reset may hide a completed write.
  if (status === 429 || status === 503) return true;
  const idempotent = req.idempotent ?? (req.method === 'GET' || req.method === 'DELETE' || req.method === 'PUT');
  if (!idempotent) return false;
  return status === null || status >= 500;
}

function isNetworkError(e: unknown): boolean {
  const code = (e as { code?: string; cause?: { code?: string } })?.cause?.code ?? (e as { code?: string })?.code;
  return (
    e instanceof TypeError ||
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'ETIMEDOUT'].includes(code ?? '')
  );
}

/** The failure of a request whose server asked for a longer wait than the decorator sleeps. */
function waitTooLong(req: HttpRequest, res: HttpResponse, waitMs: number): AppError {
  const retryAfterSeconds = Math.ceil(waitMs / 1000);
  const code = res.status === 429 ? 'provider_throttled' : 'provider_unavailable';
  return new AppError(code, `The calendar provider asked to wait ${retryAfterSeconds} s before retrying.`, {
    details: { status: res.status, retryAfterSeconds, host: new URL(req.url).host, reason: 'retry_after' },
  });
}

/**
 * Wraps a transport with retries.
 * @example const t = compose(fetchTransport(agent), retry({ maxRetries: 4 }));
 */
export function retry(opts: RetryOptions = {}): TransportDecorator {
  const timing = opts.timing ?? realTiming;
  const maxRetries = opts.maxRetries ?? 5;
  const base = opts.baseDelayMs ?? 250;
  const maxDelay = opts.maxDelayMs ?? 60_000;
  const maxWait = opts.maxWaitMs ?? 30_000;
  const backoff = (attempt: number) => {
    const step = Math.min(maxDelay, base * 2 ** attempt);
    return opts.jitter === 'added'
      ? Math.min(maxDelay, step + Math.round(timing.random() * base))
      : Math.round(timing.random() * step);
  };
  return (next: HttpTransport) => async (req) => {
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse | null = null;
      try {
        res = await next(req);
      } catch (e) {
        if (attempt >= maxRetries || !isNetworkError(e) || !retriable(req, null)) throw e;
      }
      if (res && res.status < 500 && res.status !== 429) return res;
      if (res && (attempt >= maxRetries || !retriable(req, res.status))) return res;
      const status = res?.status ?? null;
      const hinted =
        res && RETRY_AFTER_STATUSES.has(res.status) ? retryAfterMs(res.headers.get('retry-after'), timing.now()) : null;
      if (res && hinted !== null && hinted > maxWait) throw waitTooLong(req, res, hinted);
      const delayMs = hinted ?? backoff(attempt);
      opts.onRetry?.({ attempt: attempt + 1, delayMs, status, url: req.url });
      await timing.sleep(delayMs);
    }
  };
}
