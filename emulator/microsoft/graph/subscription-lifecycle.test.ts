// Subscription lifecycle over HTTPS, as Graph behaves: expiries beyond the maximum are refused, the access token behind
// a subscription is challenged before it expires (deliveries pause while unanswered, /reauthorize resumes them), and
// notifications of close changes to one URL arrive batched in one POST.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../server.js';
import { trustEmulatorCa, userToken } from '../testing.js';

interface Receiver {
  url: string;
  /** Bodies of the notification POSTs (validation handshakes left out). */
  posts: Array<{ value: Array<Record<string, unknown>> }>;
  server: Server;
}

async function receiver(): Promise<Receiver> {
  const r = { posts: [] } as unknown as Receiver;
  r.server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken');
      if (token !== null) return void res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
      r.posts.push(JSON.parse(body) as Receiver['posts'][number]);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((ok) => r.server.listen(0, '127.0.0.1', ok));
  r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/hook`;
  return r;
}

let emu: RunningEmulator;
let untrust: () => void = () => undefined;
const receivers: Receiver[] = [];

async function start(subscriptions: EmulatorOptions['subscriptions'] = {}) {
  emu = await startEmulator({
    port: 0,
    quiet: true,
    autoConsent: true,
    minimalSeed: true,
    dataDir: mkdtempSync(join(tmpdir(), 'emu-sub-lifecycle-')),
    tokenLifetimes: { accessTokenSeconds: 3600 },
    subscriptions: { allowHttpNotifications: true, ...subscriptions },
  });
  untrust = trustEmulatorCa(emu.caPem);
}

afterEach(async () => {
  untrust();
  await emu?.close();
  for (const r of receivers.splice(0)) r.server.close();
});

const MINUTE = 60_000;
const token = async (login = emu.users[0]!) => (await userToken(emu.baseUrl, emu.app, login)).access_token;

interface GraphBody {
  id?: string;
  expirationDateTime?: string;
  error?: { code: string; message: string };
}

async function graph(method: string, path: string, bearer: string, body?: unknown) {
  const res = await fetch(`${emu.baseUrl}/v1.0${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as GraphBody };
}

const event = (subject: string) => ({
  subject,
  start: { dateTime: '2026-11-20T12:00:00', timeZone: 'UTC' },
  end: { dateTime: '2026-11-20T13:00:00', timeZone: 'UTC' },
});

async function subscribe(bearer: string, hook: Receiver, life: Receiver | null, minutes = 60) {
  const r = await graph('POST', '/subscriptions', bearer, {
    changeType: 'created,updated,deleted',
    notificationUrl: hook.url,
    ...(life ? { lifecycleNotificationUrl: life.url } : {}),
    resource: 'me/events',
    expirationDateTime: new Date(emu.clock.now() + minutes * MINUTE).toISOString(),
    clientState: 'secret',
  });
  expect(r.status).toBe(201);
  return r.body.id!;
}

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));
/** Waits until `probe` holds (deliveries are asynchronous), at most 10 s; a last settle shows nothing more came. */
async function until(probe: () => boolean): Promise<void> {
  for (const end = Date.now() + 10_000; !probe() && Date.now() < end;) await settle(50);
  await settle();
}
const lifecycleEvents = (r: Receiver) => r.posts.flatMap((p) => p.value.map((n) => n.lifecycleEvent));
const created = (r: Receiver) => r.posts.flatMap((p) => p.value.filter((n) => n.changeType === 'created'));

