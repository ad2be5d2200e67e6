// Unit tests for who counts as external and the connection errors callers get.
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../domain/errors.js';
import type { Tenant } from '../../domain/tenancy.js';
import { assertUsable, internalDomains, isExternal, type SchedulingDeps } from './context.js';

const tenant = {
  id: 't',
  name: 'T',
  calendarProvider: 'MICROSOFT',
  settings: { ownDomains: ['Contoso.com'] },
  createdAt: '',
} as Tenant;
const deps = { connectUrl: (p: string) => `https://cb.test/${p}` } as unknown as SchedulingDeps;

describe('internal and external', () => {
  it('treats own domains, their subdomains and the mailbox domain as internal', () => {
    const internal = internalDomains(tenant, 'me@contoso.onmicrosoft.com');
    expect(isExternal('a@contoso.com', internal)).toBe(false);
    expect(isExternal('a@eu.contoso.com', internal)).toBe(false);
    expect(isExternal('a@contoso.onmicrosoft.com', internal)).toBe(false);
    expect(isExternal('a@notcontoso.com', internal)).toBe(true);
    expect(isExternal('a@acmecorp.com', internal)).toBe(true);
  });
});

describe('assertUsable', () => {
  const conn = {
    id: 'c',
    tenantId: 't',
    userId: 'u',
    provider: 'MICROSOFT' as const,
    statusReason: 'invalid_grant',
    mailbox: 'me@contoso.com',
  };
  const err = (f: () => void) => {
    try {
      f();
    } catch (e) {
      return e;
    }
    return null;
  };
  it('answers not_connected, reconnect_required with the connect URL, or unsupported_mailbox', () => {
    expect(
      isAppError(
        err(() => assertUsable(deps, null)),
        'not_connected',
      ),
    ).toBe(true);
    const e = err(() => assertUsable(deps, { ...conn, status: 'needs_reauth' }));
    expect(isAppError(e, 'reconnect_required') && e.details).toMatchObject({
      connectUrl: 'https://cb.test/MICROSOFT',
      reason: 'invalid_grant',
    });
    expect(
      isAppError(
        err(() => assertUsable(deps, { ...conn, status: 'unsupported_mailbox' })),
        'unsupported_mailbox',
      ),
    ).toBe(true);
    expect(err(() => assertUsable(deps, { ...conn, status: 'active' }))).toBeNull();
  });
});
