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
  /**
   * Longest lifetime, in minutes (Outlook events: 10,070, under 7 days). A create or renewal asking for more is refused
   * with Graph's 400 ExtensionError "Subscription expiration can only be N minutes in the future."
   */
  maxLifetimeMinutes?: number;
  validationTimeoutMs?: number;
  deliveryTimeoutMs?: number;
  retryDelaysMs?: number[];
  /** A `missed` lifecycle event is sent after this many notifications of a subscription were lost. */
  missedAfterFailures?: number;
  /**
   * `reauthorizationRequired` is sent this long before the subscription expires (once per expiry time), and this long
   * before the access token that created, renewed or last reauthorized it expires (the token challenge).
   */
  reauthorizationLeadMs?: number;
  /** An unanswered token challenge is sent again after this long (Graph: every 15 minutes within the last hour). */
  reauthorizationRepeatMs?: number;
  /**
   * Change notifications for one notification URL that happen within this window go out in one POST (Graph batches
   * notifications of close changes, across subscriptions); 0 posts each notification on its own.
   */
  batchWindowMs?: number;
  /** Most notifications in one POST; a fuller batch goes out at once. */
  maxBatchSize?: number;
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
  private readonly batches = new Map<string, { items: PendingNotification[]; timer: NodeJS.Timeout }>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly signer = new ValidationTokenSigner();

  constructor(opts: SubscriptionEngineOptions) {
    this.o = {
      maxLifetimeMinutes: 10_070,
      validationTimeoutMs: 10_000,
      deliveryTimeoutMs: 3_000,
      retryDelaysMs: [1_000, 4_000, 16_000],
      missedAfterFailures: 1,
      reauthorizationLeadMs: 10 * 60_000,
      reauthorizationRepeatMs: 15 * 60_000,
      batchWindowMs: 50,
      maxBatchSize: 100,
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
      authorizedUntil: p.tokenExpiresAt ?? null,
      challengedAt: null,
      challengeOpen: false,
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

  /** PATCH: only `expirationDateTime` can change; a renewal also reauthorizes (the caller's token counts from now). */
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
    this.answerChallenge(rec, p);
    return rec;
  }

  remove(p: Principal, id: string): void {
    const rec = this.get(p, id);
    this.subscriptions.delete(rec.id);
  }

  /**
   * POST /subscriptions/{id}/reauthorize: re-checks the caller's access and answers pending challenges; deliveries
   * paused by an unanswered token challenge resume (what changed meanwhile is not sent again).
   */
  reauthorize(p: Principal, id: string): void {
    const rec = this.get(p, id);
    this.authorize(p, rec.resource);
    rec.reauthorizationSent = false;
    this.answerChallenge(rec, p);
  }

  /**
   * Whether change notifications of `s` are held back: a token challenge went out, is unanswered, and the token it is
   * about has expired. Graph drops what happens meanwhile (concepts/change-notifications-lifecycle-events.md).
   */
  paused(s: SubscriptionRecord, now = this.o.clock()): boolean {
    return !!s.challengeOpen && s.authorizedUntil != null && now >= s.authorizedUntil;
  }

  /** Fans a mailbox change out to every matching subscription (batched per notification URL). */
  handleChange(c: MailboxChange): void {
    this.sweep(); // challenges due by now go out first, so a paused subscription is known
    const now = this.o.clock();
    for (const s of this.subscriptions.values()) {
      if (s.expiresAt <= now || !s.changeTypes.has(c.changeType) || !matches(s.target, c)) continue;
      const notification = changeNotification(s, c);
      if (this.paused(s, now)) {
        s.stats.dropped += 1;
        this.record({
          subscriptionId: s.id,
          kind: 'change',
          event: c.changeType,
          url: s.notificationUrl,
          body: { value: [notification] },
          ok: false,
          status: 0,
          attempts: 0,
          dropped: true,
          reason: 'reauthorizationPending',
        });
        continue;
      }
      this.buffer({ s, changeType: c.changeType, notification });
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

  /**
   * Removes expired subscriptions and sends due `reauthorizationRequired` events: once before the subscription expires,
   * and before the access token behind it expires (`authorizedUntil`), again every `reauthorizationRepeatMs` while
   * unanswered. Only subscriptions with a lifecycle URL are challenged (and so only they pause).
   */
  sweep(): void {
    const now = this.o.clock();
    const lead = this.o.reauthorizationLeadMs;
    for (const s of [...this.subscriptions.values()]) {
      if (s.expiresAt <= now) {
        this.subscriptions.delete(s.id);
        continue;
      }
      if (!s.lifecycleNotificationUrl) continue;
      const tokenDue =
        s.authorizedUntil != null &&
        now >= s.authorizedUntil - lead &&
        (s.challengedAt == null || now - s.challengedAt >= this.o.reauthorizationRepeatMs);
      if (tokenDue) {
        s.challengedAt = now;
        s.challengeOpen = true;
        this.triggerLifecycle(s.id, 'reauthorizationRequired');
      } else if (!s.reauthorizationSent && s.expiresAt - now <= lead) {
        this.triggerLifecycle(s.id, 'reauthorizationRequired');
      }
    }
  }

  /** Resolves when every queued delivery has finished, pending batches sent at once (for tests). */
  async idle(): Promise<void> {
    for (const url of [...this.batches.keys()]) this.flush(url);
    while (this.queues.size) await Promise.all([...this.queues.values()]);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const b of this.batches.values()) clearTimeout(b.timer);
    this.batches.clear();
    await this.client.close();
  }

  /** The JSON representation of a subscription. */
  toGraph(s: SubscriptionRecord): Record<string, unknown> {
    return subscriptionJson(s);
  }

  /** A token challenge answered by `p` (reauthorize or renewal): the subscription is authorized until its token expires. */
  private answerChallenge(s: SubscriptionRecord, p: Principal): void {
    s.authorizedUntil = p.tokenExpiresAt ?? null;
    s.challengeOpen = false;
  }

  /** Holds a notification for its URL's batch (sent when the window closes or the batch is full). */
  private buffer(item: PendingNotification): void {
    const url = item.s.notificationUrl;
    if (this.o.batchWindowMs <= 0) {
      this.deliver(url, [item]);
      return;
    }
    let b = this.batches.get(url);
    if (!b) {
      const timer = setTimeout(() => this.flush(url), this.o.batchWindowMs);
      timer.unref();
      b = { items: [], timer };
      this.batches.set(url, b);
    }
    b.items.push(item);
    if (b.items.length >= this.o.maxBatchSize) this.flush(url);
  }

  private flush(url: string): void {
    const b = this.batches.get(url);
    if (!b) return;
    this.batches.delete(url);
    clearTimeout(b.timer);
    this.deliver(url, b.items);
  }

  /** One POST carrying `items` (subscriptions deleted while they waited are left out, as Graph stops delivering). */
  private deliver(url: string, items: PendingNotification[]): void {
    this.enqueue(url, async () => {
      const live = items.filter((i) => this.subscriptions.has(i.s.id));
      if (!live.length) return;
      const body = await this.payload(live);
      await this.client.notify(url, body, (r) => this.recordChanges(url, live, body, r));
    });
  }

  /**
   * A changeNotificationCollection: includeResourceData items carry the resource data encrypted for their app's
   * certificate, and the collection one validation token per app and tenant among them.
   */
  private async payload(items: PendingNotification[]): Promise<Record<string, unknown>> {
    const value: Array<Record<string, unknown>> = [];
    const tokens = new Map<string, Promise<string>>();
    for (const { s, notification: n } of items) {
      if (!s.includeResourceData) {
        value.push(n);
        continue;
      }
      const cert = parseEncryptionCertificate(s.encryptionCertificate ?? '');
      const encryptedContent = encryptResourceData(cert, s.encryptionCertificateId ?? '', n.resourceData);
      value.push({ ...n, encryptedContent });
      const key = `${s.tenantId}/${s.applicationId}`;
      if (!tokens.has(key)) tokens.set(key, this.signer.sign(s.tenantId, s.applicationId, this.o.clock()));
    }
    return tokens.size ? { value, validationTokens: await Promise.all(tokens.values()) } : { value };
  }

  private recordChanges(url: string, items: PendingNotification[], body: unknown, r: PostResult): void {
    const first = items[0]!;
    this.record({
      subscriptionId: first.s.id,
      kind: 'change',
      event: first.changeType,
      count: items.length,
      url,
      body,
      ...r,
    });
    for (const s of new Set(items.map((i) => i.s))) {
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

  /** The requested expiry, refused beyond the maximum lifetime as Graph does (400 ExtensionError, not capped). */
  private grantExpiry(v: unknown): number {
    if (typeof v !== 'string') throw bad("The 'expirationDateTime' property is required.");
    const ms = Date.parse(v);
    if (!Number.isFinite(ms)) throw bad(`Invalid expirationDateTime '${v}'.`);
    const now = this.o.clock();
    if (ms <= now) throw bad('Subscription expiration must be in the future.');
    const max = this.o.maxLifetimeMinutes;
    if (ms > now + max * 60_000)
      throw new GraphHttpError(
        400,
        'ExtensionError',
        `Subscription expiration can only be ${max} minutes in the future.`,
      );
    return ms;
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

/** A change notification waiting for its URL's batch. */
interface PendingNotification {
  s: SubscriptionRecord;
  changeType: ChangeType;
  notification: Record<string, unknown>;
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
