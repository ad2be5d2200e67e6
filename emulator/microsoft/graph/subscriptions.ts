// The subscription engine: create/renew/delete, validation handshake, change fan-out, delivery, lifecycle events.
import { randomUUID } from 'node:crypto';
import type { Clock, Principal } from '../contracts.js';
import type { Directory } from '../directory.js';
import { GraphHttpError } from './errors.js';
import { encryptResourceData, parseEncryptionCertificate, ValidationTokenSigner } from './rich-notifications.js';
import {
  changeNotification,
  graphTimestamp,
  LIFECYCLE_EVENTS,
  subscriptionJson,
  type ChangeType,
  type DeliveryRecord,
  type LifecycleEvent,
  type MailboxChange,
  type SubscriptionRecord,
} from './subscription-model.js';
import { parseCreateRequest } from './subscription-request.js';
import { parseSubscriptionResource, type SubscriptionTarget } from './subscription-resource.js';
import { WebhookClient, type PostResult, type WebhookFaults } from './webhook-delivery.js';

export { graphTimestamp, LIFECYCLE_EVENTS };
export type { ChangeType, DeliveryRecord, LifecycleEvent, MailboxChange, SubscriptionRecord };

export interface SubscriptionEngineOptions {
  directory: Directory;
  clock: Clock;
  caPem?: string;
  /** Longest lifetime granted, in minutes (Outlook events: 10,080 = 7 days). Longer requests are capped. */
  maxLifetimeMinutes?: number;
  validationTimeoutMs?: number;
  deliveryTimeoutMs?: number;
  retryDelaysMs?: number[];
  /** A `missed` lifecycle event is sent after this many notifications of a subscription were lost. */
  missedAfterFailures?: number;
  /** `reauthorizationRequired` is sent this long before expiry (once per expiry time). */
  reauthorizationLeadMs?: number;
  sweepIntervalMs?: number;
  random?: () => number;
  /** Whether a mailbox has a calendar (for `…/calendars/{id}/events`); unknown calendars are a 404. */
  calendarExists?: (userId: string, calendarId: string) => boolean;
  /**
   * Accept plain http notification URLs on loopback hosts (localhost, 127.0.0.1, [::1]): an explicit mode for local
   * receivers in tests and development. Off by default: like Graph, only https URLs are accepted.
   */
  allowHttpNotifications?: boolean;
}

const bad = (message: string) => new GraphHttpError(400, 'InvalidRequest', message);
const forbidden = () =>
  new GraphHttpError(
    403,
    'ExtensionError',
    'Operation: Create; Exception: [Status Code: Forbidden; Reason: Access is denied. Check credentials and try again.]',
  );
