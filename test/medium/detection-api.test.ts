// Customer detection through the API on seeded meetings: domains, subdomains, stakeholders, patterns, manual overrides.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFixture, type Fixture, type TestTenant } from './detection-fixture.js';

let f: Fixture;
let t: TestTenant;

// One database for the file; every test works in a fresh tenant.
beforeAll(async () => {
  f = await createFixture();
});
beforeEach(async () => {
  t = await f.newTenant({ ownDomains: ['own.example'] });
});
afterAll(async () => {
  await f.close();
});

async function customer(body: Record<string, unknown>, auth = t.auth): Promise<string> {
  const r = await f.app.inject({ method: 'POST', url: '/api/customers', headers: auth, payload: body });
  expect(r.statusCode, r.body).toBe(201);
  return (r.json() as { id: string }).id;
}

interface MeetingJson {
  id: string;
  customer: {
    customerId: string | null;
    reason: string | null;
    confidence: number | null;
    manual: boolean;
    candidates: Array<{ customerId: string; reason: string; confidence: number; evidence: string[] }>;
  };
}

async function getMeeting(id: string, auth = t.auth): Promise<MeetingJson> {
  const r = await f.app.inject({ url: `/api/meetings/${id}`, headers: auth });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as MeetingJson;
}

async function seedAndDetect(seed: Parameters<TestTenant['meeting']>[0]): Promise<MeetingJson> {
  const id = await t.meeting(seed);
  await f.runtime.detection.detectMeetings(t.tenantId, [id]);
  return getMeeting(id);
}

const START = '2026-03-05T10:00:00Z';

