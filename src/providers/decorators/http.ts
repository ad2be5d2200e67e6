// The HTTP transport the provider clients are built on, as a function, so cross-cutting behaviour wraps it.

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  /** JSON text. */
  body?: string;
  /** Whom the request is accounted to by the provider's limits (e.g. the mailbox); shared by all its requests. */
  limitKey?: string;
  /** How many provider requests this one counts as (a JSON batch of 4 counts 4). */
  weight?: number;
  /** Safe to resend after a connection reset / 5xx (GET, DELETE, creates with an idempotency key). */
  idempotent?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, the text when it is not JSON, or null when empty. */
  body: unknown;
}

export type HttpTransport = (req: HttpRequest) => Promise<HttpResponse>;

/** A wrapper adding one behaviour around a transport. */
export type TransportDecorator = (next: HttpTransport) => HttpTransport;

/** Applies decorators outermost first: `compose(t, retry, limit)` = retry(limit(t)). */
export function compose(transport: HttpTransport, ...decorators: TransportDecorator[]): HttpTransport {
  return decorators.reduceRight((next, d) => d(next), transport);
}

/** Injected timing, so tests and benchmarks control waiting. */
export interface Timing {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const realTiming: Timing = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  random: () => Math.random(),
};
