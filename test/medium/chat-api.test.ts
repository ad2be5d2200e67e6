// POST /api/chat on the whole server app (real database, real parser and services): help, unknown and ambiguous
// accounts, a calendar with nothing synced, and scheduling without a calendar connection creates no proposal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer } from '../support/server.js';

type Server = Awaited<ReturnType<typeof createTestServer>>;
let s: Server;
let auth: { authorization: string };

const chat = async (body: Record<string, unknown>) => {
  const res = await s.app.inject({ method: 'POST', url: '/api/chat', headers: auth, payload: body });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> & { reply: string; intent: string } };
};

beforeAll(async () => {
  s = await createTestServer();
  const t = await s.newTenant('Chat tenant');
  auth = t.auth;
  const post = (payload: object) => s.app.inject({ method: 'POST', url: '/api/customers', headers: auth, payload });
  expect(
    (
      await post({
        name: 'Acme Corp',
        domains: ['acmecorp.com'],
        stakeholders: [{ email: 'wile@acmecorp.com', name: 'Wile Coyote' }],
      })
    ).statusCode,
  ).toBe(201);
  expect((await post({ name: 'Northwind Traders', domains: ['nwtraders.example'] })).statusCode).toBe(201);
  expect((await post({ name: 'Northwind Health', domains: ['nwhealth.example'] })).statusCode).toBe(201);
  expect((await post({ name: 'Globex', domains: ['globex.com'] })).statusCode).toBe(201);
}, 120_000);
afterAll(async () => {
  await s?.close();
});

describe('POST /api/chat', () => {
  it('answers an unrelated message with help and examples', async () => {
    const r = await chat({ message: 'What is the weather like today?' });
    expect(r.status).toBe(200);
    expect(r.body.intent).toBe('unknown');
    expect(r.body.reply).toMatch(/Find time for a meeting with/);
  });

  it('says when an account does not exist, suggesting the nearest name', async () => {
    const r = await chat({ message: 'Find time for a meeting with Globx next week', timeZone: 'Europe/Paris' });
    expect(r.status).toBe(200);
    expect(r.body.reply).toMatch(/Globex/);
    expect(r.body.intent).toMatch(/unknown|find_time/);
  });

  it('asks which account when two match equally, and continues with the chosen one', async () => {
    const r = await chat({ message: 'Find time for a meeting with Northwind next week', timeZone: 'UTC' });
    expect(r.body.intent).toBe('ambiguous');
    const choices = r.body.choices as Array<{ id: string; name: string }>;
    expect(choices.map((c) => c.name).sort()).toEqual(['Northwind Health', 'Northwind Traders']);
    // Northwind Health has no stakeholders: the answer says so instead of searching.
    const labs = choices.find((c) => c.name === 'Northwind Health')!;
    const next = await chat({
      message: 'Find time for a meeting with Northwind next week',
      timeZone: 'UTC',
      accountId: labs.id,
    });
    expect(next.body.intent).toBe('find_time');
    expect(next.body.reply).toMatch(/Northwind Health has no stakeholders/);
  });

  it('shows an empty week when nothing is synced', async () => {
    const r = await chat({ message: 'Show my Outlook calendar for this week', timeZone: 'America/New_York' });
    expect(r.status).toBe(200);
    expect(r.body.intent).toBe('show_calendar');
    expect(r.body.events).toEqual([]);
    expect(r.body.reply).toMatch(/^No meetings/);
  });

  it('does not create a proposal when Outlook is not connected, and says how to fix it', async () => {
    const r = await chat({ message: 'Schedule a Teams meeting with Acme Corp tomorrow at 3pm', timeZone: 'UTC' });
    expect(r.status).toBe(200);
    expect(r.body.intent).toBe('schedule_meeting');
    expect(r.body.errorCode).toMatch(/not_connected|reconnect_required/);
    expect(r.body.reply).toMatch(/Settings/);
    expect(r.body.proposalId).toBeUndefined();
    const proposals = await s.app.inject({ method: 'GET', url: '/api/proposals', headers: auth });
    expect((proposals.json() as { items: unknown[] }).items).toEqual([]);
  });

  it('rejects a bad time zone and a missing message with 400', async () => {
    expect((await chat({ message: 'Show my calendar', timeZone: 'Mars/Olympus' })).status).toBe(400);
    const res = await s.app.inject({ method: 'POST', url: '/api/chat', headers: auth, payload: {} });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { error: { code: string } }).error.code).toBe('validation_failed');
  });

  it('requires an API key', async () => {
    const res = await s.app.inject({ method: 'POST', url: '/api/chat', payload: { message: 'hi' } });
    expect(res.statusCode).toBe(401);
  });
});
