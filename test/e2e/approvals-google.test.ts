// An approval request from a Google organizer reaches the approver as mail sent with Gmail messages.send from the
// organizer's own mailbox, read back over HTTP from the Google emulator's outbox, with the link to the proposal.
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionApi } from '../support/connection-app.js';
import { followGoogleAuthorize, startGoogleApp, type GoogleTestApp } from '../support/google.js';

const LOGIN = 'lynne.robbins@contoso.com';
const APPROVER = 'megan.bowen@contoso.com';
let h: GoogleTestApp;
const api = connectionApi('google');
let organizer: { authorization: string };
let approver: { authorization: string };

beforeAll(async () => {
  h = await startGoogleApp({ minimalSeed: true, accessTokenSeconds: 3600 });
  await api.signUp(h, { name: 'Contoso (Google)', calendarProvider: 'GOOGLE' }, LOGIN);
  organizer = { authorization: `Bearer ${(await h.container.tenants.createApiKey(api.tenantId, LOGIN)).apiKey}` };
  const k = await h.container.tenants.createApiKey(api.tenantId, APPROVER, { role: 'approver' });
  approver = { authorization: `Bearer ${k.apiKey}` };
  const q = await followGoogleAuthorize(h.t.agent, (await api.connectUrl(LOGIN)).toString());
  expect((await api.callback(q)).statusCode).toBe(302);
});
afterAll(async () => h?.close());

describe('approval request of a Google organizer', () => {
  it('is mailed to the approver through Gmail from the organizer’s mailbox, with the link to the proposal', async () => {
    const start = new Date(Date.now() + 7 * 86_400_000);
    start.setUTCHours(10, 0, 0, 0);
    const subject = `Acme kickoff ${Date.now()}`;
    const p = await h.app.inject({
      method: 'POST',
      url: '/api/calendar/events',
      headers: organizer,
      payload: {
        subject,
        start: start.toISOString(),
        end: new Date(start.getTime() + 1_800_000).toISOString(),
        attendees: [{ email: 'wile.coyote@acmecorp.com' }],
      },
    });
    expect(p.statusCode).toBe(201);
    const id = (p.json() as { id: string }).id;
    expect((p.json() as { approvers: Array<{ email: string }> }).approvers.map((a) => a.email)).toContain(APPROVER);
    const badge = await h.app.inject({ method: 'GET', url: '/api/approvals/pending', headers: approver });
    expect((badge.json() as { count: number }).count).toBe(1);
    await h.runtime.jobs.tick();
    const sent = (
      (await (
        await fetch(`${h.t.emu.baseUrl}/_emulator/outbox?from=${encodeURIComponent(LOGIN)}`, { dispatcher: h.t.agent })
      ).json()) as { messages: Array<{ from: string; to: string[]; subject: string; text: string | null }> }
    ).messages.filter((m) => m.subject.includes(subject));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ from: LOGIN, to: [APPROVER] });
    expect(sent[0]!.text).toContain(`/app/approvals/${id}`);
  });
});
