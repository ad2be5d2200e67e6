// Delivers the outbox: signed webhooks (health changes, briefs, proposal events) and brief and approval e-mails,
// with leases and backoff retries.
import { isAppError } from '../../domain/errors.js';
import type { HttpPost, MailSenderResolver } from '../../ports/mail.js';
import type { Delivery, DeliveryStore } from '../../ports/detection.js';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature.js';

export interface DeliveryWorkerDeps {
  deliveries: DeliveryStore;
  /** The tenant's signing secret in clear, null when none exists. */
  secretOf: (tenantId: string) => Promise<string | null>;
  post: HttpPost;
  mail: MailSenderResolver;
  now: () => Date;
  /** Attempts before a delivery is given up (default 8). */
  maxAttempts?: number;
  leaseSeconds?: number;
}

/** Thrown for failures no retry can fix (no secret, no mailbox): the delivery is marked failed at once. */
class Permanent extends Error {}

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
      try {
        await this.deliver(d);
        await this.deps.deliveries.markSent(d.id, this.deps.now());
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
      }
    }
    return { sent, failed, failures };
  }

  private async deliver(d: Delivery): Promise<void> {
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
    if (res.status < 200 || res.status >= 300) throw new Error(`the webhook answered HTTP ${res.status}`);
  }
}