const notFound = (id: string) =>
  new GraphHttpError(
    404,
    'ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

/** The subscription engine of one emulator instance. */
export class SubscriptionEngine {
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  readonly deliveries: DeliveryRecord[] = [];
  readonly client: WebhookClient;
  private readonly o: Required<Omit<SubscriptionEngineOptions, 'caPem' | 'calendarExists' | 'allowHttpNotifications'>> &
    Pick<SubscriptionEngineOptions, 'calendarExists' | 'allowHttpNotifications'>;
  private readonly queues = new Map<string, Promise<void>>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly signer = new ValidationTokenSigner();

  constructor(opts: SubscriptionEngineOptions) {
    this.o = {
      maxLifetimeMinutes: 10_080,
      validationTimeoutMs: 10_000,
      deliveryTimeoutMs: 3_000,
      retryDelaysMs: [1_000, 4_000, 16_000],
      missedAfterFailures: 1,
      reauthorizationLeadMs: 10 * 60_000,
      sweepIntervalMs: 1_000,
      random: Math.random,
      ...opts,
    };
    this.client = new WebhookClient({
      caPem: opts.caPem,
      timeoutMs: this.o.deliveryTimeoutMs,
      validationTimeoutMs: this.o.validationTimeoutMs,
      retryDelaysMs: this.o.retryDelaysMs,
      random: this.o.random,
    });
    this.sweeper = setInterval(() => this.sweep(), this.o.sweepIntervalMs);
    this.sweeper.unref();
  }

  get webhookFaults(): WebhookFaults {
    return this.client.faults;
  }

  set webhookFaults(f: WebhookFaults) {
    this.client.faults = f;
  }

  /**
   * Validates a create request, runs the validation handshake(s) and stores the subscription. `immutableIds`: the
   * request carried `Prefer: IdType="ImmutableId"` (notifications then name items by immutable ids).
   */
  async create(p: Principal, body: unknown, opts: { immutableIds?: boolean } = {}): Promise<SubscriptionRecord> {
    const r = parseCreateRequest(body, { allowHttpLoopback: this.o.allowHttpNotifications ?? false });
    const expiresAt = this.grantExpiry(r.expirationDateTime);
    const target = this.authorize(p, r.resource);
    for (const url of [r.notificationUrl, r.lifecycleNotificationUrl]) {
      if (!url) continue;
      const failure = await this.client.validate(url);
      if (failure)
        throw new GraphHttpError(400, 'ValidationError', `Subscription validation request failed. ${failure}`);
    }
    const { expirationDateTime: _requested, ...settings } = r;
    const rec: SubscriptionRecord = {
      ...settings,
      id: randomUUID(),
      expiresAt,
      applicationId: p.appId,
      creatorId: p.userId ?? p.appId,
      tenantId: p.tenantId,
      target,
      reauthorizationSent: false,
      ...(opts.immutableIds ? { immutableIds: true } : {}),
      stats: { delivered: 0, failed: 0, dropped: 0, lastStatus: null, lastAt: null },
    };
    this.subscriptions.set(rec.id, rec);
    return rec;
  }

  /** Subscriptions visible to the caller: the app's, and for delegated calls only the signed-in user's. */
  list(p: Principal): SubscriptionRecord[] {
    this.sweep();
    return [...this.subscriptions.values()].filter((s) => visibleTo(s, p));
  }

  get(p: Principal, id: string): SubscriptionRecord {
    this.sweep();
    const rec = this.subscriptions.get(id.toLowerCase());
    if (!rec || !visibleTo(rec, p)) throw notFound(id);
    return rec;
  }

  /** PATCH: only `expirationDateTime` can change. */
  renew(p: Principal, id: string, body: unknown): SubscriptionRecord {
    const rec = this.get(p, id);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw bad('The request body must be a JSON object.');
    const b = body as Record<string, unknown>;
    if ('lifecycleNotificationUrl' in b)
      throw bad('lifecycleNotificationUrl can only be set when the subscription is created.');
    const other = Object.keys(b).filter((k) => k !== 'expirationDateTime' && k !== '@odata.type');
    if (other.length) throw bad(`Only expirationDateTime can be updated; '${other[0]}' cannot.`);
    rec.expiresAt = this.grantExpiry(b.expirationDateTime);
    rec.reauthorizationSent = false;
    return rec;
  }

  remove(p: Principal, id: string): void {
    const rec = this.get(p, id);
    this.subscriptions.delete(rec.id);
  }

  /** POST /subscriptions/{id}/reauthorize: re-checks the caller's access and clears a pending reauthorization. */
  reauthorize(p: Principal, id: string): void {
    const rec = this.get(p, id);
    this.authorize(p, rec.resource);
    rec.reauthorizationSent = false;
  }

  /** Fans a mailbox change out to every matching subscription. */
  handleChange(c: MailboxChange): void {
    const now = this.o.clock();
    for (const s of this.subscriptions.values()) {
      if (s.expiresAt <= now || !s.changeTypes.has(c.changeType) || !matches(s.target, c)) continue;
      const notification = changeNotification(s, c);
      this.enqueue(s.notificationUrl, async () => {
        if (!this.subscriptions.has(s.id)) return; // deleted while queued: Graph stops delivering
        const body = s.includeResourceData ? await this.richPayload(s, notification) : { value: [notification] };
        await this.client.notify(s.notificationUrl, body, (r) => this.recordChange(s, c.changeType, body, r));
      });
    }
  }

  /** Sends a lifecycle notification (no-op without a lifecycle URL); `subscriptionRemoved` also deletes it. */
  triggerLifecycle(id: string, event: LifecycleEvent): boolean {
    const s = this.subscriptions.get(id.toLowerCase());
    if (!s) return false;
    if (event === 'subscriptionRemoved') this.subscriptions.delete(s.id);
    if (event === 'reauthorizationRequired') s.reauthorizationSent = true;
    const url = s.lifecycleNotificationUrl;
    if (!url) return true;
    const body = {
      value: [
        {
          subscriptionId: s.id,
          subscriptionExpirationDateTime: graphTimestamp(s.expiresAt),
          tenantId: s.tenantId,
          clientState: s.clientState,
          lifecycleEvent: event,
        },
      ],
    };
    this.enqueue(url, async () => {
      const r = await this.client.postWithRetry(url, body);
      this.record({ subscriptionId: s.id, kind: 'lifecycle', event, url, body, ...r });
    });
    return true;
  }

  /** Removes expired subscriptions and sends due `reauthorizationRequired` events. */
  sweep(): void {
    const now = this.o.clock();
    for (const s of [...this.subscriptions.values()]) {
      if (s.expiresAt <= now) this.subscriptions.delete(s.id);
      else if (
        !s.reauthorizationSent &&
        s.lifecycleNotificationUrl &&
        s.expiresAt - now <= this.o.reauthorizationLeadMs
      ) {
        this.triggerLifecycle(s.id, 'reauthorizationRequired');
      }
    }
  }

  /** Resolves when every queued delivery has finished (for tests). */
  async idle(): Promise<void> {
    while (this.queues.size) await Promise.all([...this.queues.values()]);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.client.close();
  }

  /** The JSON representation of a subscription. */
  toGraph(s: SubscriptionRecord): Record<string, unknown> {
    return subscriptionJson(s);
  }

  /** includeResourceData: the resource data encrypted for the app's certificate, plus validation tokens. */
  private async richPayload(s: SubscriptionRecord, n: Record<string, unknown>): Promise<Record<string, unknown>> {
    const cert = parseEncryptionCertificate(s.encryptionCertificate ?? '');
    const encryptedContent = encryptResourceData(cert, s.encryptionCertificateId ?? '', n.resourceData);
    const token = await this.signer.sign(s.tenantId, s.applicationId, this.o.clock());
    return { value: [{ ...n, encryptedContent }], validationTokens: [token] };
  }

  private recordChange(s: SubscriptionRecord, event: string, body: unknown, r: PostResult): void {
    this.record({ subscriptionId: s.id, kind: 'change', event, url: s.notificationUrl, body, ...r });
    s.stats.lastAt = this.o.clock();
    s.stats.lastStatus = r.status;
    if (r.ok) s.stats.delivered += 1;
    else if (r.dropped) s.stats.dropped += 1;
    else {
      s.stats.failed += 1;
      if (s.stats.failed % this.o.missedAfterFailures === 0 && this.subscriptions.has(s.id))
        this.triggerLifecycle(s.id, 'missed');
    }
  }

  private record(d: Omit<DeliveryRecord, 'at' | 'dropped'> & { dropped?: boolean }): void {
    this.deliveries.push({ ...d, dropped: d.dropped ?? false, at: this.o.clock() });
    if (this.deliveries.length > 1000) this.deliveries.splice(0, this.deliveries.length - 1000);
  }

  /** Deliveries to one URL go out in order. */
  private enqueue(url: string, job: () => Promise<void>): void {
    const prev = this.queues.get(url) ?? Promise.resolve();
    const next = prev.then(job).catch(() => undefined);
    this.queues.set(url, next);
    void next.then(() => {
      if (this.queues.get(url) === next) this.queues.delete(url);
    });
  }

  private grantExpiry(v: unknown): number {
    if (typeof v !== 'string') throw bad("The 'expirationDateTime' property is required.");
    const ms = Date.parse(v);
    if (!Number.isFinite(ms)) throw bad(`Invalid expirationDateTime '${v}'.`);
    const now = this.o.clock();
    if (ms <= now) throw bad('Subscription expiration must be in the future.');
    return Math.min(ms, now + this.o.maxLifetimeMinutes * 60_000);
  }

  /** Resolves the resource and checks the caller may subscribe to it. */
  private authorize(p: Principal, resource: string): SubscriptionTarget {
    const target = parseSubscriptionResource(resource, p, this.o.directory);
    const user = this.o.directory.users.get(target.userId);
    if (!user || user.tenantId !== p.tenantId) throw notFound(resource);
    // Delegated tokens can subscribe only to the signed-in user's own mailbox (no shared/delegated calendars).
    if (p.kind === 'delegated' && target.userId !== p.userId) throw forbidden();
    const needed =
      target.kind === 'events'
        ? ['Calendars.Read', 'Calendars.ReadWrite']
        : ['Mail.Read', 'Mail.ReadWrite', 'Mail.ReadBasic'];
    if (!needed.some((s) => p.scopes.has(s))) throw forbidden();
    const calendar =
      target.kind === 'events' && target.containerId !== null && target.containerId !== 'default'
        ? target.containerId
        : null;
    if (calendar && this.o.calendarExists && !this.o.calendarExists(target.userId, calendar)) throw notFound(resource);
    return target;
  }
}

function visibleTo(s: SubscriptionRecord, p: Principal): boolean {
  if (s.tenantId !== p.tenantId || s.applicationId !== p.appId) return false;
  return p.kind === 'application' || s.creatorId === p.userId;
}

function matches(t: SubscriptionTarget, c: MailboxChange): boolean {
  if (t.userId !== c.userId || (t.kind === 'events') !== (c.kind === 'event')) return false;
  if (t.containerId === null) return true;
  if (t.containerId === 'default') return c.isDefaultContainer;
  return c.containerId !== null && t.containerId.toLowerCase() === c.containerId.toLowerCase();
}
