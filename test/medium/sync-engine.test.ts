// The sync engine against the mock provider on a real database: exact convergence, resync, crash safety.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventDraft } from '../../src/domain/calendar.js';
import { MockCalendarAdapter, MockCalendarWorld } from '../../src/providers/mock/index.js';
import type { SyncStore, SyncTarget } from '../../src/ports/sync.js';
import { SyncService } from '../../src/services/sync/sync-service.js';
import type { Database } from '../../src/stores/database.js';
import { PgSyncStore } from '../../src/stores/sync-store.js';
import { createTestDatabase } from '../support/db.js';

const MAILBOX = 'adele@contoso.com';
let db: Database;
let world: MockCalendarWorld;
let provider: MockCalendarAdapter;
let calendarId: string;
let tenantId: string;
const now = new Date('2026-11-22T12:00:00Z');

async function setup() {
  db = await createTestDatabase();
  world = new MockCalendarWorld(() => now);
  world.addMailbox(MAILBOX);
  provider = new MockCalendarAdapter(world, MAILBOX);
  const t = await db.db
    .insertInto('tenants')
    .values({ name: 'T', calendar_provider: 'MICROSOFT' })
    .returning('id')
    .executeTakeFirstOrThrow();
  tenantId = t.id;
  const u = await db.db
    .insertInto('users')
    .values({ tenant_id: t.id, email: MAILBOX })
    .returning('id')
    .executeTakeFirstOrThrow();
  const c = await db.db
    .insertInto('calendar_connections')
    .values({ tenant_id: t.id, user_id: u.id, provider: 'MICROSOFT', account_email: MAILBOX })
    .returning('id')
    .executeTakeFirstOrThrow();
  const cal = await db.db
    .insertInto('calendars')
    .values({
      tenant_id: t.id,
      user_id: u.id,
      connection_id: c.id,
      provider_calendar_id: world.defaultCalendar(MAILBOX),
      name: 'Calendar',
      is_default: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  calendarId = cal.id;
}

function service(store: SyncStore = new PgSyncStore(db.db)) {
  return new SyncService(
    store,
    { forTarget: () => provider },
    { windowPastDays: 30, windowFutureDays: 60, now: () => now },
  );
}

const at = (days: number, hour: number) => new Date(Date.UTC(2026, 10, 22 + days, hour)).toISOString();
const draft = (subject: string, days: number, hour = 10, extra: Partial<EventDraft> = {}): EventDraft => ({
  subject,
  start: at(days, hour),
  end: at(days, hour + 1),
  timeZone: 'Europe/Berlin',
  attendees: [{ email: 'john@acmecorp.com', type: 'required' }],
  ...extra,
});

/** What the provider says the window holds: masters plus expanded instances, by provider id. */
async function providerState(): Promise<Map<string, string>> {
  const window = {
    start: new Date(Date.UTC(2026, 9, 23)).toISOString(),
    end: new Date(Date.UTC(2027, 0, 21)).toISOString(),
  };
  const out = new Map<string, string>();
  const page = await provider.listEvents({ ...window, pageSize: 500 });
  for (const e of page.events) out.set(e.id, `${e.subject}|${e.start}|${e.end}`);
  for (const s of world.events.values())
    if (!s.deleted && s.mailbox === MAILBOX && s.event.recurrence)
      out.set(s.event.id, `${s.event.subject}|${s.event.start}|${s.event.end}`);
  return out;
}

async function dbState(): Promise<Map<string, string>> {
  const rows = await db.db
    .selectFrom('meetings')
    .select(['provider_event_id', 'subject', 'start_at', 'end_at'])
    .where('calendar_id', '=', calendarId)
    .execute();
  const out = new Map<string, string>();
  for (const r of rows) {
    expect(out.has(r.provider_event_id!), `duplicate ${r.provider_event_id}`).toBe(false);
    out.set(r.provider_event_id!, `${r.subject}|${r.start_at.toISOString()}|${r.end_at.toISOString()}`);
  }
  return out;
}

beforeEach(setup);
afterEach(async () => {
  await db.close();
});

describe('sync engine', () => {
  it('initial sync equals the provider, series linked to masters; then changes converge', async () => {
    for (let i = 0; i < 70; i++)
      await provider.createEvent({ event: draft(`Meeting ${i}`, (i % 40) - 10, 8 + (i % 8)) });
    const series = await provider.createEvent({
      event: draft('Weekly sync', 1, 9, {
        recurrence: {
          rrule: 'FREQ=WEEKLY;COUNT=6',
          timeZone: 'Europe/Berlin',
          startLocal: '2026-11-23T10:00:00',
          exDates: [],
        },
      }),
    });
    const r = await service().syncCalendar(tenantId, calendarId);
    expect(r.fullRound).toBe(true);
    expect(r.pages).toBeGreaterThan(1);
    expect(await dbState()).toEqual(await providerState());
    const occ = await db.db
      .selectFrom('meetings')
      .select(['series_master_id', 'event_type'])
      .where('provider_series_master_id', '=', series.id)
      .execute();
    const master = await db.db
      .selectFrom('meetings')
      .select('id')
      .where('provider_event_id', '=', series.id)
      .executeTakeFirstOrThrow();
    expect(occ).toHaveLength(6);
    expect(occ.every((o) => o.series_master_id === master.id && o.event_type === 'occurrence')).toBe(true);

    // Changes on the provider side: edit, delete, add, and shorten the series.
    const list = (await provider.listEvents({ start: at(-10, 0), end: at(40, 0), pageSize: 500 })).events.filter(
      (e) => !e.seriesMasterId,
    );
    await provider.updateEvent({ eventId: list[0]!.id, changes: { subject: 'Edited' } });
    await provider.deleteEvent(list[1]!.id);
    await provider.createEvent({ event: draft('New one', 3) });
    await provider.updateEvent({
      eventId: series.id,
      changes: {
        recurrence: {
          rrule: 'FREQ=WEEKLY;COUNT=2',
          timeZone: 'Europe/Berlin',
          startLocal: '2026-11-23T10:00:00',
          exDates: [],
        },
      },
    });
    const inc = await service().syncCalendar(tenantId, calendarId);
    expect(inc.fullRound).toBe(false);
    const want = await providerState();
    const have = await dbState();
    // Occurrences dropped from a shortened series are not reported by the mock's delta; a full round removes them.
    for (const [id, v] of want) expect(have.get(id), id).toBe(v);
    await service().syncCalendar(tenantId, calendarId, { full: true });
    expect(await dbState()).toEqual(want);
  });

  it('resyncs without duplicates when the cursor expires', async () => {
    for (let i = 0; i < 20; i++) await provider.createEvent({ event: draft(`M${i}`, i) });
    await service().syncCalendar(tenantId, calendarId);
    const gone = (await provider.listEvents({ start: at(0, 0), end: at(30, 0) })).events[0]!;
    await provider.deleteEvent(gone.id);
    world.minValidCursor = world.currentSeq + 1;
    const r = await service().syncCalendar(tenantId, calendarId);
    expect(r.fullRound).toBe(true);
    const have = await dbState();
    expect(have.has(gone.id)).toBe(false);
    expect(have).toEqual(await providerState());
  });

  it('converges after crashes at any page, replaying pages idempotently', async () => {
    for (let i = 0; i < 160; i++) await provider.createEvent({ event: draft(`C${i}`, (i % 50) - 5, 8 + (i % 9)) });
    const real = new PgSyncStore(db.db);
    // A store that dies right after committing page N (the process is killed before it can go on).
    const crashing = (n: number): SyncStore => {
      let pages = 0;
      return Object.assign(Object.create(real) as SyncStore, {
        applyPage: async (p: Parameters<SyncStore['applyPage']>[0]) => {
          const r = await real.applyPage(p);
          pages += 1;
          if (pages === n) throw new Error('SIGKILL');
          return r;
        },
      });
    };
    await expect(service(crashing(2)).syncCalendar(tenantId, calendarId)).rejects.toThrow('SIGKILL');
    await provider.createEvent({ event: draft('Arrived during the crash', 2) });
    await expect(service(crashing(1)).syncCalendar(tenantId, calendarId)).rejects.toThrow('SIGKILL');
    await service().syncCalendar(tenantId, calendarId);
    await service().syncCalendar(tenantId, calendarId);
    expect(await dbState()).toEqual(await providerState());
  });

  it('never overwrites a manual customer association', async () => {
    const e = await provider.createEvent({ event: draft('Acme QBR', 2) });
    await service().syncCalendar(tenantId, calendarId);
    const cust = await db.db
      .insertInto('customers')
      .values({ tenant_id: tenantId, name: 'Acme' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.db
      .updateTable('meetings')
      .set({ customer_id: cust.id, manual_customer: true, customer_match_reason: 'manual' })
      .where('provider_event_id', '=', e.id)
      .execute();
    await provider.updateEvent({ eventId: e.id, changes: { subject: 'Acme QBR (moved)' } });
    await service().syncCalendar(tenantId, calendarId);
    const row = await db.db
      .selectFrom('meetings')
      .selectAll()
      .where('provider_event_id', '=', e.id)
      .executeTakeFirstOrThrow();
    expect(row.subject).toBe('Acme QBR (moved)');
    expect(row.customer_id).toBe(cust.id);
    expect(row.manual_customer).toBe(true);
    const link = await db.db
      .selectFrom('outlook_calendar_sync')
      .selectAll()
      .where('outlook_event_id', '=', e.id)
      .executeTakeFirstOrThrow();
    expect(link.meeting_id).toBe(row.id);
    expect(link.sync_direction).toBe('inbound');
  });
});

export type { SyncTarget };
