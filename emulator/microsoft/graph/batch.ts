// JSON batching: validation of a $batch payload, dependency ordering and Outlook's per-mailbox concurrency.
import { GraphHttpError, graphErrorBody } from './errors.js';

export const MAX_BATCH_REQUESTS = 20;
/** Outlook allows 4 concurrent requests per app and mailbox; more in one batch round answer 429. */
export const MAILBOX_CONCURRENCY = 4;

export interface BatchRequest {
  id: string;
  method: string;
  /** Relative to /v1.0, without a leading slash. */
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

export interface BatchResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);
const bad = (message: string) => new GraphHttpError(400, 'BadRequest', message);

/** Validates the `$batch` body; throws 400 for the whole batch like Graph does. */
export function parseBatch(body: unknown): BatchRequest[] {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) throw bad('Invalid batch payload format: a "requests" array is required.');
  if (requests.length === 0) throw bad('Invalid batch payload format: the "requests" array is empty.');
  if (requests.length > MAX_BATCH_REQUESTS)
    throw bad(`The number of batch requests exceeds the limit of ${MAX_BATCH_REQUESTS}.`);
  // Ids are not case-sensitive and must be unique (json-batching.md): `a` and `A` name the same request.
  const ids = new Map<string, string>();
  const out = requests.map((raw): BatchRequest => {
    const r = (raw ?? {}) as Record<string, unknown>;
    const id = typeof r.id === 'number' ? String(r.id) : r.id;
    if (typeof id !== 'string' || !id) throw bad('Each batch request needs an "id".');
    if (ids.has(id.toLowerCase())) throw bad(`Batch request id '${id}' is used more than once.`);
    ids.set(id.toLowerCase(), id);
    const method = typeof r.method === 'string' ? r.method.toUpperCase() : '';
    if (!METHODS.has(method)) throw bad(`Batch request id : ${id} has an invalid method.`);
    if (typeof r.url !== 'string' || !r.url || /^[a-z]+:\/\//i.test(r.url)) {
      throw bad(`Batch request id : ${id} needs a url relative to the version root.`);
    }
    const headers: Record<string, string> = {};
    if (r.headers !== undefined) {
      if (!r.headers || typeof r.headers !== 'object') throw bad(`Batch request id : ${id} has invalid headers.`);
      for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
    }
    const hasBody = r.body !== undefined && r.body !== null;
    if ((method === 'POST' || method === 'PATCH' || method === 'PUT') && (!hasBody || !headers['content-type'])) {
      throw bad(`Write request id : ${id} does not contain Content-Type header or body.`);
    }
    const dependsOn = r.dependsOn === undefined ? [] : r.dependsOn;
    if (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== 'string')) {
      throw bad(`Batch request id : ${id} has an invalid dependsOn.`);
    }
    return {
      id,
      method,
      url: r.url.replace(/^\/+/, ''),
      headers,
      body: hasBody ? r.body : undefined,
      dependsOn: dependsOn as string[],
    };
  });
  for (const r of out) {
    r.dependsOn = r.dependsOn.map((d) => {
      const target = ids.get(d.toLowerCase());
      if (target === undefined || target === r.id)
        throw bad(`Batch request id : ${r.id} depends on an unknown request '${d}'.`);
      return target;
    });
  }
  return out;
}

/** Rounds of requests that run together: a request runs in the round after its last dependency. */
export function rounds(requests: BatchRequest[]): BatchRequest[][] {
  const round = new Map<string, number>();
  const byId = new Map(requests.map((r) => [r.id, r]));
  const visiting = new Set<string>();
  const depth = (r: BatchRequest): number => {
    const known = round.get(r.id);
    if (known !== undefined) return known;
    if (visiting.has(r.id)) throw bad(`Batch request id : ${r.id} is part of a dependency cycle.`);
    visiting.add(r.id);
    const d = r.dependsOn.reduce((m, id) => Math.max(m, depth(byId.get(id) as BatchRequest) + 1), 0);
    visiting.delete(r.id);
    round.set(r.id, d);
    return d;
  };
  const out: BatchRequest[][] = [];
  for (const r of requests) (out[depth(r)] ??= []).push(r);
  return out.filter(Boolean);
}

/** The mailbox a request addresses (lower-cased user key, `me` → the caller), or null. */
export function mailboxOf(url: string, callerUserId: string | null): string | null {
  const path = url.split('?')[0] ?? '';
  const me = /^me(\/|$)/i.test(path);
  if (me) return callerUserId?.toLowerCase() ?? null;
  const m = /^users(?:\/([^/]+)|\('([^']+)'\))/i.exec(path);
  return m ? decodeURIComponent(m[1] ?? m[2] ?? '').toLowerCase() : null;
}

export function failedDependency(id: string): BatchResponse {
  return {
    id,
    status: 424,
    headers: { 'Content-Type': 'application/json' },
    body: graphErrorBody(
      'FailedDependency',
      'The request could not be completed because a request it depends on failed.',
    ),
  };
}

export function mailboxThrottled(id: string, retryAfterSeconds: number): BatchResponse {
  return {
    id,
    status: 429,
    headers: { 'Content-Type': 'application/json', 'Retry-After': String(retryAfterSeconds) },
    body: graphErrorBody('ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', undefined, 429),
  };
}
