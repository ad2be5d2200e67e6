// The caller's display preferences and the merged meeting list: GET/PUT /api/me/preferences read the zone and clock
// from the connected mailbox until the person chooses (then kept on the server, never overwritten by the mailbox);
// /api/me names the person from the connected account and says their zone; copies of one meeting (same iCalUId and
// start) in the caller's own and a shared calendar are listed once with `alsoIn`.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulingHarness, type SchedulingHarness } from './scheduling-harness.js';

let h: SchedulingHarness;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const call = async (who: { auth: { authorization: string } }, method: 'GET' | 'PUT', url: string, payload?: object) => {
  const r = await h.app.inject({ method, url, headers: who.auth, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: (r.body ? r.json() : null) as Json };
};

beforeAll(async () => {
  h = await startSchedulingHarness();
  h.container.mockWorld.mailboxes.get('adele@contoso.com')!.timeFormat = '12h';
});
afterAll(async () => h?.close());

describe('GET/PUT /api/me/preferences', () => {
  it('reads the zone and clock from the connected mailbox, and /api/me says them', async () => {
    const before = await call(h.csm, 'GET', '/api/me');
    expect(before.body.user.timeZone).toBe('UTC');
    const p = await call(h.csm, 'GET', '/api/me/preferences');
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body).toMatchObject({ timeZone: 'America/Los_Angeles', timeFormat: '12h', source: 'mailbox' });
    const me = await call(h.csm, 'GET', '/api/me');
    expect(me.body.user.timeZone).toBe('America/Los_Angeles');
  });

  it('without a connection: UTC and the 24-hour clock, as defaults', async () => {
    const p = await call(h.loner, 'GET', '/api/me/preferences');
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ timeZone: 'UTC', timeFormat: '24h', source: 'default', updatedAt: null });
  });

  it('keeps the person’s choice per user; the mailbox no longer overwrites it', async () => {
    const put = await call(h.csm, 'PUT', '/api/me/preferences', { timeZone: 'Asia/Kolkata', timeFormat: '24h' });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ timeZone: 'Asia/Kolkata', timeFormat: '24h', source: 'user' });
    // The mailbox changes and days pass: the choice stays.
    h.container.mockWorld.mailboxes.get('adele@contoso.com')!.workingHours!.timeZone = 'Europe/Paris';
    h.clock.now = new Date(h.clock.now.getTime() + 3 * 86_400_000);
    const again = await call(h.csm, 'GET', '/api/me/preferences');
    expect(again.body).toMatchObject({ timeZone: 'Asia/Kolkata', timeFormat: '24h', source: 'user' });
    // Only the clock: the zone stays.
    const clock = await call(h.csm, 'PUT', '/api/me/preferences', { timeFormat: '12h' });
    expect(clock.body).toMatchObject({ timeZone: 'Asia/Kolkata', timeFormat: '12h' });
    // Another person of the tenant is not affected.
    const megan = await call(h.manager, 'GET', '/api/me/preferences');
    expect(megan.body).toMatchObject({ timeZone: 'America/New_York', source: 'mailbox' });
  });

  it('refuses an unknown zone, an unknown clock, an empty change and unknown keys with 400', async () => {
    for (const body of [{ timeZone: 'Mars/Olympus' }, { timeFormat: '13h' }, {}, { zone: 'UTC' }]) {
      const r = await call(h.csm, 'PUT', '/api/me/preferences', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    const kept = await call(h.csm, 'GET', '/api/me/preferences');
    expect(kept.body.timeZone).toBe('Asia/Kolkata');
  });
});

describe('GET /api/me', () => {
  it('names the person from the connected account when calbridge has no name for them', async () => {
    expect((await call(h.csm, 'GET', '/api/me')).body.user.displayName).toBeNull();
    await h.container.database.db
      .updateTable('calendar_connections')
      .set({ account_name: 'Adele Vance' })
      .where('id', '=', h.csm.connectionId!)
      .execute();
    expect((await call(h.csm, 'GET', '/api/me')).body.user.displayName).toBe('Adele Vance');
    expect((await call(h.manager, 'GET', '/api/me')).body.user.displayName).toBeNull();
  });
});

