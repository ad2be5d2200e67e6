// Maps a Microsoft Graph error response to calbridge's AppError, once, at the adapter edge (status, Graph code, request id kept).
import { AppError, type ErrorCode } from '../../domain/errors.js';

type HeaderBag = Headers | Record<string, string | string[] | number | undefined | null>;

/**
 * A failed Graph response in either shape the adapter meets: a raw HTTP response (`status`, parsed or text `body`,
 * `headers`) or the Graph client's `GraphError` (`statusCode`, `code`, `requestId`, `body` as JSON text, `headers`).
 */
export interface GraphErrorInput {
  status?: number;
  statusCode?: number;
  body?: unknown;
  headers?: HeaderBag | null;
  code?: string | null;
  message?: string;
  requestId?: string | null;
}

/** What calbridge keeps of a Graph error. Never holds the request's token. */
export interface GraphErrorInfo {
  status: number;
  code: string | null;
  innerCode: string | null;
  message: string;
  requestId: string | null;
  retryAfterSeconds: number | null;
}

function header(headers: HeaderBag | null | undefined, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() !== lower || value === undefined || value === null) continue;
    return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return null;
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/**
 * `Retry-After` as whole seconds (rounded up; Graph sends fractions such as `2.128`), from delta-seconds or an
 * HTTP date relative to `now`. Null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: Date = new Date()): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed));
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** Reads status, Graph error code, inner code, message, request id and Retry-After from either input shape. */
export function readGraphError(input: GraphErrorInput, now?: Date): GraphErrorInfo {
  let body: unknown = input.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      body = null;
    }
  }
  const error = asRecord(asRecord(body)?.error);
  const inner = asRecord(error?.innerError) ?? asRecord(error?.innererror);
  return {
    status: input.status ?? input.statusCode ?? 0,
    code: str(error?.code) ?? str(input.code),
    innerCode: str(inner?.code),
    message: str(error?.message) ?? str(input.message) ?? '',
    requestId:
      str(inner?.['request-id']) ??
      str(inner?.requestId) ??
      str(input.requestId) ??
      header(input.headers, 'request-id') ??
      header(input.headers, 'client-request-id'),
    retryAfterSeconds: parseRetryAfter(header(input.headers, 'retry-after'), now),
  };
}

const UNSUPPORTED_MAILBOX_CODES = new Set(
  [
    'MailboxNotEnabledForRESTAPI',
    'ErrorMailboxNotEnabledForRESTAPI',
    'MailboxNotSupportedForRESTAPI',
    'ErrorNonExistentMailbox',
    'OrganizationFromTenantGuidNotFound',
    'ErrorInvalidUser',
  ].map((c) => c.toLowerCase()),
);
const UNSUPPORTED_MAILBOX_MESSAGE =
  /hosted on-premise|inactive, soft-deleted|REST API is not yet supported for this mailbox|mailbox .*(?:does not exist|not found)/i;
const SYNC_EXPIRED_CODES = new Set([
  'syncstatenotfound',
  'syncstateinvalid',
  'resyncrequired',
  'fullsyncrequired',
  'errorsyncstatenotfound',
]);

function isUnsupportedMailbox(info: GraphErrorInfo): boolean {
  if (info.status < 400 || info.status >= 500) return false;
  const codes = [info.code, info.innerCode].filter((c): c is string => c !== null).map((c) => c.toLowerCase());
  return codes.some((c) => UNSUPPORTED_MAILBOX_CODES.has(c)) || UNSUPPORTED_MAILBOX_MESSAGE.test(info.message);
}

/**
 * True when Graph rejected the access token itself (401, not an unsupported-mailbox 401): the token manager should
 * refresh and retry once, then ask the user to reconnect. Any other error goes through `mapGraphError`.
 */
export function isInvalidTokenError(input: GraphErrorInput): boolean {
  const info = readGraphError(input);
  if (info.status === 401) return !isUnsupportedMailbox(info);
  const challenge = header(input.headers, 'www-authenticate');
  return challenge !== null && /error="?invalid_token/i.test(challenge);
}

function codeFor(info: GraphErrorInfo): ErrorCode {
  const code = (info.code ?? '').toLowerCase();
  if (isUnsupportedMailbox(info)) return 'unsupported_mailbox';
  if (SYNC_EXPIRED_CODES.has(code) || SYNC_EXPIRED_CODES.has((info.innerCode ?? '').toLowerCase()))
    return 'sync_cursor_expired';
  // A malformed id can never name an existing item: treat it like a missing one.
  if (code === 'errorinvalididmalformed') return 'not_found';
  switch (info.status) {
    case 401:
      return 'reconnect_required';
    case 403:
      return 'permission_denied';
    case 404:
      return 'not_found';
    case 409:
    case 412:
      return 'conflict';
    case 410:
      return 'sync_cursor_expired';
    case 429:
      return 'provider_throttled';
    case 503:
    case 504:
      return 'provider_unavailable';
    default:
      return 'provider_error';
  }
}

/**
 * The one translation of a Graph failure into an AppError. `details` carries `status`, `graphCode`,
 * `graphInnerCode`, `requestId` and, for 429/503/504, `retryAfterSeconds`; the Graph message is kept as
 * `providerMessage` (Graph messages name resources, never tokens). The original error is the `cause`.
 * @example mapGraphError({ status: 404, body: { error: { code: 'ErrorItemNotFound', message: '…' } } }).code // 'not_found'
 */
export function mapGraphError(input: GraphErrorInput, options: { now?: Date; cause?: unknown } = {}): AppError {
  const info = readGraphError(input, options.now);
  const code = codeFor(info);
  const details: Record<string, unknown> = {
    status: info.status,
    graphCode: info.code,
    requestId: info.requestId,
  };
  if (info.innerCode !== null) details.graphInnerCode = info.innerCode;
  if (info.message !== '') details.providerMessage = info.message.slice(0, 500);
  if (code === 'reconnect_required') details.reason = 'invalid_token';
  if (info.retryAfterSeconds !== null && (code === 'provider_throttled' || code === 'provider_unavailable')) {
    details.retryAfterSeconds = info.retryAfterSeconds;
  }
  return new AppError(code, undefined, { details, cause: options.cause ?? input });
}
