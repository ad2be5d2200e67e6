// The rows the sync engine needs to run for one mailbox (tenant, user, active connection, one selected calendar),
// inserted directly: shared by the sync tests and the sync benchmarks.
import type { Database } from '../../src/stores/database.js';

/** Tenant (named `tenantName`), user, active Microsoft connection and a selected default calendar row for `providerCalendarId`. */
export async function insertSyncTarget(
  database: Database,
  mailbox: string,
  providerCalendarId: string,
  tenantName = `T ${mailbox}`,
): Promise<{ tenantId: string; userId: string; connectionId: string; calendarId: string }> {
  const db = database.db;
  const t = await db
    .insertInto('tenants')
    .values({ name: tenantName, calendar_provider: 'MICROSOFT' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const u = await db
    .insertInto('users')
    .values({ tenant_id: t.id, email: mailbox })
    .returning('id')
    .executeTakeFirstOrThrow();
  const c = await db
    .insertInto('calendar_connections')
    .values({ tenant_id: t.id, user_id: u.id, provider: 'MICROSOFT', account_email: mailbox })
    .returning('id')
    .executeTakeFirstOrThrow();
  const cal = await db
    .insertInto('calendars')
    .values({
      tenant_id: t.id,
      user_id: u.id,
      connection_id: c.id,
      provider_calendar_id: providerCalendarId,
      name: 'Calendar',
      is_default: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { tenantId: t.id, userId: u.id, connectionId: c.id, calendarId: cal.id };
}
