// export → import round-trips a tenant's calbridge-owned data exactly, including manual associations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantBackupService } from '../../src/services/backup/backup-service.js';
import { PgTenantBackupStore } from '../../src/stores/tenant-backup-store.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase } from '../support/db.js';

let t: TestApp;
const backups = (db: ConstructorParameters<typeof PgTenantBackupStore>[0]) =>
  new TenantBackupService(new PgTenantBackupStore(db));
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('tenant backup', () => {
  it('round-trips customers, stakeholders, manual associations, templates and audit', async () => {
    const a = await t.newTenant('Backup tenant');
    const db = t.container.database.db;
    const c = await t.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: a.auth,
      payload: {
        name: 'Acme',
        domains: ['acmecorp.com'],
        subjectPatterns: ['QBR', '/Acme.*review/'],
        stakeholders: [{ email: 'ceo@acmecorp.com', name: 'C. E. O.', role: 'CEO' }],
      },
    });
    const customerId = c.json().id as string;
    await db
      .insertInto('meeting_templates')
      .values({
        tenant_id: a.tenantId,
        key: 'qbr',
        name: 'QBR',
        subject_template: 'QBR with {customer}',
        body_html: '<p>Agenda</p>',
        duration_minutes: 60,
        attendee_roles: ['CEO'],
        online_meeting: true,
        reminder_minutes: 15,
      })
      .execute();
    const conn = await db
      .insertInto('calendar_connections')
      .values({ tenant_id: a.tenantId, user_id: a.userId, provider: 'MICROSOFT' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const cal = await db
      .insertInto('calendars')
      .values({
        tenant_id: a.tenantId,
        user_id: a.userId,
        connection_id: conn.id,
        provider_calendar_id: 'cal-1',
        name: 'Calendar',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [id, manual, cust] of [
      ['evt-1', true, customerId],
      ['evt-2', true, null],
      ['evt-3', false, customerId],
    ] as const) {
      await db
        .insertInto('meetings')
        .values({
          tenant_id: a.tenantId,
          user_id: a.userId,
          calendar_id: cal.id,
          provider: 'MICROSOFT',
          provider_event_id: id,
          subject: id,
          start_at: '2026-12-01T10:00:00Z',
          end_at: '2026-12-01T11:00:00Z',
          time_zone: 'UTC',
          is_all_day: false,
          attendees: '[]',
          show_as: 'busy',
          sensitivity: 'normal',
          event_type: 'singleInstance',
          is_cancelled: false,
          response_status: 'none',
          reminder_minutes: null,
          customer_id: cust,
          manual_customer: manual,
          body: '',
          body_content_type: 'html',
          customer_candidates: '[]',
        })
        .execute();
    }
    const first = await backups(db).exportTenant(a.tenantId);
    expect(first.customers).toHaveLength(1);
    expect(first.stakeholders[0]).toMatchObject({ email: 'ceo@acmecorp.com', role: 'CEO', customerId });
    expect(first.manualAssociations).toEqual([
      { provider: 'MICROSOFT', providerEventId: 'evt-1', icalUid: null, customerId },
      { provider: 'MICROSOFT', providerEventId: 'evt-2', icalUid: null, customerId: null },
    ]);
    expect(first.audit.length).toBeGreaterThan(0);

    // Restore into another database where the same events were synced again (no associations yet).
    const other = await createTestDatabase();
    try {
      const r = await backups(other.db).importTenant(first);
      expect(r.manualAssociationsApplied).toBe(0);
      const second = await backups(other.db).exportTenant(a.tenantId);
      const strip = (b: typeof first) => ({ ...b, exportedAt: '' });
      expect(strip(second)).toEqual(strip({ ...first, manualAssociations: [] }));
      // Importing into the original database again is idempotent and keeps associations.
      const again = await backups(db).importTenant(first);
      expect(again.manualAssociationsApplied).toBe(2);
      expect({ ...(await backups(db).exportTenant(a.tenantId)), exportedAt: '' }).toEqual({ ...first, exportedAt: '' });
    } finally {
      await other.close();
    }
  });
});
