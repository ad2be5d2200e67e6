// Prep briefs: exactly once per occurrence with concurrent workers and restarts; content and sanitised HTML.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../src/main/runtime.js';
import { MockMailOutbox } from '../../src/providers/mock/mail.js';
import type { MailSenderResolver } from '../../src/ports/mail.js';
import { openItems } from '../../src/services/briefs/render.js';
import { createFixture, type Fixture, type TestTenant } from './detection-fixture.js';

let f: Fixture;
let t: TestTenant;
let outbox: MockMailOutbox;
let mail: MailSenderResolver;

beforeAll(async () => {
  f = await createFixture();
});
beforeEach(async () => {
  f.clock.now = new Date('2026-03-02T12:00:00Z');
  outbox = new MockMailOutbox(() => f.clock.now);
  mail = async (tenantId, userId) => {
    const u = await f.container.tenantStore.getUser(tenantId, userId);
    return u ? outbox.senderFor(u.email) : null;
  };
  t = await f.newTenant({ ownDomains: ['own.example'], prepBriefMinutesBefore: 30 });
});
const workers: Runtime[] = [];
afterAll(async () => {
  for (const w of workers) await w.close();
  await f.close();
});

/** A worker process: its own runtime (createRuntime, as `calbridge worker` builds it) over the shared database. */
async function worker(sender: MailSenderResolver = mail) {
  const rt = await createRuntime(f.container.config, {
    database: f.container.database,
    migrate: false,
    closeDatabase: false,
    clock: { now: () => f.clock.now },
    mail: sender,
    logStream: new PassThrough().resume(),
  });
  workers.push(rt);
  return { ...rt.detection, tick: () => rt.jobs.tick() };
}

async function acmeMeeting(start: string, body = ''): Promise<string> {
  const c = await f.app.inject({
    method: 'POST',
    url: '/api/customers',
    headers: t.auth,
    payload: {
      name: 'Acme',
      domains: ['acmecorp.com'],
      stakeholders: [{ email: 'ceo@acmecorp.com', name: 'Cleo', role: 'CEO' }],
    },
  });
  expect(c.statusCode).toBe(201);
  const past = await t.meeting({ subject: 'Kickoff', start: '2026-02-20T10:00:00Z', attendees: ['ceo@acmecorp.com'] });
  const id = await t.meeting({
    subject: 'Acme QBR',
    start,
    body,
    iCalUId: `uid-${start}`,
    attendees: ['ceo@acmecorp.com', { email: 'dev@acmecorp.com', response: 'tentative' }],
  });
  await f.runtime.detection.detectMeetings(t.tenantId, [past, id]);
  return id;
}

describe('prep briefs', () => {
  it('are delivered exactly once per occurrence with two concurrent workers and after a restart', async () => {
    await acmeMeeting('2026-03-02T12:20:00Z');
    // The same meeting on a colleague's calendar is the same occurrence.
    const mate = await t.colleague();
    const copy = await t.meeting({
      subject: 'Acme QBR',
      start: '2026-03-02T12:20:00Z',
      iCalUId: 'uid-2026-03-02T12:20:00Z',
      userId: mate.userId,
      attendees: ['ceo@acmecorp.com'],
      ownResponse: 'accepted',
    });
    await f.runtime.detection.detectMeetings(t.tenantId, [copy]);
    const [a, b] = await Promise.all([worker(), worker()]);
    const enqueued = await Promise.all([a.briefs.runDue(), b.briefs.runDue(), a.briefs.runDue(), b.briefs.runDue()]);
    expect(enqueued.reduce((x, y) => x + y, 0)).toBe(1);
    await Promise.all([a.deliveries.runOnce(), b.deliveries.runOnce(), a.deliveries.runOnce()]);
    expect(outbox.sent).toHaveLength(1);
    // A restart: new processes, the same database, later in the same window.
    f.clock.now = new Date('2026-03-02T12:10:00Z');
    const c = await worker();
    expect(await c.briefs.runDue()).toBe(0);
    await c.tick();
    expect(outbox.sent).toHaveLength(1);
    expect(outbox.sent[0]).toMatchObject({ subject: expect.stringContaining('Acme QBR') as unknown });
  });

  it('is not sent before the configured lead time, then sent once it is due', async () => {
    await acmeMeeting('2026-03-02T14:00:00Z');
    const w = await worker();
    await w.tick();
    expect(outbox.sent).toHaveLength(0);
    f.clock.now = new Date('2026-03-02T13:29:00Z');
    await w.tick();
    expect(outbox.sent).toHaveLength(0);
    f.clock.now = new Date('2026-03-02T13:30:00Z');
    await w.tick();
    expect(outbox.sent).toHaveLength(1);
  });

  it('carries customer, roles, last meetings, metrics and open items, with the body HTML sanitised', async () => {
    const body =
      '<p>Agenda</p><p>- [ ] Send <b>pricing</b> sheet</p><p>TODO: intro to CFO</p><p>Action: <img src=x onerror="alert(1)">renewal date</p>' +
      '<script>alert("x")</script><p>Notes <a href="javascript:alert(1)">link</a></p>';
    await acmeMeeting('2026-03-02T12:15:00Z', body);
    await (await worker()).tick();
    expect(outbox.sent).toHaveLength(1);
    const m = outbox.sent[0]!;
    expect(m.to).toEqual([expect.stringMatching(/@own\d*\.example$/)]);
    expect(m.text).toContain('Cleo <ceo@acmecorp.com> — CEO');
    expect(m.text).toContain('dev@acmecorp.com (tentative)');
    expect(m.text).toContain('2026-02-20 10:00 UTC — Kickoff');
    expect(m.text).toMatch(/Score \d+\/100, trend (up|down|flat)/);
    for (const item of ['Send pricing sheet', 'intro to CFO', 'renewal date']) {
      expect(m.text).toContain(item);
      expect(m.html).toContain(item);
    }
    expect(m.html).not.toMatch(/<script|onerror|javascript:/i);
  });

  it('falls back to the platform webhook when the user cannot send mail', async () => {
    await f.container.tenants.updateSettings(
      { tenantId: t.tenantId, userId: t.userId, apiKeyId: null, sessionId: null, role: 'admin' },
      { healthWebhookUrl: 'http://127.0.0.1:9/unused' },
    );
    await acmeMeeting('2026-03-02T12:10:00Z');
    const w = await worker(async () => null);
    expect(await w.briefs.runDue()).toBe(1);
    const [d] = await w.outbox.deliveries(t.tenantId);
    expect(d).toMatchObject({ kind: 'brief_webhook', payload: { event: { type: 'meeting.prep_brief' } } });
  });
});

describe('open items', () => {
  it('reads task lines from text and HTML bodies', () => {
    expect(openItems('Agenda\n- [ ] send pricing\nTODO intro to CFO\nAction: book room\nnothing here', 'text')).toEqual(
      ['send pricing', 'intro to CFO', 'book room'],
    );
    expect(openItems('<ul><li>[ ] one</li><li>AI: two</li></ul>', 'html')).toEqual(['one', 'two']);
  });
});
