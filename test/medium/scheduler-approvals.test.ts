// Issue 18 part D over the HTTP API (mock provider): people search for the attendee picker (tenant-scoped), spread
// suggestions with plain reasons, editing a pending proposal (requester or approver; 409 once decided; 403 for
// others) and rejecting with a reason the requester sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxEvents, startSchedulingHarness, type SchedulingHarness } from './scheduling-harness.js';

let h: SchedulingHarness;
let other: { authorization: string };
beforeAll(async () => {
  h = await startSchedulingHarness({});
  const t = h.container.tenants;
  // a second tenant, to show the search never crosses tenants
  const foreign = await t.createTenant({ name: 'Fabrikam', calendarProvider: 'MICROSOFT', settings: {} });
  const k = await t.createApiKey(foreign.id, 'alex@fabrikam.com');
  other = { authorization: `Bearer ${k.apiKey}` };
});
afterAll(async () => h?.close());

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const call = async (
  who: { authorization: string },
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: object,
) => {
  const r = await h.app.inject({ method, url, headers: who, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: (r.body ? r.json() : null) as Json };
};

describe('GET /api/directory/people', () => {
  it('finds colleagues and stakeholders by the start of a word of the name or the address, tenant-scoped', async () => {
    const made = await call(h.csm.auth, 'POST', '/api/customers', {
      name: 'Acme',
      domains: ['acmecorp.com'],
      stakeholders: [
        { email: 'john.doe@acmecorp.com', name: 'John Doe', role: 'VP' },
        { email: 'mary@acmecorp.com', name: 'Mary Major' },
      ],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const doe = await call(h.csm.auth, 'GET', '/api/directory/people?q=doe');
    expect(doe.status).toBe(200);
    expect(doe.body.items).toEqual([
      {
        email: 'john.doe@acmecorp.com',
        name: 'John Doe',
        kind: 'stakeholder',
        customerId: made.body.id,
        customerName: 'Acme',
        role: 'VP',
        jobTitle: null,
      },
    ]);
    const meg = await call(h.csm.auth, 'GET', '/api/directory/people?q=MEG');
    expect(meg.body.items.map((p: Json) => [p.email, p.kind])).toEqual([['megan@contoso.com', 'colleague']]);
    // the customer's name finds its stakeholders
    const acme = await call(h.csm.auth, 'GET', '/api/directory/people?q=acme');
    expect(acme.body.items.map((p: Json) => p.email).sort()).toEqual(['john.doe@acmecorp.com', 'mary@acmecorp.com']);
    // another tenant sees none of it
    expect((await call(other, 'GET', '/api/directory/people?q=doe')).body.items).toEqual([]);
    expect((await call(other, 'GET', '/api/directory/people?q=meg')).body.items).toEqual([]);
    // q is required and bounded
    expect((await call(h.csm.auth, 'GET', '/api/directory/people?q=')).status).toBe(400);
    expect((await call(h.csm.auth, 'GET', '/api/directory/people')).status).toBe(400);
  });
});

describe('POST /api/calendar/findmeetingtimes with spread', () => {
  it('answers 3–5 times on different days, each with a reason in plain words naming the customer', async () => {
    const customers = await call(h.csm.auth, 'GET', '/api/customers?search=Acme');
    const acme = customers.body.items[0];
    const r = await call(h.csm.auth, 'POST', '/api/outlook/calendar/findmeetingtimes', {
      attendees: [
        { email: 'megan@contoso.com', type: 'required' },
        { email: 'john.doe@acmecorp.com', type: 'required' },
      ],
      window: { start: '2026-05-04T07:00:00Z', end: '2026-05-09T03:00:00Z' },
      durationMinutes: 30,
      timeZone: 'America/Los_Angeles',
      minimumAttendeePercentage: 40,
      spread: true,
      customerId: acme.id,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const s = r.body.suggestions as Json[];
    expect(s.length).toBeGreaterThanOrEqual(3);
    expect(s.length).toBeLessThanOrEqual(5);
    const days = new Set(s.map((x) => new Date(Date.parse(x.start) - 7 * 3_600_000).toISOString().slice(0, 10)));
    expect(days.size).toBe(s.length);
    for (const x of s) {
      expect(x.reason).toBe('Acme’s calendars aren’t visible: based on yours and your team’s.');
      expect(x.reason).not.toMatch(/unknown|not_found|%/);
    }
    // without spread: the provider's order, all on the first day
    const plain = await call(h.csm.auth, 'POST', '/api/outlook/calendar/findmeetingtimes', {
      attendees: [{ email: 'megan@contoso.com', type: 'required' }],
      window: { start: '2026-05-04T07:00:00Z', end: '2026-05-09T03:00:00Z' },
      durationMinutes: 30,
      timeZone: 'America/Los_Angeles',
    });
    const plainDays = new Set((plain.body.suggestions as Json[]).map((x) => x.start.slice(0, 10)));
    expect(plainDays.size).toBe(1);
  });
});

async function propose() {
  const r = await call(h.csm.auth, 'POST', '/api/outlook/calendar/events', {
    subject: 'Acme sync',
    bodyHtml: '<p>Agenda</p>',
    start: '2026-05-05T17:00:00.000Z',
    end: '2026-05-05T17:30:00.000Z',
    attendees: [{ email: 'john.doe@acmecorp.com', name: 'John Doe', type: 'required' }],
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.proposal ?? r.body;
}

describe('PATCH /api/proposals/:id and reject with a reason', () => {
  it('lets the approver change time, attendees and message of a pending proposal, then approve it', async () => {
    const p = await propose();
    const r = await call(h.manager.auth, 'PATCH', `/api/proposals/${p.id}`, {
      start: '2026-05-06T18:00:00.000Z',
      attendees: [
        { email: 'john.doe@acmecorp.com', name: 'John Doe' },
        { email: 'mary@acmecorp.com', name: 'Mary Major', type: 'optional' },
      ],
      bodyHtml: '<p>New agenda</p><script>x()</script>',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.status).toBe('pending');
    expect(r.body.preview.start).toBe('2026-05-06T18:00:00.000Z');
    expect(r.body.preview.end).toBe('2026-05-06T18:30:00.000Z'); // duration kept
    expect(r.body.preview.attendees.map((a: Json) => a.email)).toEqual(['john.doe@acmecorp.com', 'mary@acmecorp.com']);
    expect(r.body.preview.bodyHtml).toContain('New agenda');
    expect(r.body.preview.bodyHtml).not.toContain('script');
    // the requester may edit too
    const own = await call(h.csm.auth, 'PATCH', `/api/proposals/${p.id}`, { subject: 'Acme sync (moved)' });
    expect(own.status).toBe(200);
    expect(own.body.preview.subject).toBe('Acme sync (moved)');
    const ok = await call(h.manager.auth, 'POST', `/api/proposals/${p.id}/approve`);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const sent = mailboxEvents(h, 'adele@contoso.com').find((e) => e.subject === 'Acme sync (moved)');
    expect(Date.parse(sent!.start)).toBe(Date.parse('2026-05-06T18:00:00.000Z'));
    expect(sent!.attendees.map((a) => a.email).sort()).toEqual(['john.doe@acmecorp.com', 'mary@acmecorp.com']);
    // decided: 409
    const late = await call(h.csm.auth, 'PATCH', `/api/proposals/${p.id}`, { subject: 'Too late' });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('proposal_not_pending');
  });

  it('refuses others (403) and empty or invalid changes (400)', async () => {
    const p = await propose();
    const stranger = await call(h.loner.auth, 'PATCH', `/api/proposals/${p.id}`, { subject: 'Mine now' });
    expect(stranger.status).toBe(403);
    expect((await call(other, 'PATCH', `/api/proposals/${p.id}`, { subject: 'x' })).status).toBe(404);
    expect((await call(h.csm.auth, 'PATCH', `/api/proposals/${p.id}`, {})).status).toBe(400);
    const backwards = await call(h.csm.auth, 'PATCH', `/api/proposals/${p.id}`, {
      start: '2026-05-06T18:00:00.000Z',
      end: '2026-05-06T17:00:00.000Z',
    });
    expect(backwards.status).toBe(400);
  });

  it('keeps the reason of a rejection for the requester; a reason is optional', async () => {
    const p = await propose();
    const r = await call(h.manager.auth, 'POST', `/api/proposals/${p.id}/reject`, {
      reason: 'Acme is in a freeze that week; try the week after.',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const seen = await call(h.csm.auth, 'GET', `/api/proposals/${p.id}`);
    expect(seen.body.status).toBe('rejected');
    expect(seen.body.decisionReason).toBe('Acme is in a freeze that week; try the week after.');
    const edit = await call(h.csm.auth, 'PATCH', `/api/proposals/${p.id}`, { subject: 'again' });
    expect(edit.status).toBe(409);
    const q = await propose();
    const bare = await h.app.inject({ method: 'POST', url: `/api/proposals/${q.id}/reject`, headers: h.manager.auth });
    expect(bare.statusCode, bare.body).toBe(200);
    expect(bare.json().decisionReason).toBeNull();
  });
});
