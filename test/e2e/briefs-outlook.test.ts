// Prep briefs end to end through the Microsoft 365 emulator: a connected Outlook user with an upcoming customer
// meeting (whose body is hostile HTML) gets one brief, sent with Graph sendMail from their own mailbox, found in the
// emulator's outbox over HTTP exactly once, with the HTML sanitised.
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/stores/database.js';
import { createTestDatabase } from '../support/db.js';
import { waitFor } from '../support/wait.js';
import { startTestEmulator, type TestEmulator } from '../support/microsoft.js';
import { startSyncServer, type SyncServer } from '../support/sync-server.js';

const LOGIN = 'adele.vance@contoso.com';
const SUBJECT = 'Acme renewal review';
const HOSTILE =
  '<p>Agenda</p><p>- [ ] Send <b>pricing</b> sheet</p>' +
  '<p>Action: <img src=x onerror="alert(1)">confirm renewal date</p>' +
  '<script>alert("brief")</script><p>Notes <a href="javascript:alert(2)">link</a></p>' +
  '<iframe src="https://evil.example/"></iframe>';

interface OutboxMessage {
  senderAddress: string;
  subject: string;
  body: { contentType: string; content: string };
  toRecipients: Array<{ emailAddress: { address: string } }>;
}

let t: TestEmulator;
let database: Database;
let s: SyncServer;
let user: Awaited<ReturnType<SyncServer['connect']>>;

const outbox = async () =>
  (
    (await (await fetch(`${t.emu.baseUrl}/_emulator/outbox`, { dispatcher: t.agent })).json()) as {
      value: OutboxMessage[];
    }
  ).value;
const briefsFor = async (subject: string) => (await outbox()).filter((m) => m.subject.includes(subject));

beforeAll(async () => {
  t = await startTestEmulator({ minimalSeed: true });
  database = await createTestDatabase();
  s = await startSyncServer({ baseUrl: t.emu.baseUrl, caFile: t.emu.caFile, app: t.emu.app }, t.agent, database);
  user = await s.connect(LOGIN);
}, 180_000);

afterAll(async () => {
  await s?.close();
  await database?.close();
  await t?.close();
});

describe('prep brief through Graph sendMail', () => {
  it('sends one sanitised brief from the user’s mailbox for an upcoming customer meeting', async () => {
    const customer = await s.server.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: user.auth,
      payload: {
        name: 'Acme',
        domains: ['acmecorp.com'],
        stakeholders: [{ email: 'wile.coyote@acmecorp.com', name: 'Wile E. Coyote', role: 'VP Operations' }],
      },
    });
    expect(customer.statusCode).toBe(201);
    const conn = await database.db
      .selectFrom('calendar_connections')
      .select(['id', 'scopes'])
      .where('tenant_id', '=', user.tenantId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(conn.scopes)).toContain('Mail.Send');

    // The meeting is created in the user's calendar on the emulator, 10 minutes from now (the brief is due 30 before).
    const provider = s.server.container.providers.forConnection('MICROSOFT', {
      tenantId: user.tenantId,
      userId: user.userId,
      connectionId: conn.id,
      mailbox: LOGIN,
    });
    const start = Date.now() + 10 * 60_000;
    await provider.createEvent({
      event: {
        subject: SUBJECT,
        body: { contentType: 'html', content: HOSTILE },
        start: new Date(start).toISOString(),
        end: new Date(start + 30 * 60_000).toISOString(),
        attendees: [{ email: 'wile.coyote@acmecorp.com', name: 'Wile E. Coyote', type: 'required' }],
      },
    });

    // Sync brings it in; detection links it to Acme.
    await s.runtime.worker.pollAll();
    await waitFor('the meeting synced and detected', async () =>
      database.db
        .selectFrom('meetings')
        .select('customer_id')
        .where('tenant_id', '=', user.tenantId)
        .where('subject', '=', SUBJECT)
        .where('customer_id', 'is not', null)
        .executeTakeFirst(),
    );

    // One scheduler tick (the embedded timer may tick as well: delivery stays exactly once).
    const runtime = s.server.detection;
    await runtime.tick();
    const [brief] = await waitFor('the brief in the emulator outbox', async () => {
      const found = await briefsFor(SUBJECT);
      return found.length > 0 ? found : null;
    });
    expect(brief!.senderAddress).toBe(LOGIN);
    expect(brief!.toRecipients.map((r) => r.emailAddress.address)).toEqual([LOGIN]);
    expect(brief!.subject).toContain('Acme');
    expect(brief!.body.contentType).toBe('html');
    const html = brief!.body.content;
    expect(html).toContain('Wile E. Coyote');
    for (const item of ['Send pricing sheet', 'confirm renewal date']) expect(html).toContain(item);
    expect(html).not.toMatch(/<script|onerror|javascript:|<iframe|evil\.example/i);
    expect(html).not.toContain('alert(');

    // Later ticks (and the embedded timer) send nothing again.
    await runtime.tick();
    await runtime.tick();
    await new Promise((r) => setTimeout(r, 500));
    expect(await briefsFor(SUBJECT)).toHaveLength(1);
    const sent = await runtime.outbox.deliveries(user.tenantId);
    expect(sent.filter((d) => d.kind === 'brief_email')).toEqual([
      expect.objectContaining({ status: 'sent', attempts: 1 }),
    ]);
  });
});
