// One vocabulary of errors: every stable error code the API answers with (src/domain/errors.ts, docs/errors.md) as a
// plain sentence and a next step. The UI shows these, never the raw code; the code, the server's message and the
// request id are for support and sit behind a "Details" disclosure (components/error-box.tsx). errors.test.ts fails
// when a code of the registry has no sentence here.
import { ApiError } from './api/client';

export interface ErrorWords {
  /** What happened, in the reader's words. */
  sentence: string;
  /** What to do now. */
  next: string;
}

const RETRY = 'Try again in a moment.';
const RELOAD = 'Reload the page and try again.';
const ADMIN = 'Ask an administrator of your organisation.';

/** Every stable code of the API, plus the ones the client makes itself (network_error, not_available). */
export const ERROR_WORDS: Record<string, ErrorWords> = {
  validation_failed: { sentence: 'Some of what you entered is not valid.', next: 'Check the highlighted fields.' },
  malformed_json: { sentence: 'The app sent something the server could not read.', next: RELOAD },
  bad_request: { sentence: 'That request is not valid.', next: 'Check what you entered and try again.' },
  unsupported_media_type: { sentence: 'The app sent something in a form the server does not accept.', next: RELOAD },
  payload_too_large: { sentence: 'What you sent is too large.', next: 'Make it shorter and try again.' },
  notification_batch_too_large: {
    sentence: 'Too many notifications arrived at once; none were processed.',
    next: 'Send them in smaller batches.',
  },
  unauthenticated: { sentence: 'You are not signed in, or your sign-in has expired.', next: 'Sign in again.' },
  forbidden: { sentence: 'You are not allowed to do this.', next: ADMIN },
  role_required: { sentence: 'Your role does not allow this.', next: `${ADMIN} They can change your role.` },
  not_an_approver: {
    sentence: 'You are not one of the approvers of this proposal.',
    next: 'The proposal lists who can approve it; ask one of them.',
  },
  self_approval_not_allowed: {
    sentence: 'You cannot approve your own proposal of this kind.',
    next: 'Ask another approver. You can still withdraw it.',
  },
  csrf_failed: { sentence: 'Your browser session could not be confirmed for this change.', next: RELOAD },
  last_admin: {
    sentence: 'Your organisation must keep at least one admin.',
    next: 'Make someone else an admin first.',
  },
  user_not_active: {
    sentence: 'This person is not active: invited and not signed in yet, or deactivated.',
    next: 'Wait until they sign in, or reactivate them.',
  },
  not_found: { sentence: 'We could not find that. It may have been deleted.', next: 'Go back and reload the list.' },
  route_not_found: {
    sentence: 'This feature is not available on this server yet.',
    next: 'Ask your administrator to update calbridge.',
  },
  already_exists: { sentence: 'That already exists.', next: 'Use the existing one, or choose another name.' },
  reconnect_required: {
    sentence: 'Your calendar connection has expired or was revoked.',
    next: 'Reconnect your calendar in Settings.',
  },
  not_connected: { sentence: 'Your calendar is not connected.', next: 'Connect Outlook or Google in Settings.' },
  unsupported_mailbox: {
    sentence:
      'This mailbox cannot be reached through the calendar service (for example an on-premises Exchange mailbox).',
    next: ADMIN,
  },
  admin_consent_required: {
    sentence: "Your organisation's administrator must approve calbridge before you can connect.",
    next: 'Send the admin consent link from Settings to your administrator.',
  },
  default_calendar_required: {
    sentence: 'A connection always keeps one default calendar, and it is always synced.',
    next: 'Choose another default calendar first.',
  },
  calendar_not_eligible: {
    sentence: 'This calendar cannot be the default (shared, read-only or not synced).',
    next: 'Choose one of your own calendars.',
  },
  conflict: { sentence: 'Someone else changed this meanwhile.', next: RELOAD },
  proposal_not_pending: {
    sentence: 'This proposal was already approved, rejected or withdrawn.',
    next: 'Reload to see what happened to it.',
  },
  proposal_expired: { sentence: 'This proposal has expired.', next: 'Propose the meeting again.' },
  invalid_state: {
    sentence: 'The connection took too long, was already used, or was started in another browser.',
    next: 'Start connecting again from Settings.',
  },
  signin_state_invalid: {
    sentence: 'The sign-in took too long, was already used, or was started in another browser.',
    next: 'Sign in again.',
  },
  signin_failed: {
    sentence: 'The identity provider did not complete the sign-in, or its answer could not be verified.',
    next: 'Sign in again.',
  },
  signin_not_allowed: {
    sentence: 'Your organisation does not use calbridge on this server.',
    next: ADMIN,
  },
  signin_user_deactivated: { sentence: 'Your calbridge account is deactivated.', next: ADMIN },
  connect_session_mismatch: {
    sentence: 'This calendar connection was started in another browser.',
    next: 'Start connecting again here.',
  },
  oauth_failed: {
    sentence: 'The calendar provider did not complete the authorisation.',
    next: 'Try connecting again.',
  },
  tenant_not_allowed: { sentence: 'Your organisation is not allowed to connect to this server.', next: ADMIN },
  account_mismatch: {
    sentence: 'You signed in at the provider with a different account than your own; nothing was connected.',
    next: 'Connect again and choose your own account.',
  },
  unsatisfiable: {
    sentence: 'No time fits everything you asked for.',
    next: 'Widen the dates or shorten the meeting.',
  },
  online_meeting_unavailable: {
    sentence: 'Your mailbox cannot create online meetings of that kind.',
    next: 'Choose another kind of online meeting, or none.',
  },
  room_unavailable: { sentence: 'The room is no longer free at that time.', next: 'Choose another room or time.' },
  invalid_cursor: {
    sentence: 'That page of the list is no longer valid.',
    next: 'Go back to the first page and page through the list again.',
  },
  invalid_recurrence: {
    sentence: 'That repeat rule cannot be saved; nothing was created or changed.',
    next: 'Start the series on a day of its pattern, and give it an end date or a number of meetings, not both.',
  },
  not_a_series: {
    sentence: 'This meeting does not repeat, so there is no series to change.',
    next: 'Change this meeting on its own.',
  },
  organizer_cannot_respond: {
    sentence: 'You organise this meeting, so there is nothing to accept or decline.',
    next: 'Change or cancel the meeting instead.',
  },
  limit_exceeded: { sentence: 'That asks for more than is allowed at once.', next: 'Narrow it and try again.' },
  domain_not_verified: {
    sentence: "That domain is not one of your organisation's domains; nothing was changed.",
    next: 'Use a domain your colleagues or connected mailboxes use.',
  },
  approver_unknown: {
    sentence: 'One of the named approvers is not an active person in your organisation; nothing was changed.',
    next: 'Choose approvers from the people list.',
  },
  unsafe_pattern: { sentence: 'That subject pattern is not accepted.', next: 'Use plain words instead.' },
  webhook_url_not_allowed: {
    sentence: 'That webhook address is not allowed (https to a public address only).',
    next: 'Use a public https address.',
  },
  webhook_endpoint_disabled: {
    sentence: 'This webhook endpoint is turned off, so it receives no events, tests or redeliveries.',
    next: 'Turn it on first.',
  },
  rate_limited: { sentence: 'Too many requests in a short time.', next: 'Wait a minute and try again.' },
  provider_throttled: { sentence: 'The calendar provider is busy and asked us to slow down.', next: RETRY },
  provider_quota_exceeded: {
    sentence: "The calendar provider's usage limit is used up for now; retrying now will not help.",
    next: 'Try again in a few hours. If it keeps happening, ask an administrator.',
  },
  event_unreachable: {
    sentence: 'The meeting could not be found in its calendar any more; nothing was changed.',
    next: 'Refresh the calendars in Settings and try again.',
  },
  provider_unavailable: { sentence: 'The calendar provider is not reachable right now.', next: RETRY },
  provider_error: { sentence: 'The calendar provider answered with an error.', next: RETRY },
  sync_cursor_expired: {
    sentence: 'The calendar needs a full sync.',
    next: 'It starts by itself; check Settings for progress.',
  },
  permission_denied: {
    sentence: 'The calendar provider did not allow access to this.',
    next: 'Ask the owner for access, or choose something else.',
  },
  write_access_not_granted: {
    sentence: 'calbridge may only read this calendar, so it cannot create, change or cancel meetings.',
    next: `${ADMIN} Then reconnect to allow changes.`,
  },
  calendar_not_writable: {
    sentence: 'This calendar is shared with you without edit rights.',
    next: "Ask the calendar's owner for edit rights, then refresh the calendars in Settings.",
  },
  calendar_access_lost: {
    sentence: 'This calendar is no longer shared with you; its meetings were kept but are no longer synced.',
    next: 'Ask the owner to share it again, or deselect it in Settings.',
  },
  database_unavailable: { sentence: 'calbridge cannot reach its database right now.', next: RETRY },
  internal: { sentence: 'Something went wrong on our side.', next: RETRY },
  // made by the web app itself
  network_error: { sentence: 'The server could not be reached.', next: 'Check your connection and try again.' },
  not_available: {
    sentence: 'This feature is not available on this server yet.',
    next: 'Ask your administrator to update calbridge.',
  },
  // what providers send back to the sign-in and connect pages (?error=)
  access_denied: {
    sentence: 'The sign-in or connection was cancelled at the provider.',
    next: 'Try again when ready.',
  },
  not_configured: { sentence: 'This option is not set up on this server.', next: ADMIN },
};

