// The health webhook: a score change beyond the threshold is delivered once, signed; smaller changes are not.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/services/metrics/webhook-signature.js';
import { createFixture, type Fixture, type TestTenant } from './detection-fixture.js';

let f: Fixture;
let t: TestTenant;
let receiver: Server;
let url: string;
let received: Array<{ signature: string | undefined; body: string }> = [];
let answer = 200;

beforeAll(async () => {
  f = await createFixture();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ signature: req.headers['x-calbridge-signature'] as string | undefined, body });
      res.statusCode = answer;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
beforeEach(async () => {
  received = [];
  answer = 200;
  f.clock.now = new Date('2026-03-02T12:00:00Z');
  t = await f.newTenant({ ownDomains: ['own.example'], healthWebhookUrl: url, healthWebhookThreshold: 10 });
});
afterAll(async () => {
  await f.close();
  await new Promise((resolve) => receiver.close(resolve));
});

async function setup(): Promise<{ acme: string; secret: string }> {
  const s = await f.app.inject({ method: 'POST', url: '/api/settings/webhook-secret', headers: t.auth });
  expect(s.statusCode, s.body).toBe(200);
  const c = await f.app.inject({
    method: 'POST',
    url: '/api/customers',
    headers: t.auth,
    payload: { name: 'Acme', domains: ['acmecorp.com'] },
  });
  return { acme: (c.json() as { id: string }).id, secret: (s.json() as { secret: string }).secret };
}

async function meetings(days: number[]): Promise<void> {
  const ids = [];
  for (const d of days)
    ids.push(
      await t.meeting({
        start: new Date(Date.parse('2026-03-02T09:00:00Z') + d * 86_400_000).toISOString(),
        attendees: ['j@acmecorp.com'],
      }),
    );
  await f.runtime.detection.detectMeetings(t.tenantId, ids);
}

describe('health webhook', () => {
  it('delivers a signed event when the score moves by more than the threshold, and only then', async () => {
    const { acme, secret } = await setup();
    await meetings([-60]); // baseline score, no event
    await meetings([-50]); // small change
    await f.runtime.tick();
    expect(received).toHaveLength(0);
    await meetings([-3, 2]); // recent and upcoming meetings: a large jump
    await f.runtime.tick();
    expect(received).toHaveLength(1);
    const [hit] = received;
    const event = JSON.parse(hit!.body) as { type: string; customerId: string; previousScore: number; score: number };
    expect(event).toMatchObject({ type: 'customer.health_changed', customerId: acme });
    expect(event.score - event.previousScore).toBeGreaterThan(10);
    const health = await f.app.inject({ url: `/api/customers/${acme}/health-signals`, headers: t.auth });
    expect(event.score).toBe((health.json() as { score: number }).score);
    expect(verifyWebhookSignature({ secret, header: hit!.signature, body: hit!.body, now: f.clock.now })).toMatchObject(
      {
        ok: true,
      },
    );
    expect(
      verifyWebhookSignature({ secret: 'whsec_wrong', header: hit!.signature, body: hit!.body, now: f.clock.now }).ok,
    ).toBe(false);
    const later = new Date(f.clock.now.getTime() + 6 * 60_000);
    expect(verifyWebhookSignature({ secret, header: hit!.signature, body: hit!.body, now: later })).toEqual({
      ok: false,
      reason: 'stale',
    });
    // Nothing left to deliver, nothing re-sent.
    await f.runtime.tick();
    expect(received).toHaveLength(1);
  });

  it('retries a failed delivery later, and a rotated secret signs the next deliveries', async () => {
    await setup();
    await meetings([-60]);
    answer = 503;
    await meetings([-3, 2]);
    await f.runtime.tick();
    expect(received).toHaveLength(1);
    const [d] = await f.runtime.outbox.deliveries(t.tenantId);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastError: 'the webhook answered HTTP 503' });
    answer = 200;
    await f.runtime.tick();
    expect(received).toHaveLength(1); // not due yet
    const rotated = await f.app.inject({ method: 'POST', url: '/api/settings/webhook-secret', headers: t.auth });
    const secret = (rotated.json() as { secret: string }).secret;
    f.clock.now = new Date(f.clock.now.getTime() + 60_000);
    await f.runtime.tick();
    expect(received).toHaveLength(2);
    expect(
      verifyWebhookSignature({ secret, header: received[1]!.signature, body: received[1]!.body, now: f.clock.now }).ok,
    ).toBe(true);
    expect((await f.runtime.outbox.deliveries(t.tenantId))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('the secret is stored sealed, never in clear', async () => {
    const { secret } = await setup();
    const rows = await f.container.database.db
      .selectFrom('tenant_webhook_secrets' as never)
      .selectAll()
      .execute();
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(await f.runtime.webhooks.secretOf(t.tenantId)).toBe(secret);
  });
});
