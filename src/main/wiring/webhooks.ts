// Wires the platform webhooks (issue 19): the one event emitter every service calls, the endpoints service and its
// routes, and the listeners that turn connection events, failed syncs and synced meetings into platform events.
import type { RouteModule } from '../../http/app-deps.js';
import { webhookEndpointRoutes } from '../../http/routes/webhook-endpoints.js';
import type { Clock } from '../../ports/clock.js';
import type { ConnectionEventBus } from '../../ports/connections.js';
import type { SyncFailure } from '../../services/sync/sync-service.js';
import { PlatformEvents } from '../../services/webhooks/platform-events.js';
import { MeetingEvents } from '../../services/webhooks/meeting-events.js';
import { WebhookEndpointService } from '../../services/webhooks/webhook-endpoints.js';
import { PgWebhookEndpointStore } from '../../stores/webhook-endpoint-store.js';
import { PgOutboxStore } from '../../stores/webhook-store.js';
import type { Container } from '../container.js';

type Log = (o: Record<string, unknown>, msg: string) => void;

/** The platform event emitter on a container (stateless: any number of them agree). */
export function createPlatformEvents(container: Container, opts: { clock: Clock; log?: Log }): PlatformEvents {
  const db = container.database.db;
  return new PlatformEvents({
    endpoints: new PgWebhookEndpointStore(db),
    outbox: new PgOutboxStore(db),
    settings: { settings: async (tenantId) => (await container.tenantStore.getTenant(tenantId))?.settings ?? {} },
    now: () => opts.clock.now(),
    ...(opts.log ? { log: opts.log } : {}),
  });
}

export interface WebhooksWiring {
  events: PlatformEvents;
  meetingEvents: MeetingEvents;
  endpoints: WebhookEndpointService;
  store: PgWebhookEndpointStore;
  modules: RouteModule[];
  /** Emits connection.connected / needs_reauth / disconnected from a provider's connection events. */
  listenToConnections(bus: ConnectionEventBus): void;
  /** Emits sync.failed for a failed sync run. */
  syncFailed(f: SyncFailure): void;
}

export function createWebhooks(container: Container, opts: { clock: Clock; log?: Log }): WebhooksWiring {
  const db = container.database.db;
  const store = new PgWebhookEndpointStore(db);
  const events = createPlatformEvents(container, opts);
  const endpoints = new WebhookEndpointService({
    store,
    sealer: container.vault,
    policy: { allowLoopback: container.config.allowLoopbackWebhooks },
    now: () => opts.clock.now(),
    audit: container.audit,
  });
  const meetingEvents = new MeetingEvents({ events, meetings: store });
  const CONNECTION_TYPES = {
    'connection.connected': 'connection.connected',
    'connection.needs_reauth': 'connection.needs_reauth',
    'connection.revoked': 'connection.disconnected',
  } as const;
  return {
    events,
    meetingEvents,
    endpoints,
    store,
    modules: [webhookEndpointRoutes(endpoints)],
    listenToConnections: (bus) => {
      bus.subscribe(async (e) => {
        const type = CONNECTION_TYPES[e.type as keyof typeof CONNECTION_TYPES];
        if (!type) return;
        // awaited by the publisher: the event is in the outbox when the action that caused it has finished
        await events.emit(e.tenantId, type, {
          connection: {
            id: e.connectionId,
            userId: e.userId,
            provider: e.provider,
            reason: 'reason' in e ? e.reason : null,
          },
        });
      });
    },
    syncFailed: (f) => {
      void events.emit(f.tenantId, 'sync.failed', {
        sync: {
          calendarId: f.calendarId,
          connectionId: f.connectionId,
          userId: f.userId,
          provider: f.provider,
          code: f.code,
        },
      });
    },
  };
}
