// Platform webhooks end to end (issue 19, part 3) against the Microsoft 365 emulator: a tenant admin's endpoints over
// HTTP (SSRF-checked URL, secret shown once and rotated, event-type filters), and every event type delivered through
// the outbox to a local receiver, signed with the endpoint's secret and verified here: meeting.created / updated /
// cancelled from sync with the customer and detection reason, customer.health_changed, proposal.created / approved /
// rejected / expired, connection.connected / needs_reauth / disconnected, sync.failed, webhook.test. A failing
// receiver is retried, logged (status code, truncated answer, next retry) and counted; a delivery is replayed;
// another tenant sees and replays nothing; bad input answers 4xx with stable codes. The older healthWebhookUrl keeps
// receiving its events as before.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../../src/domain/webhook-events.js';
import { verifyWebhookSignature } from '../../src/services/metrics/webhook-signature.js';
import { mondayAfter, startSchedulingE2E, type Caller, type SchedulingE2E } from './scheduling-harness.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: SchedulingE2E;
let adele: Caller; // admin
let megan: Caller; // approver
let lynne: Caller; // member
let day: string;
let slot = 0;

interface Hit {
  path: string;
  body: string;
  signature: string | undefined;
  eventTypeHeader: string | undefined;
  event: Json;
}
const hits: Hit[] = [];
/** Statuses the receiver answers on a path, in order (then 200); `body` is sent with a non-2xx answer. */
const failing = new Map<string, Array<{ status: number; body: string }>>();
let receiver: Server;
let base: string;

const endpoints: Record<string, { id: string; secret: string }> = {};

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const path = req.url ?? '';
      const next = failing.get(path)?.shift();
      if (next) {
        res.statusCode = next.status;
        res.end(next.body);
        return;
      }
      hits.push({
        path,
        body,
        signature: req.headers['x-calbridge-signature'] as string | undefined,
        eventTypeHeader: req.headers['x-calbridge-event-type'] as string | undefined,
        event: JSON.parse(body) as Json,
      });
      res.statusCode = 200;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  h = await startSchedulingE2E({ healthWebhookThreshold: 0 }, {}, { CALBRIDGE_ALLOW_LOOPBACK_WEBHOOKS: 'true' });
  adele = await h.user('adele.vance@contoso.com'); // the tenant's first user: admin
  day = mondayAfter(h.t.emu.clock.now(), 3);
}, 120_000);
afterAll(async () => {
  await h?.close();
  await new Promise((r) => receiver?.close(r));
});

