// Factory for the Google Calendar provider: one adapter per connected account, on a shared, decorated transport.
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
import { fetchTransport } from '../microsoft-graph/http.js';
import { GoogleCalendarClient, googleRateLimits, type TokenSource } from './client.js';
import { peopleBaseUrlFor } from './people.js';
import { GoogleCalendarAdapter, type GoogleAdapterOptions } from './provider.js';

export { GoogleCalendarAdapter, defaultGoogleWorkingHours } from './provider.js';
export { GoogleCalendarClient, googleRateLimits } from './client.js';
export { GoogleOAuthClient, googleScopes, type GoogleAuthSettings } from './auth.js';
export { createAgent } from '../microsoft-graph/http.js';

export interface GoogleTransportOptions {
  agent: Agent;
  retry?: RetryOptions;
  /** Concurrent requests per user (default 4). */
  concurrency?: number;
  /** Requests per user per 10 minutes (default 9,000). */
  budget?: number;
  timing?: Timing;
}

/**
 * The shared Google transport: retry (outermost) → request budget → per-user concurrency → 403 rate limit as 429 → HTTPS.
 */
export function createGoogleTransport(o: GoogleTransportOptions): HttpTransport {
  return compose(
    fetchTransport(o.agent),
    // Google sends no Retry-After on rate limits and asks for exponential backoff: more, longer steps than Graph, each
    // waited whole with the jitter added (2^n steps + random), so 8 retries span at least 255 base steps and outlast
    // the sliding rate-limit window rather than being spent inside it (full jitter can retry almost at once).
    retry({ maxRetries: 8, baseDelayMs: 500, jitter: 'added', ...o.retry, timing: o.retry?.timing ?? o.timing }),
    requestBudget({ requests: o.budget, timing: o.timing }),
    concurrencyLimit(o.concurrency ?? 4),
    googleRateLimits,
  );
}

export interface GoogleProviderOptions {
  /** Calendar API root (`https://www.googleapis.com` or the emulator's base URL). */
  apiBaseUrl: string;
  /** Admin SDK root for room resources (default: apiBaseUrl). */
  directoryBaseUrl?: string;
  transport: HttpTransport;
  token: TokenSource;
  mailbox: string;
  roomsEnabled: boolean;
  /** How a Meet still being created is awaited (see GoogleAdapterOptions.conferencePoll). */
  conferencePoll?: GoogleAdapterOptions['conferencePoll'];
  /** The user's working hours kept by calbridge (see GoogleAdapterOptions.workingHours). */
  workingHours?: GoogleAdapterOptions['workingHours'];
  /** Provider calls this provider may make in all (one scheduling operation); none: unbounded. */
  budget?: CallBudget;
  /** People API root for directory search (default: Google's own host, or apiBaseUrl when that is not Google's). */
  peopleBaseUrl?: string;
}

/** A CalendarProvider for one Google account. */
export function createGoogleProvider(o: GoogleProviderOptions): CalendarProvider {
  const client = new GoogleCalendarClient({
    apiBaseUrl: o.apiBaseUrl,
    directoryBaseUrl: o.directoryBaseUrl ?? o.apiBaseUrl,
    transport: o.transport,
    token: o.token,
    limitKey: o.mailbox.toLowerCase(),
    budget: o.budget,
  });
  return new GoogleCalendarAdapter(client, {
    mailbox: o.mailbox,
    roomsEnabled: o.roomsEnabled,
    ...(o.conferencePoll ? { conferencePoll: o.conferencePoll } : {}),
    ...(o.workingHours ? { workingHours: o.workingHours } : {}),
    peopleBaseUrl: o.peopleBaseUrl ?? peopleBaseUrlFor(o.apiBaseUrl),
  });
}