describe('subscription lifecycle (HTTPS)', () => {
  it('refuses an expirationDateTime beyond 10,070 minutes with 400 ExtensionError, on create and on renewal', async () => {
    await start();
    const bearer = await token();
    const hook = await receiver();
    receivers.push(hook);
    const tooLong = await graph('POST', '/subscriptions', bearer, {
      changeType: 'created',
      notificationUrl: hook.url,
      resource: 'me/events',
      expirationDateTime: new Date(emu.clock.now() + 10_080 * MINUTE).toISOString(),
      clientState: 'secret',
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatchObject({
      code: 'ExtensionError',
      message: 'Subscription expiration can only be 10070 minutes in the future.',
    });
    const id = await subscribe(bearer, hook, null, 10_060);
    const renew = (minutes: number) =>
      graph('PATCH', `/subscriptions/${id}`, bearer, {
        expirationDateTime: new Date(emu.clock.now() + minutes * MINUTE).toISOString(),
      });
    expect((await renew(10_071)).status).toBe(400);
    const ok = await renew(10_000);
    expect(ok.status).toBe(200);
    expect(Date.parse(ok.body.expirationDateTime!)).toBeLessThanOrEqual(emu.clock.now() + 10_070 * MINUTE);
  });

  it('challenges before the token behind a subscription expires; unanswered, changes are dropped; /reauthorize resumes', async () => {
    await start({ batchWindowMs: 0 });
    const [hook, life] = [await receiver(), await receiver()];
    receivers.push(hook, life);
    const first = await token();
    const id = await subscribe(first, hook, life, 10_000);
    const sweep = async () => {
      await graph('GET', `/subscriptions/${id}`, await token());
      await settle();
    };

    emu.clock.advance(49 * MINUTE); // 11 minutes left on the token: no challenge yet
    await sweep();
    expect(lifecycleEvents(life)).toEqual([]);
    emu.clock.advance(2 * MINUTE); // 9 minutes left: challenged (the subscription itself has days left)
    await sweep();
    await until(() => lifecycleEvents(life).length > 0);
    expect(lifecycleEvents(life)).toEqual(['reauthorizationRequired']);
    expect(life.posts[0]!.value[0]).toMatchObject({ subscriptionId: id, clientState: 'secret' });

    // Until the token expires, changes still flow.
    expect((await graph('POST', '/me/events', await token(), event('Before expiry'))).status).toBe(201);
    await until(() => created(hook).length > 0);
    expect(created(hook)).toHaveLength(1);

    // The token expired and the challenge is unanswered: changes are dropped, not queued.
    emu.clock.advance(10 * MINUTE);
    expect((await graph('POST', '/me/events', await token(), event('While paused'))).status).toBe(201);
    await settle();
    expect(created(hook)).toHaveLength(1);
    const admin = (await (await fetch(`${emu.baseUrl}/_emulator/subscriptions`)).json()) as {
      value: Array<{ id: string; paused: boolean; stats: { dropped: number } }>;
    };
    expect(admin.value.find((s) => s.id === id)).toMatchObject({ paused: true, stats: { dropped: 1 } });
    const deliveries = (await (await fetch(`${emu.baseUrl}/_emulator/deliveries`)).json()) as {
      value: Array<{ kind: string; dropped: boolean; reason?: string }>;
    };
    expect(deliveries.value.filter((d) => d.kind === 'change' && d.reason === 'reauthorizationPending')).toHaveLength(
      1,
    );

    // The expired token cannot answer; a challenge left unanswered is sent again 15 minutes after the first.
    expect((await graph('POST', `/subscriptions/${id}/reauthorize`, first)).status).toBe(401);
    emu.clock.advance(5 * MINUTE);
    await sweep();
    await until(() => lifecycleEvents(life).length > 1);
    expect(lifecycleEvents(life)).toEqual(['reauthorizationRequired', 'reauthorizationRequired']);

    // Reauthorized with a current token: 204, and changes flow again (what happened meanwhile is not resent).
    const fresh = await token();
    expect((await graph('POST', `/subscriptions/${id}/reauthorize`, fresh)).status).toBe(204);
    expect((await graph('POST', '/me/events', fresh, event('After reauthorization'))).status).toBe(201);
    await until(() => created(hook).length > 1);
    expect(created(hook)).toHaveLength(2);
    const sent = created(hook).map((n) => (n.resourceData as { id: string }).id);
    expect(new Set(sent).size).toBe(2);
  });

  it('sends the notifications of close changes to one URL in one POST, across subscriptions', async () => {
    await start({ batchWindowMs: 1500 });
    const hook = await receiver();
    receivers.push(hook);
    const [adele, other] = [emu.users[0]!, emu.users[1]!];
    const [a, b] = [await token(adele), await token(other)];
    const subs = [await subscribe(a, hook, null), await subscribe(b, hook, null)];
    const writes = await Promise.all([
      graph('POST', '/me/events', a, event('One')),
      graph('POST', '/me/events', a, event('Two')),
      graph('POST', '/me/events', b, event('Three')),
    ]);
    expect(writes.map((w) => w.status)).toEqual([201, 201, 201]);
    await until(() => hook.posts.length > 0);
    expect(hook.posts).toHaveLength(1);
    const batch = hook.posts[0]!.value;
    expect(batch).toHaveLength(3);
    expect(new Set(batch.map((n) => n.subscriptionId))).toEqual(new Set(subs));
    const deliveries = (await (await fetch(`${emu.baseUrl}/_emulator/deliveries`)).json()) as {
      value: Array<{ kind: string; count?: number; ok: boolean }>;
    };
    expect(deliveries.value.filter((d) => d.kind === 'change')).toEqual([
      expect.objectContaining({ count: 3, ok: true }),
    ]);
  });
});
