// ICalendarProvider for tenants on Google Workspace, on calbridge's Google Calendar adapter.
import type { HttpTransport } from 'calbridge/providers/google';
import { createGoogleProvider } from 'calbridge/providers/google';
import { CalbridgeCalendarAdapter, type AccessTokenFn } from './calbridge-adapter.js';

export interface GoogleAdapterOptions {
  /** `https://www.googleapis.com` in production; the emulator's base URL in tests. */
  apiBaseUrl: string;
  /** The process-wide transport from `createGoogleTransport` (it holds the per-user limits). */
  transport: HttpTransport;
  /** Access tokens from the platform's own token storage. */
  accessToken: AccessTokenFn;
}

export function createGoogleCalendarAdapter(o: GoogleAdapterOptions): CalbridgeCalendarAdapter {
  return new CalbridgeCalendarAdapter((mailbox) =>
    createGoogleProvider({
      apiBaseUrl: o.apiBaseUrl,
      transport: o.transport,
      mailbox,
      roomsEnabled: false,
      token: ({ forceRefresh }) => o.accessToken(mailbox, { forceRefresh }),
    }),
  );
}
