// ICalendarProvider for tenants on Microsoft 365, on calbridge's Microsoft Graph adapter.
import type { HttpTransport } from 'calbridge/providers/microsoft';
import { createMicrosoftProvider } from 'calbridge/providers/microsoft';
import { CalbridgeCalendarAdapter, type AccessTokenFn } from './calbridge-adapter.js';

export interface MicrosoftAdapterOptions {
  /** `https://graph.microsoft.com` in production; the emulator's base URL in tests. */
  graphBaseUrl: string;
  /** The process-wide transport from `createGraphTransport` (it holds the per-mailbox limits). */
  transport: HttpTransport;
  /** Access tokens from the platform's own token storage. */
  accessToken: AccessTokenFn;
}

export function createMicrosoftCalendarAdapter(o: MicrosoftAdapterOptions): CalbridgeCalendarAdapter {
  return new CalbridgeCalendarAdapter((mailbox) =>
    createMicrosoftProvider({
      graphBaseUrl: o.graphBaseUrl,
      transport: o.transport,
      mailbox,
      roomsEnabled: false,
      token: ({ forceRefresh }) => o.accessToken(mailbox, { forceRefresh }),
    }),
  );
}
