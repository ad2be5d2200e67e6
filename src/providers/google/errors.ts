// Maps a Google API error response to calbridge's AppError, once, at the adapter edge (status, reason, domain kept).
import { AppError, ERROR_CODES, type ErrorCode } from '../../domain/errors.js';

/** What calbridge keeps of a Google error. Never holds the request's token. */
export interface GoogleErrorInfo {
  status: number;
  reason: string | null;
  domain: string | null;
  message: string;
}

/** Reads `{ error: { code, message, errors: [{ domain, reason, message }] } }` (or a bare text body). */
export function googleErrorInfo(status: number, body: unknown): GoogleErrorInfo {
  type Item = { reason?: unknown; domain?: unknown };
  const err = (body as { error?: { message?: unknown; errors?: Item[]; details?: Item[] } } | null)?.error;
  // Calendar-style APIs list `errors[]`; google.rpc-style ones (People API) put the reason in `details[]` (ErrorInfo).
  const first = Array.isArray(err?.errors)
    ? err.errors[0]
    : Array.isArray(err?.details)
      ? err.details.find((d) => typeof d?.reason === 'string')
      : undefined;
  return {
    status,
    reason: typeof first?.reason === 'string' ? first.reason : null,
    domain: typeof first?.domain === 'string' ? first.domain : null,
    message:
      typeof err?.message === 'string'
        ? err.message
        : typeof body === 'string' && body.length < 300
          ? body
          : `HTTP ${status}`,
  };
}

/** Throttling: the request rate is too high for now, and backing off for seconds helps. */
const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
/**
 * Usage limits that last hours: `quotaExceeded` (a calendar usage limit; Calendar goes read-only for the user for
 * hours) and `dailyLimitExceeded` (the project's daily quota, reset at midnight Pacific time). Never retried.
 */
const QUOTA_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded']);

/** Whether a 403 is Google's rate limit (retried like a 429), rather than a permission problem or a usage limit. */
export function isRateLimit(info: Pick<GoogleErrorInfo, 'status' | 'reason'>): boolean {
  return (info.status === 403 || info.status === 429) && info.reason !== null && RATE_REASONS.has(info.reason);
}

/** Whether the answer is a usage limit that lasts hours (quotaExceeded, dailyLimitExceeded): not to be retried. */
export function isQuotaLimit(info: Pick<GoogleErrorInfo, 'status' | 'reason'>): boolean {
  return (info.status === 403 || info.status === 429) && info.reason !== null && QUOTA_REASONS.has(info.reason);
}

/** Adapter operations that change events: a missing scope there is the read-only tier. */
const WRITE_OPS = new Set(['insert', 'patch', 'delete']);
/** The scope to ask for, per operation refused with `insufficientPermissions`. */
const SCOPE_OF_OP: Record<string, string> = {
  'gmail.send': 'https://www.googleapis.com/auth/gmail.send',
  settings: 'https://www.googleapis.com/auth/calendar.readonly',
  people: 'https://www.googleapis.com/auth/directory.readonly',
};
const WRITE_SCOPE = 'https://www.googleapis.com/auth/calendar.events';

/** A 403 for a token whose scopes do not cover the method (Google's reason `insufficientPermissions`). */
export function isMissingScope(info: Pick<GoogleErrorInfo, 'status' | 'reason'>): boolean {
  return (
    info.status === 403 &&
    (info.reason === 'insufficientPermissions' || info.reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT')
  );
}

function codeFor(info: GoogleErrorInfo, context: { op?: string }): ErrorCode {
  if (isMissingScope(info) && context.op && WRITE_OPS.has(context.op)) return 'write_access_not_granted';
  if (isQuotaLimit(info)) return 'provider_quota_exceeded';
  if (isRateLimit(info) || info.status === 429) return 'provider_throttled';
  switch (info.status) {
    case 400:
      return info.reason === 'invalid' && /conference/i.test(info.message)
        ? 'online_meeting_unavailable'
        : 'bad_request';
    case 401:
      return 'reconnect_required';
    case 403:
      return 'permission_denied';
    case 404:
      // A write the calendar does not know: the event is elsewhere or the calendar is no longer reachable. Only a
      // 410 `deleted` confirms that the event is gone.
      return context.op === 'patch' || context.op === 'delete' ? 'event_unreachable' : 'not_found';
    case 409:
      return 'already_exists';
    case 410:
      if (info.reason === 'fullSyncRequired' || context.op === 'sync') return 'sync_cursor_expired';
      return 'not_found'; // `deleted`: the resource is gone
    case 412:
      return 'conflict';
    default:
      return info.status >= 500 ? 'provider_unavailable' : 'provider_error';
  }
}

/**
 * Maps a failed Google response to an AppError.
 * @example throw mapGoogleError(410, body, { op: 'sync' }) // sync_cursor_expired
 */
export function mapGoogleError(status: number, body: unknown, context: { op?: string } = {}): AppError {
  const info = googleErrorInfo(status, body);
  const code = codeFor(info, context);
  if (isMissingScope(info)) {
    // The grant lacks a scope (read-only tier, or a scope the user unticked on Google's consent screen): say which,
    // and that reconnecting with it granted is the way to get it.
    const missingScope = code === 'write_access_not_granted' ? WRITE_SCOPE : (SCOPE_OF_OP[context.op ?? ''] ?? null);
    return new AppError(
      code,
      code === 'write_access_not_granted'
        ? undefined
        : `Google did not grant calbridge the access this needs${missingScope ? ` (${missingScope})` : ''}: reconnect Google Calendar and allow it.`,
      {
        details: {
          provider: 'google',
          status,
          reason: info.reason,
          domain: info.domain,
          missingScope,
          action: 'reconnect',
        },
      },
    );
  }
  const message =
    code === 'not_found'
      ? 'The calendar item does not exist (or was deleted).'
      : code === 'provider_quota_exceeded' || code === 'event_unreachable'
        ? `${ERROR_CODES[code].message} (Google Calendar: ${info.message})`
        : `Google Calendar: ${info.message}`;
  return new AppError(code, message, {
    details: { provider: 'google', status, reason: info.reason, domain: info.domain },
  });
}
