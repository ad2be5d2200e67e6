// Webhook secret rotation with an overlap (issue 19): after a rotation an endpoint's deliveries carry a signature with
// the new and with the previous secret until the overlap ends (default 24 h, set per rotation, 0: at once), so a
// receiver that still has the old secret keeps verifying them; with the clock moved past the window only the new one
// signs. The previous secret is stored sealed like the current one, never shown, and stays with its own tenant.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/services/metrics/webhook-signature.js';
import { createTestApp, type TestApp } from '../support/app.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const clock = { now: new Date('2026-06-01T09:00:00Z') };
let t: TestApp;
let admin: { authorization: string };
let receiver: Server;
let base: string;
const hits: Array<{ body: string; signature: string }> = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      hits.push({ body, signature: String(req.headers['x-calbridge-signature'] ?? '') });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  t = await createTestApp({ LOG_LEVEL: 'warn' }, { clock: { now: () => clock.now } });
  admin = (await t.newTenant('Contoso')).auth;
}, 120_000);
afterAll(async () => {
  await t?.close();
  await new Promise((r) => receiver?.close(r));
});

const call = async (method: 'GET' | 'POST', url: string, payload?: object, auth = admin) => {
  const r = await t.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: (r.body ? r.json() : null) as Json };
};

/** Sends a test event to the endpoint and returns the delivery the receiver got. */
async function delivered(id: string) {
  expect((await call('POST', `/api/webhook-endpoints/${id}/test`)).status).toBe(202);
  await t.runtime.jobs.tick();
  return hits.at(-1)!;
}
const verifies = (secret: string | string[], hit: { body: string; signature: string }) =>
  verifyWebhookSignature({ secret, header: hit.signature, body: hit.body, now: clock.now }).ok;

describe('webhook secret rotation', () => {
  it('signs with the new and the old secret during the overlap, then with the new one only', async () => {
    const made = await call('POST', '/api/webhook-endpoints', { url: `${base}/hook` });
    expect(made.status).toBe(201);
    const id = made.body.endpoint.id as string;
    const old = made.body.secret as string;
    expect(made.body.endpoint.previousSecretExpiresAt).toBeNull();

    const first = await delivered(id);
    expect(first.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifies(old, first)).toBe(true);

    const rotated = await call('POST', `/api/webhook-endpoints/${id}/secret`);
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(rotated.body).toEqual({
      secret: expect.stringMatching(/^whsec_/),
      rotatedAt: clock.now.toISOString(),
      previousSecretExpiresAt: new Date(clock.now.getTime() + 24 * 3600_000).toISOString(),
    });
    const shown = await call('GET', `/api/webhook-endpoints/${id}`);
    expect(shown.body.previousSecretExpiresAt).toBe(rotated.body.previousSecretExpiresAt);
    expect(JSON.stringify(shown.body)).not.toContain(old);

    // The previous secret is stored sealed, as the current one is: neither is in the row in clear.
    const row = await sql<{ secret_ciphertext: string; previous_secret_ciphertext: string | null }>`SELECT
        secret_ciphertext, previous_secret_ciphertext FROM webhook_endpoints WHERE id = ${id}::uuid`.execute(
      t.container.database.db,
    );
    expect(row.rows[0]!.previous_secret_ciphertext).toBeTruthy();
    expect(JSON.stringify(row.rows)).not.toContain(old);
    expect(JSON.stringify(row.rows)).not.toContain(fresh);

    // During the overlap: a receiver with the old secret, with the new one, or with both verifies.
    clock.now = new Date(clock.now.getTime() + 23 * 3600_000);
    const during = await delivered(id);
    expect(during.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifies(old, during)).toBe(true);
    expect(verifies(fresh, during)).toBe(true);
    expect(verifies([old, fresh], during)).toBe(true);
    expect(verifies('whsec_wrong', during)).toBe(false);

    // After the window: only the new secret.
    clock.now = new Date(clock.now.getTime() + 3600_000 + 1000);
    const after = await delivered(id);
    expect(after.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifies(fresh, after)).toBe(true);
    expect(verifies(old, after)).toBe(false);
  });

  it('overlapSeconds 0 stops the old secret at once; a custom overlap is kept; bad values are 400', async () => {
    const made = await call('POST', '/api/webhook-endpoints', { url: `${base}/hook` });
    const id = made.body.endpoint.id as string;
    const first = made.body.secret as string;

    const custom = await call('POST', `/api/webhook-endpoints/${id}/secret`, { overlapSeconds: 600 });
    expect(custom.body.previousSecretExpiresAt).toBe(new Date(clock.now.getTime() + 600_000).toISOString());
    const second = custom.body.secret as string;
    expect(verifies(first, await delivered(id))).toBe(true);

    // A second rotation during the overlap keeps only the secret it replaces; 0 keeps none.
    const now0 = await call('POST', `/api/webhook-endpoints/${id}/secret`, { overlapSeconds: 0 });
    expect(now0.status).toBe(200);
    expect(now0.body.previousSecretExpiresAt).toBeNull();
    const hit = await delivered(id);
    expect(hit.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifies(now0.body.secret, hit)).toBe(true);
    expect(verifies(second, hit)).toBe(false);
    expect(verifies(first, hit)).toBe(false);

    for (const overlapSeconds of [-1, 1.5, 7 * 24 * 3600 + 1, null]) {
      const bad = await call('POST', `/api/webhook-endpoints/${id}/secret`, { overlapSeconds });
      expect(bad.status, String(overlapSeconds)).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
    }
    const extra = await call('POST', `/api/webhook-endpoints/${id}/secret`, { overlap: 60 });
    expect(extra.status).toBe(400);
    // The audit trail names the overlap, never a secret.
    const audit = await call('GET', '/api/audit?action=webhook_endpoint.secret_rotated');
    expect(JSON.stringify(audit.body)).not.toContain(now0.body.secret);
  });

  it("another tenant cannot rotate an endpoint's secret (404)", async () => {
    const made = await call('POST', '/api/webhook-endpoints', { url: `${base}/hook` });
    const other = (await t.newTenant('Fabrikam')).auth;
    const r = await call('POST', `/api/webhook-endpoints/${made.body.endpoint.id}/secret`, {}, other);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });
});
