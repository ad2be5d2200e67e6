// Factory for the Microsoft Graph provider: one adapter per connected mailbox, on a shared, decorated transport.
import type { Agent } from 'undici';
import type { CallBudget } from '../../domain/scheduling/limits.js';
import type { CalendarProvider } from '../../ports/calendar-provider.js';
import {
  compose,
  concurrencyLimit,
  requestBudget,
  retry,
  type HttpTransport,
  type RetryOptions,
  type Timing,
} from '../decorators/index.js';
import { GraphClient, type TokenSource } from './client.js';
import { fetchTransport } from './http.js';
import { MicrosoftCalendarAdapter } from './provider.js';

export { MicrosoftCalendarAdapter } from './provider.js';
export { GraphClient } from './client.js';
export { MsalOAuthClient, adminScopes, userRequestScopes, userScopes, type MicrosoftAuthSettings } from './auth.js';
export { createAgent } from './http.js';

export interface GraphTransportOptions {
  agent: Agent;
  retry?: RetryOptions;
  /** Concurrent requests per mailbox (Outlook allows 4). */
  concurrency?: number;
  /** Requests per mailbox per 10 minutes (Outlook allows 10,000; default 9,000). */
  budget?: number;
  timing?: Timing;
}

/**
 * The shared Graph transport: retry (outermost) → request budget → per-mailbox concurrency → HTTPS.
 * Retry sits outside the limits so a waiting retry does not hold one of the mailbox's 4 slots.
 */
export function createGraphTransport(o: GraphTransportOptions): HttpTransport {
  return compose(
    fetchTransport(o.agent),
    retry({ ...o.retry, timing: o.retry?.timing ?? o.timing }),
    requestBudget({ requests: o.budget, timing: o.timing }),
    concurrencyLimit(o.concurrency ?? 4),
  );
}

export interface MicrosoftProviderOptions {
  graphBaseUrl: string;
  transport: HttpTransport;
  token: TokenSource;
  mailbox: string;
  roomsEnabled: boolean;
  timing?: Timing;
  /** Provider calls this provider may make in all (one scheduling operation); none: unbounded. */
  budget?: CallBudget;
  /** Page size asked of delta rounds (the adapter's default: 50). */
  deltaPageSize?: number;
}

/** A CalendarProvider for one mailbox. */
export function createMicrosoftProvider(o: MicrosoftProviderOptions): CalendarProvider {
  const graph = new GraphClient({
    baseUrl: o.graphBaseUrl,
    transport: o.transport,
    token: o.token,
    limitKey: o.mailbox.toLowerCase(),
    timing: o.timing,
    budget: o.budget,
  });
  return new MicrosoftCalendarAdapter(graph, {
    mailbox: o.mailbox,
    roomsEnabled: o.roomsEnabled,
    deltaPageSize: o.deltaPageSize,
  });
}
