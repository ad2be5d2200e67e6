// Detection and metrics follow the sync engine: provider changes (mock provider) → meetings → customer → metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockCalendarAdapter } from '../../src/providers/mock/index.js';
import { createFixture, type Fixture } from './detection-fixture.js';

const MAILBOX = 'adele@own.example';
let f: Fixture;

beforeAll(async () => {
  f = await createFixture({ now: new Date('2026-03-02T12:00:00Z') });
});
afterAll(async () => {
  await f.close();
});

describe('detection after sync', () => {
  it('detects synced meetings, keeps a manual association across later syncs, and updates metrics on removal', async () => {
    const t = await f.newTenant({ ownDomains: ['own.example'] });
    const db = f.container.database.db;
    // The mock world the runtime's provider registry serves in test mode.
    const world = f.container.mockWorld;
    world.addMailbox(MAILBOX);
    const provider = new MockCalendarAdapter(world, MAILBOX);
    const conn = await db
      .insertInto('calendar_connections')
      .values({ tenant_id: t.tenantId, user_id: t.userId, provider: 'MICROSOFT', account_email: MAILBOX })
      .returning('id')
      .executeTakeFirstOrThrow();
    const cal = await db
      .insertInto('calendars')
      .values({
        tenant_id: t.tenantId,
        user_id: t.userId,
        connection_id: conn.id,
        provider_calendar_id: world.defaultCalendar(MAILBOX),
        name: 'Calendar',
        is_default: true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The runtime's own sync engine: detection and metrics run on its synced pages, as in a worker.
    const sync = f.rt.sync.sync;
    const runtime = f.runtime;
    const acme = await f.container.customers.create(
      { tenantId: t.tenantId, userId: t.userId, apiKeyId: null, sessionId: null, role: 'admin' },
      { name: 'Acme', domains: ['acmecorp.com'] },
    );
    const globex = await f.container.customers.create(
      { tenantId: t.tenantId, userId: t.userId, apiKeyId: null, sessionId: null, role: 'admin' },
      { name: 'Globex', subjectPatterns: ['Globex'] },
    );
    const ev = (subject: string, day: number, email: string) => ({
      event: {
        subject,
        start: new Date(Date.UTC(2026, 2, 2 + day, 10)).toISOString(),
        end: new Date(Date.UTC(2026, 2, 2 + day, 11)).toISOString(),
        attendees: [{ email, type: 'required' as const }],
      },
    });
    const e1 = await provider.createEvent(ev('Sync', -5, 'jane@acmecorp.com'));
    const e2 = await provider.createEvent(ev('Globex prep', -3, 'x@gmail.com'));
    await sync.syncCalendar(t.tenantId, cal.id, { full: false });
    const rows = await db
      .selectFrom('meetings')
      .select(['id', 'provider_event_id', 'customer_id', 'customer_match_reason'])
      .where('calendar_id', '=', cal.id)
      .execute();
    const byEvent = new Map(rows.map((r) => [r.provider_event_id, r]));
    expect(byEvent.get(e1.id)).toMatchObject({ customer_id: acme.id, customer_match_reason: 'domain' });
    expect(byEvent.get(e2.id)).toMatchObject({ customer_id: globex.id, customer_match_reason: 'subject' });
    const m1 = byEvent.get(e1.id)!.id;
    // Manual: the Acme meeting is "not a customer meeting"; a provider update and a sync keep that.
    await runtime.meetings.associate(
      { tenantId: t.tenantId, userId: t.userId, apiKeyId: null, sessionId: null, role: 'admin' },
      m1,
      null,
    );
    await provider.updateEvent({ eventId: e1.id, changes: { subject: 'Sync (moved)' } });
    await sync.syncCalendar(t.tenantId, cal.id, { full: false });
    const after = await db
      .selectFrom('meetings')
      .select(['subject', 'customer_id', 'manual_customer'])
      .where('id', '=', m1)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ subject: 'Sync (moved)', customer_id: null, manual_customer: true });
    expect((await runtime.metrics.metricsOf(t.tenantId, acme.id)).windows[0]!.meetings).toBe(0);
    expect((await runtime.metrics.metricsOf(t.tenantId, globex.id)).windows[0]!.meetings).toBe(1);
    // A deletion at the provider removes the meeting from the metrics.
    await provider.deleteEvent(e2.id);
    await sync.syncCalendar(t.tenantId, cal.id, { full: false });
    expect((await runtime.metrics.metricsOf(t.tenantId, globex.id)).windows[0]!.meetings).toBe(0);
  });
});
