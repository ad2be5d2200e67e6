// Google Calendar connection routes: connect, OAuth callback (public), status, calendars, disconnect.
import { Type } from 'typebox';
import type { ConnectionService } from '../../services/connections/connection-service.js';
import type { RouteModule } from '../app-deps.js';
import { connectionPublicPaths, connectionRoutes } from './integrations-connection.js';

/** The callback is reached by the user's browser from Google: no API key. */
export const GOOGLE_PUBLIC_PATHS = connectionPublicPaths('google');

const CallbackQuery = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 512 })),
  code: Type.Optional(Type.String({ maxLength: 8192 })),
  scope: Type.Optional(Type.String({ maxLength: 4000 })),
  error: Type.Optional(Type.String({ maxLength: 200 })),
  error_description: Type.Optional(Type.String({ maxLength: 4000 })),
  authuser: Type.Optional(Type.String({ maxLength: 20 })),
  hd: Type.Optional(Type.String({ maxLength: 255 })),
  prompt: Type.Optional(Type.String({ maxLength: 50 })),
});

/** The route module, bound to the Google connection service by the feature wiring. */
export function googleRoutes(service: ConnectionService): RouteModule {
  return connectionRoutes(service, {
    slug: 'google',
    summaries: {
      connect: 'Start connecting Google Calendar: returns the Google sign-in URL (state + PKCE, valid 10 minutes)',
      callback: 'OAuth redirect from Google (public); redirects to the settings page',
      status: 'The caller’s Google Calendar connection',
      calendars: 'Re-reads the connected calendars from Google',
      disconnect: 'Disconnect: stop watch channels, erase tokens, mark revoked',
    },
    descriptions: {
      status: 'not_connected, active, needs_reauth or revoked',
      providerTenantId: 'Google Workspace domain (hd), or the address domain',
      providerUserId: 'Google account id (sub)',
    },
    prompts: ['select_account', 'consent'],
    callbackQuery: CallbackQuery,
    reconnectStatuses: ['needs_reauth', 'revoked'],
  });
}