describe('GET /api/calendar/events: copies of one meeting', () => {
  it('lists a meeting held in the own and a shared calendar once, saying where else it is', async () => {
    const db = h.container.database.db;
    const own = await db
      .selectFrom('calendars')
      .select('id')
      .where('connection_id', '=', h.csm.connectionId!)
      .executeTakeFirstOrThrow();
    const shared = await db
      .insertInto('calendars')
      .values({
        tenant_id: h.tenantId,
        user_id: h.csm.userId,
        connection_id: h.csm.connectionId!,
        provider_calendar_id: 'megan-shared',
        name: 'Megan Bowen',
        owner_email: 'megan@contoso.com',
        is_shared: true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const meeting = (calendarId: string, subject: string, uid: string | null, start: string) => ({
      tenant_id: h.tenantId,
      user_id: h.csm.userId,
      calendar_id: calendarId,
      provider: 'MICROSOFT' as const,
      ical_uid: uid,
      subject,
      start_at: new Date(start),
      end_at: new Date(Date.parse(start) + 3600_000),
      attendees: sql`'[]'::jsonb`,
    });
    // The shared copy was synced first: the list still shows the own calendar's copy.
    const inShared = await db
      .insertInto('meetings')
      .values(meeting(shared.id, 'Acme QBR', 'uid-qbr', '2026-06-02T15:00:00Z') as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    const inOwn = await db
      .insertInto('meetings')
      .values(meeting(own.id, 'Acme QBR', 'uid-qbr', '2026-06-02T15:00:00Z') as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    // Same iCalUId, another start (another occurrence of a series): not a copy.
    await db
      .insertInto('meetings')
      .values(meeting(own.id, 'Acme QBR', 'uid-qbr', '2026-06-09T15:00:00Z') as never)
      .execute();
    // No iCalUId at all: never merged with anything.
    await db
      .insertInto('meetings')
      .values(meeting(own.id, 'Focus', null, '2026-06-02T15:00:00Z') as never)
      .execute();
    await db
      .insertInto('meetings')
      .values(meeting(shared.id, 'Focus', null, '2026-06-02T15:00:00Z') as never)
      .execute();

    const range = 'start=2026-06-01T00:00:00Z&end=2026-06-15T00:00:00Z';
    const merged = await call(h.csm, 'GET', `/api/calendar/events?${range}`);
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body.total).toBe(4);
    const qbr = merged.body.items.filter((m: Json) => m.subject === 'Acme QBR');
    expect(qbr).toHaveLength(2);
    expect(qbr[0]).toMatchObject({ id: inOwn.id, calendarId: own.id });
    expect(qbr[0].alsoIn).toEqual([
      {
        id: inShared.id,
        calendarId: shared.id,
        calendarName: 'Megan Bowen',
        ownerEmail: 'megan@contoso.com',
        isShared: true,
      },
    ]);
    expect(qbr[1].alsoIn).toBeUndefined();
    expect(merged.body.items.filter((m: Json) => m.subject === 'Focus')).toHaveLength(2);

    // Paging counts merged entries.
    const page = await call(h.csm, 'GET', `/api/calendar/events?${range}&limit=1&offset=3`);
    expect(page.body).toMatchObject({ total: 4 });
    expect(page.body.items).toHaveLength(1);

    const all = await call(h.csm, 'GET', `/api/calendar/events?${range}&copies=all`);
    expect(all.body.total).toBe(5);
    expect(all.body.items.every((m: Json) => m.alsoIn === undefined)).toBe(true);

    // Another user of the tenant sees none of these.
    const other = await call(h.manager, 'GET', `/api/calendar/events?${range}`);
    expect(other.body.total).toBe(0);
  });
});
