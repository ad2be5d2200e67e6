// Delivers the outbox: signed webhooks (health changes, briefs, proposal events) and brief and approval e-mails,
// with leases and backoff retries.
import { isAppError } from '../../domain/errors.js';
import type { HttpPost, MailSenderResolver } from '../../ports/mail.js';
import type { Delivery, DeliveryStore } from '../../ports/detection.js';
import type { WebhookAttempt, WebhookEndpoint } from '../../ports/webhooks.js';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature.js';

export interface DeliveryWorkerDeps {
  deliveries: DeliveryStore;
  /** The tenant's signing secret in clear, null when none exists. */
  secretOf: (tenantId: string) => Promise<string | null>;
  post: HttpPost;
  mail: MailSenderResolver;
  now: () => Date;
  /** The platform webhooks' endpoints (kind endpoint_webhook): where, signed with what, and the delivery log. */
  endpoints?: {
    get(tenantId: string, id: string): Promise<WebhookEndpoint | null>;
    /** The secrets to sign with now: the current one, and the previous one during a rotation's overlap. */
    secretsOf(tenantId: string, id: string): Promise<string[]>;
    recordAttempt(deliveryId: string, tenantId: string, a: WebhookAttempt): Promise<void>;
  };
  /** Attempts before a delivery is given up (default 8). */
  maxAttempts?: number;
  leaseSeconds?: number;
}

/** Thrown for failures no retry can fix (no secret, no mailbox): the delivery is marked failed at once. */
class Permanent extends Error {}

/** A receiver that answered, but not 2xx: its status and the start of its answer go to the delivery log. */
class NotAccepted extends Error {
  constructor(
    readonly status: number,
    readonly responseBody: string | null,
  ) {
    super(`the webhook answered HTTP ${status}`);
  }
}

/** Longest answer excerpt and error message kept per attempt. */
const MAX_LOGGED = 512;

/** Backoff after the n-th failed attempt: 30 s, 1 min, 2 min … capped at 1 h. */
export const retryDelaySeconds = (attempt: number): number => Math.min(3600, 30 * 2 ** Math.max(0, attempt - 1));

/**
 * Works the outbox. Several workers may run `runOnce` concurrently: a delivery is claimed by exactly one of them
 * (row lease + SKIP LOCKED). A worker that dies mid-delivery leaves a lease that expires, and the delivery is
 * retried: delivery is at-least-once, so receivers de-duplicate by the event's `deliveryId`.
 */
export class DeliveryWorker {
  constructor(private readonly deps: DeliveryWorkerDeps) {}

  /** Claims and delivers up to `limit` due deliveries; `failures` says which failed and why (a code, never the body). */
  async runOnce(
    limit = 20,
  ): Promise<{ sent: number; failed: number; failures: Array<{ tenantId: string; kind: string; code: string }> }> {
    const now = this.deps.now();
    const claimed = await this.deps.deliveries.claimDue(now, limit, this.deps.leaseSeconds ?? 120);
    let sent = 0;
    let failed = 0;
    const failures: Array<{ tenantId: string; kind: string; code: string }> = [];
    for (const d of claimed) {
      const started = this.deps.now();
      try {
        const answer = await this.deliver(d);
        await this.deps.deliveries.markSent(d.id, this.deps.now());
        await this.logAttempt(d, started, { statusCode: answer?.status ?? null, responseBody: answer?.body ?? null });
        sent++;
      } catch (e) {
        failed++;
        failures.push({
          tenantId: d.tenantId,
          kind: d.kind,
          code: e instanceof Permanent ? 'delivery_refused' : isAppError(e) ? e.code : 'delivery_failed',
        });
        const message = e instanceof Error ? e.message : String(e);
        // A URL the policy refuses stays refused: no retry (webhook_url_not_allowed).
        const refused = e instanceof Permanent || isAppError(e, 'webhook_url_not_allowed');
        const giveUp = refused || d.attempts >= (this.deps.maxAttempts ?? 8);
        const retryAt = giveUp ? null : new Date(this.deps.now().getTime() + retryDelaySeconds(d.attempts) * 1000);
        await this.deps.deliveries.markFailed(d.id, message, retryAt);
        await this.logAttempt(d, started, {
          statusCode: e instanceof NotAccepted ? e.status : null,
          responseBody: e instanceof NotAccepted ? e.responseBody : null,
          error: message,
          nextRetryAt: retryAt,
        });
      }
    }
    return { sent, failed, failures };
  }

