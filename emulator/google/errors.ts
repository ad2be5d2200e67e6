// Google API error bodies: { error: { errors: [{ domain, reason, message, location? }], code, message } }.
import type { FastifyReply } from 'fastify';

export class GoogleApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly extra: {
      domain?: string;
      location?: string;
      locationType?: string;
      headers?: Record<string, string>;
      /** `error.status` (the canonical code name), sent by Google's front end for authentication and scope errors. */
      status?: string;
      /** `errors[0].message` when it differs from the top-level message. */
      itemMessage?: string;
    } = {},
  ) {
    super(message);
  }

  body() {
    const item: Record<string, string> = {
      domain: this.extra.domain ?? 'global',
      reason: this.reason,
      message: this.extra.itemMessage ?? this.message,
    };
    if (this.extra.locationType) item.locationType = this.extra.locationType;
    if (this.extra.location) item.location = this.extra.location;
    return {
      error: {
        errors: [item],
        code: this.status,
        message: this.message,
        ...(this.extra.status ? { status: this.extra.status } : {}),
      },
    };
  }
}

export function sendGoogleError(reply: FastifyReply, e: GoogleApiError): FastifyReply {
  for (const [k, v] of Object.entries(e.extra.headers ?? {})) void reply.header(k, v);
  return reply.code(e.status).header('content-type', 'application/json; charset=UTF-8').send(e.body());
}

export const notFound = () => new GoogleApiError(404, 'notFound', 'Not Found');
export const badRequest = (message: string, location?: string) =>
  new GoogleApiError(400, 'invalid', message, location ? { location, locationType: 'parameter' } : {});
export const required = (field: string) => new GoogleApiError(400, 'required', `Missing ${field}.`);
export const forbidden = (message = 'Forbidden') => new GoogleApiError(403, 'forbidden', message);
/** Throttling (seconds: back off and retry) and limits that last hours (quotaExceeded, dailyLimitExceeded). */
export type RateReason = 'rateLimitExceeded' | 'userRateLimitExceeded' | 'quotaExceeded' | 'dailyLimitExceeded';
export const RATE_REASONS: RateReason[] = [
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'quotaExceeded',
  'dailyLimitExceeded',
];
const RATE_MESSAGES: Record<RateReason, string> = {
  rateLimitExceeded: 'Rate Limit Exceeded',
  userRateLimitExceeded: 'User Rate Limit Exceeded',
  quotaExceeded: 'Calendar usage limits exceeded.',
  dailyLimitExceeded: 'Daily Limit Exceeded. The quota will be reset at midnight Pacific Time (PT).',
};
export const rateLimit = (status: 403 | 429, retryAfter?: number, reason: RateReason = 'rateLimitExceeded') =>
  new GoogleApiError(status, reason, RATE_MESSAGES[reason], {
    domain: 'usageLimits',
    headers: retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {},
  });
export const timeRangeEmpty = () =>
  new GoogleApiError(400, 'timeRangeEmpty', 'The specified time range is empty.', {
    domain: 'calendar',
    locationType: 'parameter',
    location: 'timeMax',
  });
export const forbiddenForNonOrganizer = () =>
  new GoogleApiError(
    403,
    'forbiddenForNonOrganizer',
    'Shared properties can only be changed by the organizer of the event.',
    { domain: 'calendar' },
  );
export const updatedMinTooLongAgo = () =>
  new GoogleApiError(410, 'updatedMinTooLongAgo', 'The requested minimum modification time lies too far in the past.', {
    domain: 'calendar',
    locationType: 'parameter',
    location: 'updatedMin',
  });
const CREDENTIAL_HELP =
  'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
/**
 * 401 from Google's front end: no Authorization header (`required`, "Login Required.") or a token it does not accept
 * (`authError`, "Invalid Credentials"); both with `status: UNAUTHENTICATED` and a `WWW-Authenticate` challenge.
 */
export const unauthorized = (missing = false) =>
  new GoogleApiError(
    401,
    missing ? 'required' : 'authError',
    missing
      ? `Request is missing required authentication credential. ${CREDENTIAL_HELP}`
      : `Request had invalid authentication credentials. ${CREDENTIAL_HELP}`,
    {
      location: 'Authorization',
      locationType: 'header',
      status: 'UNAUTHENTICATED',
      itemMessage: missing ? 'Login Required.' : 'Invalid Credentials',
      headers: {
        'www-authenticate': missing
          ? 'Bearer realm="https://accounts.google.com/"'
          : 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
      },
    },
  );
/** 403 for a token whose scopes do not cover the method (`status: PERMISSION_DENIED`, as Google's front end sends). */
export const insufficientScopes = () =>
  new GoogleApiError(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.', {
    status: 'PERMISSION_DENIED',
    itemMessage: 'Insufficient Permission',
  });
export const fullSyncRequired = () =>
  new GoogleApiError(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.', {
    domain: 'calendar',
    locationType: 'parameter',
    location: 'syncToken',
  });
export const conditionNotMet = () =>
  new GoogleApiError(412, 'conditionNotMet', 'Precondition Failed', { locationType: 'header', location: 'If-Match' });
/** A calendar the caller can read but not change (or whose ACL only its owner may change). */
export const requiredAccessLevel = (level: 'writer' | 'owner') =>
  new GoogleApiError(403, 'requiredAccessLevel', `You need to have ${level} access to this calendar.`, {
    domain: 'calendar',
  });
export const deleted = () => new GoogleApiError(410, 'deleted', 'Resource has been deleted');
export const duplicate = () => new GoogleApiError(409, 'duplicate', 'The requested identifier already exists.');
/** A watch whose address is not https (push notifications are delivered over HTTPS only). */
export const webhookUrlNotHttps = (address: string) =>
  new GoogleApiError(400, 'push.webhookUrlNotHttps', `WebHook callback must be HTTPS: ${address}`);
/** A watch reusing a channel id the project has used before (ids are unique per project, also after stop). */
export const channelIdNotUnique = () => new GoogleApiError(400, 'channelIdNotUnique', 'Channel id not unique');
