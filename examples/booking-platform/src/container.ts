// The platform's dependency wiring: which ICalendarProvider a tenant gets. One transport per provider per process:
// calbridge's transports hold the per-mailbox concurrency and request budgets, so every adapter must share them.
import { createAgent, createGraphTransport, type HttpTransport } from 'calbridge/providers/microsoft';
import { createGoogleTransport } from 'calbridge/providers/google';
import type { CalendarProviderKind, ICalendarProvider } from './calendar-provider.js';
import type { AccessTokenFn } from './adapters/calbridge-adapter.js';
import { createGoogleCalendarAdapter } from './adapters/google.js';
import { createMicrosoftCalendarAdapter } from './adapters/microsoft.js';
import { MockCalendarAdapter } from './adapters/mock.js';

export interface Tenant {
  id: string;
  calendarProvider: CalendarProviderKind;
}

export interface ContainerConfig {
  /**
   * `live`: each tenant's own provider. `mock`: every tenant gets the one in-memory calendar (tests, local runs).
   */
  calendar: 'live' | 'mock';
  microsoft?: {
    /** `https://graph.microsoft.com`. */
    graphBaseUrl: string;
    /** Extra CA to trust (the emulator's in tests); none in production. */
    caPem?: string;
  };
  google?: {
    /** `https://www.googleapis.com`. */
    apiBaseUrl: string;
    caPem?: string;
  };
  /** The platform's token storage, per provider (each provider has its own OAuth connection). */
  accessToken: (provider: CalendarProviderKind, userEmail: string, opts: { forceRefresh: boolean }) => Promise<string>;
}

export interface Container {
  providerFor(tenant: Tenant): ICalendarProvider;
  /** The in-memory calendar when `calendar: 'mock'`. */
  readonly mockCalendar: MockCalendarAdapter | null;
  /** Closes the HTTPS connection pools (on shutdown). */
  close(): Promise<void>;
}

export function createContainer(config: ContainerConfig): Container {
  const mockCalendar = config.calendar === 'mock' ? new MockCalendarAdapter() : null;
  const agents: Array<ReturnType<typeof createAgent>> = [];

  // Built on first use, then shared by every tenant of that provider.
  let graph: HttpTransport | null = null;
  let google: HttpTransport | null = null;
  const tokensFor =
    (provider: CalendarProviderKind): AccessTokenFn =>
    (userEmail, opts) =>
      config.accessToken(provider, userEmail, opts);

  const microsoftAdapter = (): ICalendarProvider => {
    const ms = config.microsoft;
    if (!ms) throw new Error('Microsoft 365 is not configured');
    if (!graph) {
      const agent = createAgent(null, ms.caPem);
      agents.push(agent);
      graph = createGraphTransport({ agent });
    }
    return createMicrosoftCalendarAdapter({
      graphBaseUrl: ms.graphBaseUrl,
      transport: graph,
      accessToken: tokensFor('MICROSOFT'),
    });
  };

  const googleAdapter = (): ICalendarProvider => {
    const g = config.google;
    if (!g) throw new Error('Google Calendar is not configured');
    if (!google) {
      const agent = createAgent(null, g.caPem);
      agents.push(agent);
      google = createGoogleTransport({ agent });
    }
    return createGoogleCalendarAdapter({
      apiBaseUrl: g.apiBaseUrl,
      transport: google,
      accessToken: tokensFor('GOOGLE'),
    });
  };

  return {
    mockCalendar,
    providerFor(tenant) {
      if (mockCalendar) return mockCalendar;
      switch (tenant.calendarProvider) {
        case 'MICROSOFT':
          return microsoftAdapter();
        case 'GOOGLE':
          return googleAdapter();
      }
    },
    async close() {
      await Promise.all(agents.splice(0).map((a) => a.close()));
    },
  };
}
