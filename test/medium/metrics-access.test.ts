// Operator data stays with operators: /metrics answers only loopback clients without METRICS_TOKEN (404 to others) and
// only `Authorization: Bearer <METRICS_TOKEN>` with it; a tenant's sync-status counts only its own queued syncs.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

const TOKEN = 'metrics-token-0123456789abcdef';
let open: TestApp;
let locked: TestApp;

beforeAll(async () => {
  open = await createTestApp();
  locked = await createTestApp({ METRICS_TOKEN: TOKEN });
});
afterAll(async () => {
  await open?.close();
  await locked?.close();
});

const scrape = (t: TestApp, remoteAddress: string, authorization?: string) =>
  t.app.inject({ url: '/metrics', remoteAddress, headers: authorization ? { authorization } : {} });

describe('/metrics without METRICS_TOKEN', () => {
  it('answers loopback clients', async () => {
    for (const ip of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      const r = await scrape(open, ip);
      expect(r.statusCode, ip).toBe(200);
      expect(r.body).toContain('calbridge_');
    }
    expect((await open.app.inject({ url: '/metrics' })).statusCode).toBe(200);
  });

  it('is 404 to every other client, as if there were no such route', async () => {
    for (const ip of ['203.0.113.9', '10.0.0.8', '192.168.1.2', '::ffff:10.0.0.1', '2001:db8::1', 'fd00::5']) {
      const r = await scrape(open, ip);
      expect(r.statusCode, ip).toBe(404);
      expect(r.json().error.code).toBe('route_not_found');
      expect(r.body).not.toContain('calbridge_');
    }
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  it('requires the token from every client, loopback included', async () => {
    const a = await locked.newTenant();
    for (const auth of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, TOKEN, a.auth.authorization]) {
      const r = await scrape(locked, '127.0.0.1', auth);
      expect(r.statusCode, String(auth)).toBe(401);
      expect(r.json().error.code).toBe('unauthenticated');
      expect(r.body).not.toContain('calbridge_');
    }
  });

  it('answers any client with the token', async () => {
    for (const ip of ['127.0.0.1', '203.0.113.9']) {
      const r = await scrape(locked, ip, `Bearer ${TOKEN}`);
      expect(r.statusCode, ip).toBe(200);
      expect(r.body).toContain('calbridge_');
    }
  });
});

describe('sync-status queue figures', () => {
  it("count only the tenant's own queued syncs", async () => {
    const a = await open.newTenant();
    const b = await open.newTenant();
    const queue = open.runtime.sync.queue;
    const job = (tenantId: string) => ({
      tenantId,
      calendarId: randomUUID(),
      connectionId: randomUUID(),
      reason: 'manual',
    });
    for (const j of [job(a.tenantId), job(a.tenantId), job(a.tenantId), job(b.tenantId)]) await queue.enqueueSync(j);
    for (const [who, queued] of [
      [a, 3],
      [b, 1],
    ] as const) {
      for (const url of ['/api/calendar/sync-status', '/api/outlook/calendar/sync-status']) {
        const r = await open.app.inject({ url, headers: who.auth });
        expect(r.statusCode, r.body).toBe(200);
        expect(r.json().queue, url).toEqual({ queued, active: 0 });
      }
    }
    const c = await open.newTenant();
    expect((await open.app.inject({ url: '/api/calendar/sync-status', headers: c.auth })).json().queue).toEqual({
      queued: 0,
      active: 0,
    });
  });
});
