// Signing and verifying calbridge's outgoing webhooks: HMAC-SHA256 over `${timestamp}.${body}`, stale timestamps refused.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Calbridge-Signature';
/** Deliveries older than this are rejected by `verifyWebhookSignature` (replay protection). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const hmac = (secret: string, timestamp: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/**
 * The signature header value for a body sent at `timestamp` (unix seconds): `t=<unix>,v1=<hex>`, with one `v1` per
 * secret when given several (an endpoint's new and previous secret during a rotation's overlap, new first).
 * @example signWebhook('whsec_…', 1767225600, '{"type":"customer.health_changed"}') // 't=1767225600,v1=5f2c…'
 * @example signWebhook(['whsec_new…', 'whsec_old…'], 1767225600, body) // 't=1767225600,v1=<new>,v1=<old>'
 */
export function signWebhook(secret: string | readonly string[], timestamp: number, body: string): string {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) throw new Error('signWebhook needs at least one secret');
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${hmac(s, timestamp, body)}`)].join(',');
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * Verifies a received webhook: the raw body exactly as received, the `X-Calbridge-Signature` header and the
 * endpoint's (or tenant's) secret. Refuses headers without `t` and `v1`, timestamps more than `toleranceSeconds`
 * away from `now` (default 5 minutes, either direction) and signatures that do not match (compared in constant
 * time). Any of several `v1` values may match: calbridge sends one per secret during a rotation's overlap (new and
 * previous). `secret` may also be a list (a receiver that holds the old and the new secret while it deploys one):
 * any of them may match.
 * @example
 * const r = verifyWebhookSignature({ secret, header: req.headers['x-calbridge-signature'], body: rawBody });
 * if (!r.ok) return res.status(400).end();
 */
export function verifyWebhookSignature(params: {
  secret: string | readonly string[];
  header: string | undefined | null;
  body: string;
  now?: Date;
  toleranceSeconds?: number;
}): VerifyResult {
  const parts = (params.header ?? '').split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const sigs = parts.filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v)).map(([, v]) => v!);
  const timestamp = t !== undefined && /^\d{1,12}$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(timestamp) || sigs.length === 0) return { ok: false, reason: 'malformed' };
  const now = Math.floor((params.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - timestamp) > (params.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
    return { ok: false, reason: 'stale' };
  }
  const secrets = typeof params.secret === 'string' ? [params.secret] : params.secret;
  const expected = secrets.map((secret) => Buffer.from(hmac(secret, timestamp, params.body), 'hex'));
  const match = sigs.some((s) => expected.some((e) => timingSafeEqual(Buffer.from(s, 'hex'), e)));
  return match ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}
