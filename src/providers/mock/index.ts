// Factory for the mock provider.
import type { ProviderType } from '../../domain/calendar.js';
import type { CalendarProvider } from '../../ports/calendar-provider.js';
import { MockCalendarWorld } from './client.js';
import { MockCalendarAdapter } from './provider.js';

export { MockCalendarWorld, MockCalendarAdapter };

/** A mock provider for one mailbox; pass the same world to connect mailboxes to each other. */
export function createMockProvider(opts: {
  world: MockCalendarWorld;
  mailbox: string;
  type?: ProviderType;
}): CalendarProvider {
  return new MockCalendarAdapter(opts.world, opts.mailbox.toLowerCase(), opts.type ?? 'MICROSOFT');
}
