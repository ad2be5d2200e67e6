// The proposal expiry sweep (issue 19): the worker's proposal-expiry job marks pending proposals past their expiry
// expired and emits proposal.expired without anyone reading them. With the clock pinned: a proposal expires, two
// sweeps run at once (two workers), the endpoint receives exactly one signed proposal.expired, the proposal reads as
// expired, a later read or sweep sends nothing more, and a proposal not yet due (or another tenant's) is left alone.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_NAMES } from '../../src/main/jobs.js';
import { createProposalExpiry } from '../../src/main/wiring/proposal-expiry.js';
import { verifyWebhookSignature } from '../../src/services/metrics/webhook-signature.js';
import { startSchedulingHarness, type SchedulingHarness } from './scheduling-harness.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: SchedulingHarness;
let receiver: Server;
let base: string;
const hits: Array<{ path: string; body: string; signature: string | undefined; type: string | undefined }> = [];
const START = new Date('2026-05-01T12:00:00Z');

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      hits.push({
        path: req.url ?? '',
        body,
        signature: req.headers['x-calbridge-signature'] as string | undefined,
        type: req.headers['x-calbridge-event-type'] as string | undefined,
      });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  h = await startSchedulingHarness({});
}, 120_000);
afterAll(async () => {
  await h?.close();
  await new Promise((r) => receiver?.close(r));
});

const call = async (auth: { authorization: string }, method: 'GET' | 'POST', url: string, payload?: object) => {
  const r = await h.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: (r.body ? r.json() : null) as Json };
};

async function propose(hour: string) {
  const r = await call(h.csm.auth, 'POST', '/api/outlook/calendar/events', {
    subject: `Acme sync ${hour}`,
    start: `2026-05-04T${hour}:00:00.000Z`,
    end: `2026-05-04T${hour}:30:00.000Z`,
    attendees: [{ email: 'john@acmecorp.com', type: 'required' }],
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  expect(r.body.status).toBe('pending');
  return r.body as { id: string; expiresAt: string };
}

const expiredHits = (id: string) =>
  hits.filter((x) => x.path === '/hook' && (JSON.parse(x.body) as Json).proposal?.id === id);

describe('proposal-expiry job', () => {
  it('is one of the worker jobs', () => {
    expect(JOB_NAMES).toContain('proposal-expiry');
  });

  it('expires a due proposal once, even with two sweeps at once, and the endpoint gets one signed event', async () => {
    h.clock.now = START;
    const ep = await call(h.csm.auth, 'POST', '/api/webhook-endpoints', {
      url: `${base}/hook`,
      eventTypes: ['proposal.expired'],
    });
    expect(ep.status, JSON.stringify(ep.body)).toBe(201);
    const secret = ep.body.secret as string;

    const due = await propose('17');
    h.clock.now = new Date(START.getTime() + 3600_000);
    const later = await propose('18'); // expires an hour after `due`

    // Nothing is due yet.
    expect(await h.runtime.proposalExpiry.runOnce()).toMatchObject({ expired: 0 });

    // Past the first expiry, not the second: two workers sweep at the same time.
    h.clock.now = new Date(Date.parse(due.expiresAt) + 60_000);
    const other = createProposalExpiry(h.container, {
      clock: { now: () => h.clock.now },
      publicUrl: () => 'http://calbridge.test',
    });
    const [a, b] = await Promise.all([h.runtime.proposalExpiry.runOnce(), other.runOnce()]);
    expect(a.expired + b.expired).toBe(1);
    expect([...a.failures, ...b.failures]).toEqual([]);
    await h.runtime.jobs.tick();

    const got = expiredHits(due.id);
    expect(got).toHaveLength(1);
    const event = JSON.parse(got[0]!.body) as Json;
    expect(event).toMatchObject({
      type: 'proposal.expired',
      tenantId: h.tenantId,
      occurredAt: h.clock.now.toISOString(),
      proposal: {
        id: due.id,
        status: 'expired',
        expiresAt: due.expiresAt,
        organizer: { userId: h.csm.userId, email: h.csm.email },
        url: `http://calbridge.test/app/approvals/${due.id}`,
      },
    });
    expect(got[0]!.type).toBe('proposal.expired');
    expect(
      verifyWebhookSignature({ secret, header: got[0]!.signature, body: got[0]!.body, now: h.clock.now }),
    ).toMatchObject({ ok: true });
    expect(
      verifyWebhookSignature({ secret: 'whsec_wrong', header: got[0]!.signature, body: got[0]!.body, now: h.clock.now })
        .ok,
    ).toBe(false);

    // It reads as expired; reading it and sweeping again send nothing more.
    const read = await call(h.csm.auth, 'GET', `/api/proposals/${due.id}`);
    expect(read.body.status).toBe('expired');
    expect((await h.runtime.proposalExpiry.runOnce()).expired).toBe(0);
    await h.runtime.jobs.tick();
    expect(expiredHits(due.id)).toHaveLength(1);

    // The later proposal is still pending and announced nothing.
    expect((await call(h.csm.auth, 'GET', `/api/proposals/${later.id}`)).body.status).toBe('pending');
    expect(expiredHits(later.id)).toHaveLength(0);
  }, 60_000);

  it("sweeps every tenant's due proposals and announces each to its own tenant only", async () => {
    const foreign = await h.container.tenants.createTenant({
      name: 'Fabrikam',
      calendarProvider: 'MICROSOFT',
      settings: {},
    });
    const k = await h.container.tenants.createApiKey(foreign.id, 'admin@fabrikam.com');
    const fab = { authorization: `Bearer ${k.apiKey}` };
    const ep = await call(fab, 'POST', '/api/webhook-endpoints', { url: `${base}/fabrikam` });
    expect(ep.status).toBe(201);
    // The second proposal of the first test comes due now (its tenant is swept); Fabrikam has nothing due.
    const before = hits.length;
    h.clock.now = new Date(h.clock.now.getTime() + 2 * 3600_000);
    const r = await h.runtime.proposalExpiry.runOnce();
    expect(r).toMatchObject({ tenants: 1, expired: 1, failures: [] });
    await h.runtime.jobs.tick();
    const fresh = hits.slice(before);
    expect(fresh.map((x) => x.path)).toEqual(['/hook']);
    expect((JSON.parse(fresh[0]!.body) as Json).tenantId).toBe(h.tenantId);
  }, 60_000);
});
