// Google error mapping: each documented error body becomes one stable calbridge code, details kept, no token text.
import { describe, expect, it } from 'vitest';
import { isMissingScope, isQuotaLimit, isRateLimit, mapGoogleError } from './errors.js';

const body = (code: number, reason: string, domain = 'global', message = 'm') => ({
  error: { errors: [{ domain, reason, message }], code, message },
});

describe('mapGoogleError', () => {
  it.each([
    [403, body(403, 'rateLimitExceeded', 'usageLimits'), {}, 'provider_throttled'],
    [403, body(403, 'userRateLimitExceeded', 'usageLimits'), {}, 'provider_throttled'],
    [403, body(403, 'quotaExceeded', 'usageLimits'), {}, 'provider_quota_exceeded'],
    [403, body(403, 'dailyLimitExceeded', 'usageLimits'), {}, 'provider_quota_exceeded'],
    [429, body(429, 'rateLimitExceeded', 'usageLimits'), {}, 'provider_throttled'],
    [403, body(403, 'forbiddenForNonOrganizer', 'calendar'), {}, 'permission_denied'],
    [404, body(404, 'notFound'), {}, 'not_found'],
    [404, body(404, 'notFound'), { op: 'delete' }, 'event_unreachable'],
    [404, body(404, 'notFound'), { op: 'patch' }, 'event_unreachable'],
    [410, body(410, 'deleted'), { op: 'delete' }, 'not_found'],
    [410, body(410, 'deleted'), {}, 'not_found'],
    [410, body(410, 'fullSyncRequired', 'calendar'), { op: 'sync' }, 'sync_cursor_expired'],
    [412, body(412, 'conditionNotMet'), {}, 'conflict'],
    [409, body(409, 'duplicate'), {}, 'already_exists'],
    [400, body(400, 'invalid', 'global', 'Invalid conference type value.'), {}, 'online_meeting_unavailable'],
    [400, body(400, 'timeRangeEmpty', 'calendar'), {}, 'bad_request'],
    [401, body(401, 'authError'), {}, 'reconnect_required'],
    [500, body(500, 'backendError'), {}, 'provider_unavailable'],
    [503, 'Service Unavailable', {}, 'provider_unavailable'],
  ] as const)('%i %j → %s', (status, b, ctx, code) => {
    const e = mapGoogleError(status, b, ctx);
    expect(e.code).toBe(code);
    expect(e.details).toMatchObject({ provider: 'google', status });
  });

  it('tells a rate-limit 403 from a permission 403', () => {
    expect(isRateLimit({ status: 403, reason: 'userRateLimitExceeded' })).toBe(true);
    expect(isRateLimit({ status: 403, reason: 'insufficientPermissions' })).toBe(false);
  });

  it('tells a usage limit that lasts hours from throttling, with advice in the message', () => {
    expect(isRateLimit({ status: 403, reason: 'quotaExceeded' })).toBe(false);
    expect(isQuotaLimit({ status: 403, reason: 'quotaExceeded' })).toBe(true);
    expect(isQuotaLimit({ status: 403, reason: 'dailyLimitExceeded' })).toBe(true);
    expect(isQuotaLimit({ status: 403, reason: 'rateLimitExceeded' })).toBe(false);
    const e = mapGoogleError(403, body(403, 'quotaExceeded', 'usageLimits', 'Calendar usage limits exceeded.'));
    expect(e.message).toMatch(/few hours/);
    expect(e.message).toContain('Calendar usage limits exceeded.');
    expect(e.details).toMatchObject({ reason: 'quotaExceeded', domain: 'usageLimits' });
  });

  it('names the missing scope of a 403 insufficientPermissions: a write is write_access_not_granted', () => {
    const b = body(403, 'insufficientPermissions', 'global', 'Request had insufficient authentication scopes.');
    expect(isMissingScope({ status: 403, reason: 'insufficientPermissions' })).toBe(true);
    for (const op of ['insert', 'patch', 'delete'])
      expect(mapGoogleError(403, b, { op })).toMatchObject({
        code: 'write_access_not_granted',
        details: { missingScope: 'https://www.googleapis.com/auth/calendar.events', action: 'reconnect' },
      });
    expect(mapGoogleError(403, b, { op: 'gmail.send' })).toMatchObject({
      code: 'permission_denied',
      details: { missingScope: 'https://www.googleapis.com/auth/gmail.send', action: 'reconnect' },
    });
    expect(mapGoogleError(403, b, { op: 'list' })).toMatchObject({
      code: 'permission_denied',
      details: { missingScope: null },
    });
  });
});
