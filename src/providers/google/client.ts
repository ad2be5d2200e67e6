// The Google Calendar client: the official @googleapis/calendar client on calbridge's decorated transport (retry,
// budget, concurrency) through a fetch bridge; bearer token refreshed once on a 401; errors mapped once.
import { createRequire } from 'node:module';
import type { calendar_v3 } from '@googleapis/calendar';
import { AppError } from '../../domain/errors.js';
import type { CallBudget } from '../../domain/scheduling/limits.js';
import type { HttpResponse, HttpTransport, TransportDecorator } from '../decorators/http.js';
import { googleErrorInfo, isQuotaLimit, isRateLimit, mapGoogleError } from './errors.js';

/** Supplies the access token; `forceRefresh` after Google rejected `rejected`. */
export type TokenSource = (opts: { forceRefresh: boolean; rejected?: string }) => Promise<string>;

export interface GoogleClientOptions {
  /** Root of the Calendar API, e.g. `https://www.googleapis.com` (the emulator's base URL in tests). */
  apiBaseUrl: string;
  /** Root of the Admin SDK Directory API (room resources), e.g. `https://admin.googleapis.com`. */
  directoryBaseUrl: string;
  transport: HttpTransport;
  token: TokenSource;
  /** Whom requests are accounted to (per-user limits). */
  limitKey: string;
  /** Spent before every HTTP call: the most calls this client makes; none: unbounded. */
  budget?: CallBudget;
}

const IDEMPOTENT = 'x-calbridge-idempotent';

/**
 * Google answers rate limits with 403 `rateLimitExceeded` as often as with 429: this innermost decorator turns
 * the former into a 429 so the shared retry decorator backs off on both. A usage limit that lasts hours
 * (`quotaExceeded`, `dailyLimitExceeded`) is never retried: it stays (or becomes) a 403.
 */
export const googleRateLimits: TransportDecorator = (next) => async (req) => {
  const res = await next(req);
  if (res.status !== 403 && res.status !== 429) return res;
  const info = googleErrorInfo(res.status, res.body);
  if (isQuotaLimit(info)) return res.status === 403 ? res : { ...res, status: 403 };
  if (res.status === 403 && isRateLimit(info)) return { ...res, status: 429 };
  return res;
};

/** A `fetch` that sends through the transport, so gaxios (inside the official client) gets retry and limits. */
function bridge(transport: HttpTransport, limitKey: string): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const idempotent = headers[IDEMPOTENT] === '1' ? true : undefined;
    delete headers[IDEMPOTENT];
    const method = (init?.method ?? 'GET').toUpperCase() as 'GET';
    const body =
      typeof init?.body === 'string'
        ? init.body
        : init?.body == null
          ? undefined
          : String(init.body as unknown as string);
    const res: HttpResponse = await transport({ method, url, headers, body, limitKey, idempotent });
    const text =
      res.body === null || res.body === undefined
        ? null
        : typeof res.body === 'string'
          ? res.body
          : JSON.stringify(res.body);
    const empty = res.status === 204 || res.status === 304;
    return new Response(empty ? null : text, { status: res.status, headers: res.headers });
  }) as typeof fetch;
}

interface GaxiosLike {
  response?: { status?: number; data?: unknown };
  status?: number;
}

// @googleapis/calendar (CommonJS, with googleapis-common, gaxios and qs) is required when the first client is made, not
// when the module is imported: a start that talks to no Google calendar loads none of it (about 0.1–0.3 s of CPU of
// each start; issue 20).
const require = createRequire(import.meta.url);

export class GoogleCalendarClient {
  readonly api: calendar_v3.Calendar;
  private readonly fetch: typeof fetch;

  constructor(private readonly opts: GoogleClientOptions) {
    this.fetch = bridge(opts.transport, opts.limitKey);
    const { calendar } = require('@googleapis/calendar') as typeof import('@googleapis/calendar');
    this.api = calendar({
      version: 'v3',
      rootUrl: `${opts.apiBaseUrl.replace(/\/+$/, '')}/`,
      retry: false,
      fetchImplementation: this.fetch,
    });
  }

  private static errorOf(e: unknown): { status: number; data: unknown } | null {
    const g = e as GaxiosLike;
    const status = g?.response?.status ?? g?.status;
    return typeof status === 'number' ? { status, data: g.response?.data ?? null } : null;
  }

  /**
   * Runs one API call with the token; on a 401, refreshes the token once and resends. Failures become AppErrors.
   * @example await client.call('get', (o) => client.api.events.get({ calendarId: 'primary', eventId }, o))
   */
  async call<T>(
    op: string,
    fn: (options: { headers: Record<string, string> }) => Promise<{ data: T }>,
    opts: { idempotent?: boolean } = {},
  ): Promise<T> {
    let token = await this.opts.token({ forceRefresh: false });
    for (let attempt = 0; ; attempt++) {
      this.opts.budget?.spend(1);
      const headers: Record<string, string> = {
        Authorization: `Bearer ${token}`,
        ...(opts.idempotent ? { [IDEMPOTENT]: '1' } : {}),
      };
      try {
        return (await fn({ headers })).data;
      } catch (e) {
        if (e instanceof AppError) throw e;
        const err = GoogleCalendarClient.errorOf(e);
        if (!err)
          throw new AppError('provider_unavailable', 'Google Calendar cannot be reached.', {
            details: { provider: 'google', op },
            cause: e,
          });
        if (err.status === 401 && attempt === 0) {
          token = await this.opts.token({ forceRefresh: true, rejected: token });
          continue;
        }
        throw mapGoogleError(err.status, err.data, { op });
      }
    }
  }

  /**
   * A JSON POST on another Google API (Gmail `messages.send`), with the same token, transport and error mapping. Not
   * retried by the transport unless the caller says it is idempotent.
   */
  async postJson<T>(op: string, url: string, body: unknown): Promise<T> {
    return this.call(op, async ({ headers }) => {
      const res = await this.fetch(url, {
        method: 'POST',
        headers: { ...headers, accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const data = (await res.json().catch(() => null)) as unknown;
      if (!res.ok) throw { response: { status: res.status, data } };
      return { data: data as T };
    });
  }

  /** A plain GET on another Google API (the Admin SDK's room list), with the same token, transport and mapping. */
  async directoryGet<T>(path: string): Promise<T> {
    return this.getJson('directory', `${this.opts.directoryBaseUrl.replace(/\/+$/, '')}${path}`);
  }

  /** A plain, idempotent GET of `url` on any Google API (People API), with the same token, transport and mapping. */
  async getJson<T>(op: string, url: string): Promise<T> {
    return this.call(op, async ({ headers }) => {
      const res = await this.fetch(url, { headers: { ...headers, accept: 'application/json' } });
      const data = (await res.json().catch(() => null)) as unknown;
      if (!res.ok) throw { response: { status: res.status, data } };
      return { data: data as T };
    });
  }
}
