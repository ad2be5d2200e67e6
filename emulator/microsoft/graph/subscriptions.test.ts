// Subscription engine against real local webhook receivers: handshake, delivery shape, faults, lifecycle.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../contracts.js';
import { Directory } from '../directory.js';
import { GraphHttpError } from './errors.js';
import { SubscriptionEngine, type MailboxChange } from './subscriptions.js';

const TENANT = '11111111-1111-1111-1111-111111111111';
const ALICE = 'aaaaaaaa-0000-0000-0000-000000000001';
const BOB = 'bbbbbbbb-0000-0000-0000-000000000002';

interface Receiver {
  url: string;
  posts: Array<{ query: string; body: string }>;
  mode: 'echo' | 'wrong-token' | 'error' | 'fail-notifications';
  server: Server;
}

async function receiver(): Promise<Receiver> {
  const r = { posts: [], mode: 'echo' } as unknown as Receiver;
  r.server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      r.posts.push({ query: u.search, body });
      const token = u.searchParams.get('validationToken');
      if (token !== null) {
        if (r.mode === 'error') res.writeHead(500).end();
        else res.writeHead(200, { 'content-type': 'text/plain' }).end(r.mode === 'wrong-token' ? 'nope' : token);
        return;
      }
      res.writeHead(r.mode === 'fail-notifications' ? 503 : 202).end();
    });
  });
  await new Promise<void>((ok) => r.server.listen(0, '127.0.0.1', ok));
  r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/hook`;
  return r;
}

const delegated = (userId: string, scopes = ['Calendars.Read']): Principal => ({
  kind: 'delegated',
  tenantId: TENANT,
  userId,
  appId: 'app-1',
  scopes: new Set(scopes),
});

const change = (over: Partial<MailboxChange> = {}): MailboxChange => ({
  kind: 'event',
  userId: ALICE,
  containerId: 'cal-1',
  isDefaultContainer: true,
  itemId: 'evt-1',
  changeType: 'created',
  changeKey: 'ck1',
  ...over,
});

describe('SubscriptionEngine', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  let engine: SubscriptionEngine;
  let hook: Receiver;
  let life: Receiver;
  let directory: Directory;

  beforeEach(async () => {
    now = Date.parse('2026-01-01T00:00:00Z');
    directory = new Directory();
    directory.addTenant({ id: TENANT, displayName: 'Contoso', domains: ['contoso.com'] });
    for (const [id, name] of [
      [ALICE, 'alice'],
      [BOB, 'bob'],
    ] as const) {
      directory.addUser({
        id,
        tenantId: TENANT,
        userPrincipalName: `${name}@contoso.com`,
        mail: `${name}@contoso.com`,
        displayName: name,
        givenName: null,
        surname: null,
        jobTitle: null,
        kind: 'user',
        mailbox: 'exchangeOnline',
        password: 'x',
      });
    }
    engine = new SubscriptionEngine({
      directory,
      clock: () => now,
      retryDelaysMs: [10, 10],
      validationTimeoutMs: 2000,
      calendarExists: (_userId, calendarId) => calendarId.startsWith('cal-'),
      // the receivers are plain http on 127.0.0.1
      allowHttpNotifications: true,
      // one POST per change here; batching is tested over HTTPS in subscription-lifecycle.test.ts
      batchWindowMs: 0,
    });
    hook = await receiver();
    life = await receiver();
  });

  afterEach(async () => {
    await engine.close();
    hook.server.close();
    life.server.close();
  });

  const create = (over: Record<string, unknown> = {}, p = delegated(ALICE)) =>
    engine.create(p, {
      changeType: 'created,updated,deleted',
      notificationUrl: hook.url,
      lifecycleNotificationUrl: life.url,
      resource: 'me/events',
      expirationDateTime: new Date(now + 3600_000).toISOString(),
      clientState: 'secret',
      ...over,
    });

  it('validates both URLs with a decoded token echo and returns the Graph representation', async () => {
    const rec = await create();
    expect(hook.posts[0]?.query).toMatch(/^\?validationToken=/);
    expect(life.posts).toHaveLength(1);
    const json = engine.toGraph(rec);
    expect(json).toMatchObject({
      resource: 'me/events',
      changeType: 'created,updated,deleted',
      clientState: 'secret',
      applicationId: 'app-1',
      creatorId: ALICE,
      latestSupportedTlsVersion: 'v1_2',
      includeResourceData: false,
    });
    expect(json.expirationDateTime).toBe('2026-01-01T01:00:00.0000000Z');
  });

  it('refuses the subscription when the endpoint answers wrongly', async () => {
    hook.mode = 'wrong-token';
    await expect(create()).rejects.toMatchObject({ status: 400, code: 'ValidationError' });
    hook.mode = 'error';
    await expect(create()).rejects.toMatchObject({ status: 400, code: 'ValidationError' });
    expect(engine.subscriptions.size).toBe(0);
  });

  it('refuses http notification URLs as Graph does, unless the explicit loopback mode is on', async () => {
    const strict = new SubscriptionEngine({ directory, clock: () => now, validationTimeoutMs: 2000 });
    try {
      const body = (over: Record<string, unknown>) => ({
        changeType: 'created',
        notificationUrl: hook.url,
        resource: 'me/events',
        expirationDateTime: new Date(now + 3600_000).toISOString(),
        ...over,
      });
      const err = await strict.create(delegated(ALICE), body({})).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GraphHttpError);
      expect(err).toMatchObject({
        status: 400,
        code: 'InvalidRequest',
        message: "NotificationUrl scheme='http' is not supported.",
      });
      await expect(
        strict.create(
          delegated(ALICE),
          body({ notificationUrl: 'https://127.0.0.1:9/x', lifecycleNotificationUrl: life.url }),
        ),
      ).rejects.toMatchObject({ status: 400, message: "LifecycleNotificationUrl scheme='http' is not supported." });
      expect(hook.posts).toHaveLength(0); // refused before any validation request
      expect(strict.subscriptions.size).toBe(0);
    } finally {
      await strict.close();
    }
    // the loopback mode is for loopback receivers only
    await expect(create({ notificationUrl: 'http://calbridge.example/hook' })).rejects.toMatchObject({
      status: 400,
      message: "NotificationUrl scheme='http' is not supported.",
    });
    expect((await create()).notificationUrl).toBe(hook.url);
  });

  it('rejects bad requests with 4xx codes', async () => {
    await expect(create({ changeType: 'moved' })).rejects.toMatchObject({ status: 400 });
    await expect(create({ notificationUrl: 'http://example.com/x' })).rejects.toMatchObject({ status: 400 });
    await expect(create({ clientState: 'x'.repeat(129) })).rejects.toMatchObject({ status: 400 });
    await expect(create({ expirationDateTime: new Date(now - 1000).toISOString() })).rejects.toMatchObject({
      status: 400,
    });
    await expect(create({ resource: 'users/bob@contoso.com/events' })).rejects.toMatchObject({
      status: 403,
      code: 'ExtensionError',
    });
    await expect(create({}, delegated(ALICE, ['User.Read']))).rejects.toMatchObject({ status: 403 });
    await expect(create({ resource: 'me/contacts' })).rejects.toBeInstanceOf(GraphHttpError);
    await expect(create({ resource: 'me/calendars/unknown/events' })).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a lifetime beyond the maximum and renews only expirationDateTime', async () => {
    await expect(create({ expirationDateTime: new Date(now + 30 * 86_400_000).toISOString() })).rejects.toMatchObject({
      status: 400,
      code: 'ExtensionError',
    });
    const rec = await create({ expirationDateTime: new Date(now + 10_070 * 60_000).toISOString() });
    expect(rec.expiresAt).toBe(now + 10_070 * 60_000);
    const p = delegated(ALICE);
    engine.renew(p, rec.id, { expirationDateTime: new Date(now + 7200_000).toISOString() });
    expect(rec.expiresAt).toBe(now + 7200_000);
    expect(() => engine.renew(p, rec.id, { lifecycleNotificationUrl: life.url })).toThrow(/only be set when/);
    expect(() => engine.get(delegated(BOB), rec.id)).toThrow(GraphHttpError);
    now += 7200_001;
    expect(() => engine.get(p, rec.id)).toThrow(/does not exist/);
  });

  it('delivers change notifications for the subscribed mailbox only', async () => {
    const rec = await create();
    hook.posts.length = 0;
    engine.handleChange(change({ userId: BOB }));
    engine.handleChange(change());
    await engine.idle();
    expect(hook.posts).toHaveLength(1);
    const n = JSON.parse(hook.posts[0]?.body ?? '{}').value[0];
    expect(n).toEqual({
      id: expect.any(String),
      subscriptionId: rec.id,
      subscriptionExpirationDateTime: '2026-01-01T01:00:00.0000000Z',
      changeType: 'created',
      resource: `Users/${ALICE}/Events/evt-1`,
      clientState: 'secret',
      tenantId: TENANT,
      resourceData: {
        '@odata.type': '#Microsoft.Graph.Event',
        '@odata.id': `Users/${ALICE}/Events/evt-1`,
        '@odata.etag': 'W/"ck1"',
        id: 'evt-1',
      },
    });
    expect(rec.stats.delivered).toBe(1);
  });

  it('filters by calendar and change type', async () => {
    await create({ resource: 'me/calendars/cal-2/events', changeType: 'deleted' });
    hook.posts.length = 0;
    engine.handleChange(change({ containerId: 'cal-2' }));
    engine.handleChange(change({ containerId: 'cal-1', changeType: 'deleted' }));
    engine.handleChange(change({ containerId: 'cal-2', changeType: 'deleted', itemId: 'gone' }));
    await engine.idle();
    expect(hook.posts.map((p) => JSON.parse(p.body).value[0].resourceData.id)).toEqual(['gone']);
  });

  it('applies drop, duplicate and reorder faults', async () => {
    await create();
    hook.posts.length = 0;
    engine.webhookFaults = { drop: { remaining: 1 }, duplicate: { remaining: 1 } };
    engine.handleChange(change({ itemId: 'a' }));
    engine.handleChange(change({ itemId: 'b' }));
    await engine.idle();
    const ids = () => hook.posts.map((p) => JSON.parse(p.body).value[0].resourceData.id);
    expect(ids()).toEqual(['b', 'b']);
    hook.posts.length = 0;
    engine.webhookFaults = { reorder: { remaining: 1 } };
    engine.handleChange(change({ itemId: 'c' }));
    engine.handleChange(change({ itemId: 'd' }));
    await engine.idle();
    expect(ids()).toEqual(['d', 'c']);
  });

  it('retries failing deliveries, then sends a missed lifecycle notification', async () => {
    const rec = await create();
    hook.mode = 'fail-notifications';
    hook.posts.length = 0;
    engine.handleChange(change());
    await engine.idle();
    await engine.idle();
    expect(hook.posts).toHaveLength(3);
    expect(rec.stats.failed).toBe(1);
    const last = JSON.parse(life.posts.at(-1)?.body ?? '{}').value[0];
    expect(last).toMatchObject({
      subscriptionId: rec.id,
      lifecycleEvent: 'missed',
      clientState: 'secret',
      tenantId: TENANT,
    });
  });

  it('sends reauthorizationRequired before expiry and subscriptionRemoved on trigger', async () => {
    const rec = await create({ expirationDateTime: new Date(now + 20 * 60_000).toISOString() });
    now += 11 * 60_000;
    engine.sweep();
    engine.sweep();
    await engine.idle();
    const events = () => life.posts.slice(1).map((p) => JSON.parse(p.body).value[0].lifecycleEvent);
    expect(events()).toEqual(['reauthorizationRequired']);
    engine.reauthorize(delegated(ALICE), rec.id);
    expect(engine.triggerLifecycle(rec.id, 'subscriptionRemoved')).toBe(true);
    await engine.idle();
    expect(events()).toEqual(['reauthorizationRequired', 'subscriptionRemoved']);
    expect(engine.subscriptions.has(rec.id)).toBe(false);
  });
});

describe('rich notifications (includeResourceData)', () => {
  it('encrypts the resource data for the certificate and adds a validation token', async () => {
    const { createDecipheriv, createHmac, privateDecrypt, constants } = await import('node:crypto');
    const { decodeJwt } = await import('jose');
    const forge = (await import('node-forge')).default;
    const keys = forge.pki.rsa.generateKeyPair(1024);
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.now() - 86_400_000);
    cert.validity.notAfter = new Date(Date.now() + 86_400_000);
    cert.setSubject([{ name: 'commonName', value: 'rich' }]);
    cert.setIssuer([{ name: 'commonName', value: 'rich' }]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    const der = forge.util.encode64(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes());
    const privatePem = forge.pki.privateKeyToPem(keys.privateKey);

    const directory = new Directory();
    directory.addTenant({ id: TENANT, displayName: 'Contoso', domains: ['contoso.com'] });
    directory.addUser({
      id: ALICE,
      tenantId: TENANT,
      userPrincipalName: 'alice@contoso.com',
      mail: 'alice@contoso.com',
      displayName: 'alice',
      givenName: null,
      surname: null,
      jobTitle: null,
      kind: 'user',
      mailbox: 'exchangeOnline',
      password: 'x',
    });
    const now = Date.now();
    const engine = new SubscriptionEngine({
      directory,
      clock: () => now,
      retryDelaysMs: [],
      allowHttpNotifications: true,
    });
    const hook = await receiver();
    try {
      const base = {
        changeType: 'created',
        notificationUrl: hook.url,
        resource: 'me/events',
        expirationDateTime: new Date(now + 3600_000).toISOString(),
        includeResourceData: true,
        encryptionCertificateId: 'my-cert',
      };
      await expect(
        engine.create(delegated(ALICE), { ...base, encryptionCertificate: 'bm90IGEgY2VydA==' }),
      ).rejects.toMatchObject({ status: 400 });
      const rec = await engine.create(delegated(ALICE), { ...base, encryptionCertificate: der });
      hook.posts.length = 0;
      engine.handleChange(change());
      await engine.idle();
      const payload = JSON.parse(hook.posts[0]?.body ?? '{}');
      expect(decodeJwt(payload.validationTokens[0])).toMatchObject({ aud: 'app-1', tid: TENANT });
      const enc = payload.value[0].encryptedContent;
      expect(enc.encryptionCertificateId).toBe('my-cert');
      const key = privateDecrypt(
        { key: privatePem, padding: constants.RSA_PKCS1_OAEP_PADDING },
        Buffer.from(enc.dataKey, 'base64'),
      );
      const data = Buffer.from(enc.data, 'base64');
      expect(createHmac('sha256', key).update(data).digest('base64')).toBe(enc.dataSignature);
      const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
      const plain = JSON.parse(Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8'));
      expect(plain).toMatchObject({ id: 'evt-1', '@odata.type': '#Microsoft.Graph.Event' });
      expect(payload.value[0].subscriptionId).toBe(rec.id);
    } finally {
      await engine.close();
      hook.server.close();
    }
  });
});
