// Tests for the Graph error → AppError mapping: every status/code rule, Retry-After forms, token safety, corpus samples.
import { describe, expect, it } from 'vitest';
import { corpusAvailable, graphCase } from '../../../emulator/conformance/corpus.js';
import { isInvalidTokenError, mapGraphError, parseRetryAfter, readGraphError } from './errors.js';

const graphBody = (code: string, message = 'msg', requestId = 'req-1') => ({
  error: { code, message, innerError: { 'request-id': requestId, date: '2026-03-08T15:00:00' } },
});

describe('mapGraphError', () => {
  it.each([
    [403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.', 'permission_denied'],
    [404, 'ErrorItemNotFound', 'The specified object was not found in the store.', 'not_found'],
    [400, 'ErrorInvalidIdMalformed', 'Id is malformed.', 'not_found'],
    [404, 'MailboxNotEnabledForRESTAPI', 'REST API is not yet supported for this mailbox.', 'unsupported_mailbox'],
    [
      404,
      'ResourceNotFound',
      'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
      'unsupported_mailbox',
    ],
    [404, 'ErrorNonExistentMailbox', 'The SMTP address has no mailbox associated with it.', 'unsupported_mailbox'],
    [401, 'OrganizationFromTenantGuidNotFound', 'The tenant for tenant guid does not exist.', 'unsupported_mailbox'],
    [410, 'syncStateNotFound', 'The sync state is not found.', 'sync_cursor_expired'],
    [410, 'SyncStateNotFound', 'x', 'sync_cursor_expired'],
    [410, 'resyncRequired', 'x', 'sync_cursor_expired'],
    [400, 'SyncStateInvalid', 'x', 'sync_cursor_expired'],
    [
      412,
      'ErrorIrresolvableConflict',
      'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
      'conflict',
    ],
    [409, 'ErrorIrresolvableConflict', 'x', 'conflict'],
    [429, 'TooManyRequests', 'x', 'provider_throttled'],
    [503, 'ServiceUnavailable', 'x', 'provider_unavailable'],
    [504, 'GatewayTimeout', 'x', 'provider_unavailable'],
    [500, 'ErrorInternalServerError', 'x', 'provider_error'],
    [400, 'ErrorInvalidRequest', 'x', 'provider_error'],
    [401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.', 'reconnect_required'],
  ] as const)('%i %s → %s', (status, code, message, expected) => {
    const err = mapGraphError({ status, body: graphBody(code, message) });
    expect(err.code).toBe(expected);
    expect(err.details).toMatchObject({ status, graphCode: code, requestId: 'req-1' });
  });

  it('keeps Retry-After seconds for throttling and unavailability, rounded up', () => {
    const throttled = mapGraphError({
      status: 429,
      body: graphBody('TooManyRequests'),
      headers: { 'Retry-After': '2.128' },
    });
    expect(throttled.details?.retryAfterSeconds).toBe(3);
    const unavailable = mapGraphError({ status: 503, body: null, headers: new Headers({ 'retry-after': '10' }) });
    expect(unavailable.code).toBe('provider_unavailable');
    expect(unavailable.details?.retryAfterSeconds).toBe(10);
    expect(
      mapGraphError({ status: 404, body: graphBody('ErrorItemNotFound'), headers: { 'Retry-After': '5' } }).details,
    ).not.toHaveProperty('retryAfterSeconds');
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-03-08T15:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Sun, 08 Mar 2026 15:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Sun, 08 Mar 2026 14:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('reads the Graph client GraphError shape (statusCode, JSON text body, requestId)', () => {
    const graphError = {
      statusCode: 404,
      code: 'ErrorItemNotFound',
      message: 'The specified object was not found in the store.',
      requestId: 'abc-123',
      body: JSON.stringify(
        graphBody('ErrorItemNotFound', 'The specified object was not found in the store.', 'abc-123'),
      ),
      headers: new Headers(),
    };
    const err = mapGraphError(graphError);
    expect(err.code).toBe('not_found');
    expect(err.details).toMatchObject({ status: 404, graphCode: 'ErrorItemNotFound', requestId: 'abc-123' });
    expect(err.cause).toBe(graphError);
  });

  it('reads request ids from innerError.requestId (older shape) and from the response header', () => {
    expect(
      readGraphError({ status: 500, body: { error: { code: 'x', innerError: { requestId: 'old' } } } }).requestId,
    ).toBe('old');
    expect(readGraphError({ status: 500, body: 'not json', headers: { 'request-id': 'hdr' } }).requestId).toBe('hdr');
    expect(readGraphError({ status: 502, body: undefined }).code).toBeNull();
  });

  it('marks a rejected token as reconnect_required with reason invalid_token', () => {
    const err = mapGraphError({
      status: 401,
      body: graphBody('InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'),
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    });
    expect(err.code).toBe('reconnect_required');
    expect(err.details?.reason).toBe('invalid_token');
  });
});

describe('isInvalidTokenError', () => {
  it('is true for a 401 with an invalid token and for an invalid_token challenge', () => {
    expect(isInvalidTokenError({ status: 401, body: graphBody('InvalidAuthenticationToken') })).toBe(true);
    expect(isInvalidTokenError({ status: 400, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } })).toBe(
      true,
    );
  });
  it('is false for unsupported mailboxes and other errors', () => {
    expect(isInvalidTokenError({ status: 401, body: graphBody('OrganizationFromTenantGuidNotFound', 'x') })).toBe(
      false,
    );
    expect(isInvalidTokenError({ status: 403, body: graphBody('ErrorAccessDenied') })).toBe(false);
    expect(isInvalidTokenError({ status: 429, body: graphBody('TooManyRequests') })).toBe(false);
  });
});

const hasCorpus = corpusAvailable(
  'graph-conformance',
  'Graph error mapping of the corpus error samples (src/providers/microsoft-graph/errors.test.ts)',
);

describe.skipIf(!hasCorpus)('conformance corpus error samples', () => {
  const load = (id: string) =>
    graphCase<{ response: { status: number | null; headers: Record<string, string> | null; body: unknown } }>(id);
  it('maps the throttling sample to provider_throttled with its Retry-After and request id', () => {
    const { response } = load('concept-throttling-1');
    const err = mapGraphError({ status: response.status ?? 0, headers: response.headers, body: response.body });
    expect(err.code).toBe('provider_throttled');
    expect(err.details).toMatchObject({
      status: 429,
      graphCode: 'TooManyRequests',
      graphInnerCode: '429',
      requestId: '94fb3b52-452a-4535-a601-69e0a90e3aa2',
      retryAfterSeconds: 3,
    });
  });
  it('reads both error-body samples (requestId and request-id)', () => {
    for (const id of ['concept-errors-1', 'concept-errors-contrib-1']) {
      const info = readGraphError({ status: 416, body: load(id).response.body });
      expect(info).toMatchObject({
        code: 'invalidRange',
        message: 'Uploaded fragment overlaps with existing data.',
        requestId: 'request-id',
      });
    }
  });
});
