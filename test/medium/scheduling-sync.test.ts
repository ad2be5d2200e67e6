// A meeting created by approving a proposal comes back through the sync engine as the same row: no duplicate,
// no "changed" meeting (no echo), the customer link and origin kept, including after a full resync.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncService } from '../../src/services/sync/sync-service.js';
import { PgSyncStore } from '../../src/stores/sync-store.js';
import { startSchedulingHarness, type SchedulingHarness } from './scheduling-harness.js';

let h: SchedulingHarness;
beforeAll(async () => {
  h = await startSchedulingHarness({});
});
afterAll(async () => h?.close());

describe('approved meetings and the sync engine', () => {
  it('are recognised by the sync engine, which keeps origin and customer link', async () => {
    const store = new PgSyncStore(h.container.database.db);
    const sync = new SyncService(
      store,
      {
        forTarget: (t) =>
          h.container.providers.forConnection(t.provider, {
            tenantId: t.tenantId,
            userId: t.userId,
            connectionId: t.connectionId,
            mailbox: t.mailbox,
          }),
      },
      { windowPastDays: 30, windowFutureDays: 60, now: () => h.clock.now },
    );
    const changed: string[] = [];
    sync.onMeetingsChanged(async (_t, ids) => void changed.push(...ids));
    const [target] = await store.listTargets({ tenantId: h.tenantId, userId: h.csm.userId });
    await sync.syncCalendar(h.tenantId, target!.calendarId, { full: true });

    const customer = await h.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: h.csm.auth,
      payload: { name: 'Globex', domains: ['globex.com'], stakeholders: [{ email: 'hank@globex.com', name: 'Hank' }] },
    });
    const p = await h.app.inject({
      method: 'POST',
      url: `/api/customers/${customer.json().id}/schedule`,
      headers: h.csm.auth,
      payload: { templateKey: 'kickoff', start: '2026-05-05T17:00:00Z' },
    });
    const approved = await h.app.inject({
      method: 'POST',
      url: `/api/proposals/${p.json().id}/approve`,
      headers: h.manager.auth,
    });
    expect(approved.statusCode).toBe(200);
    const meetingId = approved.json().result.meetingId as string;

    changed.length = 0;
    await sync.syncCalendar(h.tenantId, target!.calendarId);
    expect(changed).not.toContain(meetingId);
    await sync.syncCalendar(h.tenantId, target!.calendarId, { full: true });
    const rows = await h.container.database.db
      .selectFrom('meetings')
      .selectAll()
      .where('tenant_id', '=', h.tenantId)
      .where('subject', '=', 'Globex kickoff')
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: meetingId,
      origin: 'calbridge',
      customer_id: customer.json().id,
      manual_customer: true,
      external_id: meetingId,
    });
    const links = await h.container.database.db
      .selectFrom('outlook_calendar_sync')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .execute();
    expect(links).toHaveLength(1);
  });
});
