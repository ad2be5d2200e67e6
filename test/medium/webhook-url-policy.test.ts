// SSRF through tenant webhook URLs: PATCH /api/settings refuses what is not https to a public address (400
// webhook_url_not_allowed), and a URL stored before the policy existed is refused again at delivery, without a retry
// and without a connection. Loopback receivers only with CALBRIDGE_ALLOW_LOOPBACK_WEBHOOKS (the test default).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let prod: TestApp;
let dev: TestApp;
let receiver: Server;
let receiverUrl: string;
let received = 0;

beforeAll(async () => {
  prod = await createTestApp({ CALBRIDGE_ALLOW_LOOPBACK_WEBHOOKS: 'false' });
  dev = await createTestApp();
  receiver = createServer((_req, res) => {
    received++;
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await prod?.close();
  await dev?.close();
  await new Promise((resolve) => receiver.close(resolve));
});

const setUrl = (t: TestApp, auth: { authorization: string }, url: string) =>
  t.app.inject({ method: 'PATCH', url: '/api/settings', headers: auth, payload: { healthWebhookUrl: url } });

describe('PATCH /api/settings healthWebhookUrl', () => {
  it('refuses http, loopback, private, link-local and reserved addresses with 400 webhook_url_not_allowed', async () => {
    const a = await prod.newTenant();
    for (const url of [
      'http://hooks.example.com/calbridge',
      'ftp://hooks.example.com/calbridge',
      'https://127.0.0.1/hook',
      'https://localhost:8443/hook',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://10.1.2.3/hook',
      'https://172.16.0.1/hook',
      'https://192.168.1.20/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00::1]/hook',
      'https://0.0.0.0/hook',
      receiverUrl,
    ]) {
      const r = await setUrl(prod, a.auth, url);
      expect(r.statusCode, `${url} → ${r.body}`).toBe(400);
      expect(r.json().error).toMatchObject({ code: 'webhook_url_not_allowed', details: { field: 'healthWebhookUrl' } });
    }
    expect((await prod.container.tenants.getTenant(a.tenantId)).settings.healthWebhookUrl).toBeUndefined();
    const ok = await setUrl(prod, a.auth, 'https://hooks.example.com/calbridge');
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await setUrl(prod, a.auth, null as unknown as string)).statusCode).toBe(200);
  });

  it('with CALBRIDGE_ALLOW_LOOPBACK_WEBHOOKS accepts loopback receivers over http, and nothing else private', async () => {
    const a = await dev.newTenant();
    expect((await setUrl(dev, a.auth, receiverUrl)).statusCode).toBe(200);
    expect((await setUrl(dev, a.auth, 'http://[::1]:9/hook')).statusCode).toBe(200);
    for (const url of ['http://10.0.0.1/hook', 'https://192.168.0.1/hook', 'http://hooks.example.com/hook'])
      expect((await setUrl(dev, a.auth, url)).json().error?.code, url).toBe('webhook_url_not_allowed');
  });
});

describe('a webhook URL stored before the policy', () => {
  it('is refused at delivery: no connection, no retry, counted with its code', async () => {
    const a = await prod.newTenant();
    expect(
      (await prod.app.inject({ method: 'POST', url: '/api/settings/webhook-secret', headers: a.auth })).statusCode,
    ).toBe(200);
    const { outbox, deliveries } = prod.runtime.detection;
    for (const url of [receiverUrl, 'https://10.0.0.5/hook'])
      await outbox.enqueue(
        a.tenantId,
        'health_webhook',
        { url, event: { type: 'customer.health_changed' } },
        new Date(),
      );
    const r = await deliveries.runOnce();
    expect(r.failures.map((f) => f.code)).toEqual(['webhook_url_not_allowed', 'webhook_url_not_allowed']);
    expect(received).toBe(0);
    const stored = await outbox.deliveries(a.tenantId);
    expect(stored.map((d) => d.status)).toEqual(['failed', 'failed']);
    expect((await deliveries.runOnce()).failed).toBe(0);
  });
});
