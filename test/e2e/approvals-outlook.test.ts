// Approvals end to end against the Microsoft 365 emulator: the tenant's approval policy (role, named, self-approval
// of internal and external meetings) read by everyone and written by admins only, enforced on approve and reject with
// stable 403 codes; an approval request reaches its approver as an e-mail sent from the organizer's mailbox with Graph
// sendMail (read back from the emulator, with the link to the proposal), in the approvals badge, and as a signed
// platform webhook (retried after a failure, the failure counted); ownDomains limited to the tenant's own domains.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/services/metrics/webhook-signature.js';
import { mondayAfter, startSchedulingE2E, type Caller, type SchedulingE2E } from './scheduling-harness.js';

let h: SchedulingE2E;
let adele: Caller; // admin (the tenant's first user), organizer
let megan: Caller; // approver
let lynne: Caller; // member
let day: string;
let slot = 0;
let secret: string;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EXTERNAL = 'wile.coyote@acmecorp.com';
const INTERNAL = 'alex.wilber@contoso.com';

/** A local receiver of the platform webhook; answers `status` (a queue of statuses, then 200). */
const hooks: Array<{ body: string; signature: string | undefined }> = [];
const statuses: number[] = [];
let receiver: Server;
let hookUrl: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const status = statuses.shift() ?? 200;
      if (status === 200) hooks.push({ body, signature: req.headers['x-calbridge-signature'] as string | undefined });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/calbridge`;
  h = await startSchedulingE2E({}, {}, { CALBRIDGE_ALLOW_LOOPBACK_WEBHOOKS: 'true' });
  adele = await h.connect('adele.vance@contoso.com');
  megan = await h.connect('megan.bowen@contoso.com', 'approver');
  lynne = await h.user('lynne.robbins@contoso.com');
  day = mondayAfter(h.t.emu.clock.now(), 3);
  expect((await call(adele, 'PATCH', '/api/settings', { healthWebhookUrl: hookUrl })).status).toBe(200);
  secret = (await call(adele, 'POST', '/api/settings/webhook-secret')).body.secret;
}, 120_000);
afterAll(async () => {
  await h?.close();
  await new Promise((r) => receiver?.close(r));
});

const call = async (who: Caller, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) => {
  const r = await h.app.inject({ method, url, headers: who.auth, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: (r.body ? r.json() : null) as Json };
};

/** A proposal by Adele, with an external attendee unless `internal`. */
async function propose(who: Caller = adele, internal = false) {
  const hour = String(8 + (slot++ % 10)).padStart(2, '0');
  const r = await call(who, 'POST', '/api/outlook/calendar/events', {
    subject: `Approval test ${slot} ${Date.now()}`,
    start: `${day}T${hour}:00:00Z`,
    end: `${day}T${hour}:30:00Z`,
    attendees: [{ email: INTERNAL }, ...(internal ? [] : [{ email: EXTERNAL }])],
    onlineMeeting: false,
  });
  expect(r.status).toBe(201);
  return r.body;
}

const policy = (p: Json) =>
  call(adele, 'PUT', '/api/approval-policy', {
    approvers: { kind: 'role' },
    selfApproveInternal: false,
    selfApproveExternal: false,
    expiryHours: 72,
    ...p,
  });

const mailTo = async (address: string) =>
  (
    (await (
      await fetch(`${h.t.emu.baseUrl}/_emulator/outbox?to=${encodeURIComponent(address)}`, { dispatcher: h.t.agent })
    ).json()) as { value: Json[] }
  ).value;

/** Works the outbox once (the worker's job tick). */
const tick = () => h.runtime.jobs.tick();

describe('the approval policy', () => {
  it('is readable by every member: approvers by role, no self-approval of external meetings, the old settings', async () => {
    const r = await call(lynne, 'GET', '/api/approval-policy');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      approvers: { kind: 'role' },
      selfApproveInternal: false,
      selfApproveExternal: false,
      expiryHours: 72,
    });
    expect(r.body.eligibleApprovers.map((u: Json) => u.email).sort()).toEqual([
      'adele.vance@contoso.com',
      'megan.bowen@contoso.com',
    ]);
    // The older settings are the policy's internal self-approval and expiry.
    await call(adele, 'PATCH', '/api/settings', { allowSelfApprovalInternal: true, proposalTtlHours: 24 });
    expect((await call(lynne, 'GET', '/api/approval-policy')).body).toMatchObject({
      selfApproveInternal: true,
      expiryHours: 24,
    });
    await call(adele, 'PATCH', '/api/settings', { allowSelfApprovalInternal: false, proposalTtlHours: 72 });
  });

  it('is written by admins only: a member and an approver get 403 role_required', async () => {
    const body = {
      approvers: { kind: 'named', userIds: [lynne.userId] },
      selfApproveInternal: true,
      selfApproveExternal: true,
      expiryHours: 1,
    };
    for (const who of [lynne, megan]) {
      const r = await call(who, 'PUT', '/api/approval-policy', body);
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('role_required');
    }
    expect((await call(lynne, 'GET', '/api/approval-policy')).body.approvers).toEqual({ kind: 'role' });
    // Unknown named approvers and unknown fields are refused.
    const unknown = await policy({ approvers: { kind: 'named', userIds: ['00000000-0000-4000-8000-000000000000'] } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('approver_unknown');
    expect((await policy({ approvers: { kind: 'everyone' } })).status).toBe(400);
    expect((await policy({ extra: true })).status).toBe(400);
  });
});

describe('role policy: an approval request reaches the approver', () => {
  it('says who may approve, refuses others with 403, e-mails the approver, counts it, signs the webhook', async () => {
    expect((await policy({})).status).toBe(200);
    hooks.length = 0;
    const p = await propose();
    expect(p.approvers.map((a: Json) => a.email)).toEqual(['megan.bowen@contoso.com']);
    expect(p.approval).toEqual({ rule: 'role', fallback: false, organizerMayApprove: false });

    // The badge: Megan may approve it, Lynne (member) and Adele (organizer, external meeting) may not.
    const pending = await call(megan, 'GET', '/api/approvals/pending');
    expect(pending.status).toBe(200);
    expect(pending.body.items.map((x: Json) => x.id)).toContain(p.id);
    expect(pending.body.count).toBe(pending.body.items.length);
    expect((await call(lynne, 'GET', '/api/approvals/pending')).body).toEqual({ count: 0, items: [] });
    expect((await call(adele, 'GET', '/api/approvals/pending')).body.items.map((x: Json) => x.id)).not.toContain(p.id);

    const byMember = await call(lynne, 'POST', `/api/proposals/${p.id}/approve`);
    expect(byMember.status).toBe(403);
    expect(byMember.body.error.code).toBe('not_an_approver');
    expect(byMember.body.error.details.approvers).toEqual([megan.userId]);
    const rejectByMember = await call(lynne, 'POST', `/api/proposals/${p.id}/reject`);
    expect(rejectByMember.status).toBe(403);
    expect(rejectByMember.body.error.code).toBe('not_an_approver');
    const self = await call(adele, 'POST', `/api/proposals/${p.id}/approve`);
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('self_approval_not_allowed');

    // The e-mail: sent from Adele's mailbox with Graph sendMail by the delivery job, read from Megan's side.
    expect(await mailTo('megan.bowen@contoso.com')).toEqual([]);
    await tick();
    const mails = (await mailTo('megan.bowen@contoso.com')).filter((m) => m.subject.includes(p.preview.subject));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.senderAddress).toBe('adele.vance@contoso.com');
    expect(mails[0]!.body.content).toContain(`http://127.0.0.1:3999/app/approvals/${p.id}`);
    expect(await mailTo('lynne.robbins@contoso.com')).toEqual([]);

    // The webhook: signed with the tenant's secret.
    const requested = hooks.map((x) => ({ ...x, event: JSON.parse(x.body) as Json }));
    const req = requested.find((x) => x.event.type === 'proposal.approval_requested' && x.event.proposal.id === p.id)!;
    expect(req).toBeDefined();
    expect(
      verifyWebhookSignature({ secret, header: req.signature, body: req.body, now: h.runtime.clock.now() }),
    ).toMatchObject({ ok: true });
    expect(
      verifyWebhookSignature({
        secret: 'whsec_wrong',
        header: req.signature,
        body: req.body,
        now: h.runtime.clock.now(),
      }).ok,
    ).toBe(false);
    expect(req.event).toMatchObject({
      tenantId: h.tenantId,
      approvers: [{ userId: megan.userId, email: 'megan.bowen@contoso.com' }],
      proposal: {
        id: p.id,
        status: 'pending',
        notifiesExternal: true,
        url: `http://127.0.0.1:3999/app/approvals/${p.id}`,
      },
    });
    expect(typeof req.event.deliveryId).toBe('string');

    // The approver approves: the webhook hears it once (retried after the receiver failed), the audit names Megan.
    const ok = await call(megan, 'POST', `/api/proposals/${p.id}/approve`);
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('approved');
    expect((await call(megan, 'GET', '/api/approvals/pending')).body.items.map((x: Json) => x.id)).not.toContain(p.id);
    const failuresBefore = await failures('approval_webhook');
    statuses.push(500);
    await tick();
    expect(await failures('approval_webhook')).toBe(failuresBefore + 1);
    expect(hooks.filter((x) => JSON.parse(x.body).type === 'proposal.approved')).toHaveLength(0);
    h.clock.offsetMs += 60_000; // past the first retry delay (30 s)
    await tick();
    const approved = hooks.map((x) => JSON.parse(x.body) as Json).filter((e) => e.type === 'proposal.approved');
    expect(approved).toHaveLength(1);
    expect(approved[0]).toMatchObject({
      proposal: { id: p.id, status: 'approved' },
      decidedBy: { userId: megan.userId },
    });
    const audit = await h.container.audit.list(h.tenantId, { limit: 20, action: 'proposal.approved' });
    expect(audit.find((a) => a.targetId === p.id)?.actor).toBe(megan.userId);
  });
});