const GENERIC: ErrorWords = { sentence: 'Something went wrong.', next: RETRY };

/** The words for a code; a code the app does not know gets a sentence by HTTP status, never the code itself. */
export function wordsFor(code: string | null | undefined, status?: number): ErrorWords {
  if (code && Object.hasOwn(ERROR_WORDS, code)) return ERROR_WORDS[code]!;
  if (status === 401) return ERROR_WORDS.unauthenticated!;
  if (status === 403) return ERROR_WORDS.forbidden!;
  if (status === 404) return ERROR_WORDS.not_found!;
  if (status === 409) return ERROR_WORDS.conflict!;
  if (status === 429) return ERROR_WORDS.rate_limited!;
  if (status !== undefined && status >= 500) return ERROR_WORDS.internal!;
  return GENERIC;
}

export interface DescribedError extends ErrorWords {
  /** The stable code (for the Details disclosure only). */
  code: string | null;
  requestId: string | null;
  /** The server's own message (may name fields or limits; Details only). */
  detail: string | null;
  /** Each field's problem (validation_failed), by the last segment of its path: `{ title: 'must NOT be empty' }`. */
  fields: Record<string, string>;
  /** Informational rather than a failure (a feature not deployed yet). */
  notice: boolean;
}

/** Everything the UI may say about an error. */
export function describeError(e: unknown): DescribedError {
  if (e instanceof ApiError) {
    const code = e.notAvailable ? 'not_available' : e.code;
    return {
      ...wordsFor(code, e.status),
      code: e.code,
      requestId: e.requestId,
      detail: e.message || null,
      fields: fieldProblems(e),
      notice: e.notAvailable,
    };
  }
  return {
    ...GENERIC,
    code: null,
    requestId: null,
    detail: e instanceof Error ? e.message : String(e),
    fields: {},
    notice: false,
  };
}

