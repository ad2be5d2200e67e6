// The one place platform events are emitted (issue 19): each event goes, through the outbox, to every enabled endpoint
// of the tenant whose filters take it, and (for the types it always received) to the tenant's older single webhook URL
// (`healthWebhookUrl`, signed with the tenant secret) in the body it always had. An insert per receiver: the caller
// (a sync page, a request) never waits for a receiver, and a failed insert is logged, never thrown.
import { randomUUID } from 'node:crypto';
import type { TenantSettings } from '../../domain/tenancy.js';
import type { WebhookEventType } from '../../domain/webhook-events.js';
import type { DeliveryKind, DeliveryStore, TenantSettingsSource } from '../../ports/detection.js';
import type { WebhookEndpointStore } from '../../ports/webhooks.js';

/** The types the tenant's `healthWebhookUrl` received before endpoints existed: its delivery kind and the name it used. */
const LEGACY: Partial<Record<WebhookEventType, { kind: DeliveryKind; type: string }>> = {
  'customer.health_changed': { kind: 'health_webhook', type: 'customer.health_changed' },
  'proposal.created': { kind: 'approval_webhook', type: 'proposal.approval_requested' },
  'proposal.approved': { kind: 'approval_webhook', type: 'proposal.approved' },
  'proposal.rejected': { kind: 'approval_webhook', type: 'proposal.rejected' },
};

export interface PlatformEventsDeps {
  endpoints: Pick<WebhookEndpointStore, 'receiving' | 'enqueue'>;
  outbox: Pick<DeliveryStore, 'enqueue'>;
  settings: TenantSettingsSource;
  now: () => Date;
  /** Where an event that could not be queued is reported (tenant, type and error name only). */
  log?: (o: Record<string, unknown>, msg: string) => void;
  /**
   * Throw instead of logging when an event cannot be queued: for an emitter working inside the caller's transaction
   * (the proposal expiry sweep), whose state change must roll back with the event it could not queue.
   */
  throwOnError?: boolean;
}

/** An event's own fields (beside type, tenantId, occurredAt, eventId and deliveryId). */
export type EventData = Record<string, unknown>;

export class PlatformEvents {
  constructor(private readonly deps: PlatformEventsDeps) {}

  /** Whether anyone receives `type` for the tenant (lets a caller skip work no one would hear of). */
  async hasReceivers(tenantId: string, type: WebhookEventType, settings?: TenantSettings): Promise<boolean> {
    const s = settings ?? (await this.deps.settings.settings(tenantId));
    if (LEGACY[type] && s.healthWebhookUrl) return true;
    return (await this.deps.endpoints.receiving(tenantId, type)).length > 0;
  }

  /**
   * Emits one event: a delivery to each endpoint that receives it and, for the older types, to `healthWebhookUrl`.
   * Returns how many deliveries were queued (0 when nobody listens or the outbox could not be written).
   * @example await events.emit(tenantId, 'sync.failed', { calendarId, connectionId, code });
   */
  async emit(tenantId: string, type: WebhookEventType, data: EventData): Promise<number> {
    try {
      const occurredAt = this.deps.now().toISOString();
      const endpoints = await this.deps.endpoints.receiving(tenantId, type);
      let n = 0;
      if (endpoints.length) {
        const id = randomUUID();
        const body = { eventId: id, type, tenantId, occurredAt, ...data };
        n += (
          await this.deps.endpoints.enqueue(
            tenantId,
            endpoints.map((e) => e.id),
            { id, type, body },
            this.deps.now(),
          )
        ).length;
      }
      const legacy = LEGACY[type];
      if (legacy) {
        const url = (await this.deps.settings.settings(tenantId)).healthWebhookUrl ?? null;
        if (url) {
          const event = { type: legacy.type, tenantId, occurredAt, ...data };
          await this.deps.outbox.enqueue(tenantId, legacy.kind, { url, event }, this.deps.now());
          n++;
        }
      }
      return n;
    } catch (e) {
      if (this.deps.throwOnError) throw e;
      this.deps.log?.({ tenantId, type, code: e instanceof Error ? e.name : 'error' }, 'platform event not queued');
      return 0;
    }
  }
}