async function failures(kind: string): Promise<number> {
  const m = await h.runtime.metrics.registry.getSingleMetric('calbridge_delivery_failures_total')!.get();
  return m.values.filter((v) => v.labels.kind === kind).reduce((n, v) => n + v.value, 0);
}

describe('named policy', () => {
  it('only the named users approve; the change is audited with the admin who made it', async () => {
    const r = await policy({ approvers: { kind: 'named', userIds: [lynne.userId] } });
    expect(r.status).toBe(200);
    expect(r.body.eligibleApprovers.map((u: Json) => u.email)).toEqual(['lynne.robbins@contoso.com']);
    const changes = await h.container.audit.list(h.tenantId, { limit: 5, action: 'approval_policy.updated' });
    expect(changes[0]).toMatchObject({ actor: adele.userId });
    expect(changes[0]!.details).toMatchObject({ after: { approvers: { kind: 'named', userIds: [lynne.userId] } } });

    const p = await propose();
    expect(p.approvers.map((a: Json) => a.userId)).toEqual([lynne.userId]);
    expect((await call(lynne, 'GET', '/api/approvals/pending')).body.items.map((x: Json) => x.id)).toEqual([p.id]);
    expect((await call(megan, 'GET', '/api/approvals/pending')).body.count).toBe(0);
    const byRole = await call(megan, 'POST', `/api/proposals/${p.id}/approve`);
    expect(byRole.status).toBe(403);
    expect(byRole.body.error.code).toBe('not_an_approver');
    const rejected = await call(lynne, 'POST', `/api/proposals/${p.id}/reject`);
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('rejected');
    const audit = await h.container.audit.list(h.tenantId, { limit: 20, action: 'proposal.rejected' });
    expect(audit.find((a) => a.targetId === p.id)?.actor).toBe(lynne.userId);
  });
});

