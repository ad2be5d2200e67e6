// Outlook connection routes: connect, OAuth callback (public), status, admin consent URL, calendars, disconnect.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ConnectionService } from '../../services/connections/connection-service.js';
import { actorOf } from '../auth.js';
import type { RouteModule } from '../app-deps.js';
import { errors } from '../schemas.js';
import { connectionPublicPaths, connectionRoutes } from './integrations-connection.js';

/** The callback is reached by the user's browser from Microsoft: no API key. */
export const OUTLOOK_PUBLIC_PATHS = connectionPublicPaths('outlook');

const CallbackQuery = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 512 })),
  code: Type.Optional(Type.String({ maxLength: 8192 })),
  error: Type.Optional(Type.String({ maxLength: 200 })),
  error_description: Type.Optional(Type.String({ maxLength: 4000 })),
  admin_consent: Type.Optional(Type.String({ maxLength: 10 })),
  tenant: Type.Optional(Type.String({ maxLength: 100 })),
});

/** Organisation-wide consent: a link for an administrator, with the scopes asked for and why. */
function adminConsentRoute(service: ConnectionService) {
  return (untyped: FastifyInstance, { base, tags }: { base: string; tags: string[] }) => {
    untyped.withTypeProvider<TypeBoxTypeProvider>().get(
      `${base}/admin-consent-url`,
      {
        schema: {
          tags,
          summary: 'Link for an administrator to consent for the whole organisation, with the scopes and why',
          querystring: Type.Object({ tenant: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9.-]{1,100}$' })) }),
          response: {
            200: Type.Object({
              url: Type.String(),
              expiresAt: Type.String(),
              scopes: Type.Array(Type.Object({ scope: Type.String(), why: Type.String(), adminOnly: Type.Boolean() })),
            }),
            ...errors(503),
          },
        },
      },
      async (req) => service.adminConsentUrl(actorOf(req), req.query.tenant),
    );
  };
}

/** The route module, bound to the connection service by the feature wiring. */
export function outlookRoutes(service: ConnectionService): RouteModule {
  return connectionRoutes(service, {
    slug: 'outlook',
    summaries: {
      connect: 'Start connecting Outlook: returns the Microsoft sign-in URL (state + PKCE, valid 10 minutes)',
      callback: 'OAuth redirect from Microsoft (public); redirects to the settings page',
      status: 'The caller’s Outlook connection',
      calendars: 'Re-reads the connected calendars (own and shared) from Outlook',
      disconnect: 'Disconnect: delete subscriptions, erase tokens, mark revoked',
    },
    descriptions: {
      status: 'not_connected, active, needs_reauth, revoked, unsupported_mailbox or consent_required',
      providerTenantId: 'Entra tenant id (tid)',
      providerUserId: 'Entra object id (oid)',
    },
    prompts: ['select_account', 'consent', 'login'],
    callbackQuery: CallbackQuery,
    reconnectStatuses: ['needs_reauth', 'revoked', 'consent_required'],
    extraRoutes: adminConsentRoute(service),
  });
}
