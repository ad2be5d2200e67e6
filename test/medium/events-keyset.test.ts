// GET /api/calendar/events with keyset paging (issue 20): walking a range with `cursor` = the previous page's
// `nextCursor` lists every meeting exactly once in (start, id) order — ties on the start, merged copies (one item per
// meeting, its other copies in `alsoIn`), `copies=all` — and the total only when asked for; offset paging keeps its
// total. A cursor the list did not give out answers 400 invalid_cursor; the list stays the caller's own.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulingHarness, type SchedulingHarness } from './scheduling-harness.js';

let h: SchedulingHarness;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const get = async (auth: { authorization: string }, url: string) => {
  const r = await h.app.inject({ method: 'GET', url, headers: auth });
  return { status: r.statusCode, body: r.json() as Json };
};

const RANGE = 'start=2026-06-01T00:00:00Z&end=2026-06-15T00:00:00Z';
const at = (day: number, hour: number) =>
  `2026-06-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;

let ownCal: string;
let sharedCal: string;
/** The meetings the merged list shows, in (start, id) order, and every copy (copies=all), as inserted. */
const expectedMerged: Array<{ id: string; start: string }> = [];
const expectedAll: Array<{ id: string; start: string }> = [];
let mergedId: string;
let sharedCopyId: string;
let uids = 0;
let other: { auth: { authorization: string }; userId: string; tenantId: string };

const byStartThenId = (a: { id: string; start: string }, b: { id: string; start: string }) =>
  Date.parse(a.start) - Date.parse(b.start) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

async function insert(
  tenantId: string,
  userId: string,
  calendarId: string | null,
  start: string,
  extra: { uid?: string | null; subject?: string; eventType?: string } = {},
): Promise<string> {
  const row = await h.container.database.db
    .insertInto('meetings')
    .values({
      tenant_id: tenantId,
      user_id: userId,
      calendar_id: calendarId,
      provider: 'MICROSOFT',
      ical_uid: extra.uid === undefined ? `uid-${++uids}` : extra.uid,
      subject: extra.subject ?? `Meeting at ${start}`,
      start_at: new Date(start),
      end_at: new Date(Date.parse(start) + 1_800_000),
      attendees: sql`'[]'::jsonb`,
      event_type: extra.eventType ?? 'singleInstance',
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

beforeAll(async () => {
  h = await startSchedulingHarness();
  const db = h.container.database.db;
  ownCal = (
    await db
      .selectFrom('calendars')
      .select('id')
      .where('connection_id', '=', h.csm.connectionId!)
      .executeTakeFirstOrThrow()
  ).id;
  sharedCal = (
    await db
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
      .executeTakeFirstOrThrow()
  ).id;
  const add = async (start: string, calendarId: string | null, uid?: string | null) => {
    const id = await insert(h.tenantId, h.csm.userId, calendarId, start, { uid });
    expectedMerged.push({ id, start });
    expectedAll.push({ id, start });
    return id;
  };
  // one a day at 09:00, and five that start at the same instant on the 3rd (ties on start_at: ordered by id)
  for (let day = 1; day <= 12; day++) await add(at(day, 9), ownCal);
  for (let i = 0; i < 5; i++) await add(at(3, 14), ownCal);
  // without an iCalUId: never merged, even with another at the same start
  await add(at(5, 11), ownCal, null);
  await add(at(5, 11), sharedCal, null);
  // one meeting in the own and a shared calendar (the shared copy synced first): listed once, under the own copy;
  // with copies=all both
  sharedCopyId = await insert(h.tenantId, h.csm.userId, sharedCal, at(3, 14), { uid: 'uid-copied' });
  expectedAll.push({ id: sharedCopyId, start: at(3, 14) });
  mergedId = await add(at(3, 14), ownCal, 'uid-copied');
  // a meeting only in the shared calendar is listed
  await add(at(7, 16), sharedCal, 'uid-only-shared');
  // a series master is not an item; a meeting outside the range neither
  await insert(h.tenantId, h.csm.userId, ownCal, at(2, 8), { uid: 'uid-series', eventType: 'seriesMaster' });
  await insert(h.tenantId, h.csm.userId, ownCal, at(20, 9));
  expectedMerged.sort(byStartThenId);
  expectedAll.sort(byStartThenId);

  // another tenant's user with meetings at the same instants
  const tenant = await h.container.tenants.createTenant({ name: 'Fabrikam', calendarProvider: 'MICROSOFT' });
  const key = await h.container.tenants.createApiKey(tenant.id, 'pat@fabrikam.example');
  other = { auth: { authorization: `Bearer ${key.apiKey}` }, userId: key.userId, tenantId: tenant.id };
  for (let day = 1; day <= 12; day++) await insert(tenant.id, key.userId, null, at(day, 9), { uid: 'uid-copied' });
});
afterAll(async () => h?.close());

/** Every item of the range, page by page with cursors; the pages' answers as well. */
async function walk(auth: { authorization: string }, query: string, limit: number, from: string | null = null) {
  const items: Json[] = [];
  const pages: Json[] = [];
  let cursor: string | null = from;
  for (let n = 0; n < 100; n++) {
    const url: string = `/api/calendar/events?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : '&total=false'}`;
    const r = await get(auth, url);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    pages.push(r.body);
    items.push(...r.body.items);
    cursor = r.body.nextCursor;
    if (cursor === null) return { items, pages };
  }
  throw new Error('the walk did not end');
}

describe('GET /api/calendar/events with cursor', () => {
  it('lists every merged meeting exactly once, in start then id order, across ties on the start', async () => {
    for (const limit of [1, 4, 7, 200]) {
      const { items, pages } = await walk(h.csm.auth, RANGE, limit);
      expect(items.map((m) => m.id)).toEqual(expectedMerged.map((m) => m.id));
      expect(new Set(items.map((m) => m.id)).size).toBe(items.length);
      expect(pages).toHaveLength(Math.ceil(expectedMerged.length / limit));
      // no count on keyset pages unless asked for; a full last page says there is no next one
      for (const p of pages) expect(p.total).toBeUndefined();
      expect(pages.at(-1)!.nextCursor).toBeNull();
    }
  });

  it('keeps merged copies merged on every page: the own copy, the shared one in alsoIn', async () => {
    const { items } = await walk(h.csm.auth, RANGE, 3);
    const merged = items.filter((m) => m.id === mergedId);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.alsoIn).toEqual([
      {
        id: sharedCopyId,
        calendarId: sharedCal,
        calendarName: 'Megan Bowen',
        ownerEmail: 'megan@contoso.com',
        isShared: true,
      },
    ]);
    expect(items.some((m) => m.id === sharedCopyId)).toBe(false);
    expect(items.filter((m) => m.alsoIn !== undefined)).toHaveLength(1);
  });

  it('with copies=all lists every copy once', async () => {
    const { items } = await walk(h.csm.auth, `${RANGE}&copies=all`, 4);
    expect(items.map((m) => m.id)).toEqual(expectedAll.map((m) => m.id));
    expect(items.every((m) => m.alsoIn === undefined)).toBe(true);
  });

  it('counts when asked: total=true on a cursor page, and by default on offset pages', async () => {
    const first = await get(h.csm.auth, `/api/calendar/events?${RANGE}&limit=5`);
    expect(first.body.total).toBe(expectedMerged.length);
    expect(first.body.items.map((m: Json) => m.id)).toEqual(expectedMerged.slice(0, 5).map((m) => m.id));
    expect(typeof first.body.nextCursor).toBe('string');
    const counted = await get(
      h.csm.auth,
      `/api/calendar/events?${RANGE}&limit=5&cursor=${first.body.nextCursor}&total=true`,
    );
    expect(counted.body.total).toBe(expectedMerged.length);
    expect(counted.body.items.map((m: Json) => m.id)).toEqual(expectedMerged.slice(5, 10).map((m) => m.id));
    const all = await get(
      h.csm.auth,
      `/api/calendar/events?${RANGE}&copies=all&limit=5&cursor=${first.body.nextCursor}&total=true`,
    );
    expect(all.body.total).toBe(expectedAll.length);
    // offset paging as before: the total, and the last page's offset
    const last = await get(h.csm.auth, `/api/calendar/events?${RANGE}&limit=5&offset=${expectedMerged.length - 2}`);
    expect(last.body).toMatchObject({
      total: expectedMerged.length,
      nextCursor: null,
      offset: expectedMerged.length - 2,
    });
    expect(last.body.items).toHaveLength(2);
    // an offset page past the end still says the total
    const past = await get(h.csm.auth, `/api/calendar/events?${RANGE}&limit=5&offset=500`);
    expect(past.body).toMatchObject({ items: [], total: expectedMerged.length, nextCursor: null });
    const uncounted = await get(h.csm.auth, `/api/calendar/events?${RANGE}&limit=5&total=false`);
    expect(uncounted.body.total).toBeUndefined();
  });

  it('neither repeats nor skips an item when meetings are added before the cursor between pages', async () => {
    const first = await get(h.csm.auth, `/api/calendar/events?${RANGE}&limit=6&total=false`);
    const early = await insert(h.tenantId, h.csm.userId, ownCal, at(1, 7));
    try {
      const rest = await walk(h.csm.auth, RANGE, 6, first.body.nextCursor);
      const ids = [...first.body.items, ...rest.items].map((m: Json) => m.id);
      expect(ids).toEqual(expectedMerged.map((m) => m.id));
    } finally {
      await h.container.database.db.deleteFrom('meetings').where('id', '=', early).execute();
    }
  });

  it('refuses a cursor it did not give out with 400 invalid_cursor', async () => {
    const good = (await get(h.csm.auth, `/api/calendar/events?${RANGE}&limit=2`)).body.nextCursor as string;
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    const id = expectedMerged[0]!.id;
    const bad = [
      'not a cursor',
      'abc',
      b64('hello'),
      b64(`e1 ${Date.parse(at(3, 9))} not-a-uuid`),
      b64(`e2 ${Date.parse(at(3, 9))} ${id}`),
      b64(`e1 99999999999999999 ${id}`),
      b64(`e1 1.5 ${id}`),
      `${good}=`,
      `${good}x`,
      good.slice(0, -1),
      '%00',
    ];
    for (const cursor of bad) {
      const r = await get(h.csm.auth, `/api/calendar/events?${RANGE}&cursor=${encodeURIComponent(cursor)}`);
      expect(r.status, cursor).toBe(400);
      expect(['invalid_cursor', 'validation_failed'], cursor).toContain(r.body.error.code);
    }
    for (const cursor of ['abc', b64('hello'), b64(`e1 1.5 ${id}`), good.slice(0, -1)]) {
      const r = await get(h.csm.auth, `/api/calendar/events?${RANGE}&cursor=${cursor}`);
      expect(r.body.error.code, cursor).toBe('invalid_cursor');
    }
    const both = await get(h.csm.auth, `/api/calendar/events?${RANGE}&cursor=${good}&offset=2`);
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('bad_request');
  });

  it("stays the caller's own: another tenant's user walks only their meetings, whatever the cursor", async () => {
    const mine = await walk(h.csm.auth, RANGE, 5);
    const theirs = await walk(other.auth, RANGE, 5);
    expect(theirs.items).toHaveLength(12);
    const mineIds = new Set(mine.items.map((m) => m.id));
    expect(theirs.items.some((m) => mineIds.has(m.id))).toBe(false);
    expect(theirs.items.every((m) => m.alsoIn === undefined)).toBe(true);
    // a cursor of the csm's list used by the other tenant: their meetings after that instant, none of the csm's
    const cursor = mine.pages[1]!.nextCursor as string;
    const after = await get(other.auth, `/api/calendar/events?${RANGE}&cursor=${cursor}&limit=200`);
    expect(after.status).toBe(200);
    expect(after.body.items.length).toBeGreaterThan(0);
    expect(after.body.items.some((m: Json) => mineIds.has(m.id))).toBe(false);
    const lastMine = mine.pages[1]!.items.at(-1) as Json;
    for (const m of after.body.items) expect(Date.parse(m.start)).toBeGreaterThanOrEqual(Date.parse(lastMine.start));
  });
});
