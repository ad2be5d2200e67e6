// One meeting, many tenants: two tenants connect the same Microsoft 365 mailbox (so its events reach calbridge twice,
// under the same Graph ids) and sync it through the emulator; each tenant keeps its own meeting and its own link row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/stores/database.js';
import { createTestDatabase } from '../support/db.js';
import { startTestEmulator, type TestEmulator } from '../support/microsoft.js';
import { startSyncServer, type SyncServer } from '../support/sync-server.js';
import { waitFor } from '../support/wait.js';

const LOGIN = 'adele.vance@contoso.com';
const SUBJECT = 'Quarterly review with Acme';

let t: TestEmulator;
let database: Database;
let s: SyncServer;

beforeAll(async () => {
  t = await startTestEmulator({ minimalSeed: true });
  database = await createTestDatabase();
  s = await startSyncServer({ baseUrl: t.emu.baseUrl, caFile: t.emu.caFile, app: t.emu.app }, t.agent, database);
}, 180_000);

afterAll(async () => {
  await s?.close();
  await database?.close();
  await t?.close();
});

describe('a provider event held by several tenants', () => {
  it('links each tenant’s copy of the same Graph event to that tenant’s meeting', async () => {
    const a = await s.connect(LOGIN);
    const conn = await database.db
      .selectFrom('calendar_connections')
      .select('id')
      .where('tenant_id', '=', a.tenantId)
      .executeTakeFirstOrThrow();
    // The meeting is created in the mailbox through Graph (the emulator over HTTPS).
    const provider = s.server.container.providers.forConnection('MICROSOFT', {
      tenantId: a.tenantId,
      userId: a.userId,
      connectionId: conn.id,
      mailbox: LOGIN,
    });
    const start = Date.now() + 2 * 86_400_000;
    const created = await provider.createEvent({
      event: {
        subject: SUBJECT,
        body: { contentType: 'text', content: 'Agenda' },
        start: new Date(start).toISOString(),
        end: new Date(start + 3600_000).toISOString(),
        attendees: [{ email: 'wile.coyote@acmecorp.com', name: 'Wile E. Coyote', type: 'required' }],
      },
    });
    const b = await s.connect(LOGIN);

    const linkOf = (tenantId: string) =>
      database.db
        .selectFrom('meetings as m')
        .innerJoin('outlook_calendar_sync as l', 'l.meeting_id', 'm.id')
        .select(['m.id as meetingId', 'm.tenant_id as meetingTenant', 'l.tenant_id as linkTenant', 'l.calendar_id'])
        .where('m.tenant_id', '=', tenantId)
        .where('m.subject', '=', SUBJECT)
        .executeTakeFirst();
    // Each tenant syncs its copy of the mailbox (the second sync used to take over the first tenant's link row).
    for (const tenant of [a, b]) {
      const res = await s.server.app.inject({
        method: 'POST',
        url: '/api/outlook/calendar/sync',
        headers: tenant.auth,
        payload: {},
      });
      expect(res.statusCode).toBe(202);
    }
    await waitFor('both tenants synced the meeting and linked it', async () => {
      const rows = await database.db
        .selectFrom('outlook_calendar_sync')
        .select('tenant_id')
        .where('outlook_event_id', '=', created.id)
        .execute();
      const meetings = await database.db
        .selectFrom('meetings')
        .select('tenant_id')
        .where('subject', '=', SUBJECT)
        .execute();
      return new Set(meetings.map((r) => r.tenant_id)).size === 2 && rows.length >= 1;
    });
    // Let a sync still running finish its page.
    await waitFor('the queue is idle', async () => (await s.runtime.queue.depth()).active === 0 || null);

    const links = await database.db
      .selectFrom('outlook_calendar_sync')
      .select(['tenant_id', 'meeting_id', 'calendar_id'])
      .where('outlook_event_id', '=', created.id)
      .execute();
    expect(links).toHaveLength(2);
    for (const tenant of [a, b]) {
      const link = await linkOf(tenant.tenantId);
      expect(link, `the meeting of tenant ${tenant.tenantId} keeps its link`).toBeDefined();
      expect(link!.linkTenant).toBe(tenant.tenantId);
      const calendar = await database.db
        .selectFrom('calendars')
        .select('tenant_id')
        .where('id', '=', link!.calendar_id!)
        .executeTakeFirstOrThrow();
      expect(calendar.tenant_id).toBe(tenant.tenantId);
    }
    expect(new Set(links.map((l) => l.tenant_id))).toEqual(new Set([a.tenantId, b.tenantId]));
  });
});