describe('self-approval', () => {
  it('internal and external meetings follow their own switch; an organizer may always withdraw', async () => {
    expect((await policy({ selfApproveInternal: true, selfApproveExternal: false })).status).toBe(200);
    const internal = await propose(adele, true);
    expect(internal.approval.organizerMayApprove).toBe(true);
    expect(internal.approvers.map((a: Json) => a.userId)).toContain(adele.userId);
    const external = await propose();
    expect(external.approvers.map((a: Json) => a.userId)).not.toContain(adele.userId);
    const refused = await call(adele, 'POST', `/api/proposals/${external.id}/approve`);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'self_approval_not_allowed',
      details: { reason: 'external_attendees_need_second_approver' },
    });
    expect((await call(adele, 'POST', `/api/proposals/${internal.id}/approve`)).status).toBe(200);
    const withdrawn = await call(adele, 'POST', `/api/proposals/${external.id}/reject`);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('rejected');

    expect((await policy({ selfApproveInternal: false, selfApproveExternal: true })).status).toBe(200);
    const ext2 = await propose();
    expect((await call(adele, 'POST', `/api/proposals/${ext2.id}/approve`)).status).toBe(200);
    const int2 = await propose(adele, true);
    const r = await call(adele, 'POST', `/api/proposals/${int2.id}/approve`);
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({
      code: 'self_approval_not_allowed',
      details: { reason: 'self_approval_disabled' },
    });
    await call(adele, 'POST', `/api/proposals/${int2.id}/reject`);
  });
});

