// The health feed: engagement-score changes beyond the tenant's threshold become signed webhook deliveries.
import { randomBytes } from 'node:crypto';
import type { Actor } from '../../domain/tenancy.js';
import type { SecretSealer } from '../../ports/connections.js';
import type { DeliveryStore, MetricsStore, TenantSettingsSource } from '../../ports/detection.js';
import type { AuditStore } from '../../ports/stores.js';
import type { PlatformEvents } from '../webhooks/platform-events.js';
import type { MetricsService } from './metrics-service.js';

/** Default score change (points) beyond which the webhook fires. */
export const DEFAULT_HEALTH_THRESHOLD = 10;

const aad = (tenantId: string) => `webhook-secret:${tenantId}`;

export interface HealthWebhookDeps {
  metrics: MetricsService;
  scores: MetricsStore;
  deliveries: DeliveryStore;
  settings: TenantSettingsSource;
  sealer: SecretSealer;
  now: () => Date;
  /** Where a rotation of the signing secret is recorded (never the secret). */
  audit?: AuditStore;
  /** Where a crossing is emitted (the tenant's endpoints and its healthWebhookUrl). */
  events: Pick<PlatformEvents, 'emit' | 'hasReceivers'>;
}

export interface HealthChangedEvent {
  type: 'customer.health_changed';
  tenantId: string;
  customerId: string;
  previousScore: number;
  score: number;
  trend: string;
  occurredAt: string;
  factors: Array<{ name: string; value: number | null; contribution: number }>;
}

/**
 * Keeps each customer's last score and last notified score (customer_health_scores). When metrics change, the
 * new score is compared with the last *notified* one, so slow drifts add up until they cross the threshold.
 * The first score of a customer is a baseline and notifies nothing. Deliveries go to the outbox (never the
 * caller's time: sync only pays for an insert).
 */
export class HealthWebhookService {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: HealthWebhookDeps) {}

  /** Creates or replaces the tenant's signing secret; the plaintext is returned only here, stored sealed. */
  async rotateSecret(actor: Actor): Promise<{ secret: string; createdAt: string }> {
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    await this.deps.deliveries.saveSecret(actor.tenantId, this.deps.sealer.seal(secret, aad(actor.tenantId)));
    await this.deps.audit?.record({
      tenantId: actor.tenantId,
      actor: actor.userId,
      action: 'tenant.webhook_secret_rotated',
      targetType: 'tenant',
      targetId: actor.tenantId,
    });
    return { secret, createdAt: this.deps.now().toISOString() };
  }

  /** The tenant's secret in clear (for signing), or null when none was created. */
  async secretOf(tenantId: string): Promise<string | null> {
    const sealed = await this.deps.deliveries.loadSecret(tenantId);
    return sealed === null ? null : this.deps.sealer.open(sealed, aad(tenantId));
  }

  /**
   * Metrics listener: scores the customers, stores them and enqueues a webhook for each large enough change. Also
   * the scheduled re-evaluation's step. One tenant's evaluations run one at a time in this process, so the change
   * path and the schedule never both notify the same crossing.
   */
  onMetricsChanged(tenantId: string, customerIds: readonly string[]): Promise<number> {
    const prev = this.locks.get(tenantId) ?? Promise.resolve();
    const next = prev.then(
      () => this.evaluate(tenantId, customerIds),
      () => this.evaluate(tenantId, customerIds),
    );
    const tail = next.catch(() => undefined);
    this.locks.set(tenantId, tail);
    void tail.then(() => {
      if (this.locks.get(tenantId) === tail) this.locks.delete(tenantId);
    });
    return next;
  }

  private async evaluate(tenantId: string, customerIds: readonly string[]): Promise<number> {
    const settings = await this.deps.settings.settings(tenantId);
    const threshold = settings.healthWebhookThreshold ?? DEFAULT_HEALTH_THRESHOLD;
    // Without a receiver (no healthWebhookUrl, no endpoint taking the event) nothing is notified, as before endpoints.
    const heard = await this.deps.events.hasReceivers(tenantId, 'customer.health_changed', settings);
    const last = await this.deps.scores.lastScores(tenantId, customerIds);
    const save: Array<{ customerId: string; score: number; notified: number }> = [];
    const snapshots: Array<{ customerId: string; score: number }> = [];
    let enqueued = 0;
    for (const customerId of customerIds) {
      const s = await this.deps.metrics.scoreOf(tenantId, customerId, settings);
      const prev = last.get(customerId);
      snapshots.push({ customerId, score: s.score });
      let notified = prev?.notified ?? s.score;
      if (prev && Math.abs(s.score - prev.notified) > threshold && heard) {
        const event: Omit<HealthChangedEvent, 'type' | 'tenantId' | 'occurredAt'> = {
          customerId,
          previousScore: prev.notified,
          score: s.score,
          trend: s.trend,
          factors: s.factors.map((f) => ({ name: f.name, value: f.value, contribution: f.contribution })),
        };
        await this.deps.events.emit(tenantId, 'customer.health_changed', { ...event });
        notified = s.score;
        enqueued++;
      }
      if (!prev || prev.score !== s.score || prev.notified !== notified)
        save.push({ customerId, score: s.score, notified });
    }
    await this.deps.scores.saveScores(tenantId, save);
    // The day's snapshot for the score-over-time chart: every evaluation rewrites today's.
    await this.deps.scores.saveSnapshots(tenantId, this.deps.now().toISOString().slice(0, 10), snapshots);
    return enqueued;
  }
}
