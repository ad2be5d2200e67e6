// Adapter selection: by provider type, with the test-mode switch selecting the mock for both.
import { describe, expect, it } from 'vitest';
import { isAppError } from '../domain/errors.js';
import { MockCalendarAdapter, MockCalendarWorld } from './mock/index.js';
import { ProviderRegistry } from './registry.js';

const ctx = { tenantId: 't', userId: 'u', connectionId: 'c', mailbox: 'a@contoso.com' };

describe('ProviderRegistry', () => {
  it('selects the mock for both provider types in test mode', () => {
    const r = new ProviderRegistry({ testMode: true, mockWorld: new MockCalendarWorld(), factories: {} });
    const ms = r.forConnection('MICROSOFT', ctx);
    const g = r.forConnection('GOOGLE', ctx);
    expect(ms).toBeInstanceOf(MockCalendarAdapter);
    expect(ms.type).toBe('MICROSOFT');
    expect(g.type).toBe('GOOGLE');
  });

  it('selects the factory of the connection type, and refuses an unconfigured one', () => {
    const world = new MockCalendarWorld();
    const made: string[] = [];
    const r = new ProviderRegistry({
      testMode: false,
      mockWorld: world,
      factories: {
        MICROSOFT: (c) => {
          made.push(`ms:${c.mailbox}`);
          return new MockCalendarAdapter(world, c.mailbox, 'MICROSOFT');
        },
      },
    });
    expect(r.forConnection('MICROSOFT', ctx).type).toBe('MICROSOFT');
    expect(made).toEqual(['ms:a@contoso.com']);
    let err: unknown;
    try {
      r.forConnection('GOOGLE', ctx);
    } catch (e) {
      err = e;
    }
    expect(isAppError(err, 'not_connected')).toBe(true);
  });
});
