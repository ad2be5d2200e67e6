// Webhook signatures: a signed body verifies; a changed body, a wrong secret, a stale timestamp or a bad header do not.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

const secret = 'whsec_test';
const body = '{"type":"customer.health_changed","score":42}';
const now = new Date('2026-03-02T12:00:00Z');
const ts = Math.floor(now.getTime() / 1000);

describe('webhook signatures', () => {
  it('signs t=<unix>,v1=HMAC-SHA256(secret, "<t>.<body>") and verifies it', () => {
    const header = signWebhook(secret, ts, body);
    const expected = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
    expect(header).toBe(`t=${ts},v1=${expected}`);
    expect(verifyWebhookSignature({ secret, header, body, now })).toEqual({ ok: true, timestamp: ts });
  });

  it('rejects a wrong HMAC: another body, another secret, a flipped digit', () => {
    const header = signWebhook(secret, ts, body);
    expect(verifyWebhookSignature({ secret, header, body: body.replace('42', '43'), now })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature({ secret: 'whsec_other', header, body, now })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    const flipped = header.slice(0, -1) + (header.endsWith('0') ? '1' : '0');
    expect(verifyWebhookSignature({ secret, header: flipped, body, now }).ok).toBe(false);
  });

  it('rejects timestamps more than five minutes old or ahead', () => {
    const old = signWebhook(secret, ts - 301, body);
    expect(verifyWebhookSignature({ secret, header: old, body, now })).toEqual({ ok: false, reason: 'stale' });
    const ahead = signWebhook(secret, ts + 301, body);
    expect(verifyWebhookSignature({ secret, header: ahead, body, now })).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhookSignature({ secret, header: signWebhook(secret, ts - 299, body), body, now }).ok).toBe(true);
  });

  it('signs with several secrets (a rotation overlap): one t, a v1 each, new first; either secret verifies', () => {
    const header = signWebhook(['whsec_new', 'whsec_old'], ts, body);
    const mac = (k: string) => createHmac('sha256', k).update(`${ts}.${body}`).digest('hex');
    expect(header).toBe(`t=${ts},v1=${mac('whsec_new')},v1=${mac('whsec_old')}`);
    expect(verifyWebhookSignature({ secret: 'whsec_new', header, body, now }).ok).toBe(true);
    expect(verifyWebhookSignature({ secret: 'whsec_old', header, body, now }).ok).toBe(true);
    expect(verifyWebhookSignature({ secret: 'whsec_other', header, body, now })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(() => signWebhook([], ts, body)).toThrow();
  });

  it('accepts a list of secrets on the receiving side: any of them may match', () => {
    const header = signWebhook('whsec_new', ts, body);
    expect(verifyWebhookSignature({ secret: ['whsec_old', 'whsec_new'], header, body, now }).ok).toBe(true);
    expect(verifyWebhookSignature({ secret: ['whsec_old', 'whsec_other'], header, body, now }).ok).toBe(false);
    expect(verifyWebhookSignature({ secret: [], header, body, now }).ok).toBe(false);
  });

  it('rejects malformed headers', () => {
    for (const header of [undefined, '', 'v1=abc', `t=${ts}`, `t=abc,v1=${'0'.repeat(64)}`, `t=${ts},v1=xyz`])
      expect(verifyWebhookSignature({ secret, header, body, now })).toEqual({ ok: false, reason: 'malformed' });
  });
});
