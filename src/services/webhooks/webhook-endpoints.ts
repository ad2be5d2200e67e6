// A tenant's platform webhook endpoints (admins): create, list, change and delete them (the URL checked by the SSRF
// policy), show the signing secret once and rotate it, read the delivery log, redeliver one delivery and send a test
// event. Every query is scoped to the caller's tenant: another tenant's endpoint or delivery is simply not found.
import { randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/tenancy.js';
import type { SecretSealer } from '../../ports/connections.js';
import type { AuditStore } from '../../ports/stores.js';
import type {
  WebhookAttempt,
  WebhookDeliveryStatus,
  WebhookDeliveryView,
  WebhookEndpoint,
  WebhookEndpointStore,
  StoredWebhookEvent,
} from '../../ports/webhooks.js';
import { checkWebhookUrl, type WebhookUrlPolicy } from '../tenancy/webhook-url.js';

/** Endpoints one tenant may have. */
export const MAX_ENDPOINTS = 10;
/** How long, by default, a rotated-out secret still signs deliveries beside the new one (24 h). */
export const DEFAULT_SECRET_OVERLAP_SECONDS = 24 * 3600;
/** The longest overlap a rotation may ask for (7 days). */
export const MAX_SECRET_OVERLAP_SECONDS = 7 * 24 * 3600;

const aad = (tenantId: string, endpointId: string) => `webhook-endpoint-secret:${tenantId}:${endpointId}`;
const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

export interface WebhookEndpointDeps {
  store: WebhookEndpointStore;
  sealer: SecretSealer;
  policy: WebhookUrlPolicy;
  now: () => Date;
  audit?: AuditStore;
}

export interface EndpointInput {
  url: string;
  description?: string;
  eventTypes?: string[];
  enabled?: boolean;
}

const notFound = (what: 'endpoint' | 'delivery') =>
  new AppError('not_found', what === 'endpoint' ? 'No such webhook endpoint.' : 'No such delivery of this endpoint.', {
    details: { resource: what === 'endpoint' ? 'webhook_endpoint' : 'webhook_delivery' },
  });

export class WebhookEndpointService {
  constructor(private readonly d: WebhookEndpointDeps) {}

  list(actor: Actor): Promise<WebhookEndpoint[]> {
    return this.d.store.list(actor.tenantId);
  }

  async get(actor: Actor, id: string): Promise<WebhookEndpoint> {
    const e = await this.d.store.get(actor.tenantId, id);
    if (!e) throw notFound('endpoint');
    return e;
  }

  /** Creates an endpoint; its secret is in the answer and never again. */
  async create(actor: Actor, input: EndpointInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    checkWebhookUrl(input.url, this.d.policy, 'url');
    const count = await this.d.store.count(actor.tenantId);
    if (count >= MAX_ENDPOINTS)
      throw new AppError('limit_exceeded', `A tenant has at most ${MAX_ENDPOINTS} webhook endpoints.`, {
        details: { limit: 'webhook_endpoints', max: MAX_ENDPOINTS, got: count + 1 },
      });
    const secret = newSecret();
    const id = randomUUID(); // the secret is sealed with the endpoint's id in its AAD
    const endpoint = await this.d.store.create(
      actor.tenantId,
      {
        id,
        url: input.url,
        description: input.description ?? '',
        eventTypes: [...new Set(input.eventTypes ?? [])],
        enabled: input.enabled ?? true,
        secretCiphertext: this.d.sealer.seal(secret, aad(actor.tenantId, id)),
      },
      this.d.now(),
    );
    await this.audit(actor, 'webhook_endpoint.created', id, { url: endpoint.url, eventTypes: endpoint.eventTypes });
    return { endpoint, secret };
  }

  async update(actor: Actor, id: string, patch: Partial<EndpointInput>): Promise<WebhookEndpoint> {
    if (patch.url !== undefined) checkWebhookUrl(patch.url, this.d.policy, 'url');
    const e = await this.d.store.update(
      actor.tenantId,
      id,
      {
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.eventTypes !== undefined ? { eventTypes: [...new Set(patch.eventTypes)] } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      },
      this.d.now(),
    );
    if (!e) throw notFound('endpoint');
    await this.audit(actor, 'webhook_endpoint.updated', id, { fields: Object.keys(patch).sort() });
    return e;
  }

  async delete(actor: Actor, id: string): Promise<void> {
    if (!(await this.d.store.delete(actor.tenantId, id))) throw notFound('endpoint');
    await this.audit(actor, 'webhook_endpoint.deleted', id, {});
  }

  /**
   * A new secret, shown here only: deliveries from now on (retries included) are signed with it and, for
   * `overlapSeconds` (default 24 h; 0: not at all), also with the secret it replaces, so a receiver that still has
   * the old one keeps verifying them. A rotation during an overlap keeps only the secret it replaces.
   */
  async rotateSecret(
    actor: Actor,
    id: string,
    opts: { overlapSeconds?: number } = {},
  ): Promise<{ secret: string; rotatedAt: string; previousSecretExpiresAt: string | null }> {
    const overlap = opts.overlapSeconds ?? DEFAULT_SECRET_OVERLAP_SECONDS;
    if (!Number.isInteger(overlap) || overlap < 0 || overlap > MAX_SECRET_OVERLAP_SECONDS)
      throw new AppError(
        'validation_failed',
        `overlapSeconds must be an integer from 0 to ${MAX_SECRET_OVERLAP_SECONDS}.`,
        {
          details: { field: 'overlapSeconds' },
        },
      );
    const secret = newSecret();
    const at = this.d.now();
    const until = overlap > 0 ? new Date(at.getTime() + overlap * 1000) : null;
    const sealed = this.d.sealer.seal(secret, aad(actor.tenantId, id));
    if (!(await this.d.store.setSecret(actor.tenantId, id, sealed, at, until))) throw notFound('endpoint');
    await this.audit(actor, 'webhook_endpoint.secret_rotated', id, { overlapSeconds: overlap });
    return { secret, rotatedAt: at.toISOString(), previousSecretExpiresAt: until ? until.toISOString() : null };
  }

  /** The endpoint's secret in clear, for signing (null when the endpoint is gone). */
  async secretOf(tenantId: string, id: string): Promise<string | null> {
    const sealed = await this.d.store.secretOf(tenantId, id);
    return sealed === null ? null : this.d.sealer.open(sealed, aad(tenantId, id));
  }

  /**
   * Every secret a delivery is signed with now, in clear: the current one first, then the one the last rotation
   * replaced while its overlap lasts (empty when the endpoint is gone).
   */
  async secretsOf(tenantId: string, id: string): Promise<string[]> {
    const current = await this.secretOf(tenantId, id);
    if (current === null) return [];
    const previous = await this.d.store.previousSecretOf(tenantId, id, this.d.now());
    return previous === null ? [current] : [current, this.d.sealer.open(previous, aad(tenantId, id))];
  }

  async deliveries(
    actor: Actor,
    id: string,
    q: { limit?: number; before?: string; status?: WebhookDeliveryStatus },
  ): Promise<WebhookDeliveryView[]> {
    await this.get(actor, id);
    return this.d.store.deliveries(actor.tenantId, id, {
      limit: q.limit ?? 50,
      ...(q.before ? { before: q.before } : {}),
      ...(q.status ? { status: q.status } : {}),
    });
  }

  async delivery(
    actor: Actor,
    id: string,
    deliveryId: string,
  ): Promise<WebhookDeliveryView & { event: StoredWebhookEvent; attemptLog: WebhookAttempt[] }> {
    const d = await this.d.store.delivery(actor.tenantId, id, deliveryId);
    if (!d) throw notFound('delivery');
    return d;
  }

  /** Sends the delivery's event again, as a new delivery (same eventId, new deliveryId, replayOf the old one). */
  async replay(actor: Actor, id: string, deliveryId: string): Promise<WebhookDeliveryView> {
    const endpoint = await this.get(actor, id);
    const d = await this.d.store.delivery(actor.tenantId, id, deliveryId);
    if (!d) throw notFound('delivery');
    this.assertEnabled(endpoint);
    const [newId] = await this.d.store.enqueue(actor.tenantId, [id], d.event, this.d.now(), d.id);
    await this.audit(actor, 'webhook_delivery.replayed', id, { deliveryId: d.id, replayId: newId });
    return (await this.d.store.delivery(actor.tenantId, id, newId!))!;
  }

  /** Queues a `webhook.test` event to this endpoint alone (whatever its filters). */
  async sendTest(actor: Actor, id: string): Promise<WebhookDeliveryView> {
    const endpoint = await this.get(actor, id);
    this.assertEnabled(endpoint);
    const eventId = randomUUID();
    const body = {
      eventId,
      type: 'webhook.test',
      tenantId: actor.tenantId,
      occurredAt: this.d.now().toISOString(),
      endpointId: id,
      requestedBy: { userId: actor.userId },
      message: 'A test event from calbridge: your endpoint is reachable and can verify the signature.',
    };
    const [newId] = await this.d.store.enqueue(
      actor.tenantId,
      [id],
      { id: eventId, type: 'webhook.test', body },
      this.d.now(),
    );
    return (await this.d.store.delivery(actor.tenantId, id, newId!))!;
  }

  private assertEnabled(e: WebhookEndpoint): void {
    if (!e.enabled) throw new AppError('webhook_endpoint_disabled', undefined, { details: { endpointId: e.id } });
  }

  private async audit(actor: Actor, action: string, id: string, details: Record<string, unknown>) {
    await this.d.audit?.record({
      tenantId: actor.tenantId,
      actor: actor.userId,
      action,
      targetType: 'webhook_endpoint',
      targetId: id,
      details,
    });
  }
}