  /** One line of an endpoint delivery's log (other kinds keep their last error on the delivery only). */
  private async logAttempt(
    d: Delivery,
    started: Date,
    o: { statusCode: number | null; responseBody: string | null; error?: string; nextRetryAt?: Date | null },
  ): Promise<void> {
    if (d.kind !== 'endpoint_webhook' || !this.deps.endpoints) return;
    await this.deps.endpoints
      .recordAttempt(d.id, d.tenantId, {
        attempt: d.attempts,
        attemptedAt: started.toISOString(),
        statusCode: o.statusCode,
        error: o.error ? o.error.slice(0, MAX_LOGGED) : null,
        responseBody: o.responseBody ? o.responseBody.slice(0, MAX_LOGGED) : null,
        durationMs: Math.max(0, this.deps.now().getTime() - started.getTime()),
        nextRetryAt: o.nextRetryAt ? o.nextRetryAt.toISOString() : null,
      })
      .catch(() => undefined); // the log never decides the delivery's fate
  }

  private async deliver(d: Delivery): Promise<{ status: number; body?: string } | void> {
    if (d.kind === 'endpoint_webhook') return this.deliverToEndpoint(d);
    if (d.kind === 'brief_email' || d.kind === 'approval_email') {
      const p = d.payload as { userId: string; to: string[]; subject: string; html: string; text: string };
      const sender = await this.deps.mail(d.tenantId, p.userId);
      if (!sender) throw new Permanent('the user has no mailbox that can send mail');
      await sender.sendMail({ to: p.to, subject: p.subject, html: p.html, text: p.text });
      return;
    }
    const p = d.payload as { url: string; event: Record<string, unknown> };
    const secret = await this.deps.secretOf(d.tenantId);
    if (!secret) throw new Permanent('no webhook secret: create one with POST /api/settings/webhook-secret');
    const body = JSON.stringify({ deliveryId: d.id, ...p.event });
    const timestamp = Math.floor(this.deps.now().getTime() / 1000);
    const res = await this.deps.post(p.url, {
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body) },
      body,
    });
    if (res.status < 200 || res.status >= 300) throw new NotAccepted(res.status, res.body ?? null);
  }

  /**
   * A platform event to one endpoint, signed with the endpoint's secrets as they are now: the current one and, during
   * a rotation's overlap, the previous one (one `v1` each).
   */
  private async deliverToEndpoint(d: Delivery): Promise<{ status: number; body?: string }> {
    const p = d.payload as { endpointId: string; event: Record<string, unknown> };
    const endpoint = await this.deps.endpoints?.get(d.tenantId, p.endpointId);
    if (!endpoint) throw new Permanent('the webhook endpoint no longer exists');
    if (!endpoint.enabled) throw new Permanent('the webhook endpoint is disabled');
    const secrets = await this.deps.endpoints!.secretsOf(d.tenantId, p.endpointId);
    if (secrets.length === 0) throw new Permanent('the webhook endpoint has no secret');
    const body = JSON.stringify({ deliveryId: d.id, ...p.event });
    const timestamp = Math.floor(this.deps.now().getTime() / 1000);
    const res = await this.deps.post(endpoint.url, {
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signWebhook(secrets, timestamp, body),
        'X-Calbridge-Event-Type': String(p.event.type),
        'X-Calbridge-Delivery-Id': d.id,
      },
      body,
    });
    if (res.status < 200 || res.status >= 300) throw new NotAccepted(res.status, res.body ?? null);
    return res;
  }
}
