// The platform's wiring: which calendar a tenant gets.
import { describe, expect, it } from 'vitest';
import { MockCalendarAdapter } from '../src/adapters/mock.js';
import { createContainer } from '../src/container.js';

const noTokens = () => Promise.reject(new Error('no tokens in this test'));

describe('container', () => {
  it('in mock mode every tenant gets the one in-memory calendar, whatever its provider', async () => {
    const c = createContainer({ calendar: 'mock', accessToken: noTokens });
    const ms = c.providerFor({ id: 'a', calendarProvider: 'MICROSOFT' });
    const g = c.providerFor({ id: 'b', calendarProvider: 'GOOGLE' });
    expect(ms).toBeInstanceOf(MockCalendarAdapter);
    expect(g).toBe(ms);
    expect(c.mockCalendar).toBe(ms);
    await c.close();
  });

  it('a tenant whose provider is not configured gets a clear error; the configured one an adapter', async () => {
    const c = createContainer({
      calendar: 'live',
      google: { apiBaseUrl: 'https://calendar.invalid' },
      accessToken: noTokens,
    });
    expect(() => c.providerFor({ id: 'a', calendarProvider: 'MICROSOFT' })).toThrow('Microsoft 365 is not configured');
    const g = c.providerFor({ id: 'b', calendarProvider: 'GOOGLE' });
    expect(g).not.toBeInstanceOf(MockCalendarAdapter);
    expect(c.mockCalendar).toBeNull();
    await c.close();
    await c.close();
  });
});
