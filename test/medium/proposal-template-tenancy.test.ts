// A proposal names a template only of its own tenant: another tenant's template id is 404 not_found (nothing is
// proposed), as it is on every other route that takes an id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulingHarness, type SchedulingHarness } from './scheduling-harness.js';

let h: SchedulingHarness;
let otherAuth: { authorization: string };
let otherTemplate: string;

beforeAll(async () => {
  h = await startSchedulingHarness({ allowSelfApprovalInternal: true });
  const other = await h.container.tenants.createTenant({ name: 'Fabrikam', calendarProvider: 'MICROSOFT' });
  const key = await h.container.tenants.createApiKey(other.id, 'csm@fabrikam.example');
  otherAuth = { authorization: `Bearer ${key.apiKey}` };
  const t = await h.app.inject({
    method: 'POST',
    url: '/api/templates',
    headers: otherAuth,
    payload: { name: 'Fabrikam secret agenda', subjectTemplate: 'Fabrikam internal', durationMinutes: 30 },
  });
  expect(t.statusCode, t.body).toBe(201);
  otherTemplate = (t.json() as { id: string }).id;
});
afterAll(async () => h?.close());

const event = (templateId: string) =>
  h.app.inject({
    method: 'POST',
    url: '/api/outlook/calendar/events',
    headers: h.csm.auth,
    payload: {
      subject: 'Acme sync',
      start: '2026-05-04T17:00:00.000Z',
      end: '2026-05-04T17:30:00.000Z',
      attendees: [{ email: 'john@acmecorp.com', type: 'required' }],
      templateId,
    },
  });
const proposals = async () =>
  ((await h.app.inject({ url: '/api/proposals', headers: h.csm.auth })).json() as { items: unknown[] }).items.length;

describe('templateId on a new meeting', () => {
  it("answers 404 not_found for another tenant's template and proposes nothing", async () => {
    const before = await proposals();
    const r = await event(otherTemplate);
    expect(r.statusCode, r.body).toBe(404);
    expect(r.json().error.code).toBe('not_found');
    expect(await proposals()).toBe(before);
    const stored = await h.container.database.db.selectFrom('meeting_proposals').select('payload').execute();
    expect(JSON.stringify(stored)).not.toContain(otherTemplate);
  });

  it("answers 404 for another tenant's template when scheduling from a customer too", async () => {
    const c = await h.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: h.csm.auth,
      payload: { name: 'Acme', domains: ['acmecorp.com'], stakeholders: [{ email: 'john@acmecorp.com' }] },
    });
    const r = await h.app.inject({
      method: 'POST',
      url: `/api/customers/${(c.json() as { id: string }).id}/schedule`,
      headers: h.csm.auth,
      payload: { templateId: otherTemplate, start: '2026-05-04T17:00:00.000Z' },
    });
    expect(r.statusCode, r.body).toBe(404);
    expect(r.json().error.code).toBe('not_found');
  });

  it("accepts the tenant's own template", async () => {
    const own = (await h.app.inject({ url: '/api/templates', headers: h.csm.auth })).json() as {
      items: Array<{ id: string }>;
    };
    const r = await event(own.items[0]!.id);
    expect(r.statusCode, r.body).toBeLessThan(300);
    expect(r.json()).toMatchObject({ kind: 'create', status: 'pending' });
  });
});
