// Ports of the platform webhooks (issue 19): a tenant's endpoints, their deliveries in the outbox and the delivery log.
// Domain types only; the Postgres adapter is src/stores/webhook-endpoint-store.ts.

/** One endpoint of a tenant: where events go, which ones (empty: all), and whether it receives any. */
export interface WebhookEndpoint {
  id: string;
  tenantId: string;
  url: string;
  description: string;
  /** Event types it receives; empty means every type. */
  eventTypes: string[];
  enabled: boolean;
  secretRotatedAt: string;
  /** Until when deliveries are also signed with the secret the last rotation replaced (null: none is kept). */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type WebhookDeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** One attempt at sending a delivery: never the secret, the answer's body cut to a few hundred characters. */
export interface WebhookAttempt {
  attempt: number;
  attemptedAt: string;
  /** The receiver's HTTP status, null when none came (refused, timed out, not allowed). */
  statusCode: number | null;
  error: string | null;
  /** The start of the receiver's answer (truncated), null when it sent none. */
  responseBody: string | null;
  durationMs: number;
  /** When the next attempt is due, null when none follows (sent, or given up). */
  nextRetryAt: string | null;
}

/** A delivery of one event to one endpoint, as the delivery log shows it. */
export interface WebhookDeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  /** When the next attempt is due (pending), else null. */
  nextRetryAt: string | null;
  /** The delivery this one redelivers (replay), else null. */
  replayOf: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** The event a delivery carries (without its deliveryId, added when it is sent). */
export interface StoredWebhookEvent {
  id: string;
  type: string;
  body: Record<string, unknown>;
}

export interface WebhookEndpointStore {
  create(
    tenantId: string,
    e: {
      id: string;
      url: string;
      description: string;
      eventTypes: string[];
      enabled: boolean;
      secretCiphertext: string;
    },
    now: Date,
  ): Promise<WebhookEndpoint>;
  list(tenantId: string): Promise<WebhookEndpoint[]>;
  count(tenantId: string): Promise<number>;
  get(tenantId: string, id: string): Promise<WebhookEndpoint | null>;
  update(
    tenantId: string,
    id: string,
    patch: Partial<Pick<WebhookEndpoint, 'url' | 'description' | 'eventTypes' | 'enabled'>>,
    now: Date,
  ): Promise<WebhookEndpoint | null>;
  /** Deletes the endpoint and its deliveries (and their log); false when none was found. */
  delete(tenantId: string, id: string): Promise<boolean>;
  /**
   * Replaces the sealed secret. With `previousUntil` the replaced one is kept (as sealed) until then, else no previous
   * secret is kept; false when no endpoint was found.
   */
  setSecret(tenantId: string, id: string, ciphertext: string, now: Date, previousUntil?: Date | null): Promise<boolean>;
  /** The endpoint's sealed secret, null when the endpoint does not exist. */
  secretOf(tenantId: string, id: string): Promise<string | null>;
  /** The sealed secret the last rotation replaced, while it still signs at `now` (else null). */
  previousSecretOf(tenantId: string, id: string, now: Date): Promise<string | null>;
  /** The enabled endpoints of the tenant that receive `type` (filter empty or naming it). */
  receiving(tenantId: string, type: string): Promise<WebhookEndpoint[]>;
  /** Enqueues one delivery of `event` per endpoint, due at `at`; returns the delivery ids in the same order. */
  enqueue(
    tenantId: string,
    endpointIds: readonly string[],
    event: StoredWebhookEvent,
    at: Date,
    replayOf?: string,
  ): Promise<string[]>;
  /** The endpoint's deliveries, newest first, older than `before` (a delivery id) when given. */
  deliveries(
    tenantId: string,
    endpointId: string,
    q: { limit: number; before?: string; status?: WebhookDeliveryStatus },
  ): Promise<WebhookDeliveryView[]>;
  /** One delivery of the endpoint with its event and its attempts (oldest first). */
  delivery(
    tenantId: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<(WebhookDeliveryView & { event: StoredWebhookEvent; attemptLog: WebhookAttempt[] }) | null>;
  /** Records one attempt of a delivery and its outcome on the delivery (status code, time). */
  recordAttempt(deliveryId: string, tenantId: string, a: WebhookAttempt): Promise<void>;
}

/** A synced meeting as the meeting.* events show it: times, owner, customer and how it was detected. */
export interface MeetingEventRow {
  id: string;
  userId: string;
  calendarId: string | null;
  subject: string;
  start: string;
  end: string;
  isCancelled: boolean;
  eventType: string;
  iCalUId: string | null;
  customerId: string | null;
  /** How detection linked the customer (domain, stakeholder, pattern, …), `manual` for a manual association. */
  detectionReason: string | null;
  detectionConfidence: number | null;
}

/** Reads meetings for their events. */
export interface MeetingEventSource {
  meetingsForEvents(tenantId: string, ids: readonly string[]): Promise<MeetingEventRow[]>;
}