describe('manager policy', () => {
  it("the organizer's manager from the directory (Graph /me/manager) approves; unknown managers fall back to role", async () => {
    const patti = await h.connect('patti.fernandez@contoso.com'); // a member; the CSMs' manager in the directory
    expect((await policy({ approvers: { kind: 'manager' } })).status).toBe(200);
    const p = await propose();
    expect(p.approval).toEqual({ rule: 'manager', fallback: false, organizerMayApprove: false });
    expect(p.approvers.map((a: Json) => a.userId)).toEqual([patti.userId]);
    const byRole = await call(megan, 'POST', `/api/proposals/${p.id}/approve`);
    expect(byRole.status).toBe(403);
    expect(byRole.body.error.code).toBe('not_an_approver');
    expect((await call(patti, 'GET', '/api/approvals/pending')).body.items.map((x: Json) => x.id)).toEqual([p.id]);
    expect((await call(patti, 'POST', `/api/proposals/${p.id}/approve`)).status).toBe(200);
    // Patti has no manager in the directory: her proposal goes to the approvers by role.
    const own = await propose(patti);
    expect(own.approval).toEqual({ rule: 'role', fallback: true, organizerMayApprove: false });
    expect(own.approvers.map((a: Json) => a.userId).sort()).toEqual([adele.userId, megan.userId].sort());
    await call(patti, 'POST', `/api/proposals/${own.id}/reject`);
  });
});

describe('ownDomains', () => {
  it('refuses a domain nobody in the tenant has: the same key cannot turn an external meeting internal', async () => {
    expect((await policy({ selfApproveInternal: true, selfApproveExternal: false })).status).toBe(200);
    for (const domain of ['com', 'acmecorp.com']) {
      const r = await call(adele, 'PATCH', '/api/settings', { ownDomains: ['contoso.com', domain] });
      expect(r.status).toBe(422);
      expect(r.body.error).toMatchObject({ code: 'domain_not_verified', details: { domain } });
    }
    // The meeting with the customer stays external and needs another person.
    const p = await propose();
    expect(p.preview.notifiesExternal).toBe(true);
    const self = await call(adele, 'POST', `/api/proposals/${p.id}/approve`);
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('self_approval_not_allowed');
    await call(adele, 'POST', `/api/proposals/${p.id}/reject`);
    // The tenant's own domain is accepted.
    expect((await call(adele, 'PATCH', '/api/settings', { ownDomains: ['contoso.com'] })).status).toBe(200);
  });
});