/** One line for places with room for a sentence only (chat answers, toasts): sentence and next step. */
export function errorSentence(e: unknown): string {
  const d = describeError(e);
  return `${d.sentence} ${d.next}`;
}

/**
 * The field problems of an answer, keyed by the field's name: a validation_failed answer's `details.problems` (by the
 * last path segment), or an answer naming one field in `details.field` (its message, when it reads as a sentence).
 */
export function fieldProblems(e: unknown): Record<string, string> {
  if (!(e instanceof ApiError)) return {};
  const field = e.details?.field;
  if (typeof field === 'string' && field) {
    const plain = e.message && !/\b[a-z]+_[a-z_]+\b|\/|\{/.test(e.message);
    return { [field]: plain ? e.message : wordsFor(e.code, e.status).sentence };
  }
  if (e.code !== 'validation_failed') return {};
  const problems = (e.details?.problems ?? []) as Array<{ path?: string; message?: string }>;
  const out: Record<string, string> = {};
  for (const p of Array.isArray(problems) ? problems : []) {
    const name = (p.path ?? '').split('/').filter(Boolean).pop();
    if (name && !out[name]) out[name] = humanProblem(p.message ?? '');
  }
  return out;
}

/** Ajv's wording ("must NOT have fewer than 1 characters") in plain words. */
function humanProblem(m: string): string {
  if (/fewer than 1 characters|must NOT be empty/i.test(m)) return 'This field is required.';
  if (/must have required property/i.test(m)) return 'This field is required.';
  const min = /fewer than (\d+) characters/i.exec(m);
  if (min) return `Enter at least ${min[1]} characters.`;
  const max = /more than (\d+) characters/i.exec(m);
  if (max) return `Enter at most ${max[1]} characters.`;
  if (/must match format "email"/i.test(m)) return 'Enter an e-mail address.';
  if (/must match format "date-time"|must match format "date"/i.test(m)) return 'Enter a valid date and time.';
  if (/must match format "uri"/i.test(m)) return 'Enter a full web address (https://…).';
  if (/must be (integer|number)/i.test(m)) return 'Enter a number.';
  if (/must be >=|must be <=/i.test(m)) return 'This number is out of range.';
  return 'This value is not valid.';
}

/**
 * A problem stored as text by the sync ("provider_error: Graph answered 503", "reconnect_required") in plain words:
 * the sentence of its code when the text starts with one, else a generic sentence. Never shows the code.
 */
export function describeProblemText(text: string | null | undefined): ErrorWords | null {
  if (!text) return null;
  const m = /^\s*([a-z][a-z_]+)\b\s*:?/.exec(text);
  if (m && Object.hasOwn(ERROR_WORDS, m[1]!)) return ERROR_WORDS[m[1]!]!;
  return { sentence: 'The last sync did not succeed.', next: 'calbridge retries by itself; reconnect if this stays.' };
}