describe('detection through the API', () => {
  it('matches a customer domain and its subdomains; the own domain and public domains never count', async () => {
    const acme = await customer({ name: 'Acme', domains: ['acmecorp.com'] });
    const byDomain = await seedAndDetect({ start: START, attendees: ['jane@acmecorp.com', 'me2@own.example'] });
    expect(byDomain.customer).toMatchObject({ customerId: acme, reason: 'domain', manual: false });
    expect(byDomain.customer.candidates[0]?.evidence.join(' ')).toContain('acmecorp.com');
    const bySub = await seedAndDetect({ start: START, attendees: ['ann@eu.acmecorp.com'] });
    expect(bySub.customer).toMatchObject({ customerId: acme, reason: 'domain' });
    const internal = await seedAndDetect({ start: START, attendees: ['bob@own.example', 'eve@gmail.com'] });
    expect(internal.customer).toMatchObject({ customerId: null, reason: 'none', candidates: [] });
  });

  it('a stakeholder on a public mail domain identifies the customer; a subject pattern does when nobody does', async () => {
    const acme = await customer({
      name: 'Acme',
      domains: ['acmecorp.com'],
      stakeholders: [{ email: 'founder@gmail.com', role: 'Founder' }],
    });
    const globex = await customer({ name: 'Globex', subjectPatterns: ['Globex', '/QBR-\\d+/'] });
    const stake = await seedAndDetect({ start: START, attendees: ['founder@gmail.com'] });
    expect(stake.customer).toMatchObject({ customerId: acme, reason: 'stakeholder' });
    const kw = await seedAndDetect({ subject: 'Globex renewal', start: START, attendees: ['x@gmail.com'] });
    expect(kw.customer).toMatchObject({ customerId: globex, reason: 'subject' });
    const re = await seedAndDetect({ subject: 'Prep qbr-12', start: START });
    expect(re.customer).toMatchObject({ customerId: globex, reason: 'subject' });
  });

  it('lists every candidate with reason and confidence, attendee evidence first', async () => {
    const acme = await customer({ name: 'Acme', domains: ['acmecorp.com'] });
    const globex = await customer({ name: 'Globex', domains: ['globex.com'], subjectPatterns: ['Globex'] });
    const m = await seedAndDetect({
      subject: 'Globex intro',
      start: START,
      attendees: ['a@acmecorp.com', 'b@acmecorp.com', 'c@globex.com'],
    });
    expect(m.customer.customerId).toBe(acme);
    expect(m.customer.candidates.map((c) => [c.customerId, c.reason])).toEqual([
      [acme, 'domain'],
      [globex, 'domain'],
    ]);
    for (const c of m.customer.candidates) expect(c.confidence).toBeGreaterThan(0);
    // Competition lowers the winner's confidence below its candidate confidence.
    expect(m.customer.confidence).toBeLessThan(m.customer.candidates[0]!.confidence);
  });

  it('a regular expression RE2 accepts cannot backtrack catastrophically; one it cannot run is refused', async () => {
    const evil = await customer({ name: 'Evil', subjectPatterns: ['/(a+)+$/'] });
    const m = await seedAndDetect({ subject: 'a'.repeat(5000) + '!', start: START });
    expect(m.customer.customerId).toBeNull();
    const hit = await seedAndDetect({ subject: 'aaaa', start: START });
    expect(hit.customer).toMatchObject({ customerId: evil, reason: 'subject' });
    const bad = await f.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: t.auth,
      payload: { name: 'Backref', subjectPatterns: ['/(a)\\1/'] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'unsafe_pattern' } });
  });

  it('a manual association wins, survives re-detection and sync updates, and DELETE returns to detection', async () => {
    const acme = await customer({ name: 'Acme', domains: ['acmecorp.com'] });
    const globex = await customer({ name: 'Globex', domains: ['globex.com'] });
    const id = await t.meeting({ start: START, attendees: ['jane@acmecorp.com'] });
    await f.runtime.detection.detectMeetings(t.tenantId, [id]);
    const set = await f.app.inject({
      method: 'POST',
      url: `/api/meetings/${id}/customer`,
      headers: t.auth,
      payload: { customerId: globex },
    });
    expect(set.statusCode, set.body).toBe(200);
    expect((set.json() as MeetingJson).customer).toMatchObject({ customerId: globex, reason: 'manual', manual: true });
    expect((set.json() as MeetingJson).customer.candidates.map((c) => c.customerId)).toEqual([globex, acme]);
    // A sync update of the row (new attendees) and a re-detection keep the manual choice.
    await f.container.database.db
      .updateTable('meetings')
      .set({ attendees: JSON.stringify([{ email: 'x@acmecorp.com', name: null, type: 'required', response: 'none' }]) })
      .where('id', '=', id)
      .execute();
    await f.runtime.detection.detectMeetings(t.tenantId, [id]);
    await f.app.inject({
      method: 'PATCH',
      url: `/api/customers/${acme}`,
      headers: t.auth,
      payload: { domains: ['acmecorp.com', 'acme.io'] },
    });
    expect((await getMeeting(id)).customer).toMatchObject({ customerId: globex, manual: true });
    // "Not a customer meeting".
    const none = await f.app.inject({
      method: 'POST',
      url: `/api/meetings/${id}/customer`,
      headers: t.auth,
      payload: { customerId: null },
    });
    expect((none.json() as MeetingJson).customer).toMatchObject({
      customerId: null,
      reason: 'manual_none',
      manual: true,
    });
    await f.runtime.detection.detectMeetings(t.tenantId, [id]);
    expect((await getMeeting(id)).customer.customerId).toBeNull();
    const back = await f.app.inject({ method: 'DELETE', url: `/api/meetings/${id}/customer`, headers: t.auth });
    expect(back.statusCode).toBe(200);
    expect((back.json() as MeetingJson).customer).toMatchObject({ customerId: acme, reason: 'domain', manual: false });
  });

  it('re-detects the affected meetings when a customer gains a domain, a stakeholder or a pattern, or is deleted', async () => {
    const acme = await customer({ name: 'Acme', domains: ['acmecorp.com'] });
    const a = await t.meeting({ start: START, attendees: ['jo@acme.io'] });
    const b = await t.meeting({ start: START, attendees: ['vip@gmail.com'] });
    const c = await t.meeting({ subject: 'Roadrunner kickoff', start: START });
    await f.runtime.detection.detectMeetings(t.tenantId, [a, b, c]);
    expect((await getMeeting(a)).customer.customerId).toBeNull();
    await f.app.inject({
      method: 'PATCH',
      url: `/api/customers/${acme}`,
      headers: t.auth,
      payload: { domains: ['acmecorp.com', 'acme.io'] },
    });
    expect((await getMeeting(a)).customer).toMatchObject({ customerId: acme, reason: 'domain' });
    await f.app.inject({
      method: 'POST',
      url: `/api/customers/${acme}/stakeholders`,
      headers: t.auth,
      payload: { email: 'vip@gmail.com', role: 'CEO' },
    });
    expect((await getMeeting(b)).customer).toMatchObject({ customerId: acme, reason: 'stakeholder' });
    await f.app.inject({
      method: 'PATCH',
      url: `/api/customers/${acme}`,
      headers: t.auth,
      payload: { subjectPatterns: ['roadrunner'] },
    });
    expect((await getMeeting(c)).customer).toMatchObject({ customerId: acme, reason: 'subject' });
    await f.app.inject({ method: 'DELETE', url: `/api/customers/${acme}`, headers: t.auth });
    for (const id of [a, b, c])
      expect((await getMeeting(id)).customer).toMatchObject({ customerId: null, reason: 'none' });
  });

  it("lists a customer's past and upcoming meetings with paging; shared calendars follow the tenant setting", async () => {
    const acme = await customer({ name: 'Acme', domains: ['acmecorp.com'] });
    const ids: string[] = [];
    for (let i = -3; i < 3; i++)
      ids.push(
        await t.meeting({
          start: new Date(Date.parse('2026-03-02T12:00:00Z') + i * 86_400_000 + 1).toISOString(),
          attendees: ['j@acmecorp.com'],
        }),
      );
    const mate = await t.colleague();
    const shared = await t.calendar({ userId: mate.userId, shared: true });
    const sharedId = await t.meeting({
      start: '2026-03-04T09:00:00Z',
      userId: mate.userId,
      calendarId: shared,
      attendees: ['j@acmecorp.com'],
    });
    await f.runtime.detection.detectMeetings(t.tenantId, [...ids, sharedId]);
    const page = async (q: string) => {
      const r = await f.app.inject({ url: `/api/customers/${acme}/meetings?${q}`, headers: t.auth });
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as { items: Array<{ id: string; start: string }>; total: number };
    };
    const past = await page('when=past&limit=2');
    expect(past.total).toBe(3);
    expect(past.items.map((m) => m.id)).toEqual([ids[2], ids[1]]);
    expect((await page('when=past&limit=2&offset=2')).items.map((m) => m.id)).toEqual([ids[0]]);
    expect((await page('when=upcoming')).items.map((m) => m.id)).toEqual([ids[3], ids[4], ids[5]]);
    // Owner visibility (default): the colleague's shared-calendar meeting is hidden; with `team` it shows.
    expect((await f.app.inject({ url: `/api/meetings/${sharedId}`, headers: t.auth })).statusCode).toBe(404);
    await f.container.tenants.updateSettings(
      { tenantId: t.tenantId, userId: t.userId, apiKeyId: null, sessionId: null, role: 'admin' },
      { sharedCalendarVisibility: 'team' },
    );
    expect((await page('when=upcoming')).items.map((m) => m.id)).toEqual([ids[3], ids[4], sharedId, ids[5]]);
    expect((await getMeeting(sharedId)).customer.customerId).toBe(acme);
  });

  it("another tenant's meetings and customers are 404; bad bodies are 400 with a stable code", async () => {
    const acme = await customer({ name: 'Acme', domains: ['acmecorp.com'] });
    const id = await t.meeting({ start: START, attendees: ['j@acmecorp.com'] });
    const other = await f.newTenant();
    const otherCustomer = await customer({ name: 'Other' }, other.auth);
    expect((await f.app.inject({ url: `/api/meetings/${id}`, headers: other.auth })).statusCode).toBe(404);
    expect((await f.app.inject({ url: `/api/customers/${acme}/meetings`, headers: other.auth })).statusCode).toBe(404);
    const cross = await f.app.inject({
      method: 'POST',
      url: `/api/meetings/${id}/customer`,
      headers: t.auth,
      payload: { customerId: otherCustomer },
    });
    expect(cross.statusCode).toBe(404);
    expect(cross.json()).toMatchObject({ error: { code: 'not_found' } });
    const bad = await f.app.inject({
      method: 'POST',
      url: `/api/meetings/${id}/customer`,
      headers: t.auth,
      payload: { customerId: 'nope' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });
});