const call = async (who: Caller, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
  const r = await h.app.inject({ method, url, headers: who.auth, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: (r.body ? r.json() : null) as Json };
};

/** Works the outbox (the worker's delivery job), as often as something was sent. */
const tick = () => h.runtime.jobs.tick();
const now = () => h.runtime.clock.now();

/** The events a receiver path got, of a type. */
const got = (path: string, type?: string) =>
  hits.filter((x) => x.path === path && (type === undefined || x.event.type === type));

/** Every hit on `path` carries a signature that verifies with the endpoint's secret (and not with another). */
function expectSigned(hit: Hit, secret: string) {
  expect(verifyWebhookSignature({ secret, header: hit.signature, body: hit.body, now: now() })).toMatchObject({
    ok: true,
  });
  expect(verifyWebhookSignature({ secret: 'whsec_wrong', header: hit.signature, body: hit.body, now: now() }).ok).toBe(
    false,
  );
  expect(hit.eventTypeHeader).toBe(hit.event.type);
  expect(typeof hit.event.deliveryId).toBe('string');
  expect(typeof hit.event.eventId).toBe('string');
  expect(hit.event.tenantId).toBe(h.tenantId);
}

async function failures(kind: string): Promise<number> {
  const m = await h.runtime.metrics.registry.getSingleMetric('calbridge_delivery_failures_total')!.get();
  return m.values.filter((v) => v.labels.kind === kind).reduce((n, v) => n + v.value, 0);
}

async function propose(internal = false) {
  const hour = String(8 + (slot++ % 10)).padStart(2, '0');
  const r = await call(adele, 'POST', '/api/calendar/events', {
    subject: `Webhook test ${slot} ${Date.now()}`,
    start: `${day}T${hour}:00:00Z`,
    end: `${day}T${hour}:30:00Z`,
    attendees: [{ email: 'alex.wilber@contoso.com' }, ...(internal ? [] : [{ email: 'wile.coyote@acmecorp.com' }])],
    onlineMeeting: false,
  });
  expect(r.status).toBe(201);
  return r.body;
}

describe('endpoints: admin-only CRUD with stable error codes', () => {
  it('refuses bad input with 4xx and stable codes, members with 403 role_required', async () => {
    lynne = await h.user('lynne.robbins@contoso.com');
    const member = await call(lynne, 'POST', '/api/webhook-endpoints', { url: `${base}/all` });
    expect(member.status).toBe(403);
    expect(member.body.error.code).toBe('role_required');
    expect((await call(lynne, 'GET', '/api/webhook-endpoints')).status).toBe(403);

    for (const url of ['ftp://example.com/hook', 'http://10.0.0.7/hook', 'https://169.254.169.254/x', 'not a url']) {
      const r = await call(adele, 'POST', '/api/webhook-endpoints', { url });
      expect(r.status, url).toBe(400);
      expect(r.body.error.code, url).toBe('webhook_url_not_allowed');
    }
    const unknownType = await call(adele, 'POST', '/api/webhook-endpoints', {
      url: `${base}/all`,
      eventTypes: ['meeting.exploded'],
    });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.error.code).toBe('validation_failed');
    const extra = await call(adele, 'POST', '/api/webhook-endpoints', { url: `${base}/all`, secret: 'mine' });
    expect(extra.status).toBe(400);
    expect(extra.body.error.code).toBe('validation_failed');
    const missing = await call(adele, 'GET', '/api/webhook-endpoints/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    expect((await call(adele, 'GET', '/api/webhook-endpoints/nope')).body.error.code).toBe('validation_failed');
    const emptyPatch = await call(adele, 'PATCH', '/api/webhook-endpoints/00000000-0000-4000-8000-000000000000', {});
    expect(emptyPatch.status).toBe(400);
  });

  it('creates endpoints (secret once), lists them without secrets, updates, rotates and deletes', async () => {
    const mk = async (name: string, eventTypes?: string[]) => {
      const r = await call(adele, 'POST', '/api/webhook-endpoints', {
        url: `${base}/${name}`,
        description: name,
        ...(eventTypes ? { eventTypes } : {}),
      });
      expect(r.status).toBe(201);
      expect(r.body.secret).toMatch(/^whsec_/);
      expect(r.body.endpoint).toMatchObject({ url: `${base}/${name}`, enabled: true, eventTypes: eventTypes ?? [] });
      endpoints[name] = { id: r.body.endpoint.id, secret: r.body.secret };
    };
    await mk('all');
    await mk('proposals', ['proposal.created']);
    const list = await call(adele, 'GET', '/api/webhook-endpoints');
    expect(list.status).toBe(200);
    expect(list.body.items.map((e: Json) => e.description)).toEqual(['all', 'proposals']);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    expect(JSON.stringify(await call(adele, 'GET', `/api/webhook-endpoints/${endpoints.all!.id}`))).not.toContain(
      'whsec_',
    );

    // A throwaway endpoint: changed, its secret rotated (shown once more), deleted.
    const tmp = await call(adele, 'POST', '/api/webhook-endpoints', { url: `${base}/tmp` });
    const patched = await call(adele, 'PATCH', `/api/webhook-endpoints/${tmp.body.endpoint.id}`, {
      eventTypes: ['sync.failed'],
      enabled: false,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ eventTypes: ['sync.failed'], enabled: false });
    const badUrl = await call(adele, 'PATCH', `/api/webhook-endpoints/${tmp.body.endpoint.id}`, {
      url: 'http://192.168.1.1/',
    });
    expect(badUrl.body.error.code).toBe('webhook_url_not_allowed');
    const rotated = await call(adele, 'POST', `/api/webhook-endpoints/${tmp.body.endpoint.id}/secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(tmp.body.secret);
    const disabledTest = await call(adele, 'POST', `/api/webhook-endpoints/${tmp.body.endpoint.id}/test`);
    expect(disabledTest.status).toBe(409);
    expect(disabledTest.body.error.code).toBe('webhook_endpoint_disabled');
    expect((await call(adele, 'DELETE', `/api/webhook-endpoints/${tmp.body.endpoint.id}`)).status).toBe(204);
    expect((await call(adele, 'DELETE', `/api/webhook-endpoints/${tmp.body.endpoint.id}`)).status).toBe(404);

    const types = await call(adele, 'GET', '/api/webhook-endpoints/event-types');
    expect(types.body.items.map((t: Json) => t.type)).toEqual([...WEBHOOK_EVENT_TYPES]);
    const audit = await h.container.audit.list(h.tenantId, { limit: 50 });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'webhook_endpoint.created',
        'webhook_endpoint.secret_rotated',
        'webhook_endpoint.deleted',
      ]),
    );
    expect(JSON.stringify(audit)).not.toContain('whsec_');
  });
});

describe('events reach the endpoints that take them, signed', () => {
  it('webhook.test: sent by the test button to that endpoint only, whatever its filters', async () => {
    const r = await call(adele, 'POST', `/api/webhook-endpoints/${endpoints.proposals!.id}/test`);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ eventType: 'webhook.test', status: 'pending', attempts: 0 });
    await tick();
    const test = got('/proposals', 'webhook.test');
    expect(test).toHaveLength(1);
    expectSigned(test[0]!, endpoints.proposals!.secret);
    expect(test[0]!.event).toMatchObject({
      endpointId: endpoints.proposals!.id,
      requestedBy: { userId: adele.userId },
    });
    expect(test[0]!.event.deliveryId).toBe(r.body.id);
    expect(got('/all', 'webhook.test')).toHaveLength(0);
    // The signature is the endpoint's own: another endpoint's secret does not verify it.
    expect(
      verifyWebhookSignature({
        secret: endpoints.all!.secret,
        header: test[0]!.signature,
        body: test[0]!.body,
        now: now(),
      }).ok,
    ).toBe(false);
  });

  it('connection.connected when a calendar is connected; meeting.created with the customer and detection reason', async () => {
    const acme = await call(adele, 'POST', '/api/customers', { name: 'Acme Corp', domains: ['acmecorp.com'] });
    expect(acme.status).toBe(201);
    adele = await h.connect('adele.vance@contoso.com');
    megan = await h.connect('megan.bowen@contoso.com', 'approver');
    await h.runtime.sync.sync.syncUser(h.tenantId, adele.userId);
    await tick();
    const connected = got('/all', 'connection.connected');
    expect(connected.map((x) => x.event.connection.userId).sort()).toEqual([adele.userId, megan.userId].sort());
    expectSigned(connected[0]!, endpoints.all!.secret);
    expect(connected[0]!.event.connection).toMatchObject({ provider: 'MICROSOFT' });

    const created = got('/all', 'meeting.created');
    expect(created.length).toBeGreaterThan(0);
    for (const x of created.slice(0, 5)) expectSigned(x, endpoints.all!.secret);
    const withAcme = created.filter((x) => x.event.customer?.id === acme.body.id);
    expect(withAcme.length).toBeGreaterThan(0);
    expect(withAcme[0]!.event.customer.detectionReason).toEqual(expect.any(String));
    expect(withAcme[0]!.event.meeting).toMatchObject({ userId: adele.userId, isCancelled: false });
    // Filters: the proposals endpoint took none of it.
    expect(got('/proposals').filter((x) => x.event.type !== 'webhook.test')).toHaveLength(0);
  }, 120_000);

  it('meeting.updated and meeting.cancelled (deleted at the provider: described as it was) from the next sync', async () => {
    const created = got('/all', 'meeting.created').filter(
      (x) => x.event.customer && x.event.meeting.eventType === 'singleInstance',
    );
    const adeleId = h.t.emu.directory.getUser('adele.vance@contoso.com')!.id;
    const byICal = (ical: string) =>
      h.t.emu.store.listEvents(adeleId).find((e) => e.data.iCalUId === ical && e.data.type === 'singleInstance');
    const [a, b] = created.map((x) => byICal(x.event.meeting.iCalUId)).filter((e) => e !== undefined);
    expect(a && b).toBeTruthy();
    h.t.emu.store.replaceEvent(a!, { ...a!.data, subject: 'Renamed by the test' });
    h.t.emu.store.removeEvent(adeleId, b!.data.id!);
    await h.runtime.sync.sync.syncUser(h.tenantId, adele.userId);
    await tick();
    const updated = got('/all', 'meeting.updated').find((x) => x.event.meeting.subject === 'Renamed by the test');
    expect(updated).toBeDefined();
    expect(updated!.event.customer).toMatchObject({ detectionReason: expect.any(String) });
    const cancelled = got('/all', 'meeting.cancelled').find((x) => x.event.meeting.iCalUId === null && x.event.removed);
    expect(cancelled).toBeDefined();
    expect(cancelled!.event.meeting.subject).toBe(b!.data.subject);
    expect(cancelled!.event.customer).toMatchObject({ id: expect.any(String) });
    expectSigned(cancelled!, endpoints.all!.secret);
  }, 120_000);

  it('proposal.created / approved / rejected / expired; the filtered endpoint takes only proposal.created', async () => {
    const p1 = await propose();
    const p2 = await propose();
    await tick();
    for (const p of [p1, p2]) {
      const all = got('/all', 'proposal.created').find((x) => x.event.proposal.id === p.id);
      const filtered = got('/proposals', 'proposal.created').find((x) => x.event.proposal.id === p.id);
      expect(all).toBeDefined();
      expect(filtered).toBeDefined();
      expectSigned(filtered!, endpoints.proposals!.secret);
      expect(filtered!.event.approvers.map((a: Json) => a.userId)).toContain(megan.userId);
      // One event, two deliveries: the same eventId, each its own deliveryId.
      expect(filtered!.event.eventId).toBe(all!.event.eventId);
      expect(filtered!.event.deliveryId).not.toBe(all!.event.deliveryId);
    }
    expect((await call(megan, 'POST', `/api/proposals/${p1.id}/approve`)).status).toBe(200);
    expect((await call(megan, 'POST', `/api/proposals/${p2.id}/reject`, { reason: 'not now' })).status).toBe(200);
    await tick();
    const approved = got('/all', 'proposal.approved').find((x) => x.event.proposal.id === p1.id);
    expect(approved!.event).toMatchObject({ decidedBy: { userId: megan.userId }, proposal: { status: 'approved' } });
    expect(approved!.event.result.providerEventId).toEqual(expect.any(String));
    expect(got('/all', 'proposal.rejected').find((x) => x.event.proposal.id === p2.id)).toBeDefined();
    expect(got('/proposals', 'proposal.approved')).toHaveLength(0);
    expect(got('/proposals', 'proposal.rejected')).toHaveLength(0);

    // Expiry: found expired when next read (here: GET), once.
    const p3 = await propose();
    h.clock.offsetMs += 80 * 3600_000;
    expect((await call(adele, 'GET', `/api/proposals/${p3.id}`)).body.status).toBe('expired');
    expect((await call(adele, 'GET', `/api/proposals/${p3.id}`)).body.status).toBe('expired');
    await tick();
    const expired = got('/all', 'proposal.expired').filter((x) => x.event.proposal.id === p3.id);
    expect(expired).toHaveLength(1);
    expect(expired[0]!.event.proposal.status).toBe('expired');
    expectSigned(expired[0]!, endpoints.all!.secret);
  }, 120_000);
});

describe('delivery log, retries, replay, health, tenant scope', () => {
  it('customer.health_changed to the endpoint that takes it; a failing receiver is retried, logged and counted', async () => {
    const acme = (await call(adele, 'GET', '/api/customers')).body.items.find((c: Json) => c.name === 'Acme Corp');
    await h.runtime.detection.webhooks.onMetricsChanged(h.tenantId, [acme.id]); // settles the score notified so far
    await tick();
    const r = await call(adele, 'POST', '/api/webhook-endpoints', {
      url: `${base}/flaky`,
      eventTypes: ['customer.health_changed'],
    });
    endpoints.flaky = { id: r.body.endpoint.id, secret: r.body.secret };
    failing.set('/flaky', [{ status: 503, body: `busy ${'x'.repeat(2000)}` }]);
    const before = await failures('endpoint_webhook');
    // Time alone moves the score (recency decays, upcoming meetings become past; threshold 0: any move is notified).
    // How far it has to move depends on the seeded meetings around the day the test runs (CI starts at a Saturday):
    // 40 days at a time until it moves, a year at most.
    let notified = 0;
    for (let step = 0; step < 9 && notified === 0; step++) {
      h.clock.offsetMs += 40 * 86_400_000;
      notified = await h.runtime.detection.webhooks.onMetricsChanged(h.tenantId, [acme.id]);
    }
    expect(notified).toBeGreaterThan(0);
    await tick();
    expect(await failures('endpoint_webhook')).toBe(before + 1);
    expect(got('/flaky')).toHaveLength(0);
    const log = await call(adele, 'GET', `/api/webhook-endpoints/${endpoints.flaky!.id}/deliveries`);
    expect(log.status).toBe(200);
    const d = log.body.items[0];
    expect(d).toMatchObject({
      eventType: 'customer.health_changed',
      status: 'pending',
      attempts: 1,
      lastStatusCode: 503,
    });
    expect(Date.parse(d.nextRetryAt)).toBeGreaterThan(now().getTime());
    const detail = await call(adele, 'GET', `/api/webhook-endpoints/${endpoints.flaky!.id}/deliveries/${d.id}`);
    expect(detail.body.attemptLog).toHaveLength(1);
    expect(detail.body.attemptLog[0]).toMatchObject({
      attempt: 1,
      statusCode: 503,
      error: 'the webhook answered HTTP 503',
    });
    expect(detail.body.attemptLog[0].responseBody.startsWith('busy xxx')).toBe(true);
    expect(detail.body.attemptLog[0].responseBody.length).toBeLessThanOrEqual(512);
    expect(JSON.stringify(detail.body)).not.toContain(endpoints.flaky!.secret);

    h.clock.offsetMs += 60_000; // past the first retry delay (30 s)
    await tick();
    const health = got('/flaky', 'customer.health_changed');
    expect(health).toHaveLength(1);
    expectSigned(health[0]!, endpoints.flaky!.secret);
    expect(health[0]!.event).toMatchObject({ customerId: acme.id, score: expect.any(Number) });
    const after = await call(adele, 'GET', `/api/webhook-endpoints/${endpoints.flaky!.id}/deliveries/${d.id}`);
    expect(after.body).toMatchObject({ status: 'sent', attempts: 2, lastStatusCode: 200, nextRetryAt: null });
    expect(after.body.attemptLog.map((a: Json) => a.statusCode)).toEqual([503, 200]);
    const sentOnly = await call(adele, 'GET', `/api/webhook-endpoints/${endpoints.flaky!.id}/deliveries?status=failed`);
    expect(sentOnly.body.items).toEqual([]);
  });

  it('replays one delivery (same eventId, new deliveryId); another tenant sees and replays nothing', async () => {
    const log = await call(adele, 'GET', `/api/webhook-endpoints/${endpoints.flaky!.id}/deliveries?limit=1`);
    const d = log.body.items[0];
    const replay = await call(adele, 'POST', `/api/webhook-endpoints/${endpoints.flaky!.id}/deliveries/${d.id}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ replayOf: d.id, eventId: d.eventId, status: 'pending' });
    await tick();
    const again = got('/flaky', 'customer.health_changed');
    expect(again).toHaveLength(2);
    expect(again[1]!.event.eventId).toBe(again[0]!.event.eventId);
    expect(again[1]!.event.deliveryId).toBe(replay.body.id);
    expectSigned(again[1]!, endpoints.flaky!.secret);

    // Another tenant's admin: the endpoint, its log and its deliveries do not exist for them.
    const other = await h.container.tenants.createTenant({
      name: 'Fabrikam',
      calendarProvider: 'MICROSOFT',
      settings: {},
    });
    const key = await h.container.tenants.createApiKey(other.id, 'admin@fabrikam.com');
    const them: Caller = {
      userId: key.userId,
      email: 'admin@fabrikam.com',
      auth: { authorization: `Bearer ${key.apiKey}` },
    };
    expect((await call(them, 'GET', '/api/webhook-endpoints')).body.items).toEqual([]);
    for (const [method, url] of [
      ['GET', `/api/webhook-endpoints/${endpoints.flaky!.id}`],
      ['GET', `/api/webhook-endpoints/${endpoints.flaky!.id}/deliveries`],
      ['GET', `/api/webhook-endpoints/${endpoints.flaky!.id}/deliveries/${d.id}`],
      ['POST', `/api/webhook-endpoints/${endpoints.flaky!.id}/deliveries/${d.id}/replay`],
      ['POST', `/api/webhook-endpoints/${endpoints.flaky!.id}/test`],
      ['POST', `/api/webhook-endpoints/${endpoints.flaky!.id}/secret`],
      ['DELETE', `/api/webhook-endpoints/${endpoints.flaky!.id}`],
    ] as const) {
      const r = await call(them, method, url);
      expect(r.status, url).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    }
    // A delivery of another endpoint of the same tenant is not this endpoint's.
    const wrong = await call(adele, 'POST', `/api/webhook-endpoints/${endpoints.all!.id}/deliveries/${d.id}/replay`);
    expect(wrong.status).toBe(404);
    await tick();
    expect(got('/flaky', 'customer.health_changed')).toHaveLength(2);
  });

  it('a rotated secret signs the deliveries from then on, beside the old one for the overlap (24 h by default)', async () => {
    const id = endpoints.proposals!.id;
    const old = endpoints.proposals!.secret;
    const verifies = (secret: string | string[], hit: Hit) =>
      verifyWebhookSignature({ secret, header: hit.signature, body: hit.body, now: now() }).ok;
    const testEvent = async () => {
      expect((await call(adele, 'POST', `/api/webhook-endpoints/${id}/test`)).status).toBe(202);
      await tick();
      return got('/proposals', 'webhook.test').at(-1)!;
    };

    for (const overlapSeconds of [-1, 1.5, 8 * 24 * 3600]) {
      const bad = await call(adele, 'POST', `/api/webhook-endpoints/${id}/secret`, { overlapSeconds });
      expect(bad.status, String(overlapSeconds)).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
    }
    const rotatedAt = now().getTime();
    const rotated = await call(adele, 'POST', `/api/webhook-endpoints/${id}/secret`);
    expect(rotated.status).toBe(200);
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.parse(rotated.body.rotatedAt)).toBe(86_400_000);
    expect(Date.parse(rotated.body.rotatedAt)).toBeGreaterThanOrEqual(rotatedAt - 1000);
    expect((await call(adele, 'GET', `/api/webhook-endpoints/${id}`)).body.previousSecretExpiresAt).toBe(
      rotated.body.previousSecretExpiresAt,
    );

    // During the overlap: one t, a v1 per secret (new first); a receiver with either secret verifies the delivery.
    const during = await testEvent();
    expect(during.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expectSigned(during, rotated.body.secret);
    expect(verifies(old, during)).toBe(true);
    expect(verifies([old, rotated.body.secret], during)).toBe(true);

    // After the window (the clock moved past it): only the new secret signs.
    h.clock.offsetMs += 24 * 3600_000 + 60_000;
    const after = await testEvent();
    expect(after.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expectSigned(after, rotated.body.secret);
    expect(verifies(old, after)).toBe(false);

    // overlapSeconds 0: the replaced secret stops at once.
    const immediate = await call(adele, 'POST', `/api/webhook-endpoints/${id}/secret`, { overlapSeconds: 0 });
    expect(immediate.status).toBe(200);
    expect(immediate.body.previousSecretExpiresAt).toBeNull();
    const now0 = await testEvent();
    expectSigned(now0, immediate.body.secret);
    expect(verifies(rotated.body.secret, now0)).toBe(false);
    endpoints.proposals!.secret = immediate.body.secret;
  });

  it('the older healthWebhookUrl keeps its events and body (proposal.approval_requested, tenant secret)', async () => {
    expect((await call(adele, 'PATCH', '/api/settings', { healthWebhookUrl: `${base}/legacy` })).status).toBe(200);
    const secret = (await call(adele, 'POST', '/api/settings/webhook-secret')).body.secret as string;
    adele = await h.connect('adele.vance@contoso.com');
    h.clock.offsetMs = 0;
    const p = await propose();
    await tick();
    const legacy = got('/legacy', 'proposal.approval_requested').find((x) => x.event.proposal.id === p.id);
    expect(legacy).toBeDefined();
    expect(verifyWebhookSignature({ secret, header: legacy!.signature, body: legacy!.body, now: now() }).ok).toBe(true);
    expect(legacy!.event.eventId).toBeUndefined();
    expect(got('/legacy', 'proposal.created')).toHaveLength(0);
    expect(got('/all', 'proposal.created').find((x) => x.event.proposal.id === p.id)).toBeDefined();
  }, 120_000);
});

describe('connection loss', () => {
  it('connection.needs_reauth and sync.failed when the grant is revoked; connection.disconnected', async () => {
    const person = h.t.emu.directory.getUser('megan.bowen@contoso.com')!;
    for (const path of [`/users/${person.id}/revoke`, `/users/${person.id}/expire-tokens`]) {
      const r = await fetch(`${h.t.emu.baseUrl}/_emulator${path}`, {
        method: 'POST',
        dispatcher: h.t.agent,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(r.status).toBeLessThan(300);
    }
    await expect(h.runtime.sync.sync.syncUser(h.tenantId, megan.userId)).rejects.toThrow();
    await tick();
    const reauth = got('/all', 'connection.needs_reauth');
    expect(reauth.map((x) => x.event.connection.userId)).toContain(megan.userId);
    const failed = got('/all', 'sync.failed').filter((x) => x.event.sync.userId === megan.userId);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]!.event.sync).toMatchObject({ provider: 'MICROSOFT', code: expect.any(String) });
    expect(failed[0]!.event.sync.code).not.toBe('');
    expectSigned(failed[0]!, endpoints.all!.secret);

    const off = await call(adele, 'POST', '/api/integrations/outlook/disconnect');
    expect(off.status).toBeLessThan(300);
    await tick();
    const gone = got('/all', 'connection.disconnected');
    expect(gone.map((x) => x.event.connection.userId)).toContain(adele.userId);
  }, 120_000);
});
