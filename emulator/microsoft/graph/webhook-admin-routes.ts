// Emulator-only admin routes (no /v1.0 prefix) for webhooks and mail: faults, lifecycle triggers, deliveries, outbox.
import type { FastifyInstance } from 'fastify';
import type { GraphContext } from './context.js';
import { faultsFor } from '../faults.js';
import { outboxFor } from './outbox.js';
import { subscriptionEngine } from './subscription-engine-registry.js';
import { graphTimestamp, LIFECYCLE_EVENTS, type LifecycleEvent } from './subscriptions.js';
import type { FaultRule, WebhookFaults } from './webhook-delivery.js';

/**
 * Register at the root of the emulator server (not under /v1.0):
 * `PUT|GET /_emulator/webhook-faults`, `POST /_emulator/subscriptions/{id}/lifecycle {event}`,
 * `GET /_emulator/subscriptions` (with stats and the token challenge), `GET /_emulator/deliveries`, `GET|DELETE /_emulator/outbox` (`?to=` one recipient).
 */
export default async function webhookAdminRoutes(app: FastifyInstance, ctx: GraphContext): Promise<void> {
  const engine = subscriptionEngine(ctx);
  const outbox = outboxFor(ctx.store as unknown as object);
  const fail = (code: string, message: string) => ({ error: { code, message } });

  app.get('/_emulator/webhook-faults', async () => engine.webhookFaults);
  app.put('/_emulator/webhook-faults', async (req, reply) => {
    const parsed = parseFaults(req.body);
    if (typeof parsed === 'string') return reply.status(400).send(fail('InvalidFaults', parsed));
    // The platform's fault configuration is the source of truth when there is one (it feeds the engine).
    const platform = faultsFor(ctx.store as unknown as object);
    if (platform) platform.update({ webhook: parsed });
    engine.webhookFaults = parsed;
    return parsed;
  });

  app.post('/_emulator/subscriptions/:id/lifecycle', async (req, reply) => {
    const event = (req.body as { event?: unknown } | null)?.event;
    if (typeof event !== 'string' || !LIFECYCLE_EVENTS.includes(event as LifecycleEvent)) {
      return reply
        .status(400)
        .send(fail('InvalidLifecycleEvent', `event must be one of ${LIFECYCLE_EVENTS.join(', ')}.`));
    }
    if (!engine.triggerLifecycle((req.params as { id: string }).id, event as LifecycleEvent)) {
      return reply.status(404).send(fail('SubscriptionNotFound', 'No such subscription.'));
    }
    return reply.status(202).send();
  });

  app.get('/_emulator/subscriptions', async () => ({
    value: [...engine.subscriptions.values()].map((s) => ({
      ...engine.toGraph(s),
      tenantId: s.tenantId,
      stats: s.stats,
      // The token challenge: until when the last token authorized it, and whether a challenge is unanswered.
      authorizedUntil: s.authorizedUntil != null ? graphTimestamp(s.authorizedUntil) : null,
      reauthorizationPending: !!s.challengeOpen,
      paused: engine.paused(s),
    })),
  }));
  app.get('/_emulator/deliveries', async () => ({ value: engine.deliveries }));
  // `?to=<address>`: what one mailbox received (to, cc or bcc), as its owner would read it.
  app.get('/_emulator/outbox', async (req) => {
    const to = (req.query as { to?: string }).to?.toLowerCase();
    if (!to) return { value: outbox };
    const received = (m: (typeof outbox)[number]) =>
      [...m.toRecipients, ...m.ccRecipients, ...m.bccRecipients].some(
        (r) => r.emailAddress.address.toLowerCase() === to,
      );
    return { value: outbox.filter(received) };
  });
  app.delete('/_emulator/outbox', async (_req, reply) => {
    outbox.length = 0;
    return reply.status(204).send();
  });
}

const FAULT_KEYS = ['drop', 'duplicate', 'reorder', 'delay'] as const;

/** Validates a faults document; returns an error message when invalid. */
export function parseFaults(body: unknown): WebhookFaults | string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'The body must be a JSON object.';
  const out: WebhookFaults = {};
  for (const [key, value] of Object.entries(body)) {
    if (!(FAULT_KEYS as readonly string[]).includes(key))
      return `Unknown fault '${key}'; expected ${FAULT_KEYS.join(', ')}.`;
    if (value === null) continue;
    if (typeof value !== 'object' || Array.isArray(value)) return `${key} must be an object.`;
    const v = value as Record<string, unknown>;
    const rule: FaultRule & { ms?: number; holdMs?: number } = {};
    for (const [k, n] of Object.entries(v)) {
      if (!['probability', 'remaining', 'ms', 'holdMs'].includes(k)) return `Unknown option '${k}' in ${key}.`;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return `${key}.${k} must be a non-negative number.`;
      if (k === 'probability' && n > 1) return `${key}.probability must be between 0 and 1.`;
      rule[k as 'probability'] = n;
    }
    if (key === 'delay') {
      if (rule.ms === undefined) return 'delay.ms is required.';
      out.delay = { ...rule, ms: rule.ms };
    } else out[key as 'drop'] = rule;
  }
  return out;
}
