// The error-code registry: every stable code calbridge answers with, its HTTP-neutral kind and default message.
// Codes are part of the public API: never rename or reuse a retired code. docs/errors.md lists the same codes (a test checks).

/** How an error is classified; the HTTP layer maps kinds to statuses (src/http/error-handler.ts). */
export type ErrorKind =
  | 'bad_request'
  | 'unsupported_media'
  | 'too_large'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export const ERROR_CODES = {
  validation_failed: { kind: 'bad_request', message: 'The request does not match the schema.' },
  malformed_json: { kind: 'bad_request', message: 'The request body is not valid JSON.' },
  bad_request: { kind: 'bad_request', message: 'The request is not valid.' },
  unsupported_media_type: { kind: 'unsupported_media', message: 'The request content type is not supported.' },
  payload_too_large: { kind: 'too_large', message: 'The request body is too large.' },
  notification_batch_too_large: {
    kind: 'too_large',
    message: 'The notification batch holds more notifications than are accepted in one request; nothing was processed.',
  },
  unauthenticated: { kind: 'unauthenticated', message: 'A valid API key is required (Authorization: Bearer <key>).' },
  forbidden: { kind: 'forbidden', message: 'This action is not allowed for the caller.' },
  role_required: { kind: 'forbidden', message: 'Your role in this organisation does not allow this action.' },
  not_an_approver: {
    kind: 'forbidden',
    message:
      "The tenant's approval policy does not name you as an approver of this proposal (details.approvers lists who may; GET /api/approval-policy shows the policy).",
  },
  self_approval_not_allowed: {
    kind: 'forbidden',
    message:
      "The tenant's approval policy does not let organizers approve their own proposal of this kind (details.reason); another approver must approve it. You may still reject (withdraw) it.",
  },
  csrf_failed: {
    kind: 'forbidden',
    message: 'A signed-in browser write needs the X-CSRF-Token header of the session (GET /api/auth/session).',
  },
  last_admin: {
    kind: 'conflict',
    message: 'The organisation must keep at least one active admin: make someone else admin first.',
  },
  user_not_active: {
    kind: 'conflict',
    message: 'The user is not active (invited and not yet signed in, or deactivated).',
  },
  not_found: { kind: 'not_found', message: 'The resource does not exist.' },
  route_not_found: { kind: 'not_found', message: 'No such route.' },
  already_exists: { kind: 'conflict', message: 'The resource already exists.' },
  reconnect_required: {
    kind: 'conflict',
    message: 'The calendar connection needs to be re-authorised by the user.',
  },
  not_connected: { kind: 'conflict', message: 'The user has no calendar connection for this provider.' },
  unsupported_mailbox: {
    kind: 'conflict',
    message: 'The mailbox cannot be served through the provider API (for example an on-premises Exchange mailbox).',
  },
  admin_consent_required: {
    kind: 'conflict',
    message: "The organisation's administrator must grant consent before this user can connect.",
  },
  default_calendar_required: {
    kind: 'conflict',
    message: 'A connection always has one default calendar, and it is always synced; choose another default first.',
  },
  calendar_not_eligible: {
    kind: 'conflict',
    message: 'This calendar cannot be the default (shared, read-only or not synced).',
  },
  conflict: { kind: 'precondition_failed', message: 'The event was changed by someone else; reload and retry.' },
  proposal_not_pending: { kind: 'conflict', message: 'The proposal is no longer pending.' },
  proposal_expired: { kind: 'conflict', message: 'The proposal has expired.' },
  invalid_state: { kind: 'bad_request', message: 'The OAuth state is invalid, expired or already used.' },
  signin_state_invalid: {
    kind: 'bad_request',
    message: 'The sign-in link is invalid, expired, already used, or was started in another browser: sign in again.',
  },
  signin_failed: {
    kind: 'bad_request',
    message:
      'The identity provider did not complete the sign-in, or its answer did not pass the checks: sign in again.',
  },
  signin_not_allowed: {
    kind: 'forbidden',
    message: 'No organisation on this server allows sign-in from this account (Microsoft tenant or Google domain).',
  },
  signin_user_deactivated: { kind: 'forbidden', message: 'This user is deactivated in the organisation.' },
  connect_session_mismatch: {
    kind: 'forbidden',
    message: 'This calendar connection was started in another signed-in browser session: start it again here.',
  },
  oauth_failed: { kind: 'bad_request', message: 'The authorisation with the provider failed.' },
  tenant_not_allowed: { kind: 'forbidden', message: 'This organisation is not allowed to connect.' },
  account_mismatch: {
    kind: 'forbidden',
    message:
      'The account signed in at the provider is not the account of the calbridge user who started the connection (details.expected, details.got); nothing was connected. Sign in with your own account, or start the connection with allowOtherAccount: true.',
  },
  unsatisfiable: { kind: 'unprocessable', message: 'The request cannot be satisfied.' },
  online_meeting_unavailable: {
    kind: 'unprocessable',
    message: 'The mailbox cannot create online meetings with the requested provider.',
  },
  room_unavailable: { kind: 'unprocessable', message: 'The room is no longer free at that time.' },
  invalid_recurrence: {
    kind: 'unprocessable',
    message:
      'The recurrence cannot be written (details.reason names the rule broken: for example the start is not a day of the pattern, an end before the start, both an end date and a count); nothing was created or changed.',
  },
  not_a_series: {
    kind: 'unprocessable',
    message:
      'The meeting is not part of a recurring series, so a series-wide change or an occurrence scope does not apply.',
  },
  organizer_cannot_respond: {
    kind: 'conflict',
    message: 'You organize this meeting: only invitees accept, tentatively accept or decline it.',
  },
  limit_exceeded: {
    kind: 'unprocessable',
    message:
      'The request exceeds a stated limit (details.limit names it, details.max is the limit, details.got what was asked); narrow it.',
  },
  domain_not_verified: {
    kind: 'unprocessable',
    message:
      "An own domain must be the domain of one of the tenant's users or connected mailboxes (details.domain names the one refused); nothing was changed.",
  },
  approver_unknown: {
    kind: 'unprocessable',
    message: 'A named approver is not an active user of this tenant (details.userId); nothing was changed.',
  },
  unsafe_pattern: { kind: 'bad_request', message: 'The subject pattern is not accepted.' },
  invalid_cursor: {
    kind: 'bad_request',
    message:
      "The cursor is not one this list gave out (pass a page's nextCursor back unchanged, with the same filters); start again without it.",
  },
  webhook_url_not_allowed: {
    kind: 'bad_request',
    message:
      'The webhook URL is not allowed: calbridge sends webhooks only over https to public addresses (no loopback, private, link-local or reserved address, no redirect).',
  },
  webhook_endpoint_disabled: {
    kind: 'conflict',
    message:
      'The webhook endpoint is disabled: it receives no events, test events or redeliveries until it is enabled again (PATCH it with enabled: true).',
  },
  rate_limited: { kind: 'rate_limited', message: 'Too many requests; retry later.' },
  provider_throttled: { kind: 'rate_limited', message: 'The calendar provider is throttling requests; retry later.' },
  provider_quota_exceeded: {
    kind: 'rate_limited',
    message:
      "The calendar provider's usage limit for this account or app is used up, and retrying now will not help. Google lifts a calendar usage limit after a few hours and resets the daily project quota at midnight Pacific time; if it keeps happening, ask an administrator to review the API quota and how many events are written.",
  },
  event_unreachable: {
    kind: 'conflict',
    message:
      "The provider could not find the event in the calendar it was synced from and did not confirm that it was deleted, so nothing was changed. The calendar may no longer be shared with this connection: refresh the connection's calendars and try again.",
  },
  provider_unavailable: { kind: 'unavailable', message: 'The calendar provider is unavailable; retry later.' },
  provider_error: { kind: 'unavailable', message: 'The calendar provider answered with an error.' },
  sync_cursor_expired: { kind: 'conflict', message: 'The sync cursor is no longer valid; a full resync is needed.' },
  permission_denied: { kind: 'forbidden', message: 'The provider denied access to this resource.' },
  write_access_not_granted: {
    kind: 'forbidden',
    message:
      'This calendar connection was granted read-only access (free/busy and reading): calbridge can show availability and meetings but cannot create, change or cancel events. To let calbridge write, an administrator turns off the read-only setting (MICROSOFT_READ_ONLY / GOOGLE_READ_ONLY) and the user reconnects to grant the write permission named in details.missingScope.',
  },
  calendar_not_writable: {
    kind: 'forbidden',
    message:
      "The calendar is shared with this connection without edit rights (read or free/busy only), so calbridge cannot create, change or cancel its events. Ask the calendar's owner for edit rights (Outlook: 'Can edit' or delegate; Google: 'Make changes to events'), then refresh the connection's calendars.",
  },
  calendar_access_lost: {
    kind: 'conflict',
    message:
      "The calendar is no longer shared with this connection (its owner removed the share, reduced it to free/busy only, or deleted the calendar). calbridge stopped syncing it and kept its meetings; the connection and its other calendars are unaffected. Ask the owner to share it again and refresh the connection's calendars, or deselect it to remove its meetings.",
  },
  database_unavailable: { kind: 'unavailable', message: 'The database is not reachable.' },
  internal: { kind: 'internal', message: 'An internal error occurred.' },
} as const satisfies Record<string, { kind: ErrorKind; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Everything calbridge throws on purpose. `details` must never hold secrets (tokens, keys). */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, options?: { details?: Record<string, unknown>; cause?: unknown }) {
    super(message ?? ERROR_CODES[code].message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.kind = ERROR_CODES[code].kind;
    this.details = options?.details;
  }
}

/** Narrowing helper: `isAppError(e, 'not_found')`. */
export function isAppError(e: unknown, code?: ErrorCode): e is AppError {
  return e instanceof AppError && (code === undefined || e.code === code);
}
