// A sync run reads each series master once (issue 20): Graph's calendarView/delta carries occurrences and exceptions
// but not their masters, so the adapter reads the masters a page points at; it used to read them again for every page
// that held one of their occurrences. Counted with the emulator's request log, read over its admin HTTP API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { fetch as undiciFetch } from 'undici';
import type { CalendarProvider } from '../../src/ports/calendar-provider.js';
import { createGraphTransport, createMicrosoftProvider } from '../../src/providers/microsoft-graph/index.js';
import { SyncService } from '../../src/services/sync/sync-service.js';
import type { Database } from '../../src/stores/database.js';
import { PgSyncStore } from '../../src/stores/sync-store.js';
import { createTestDatabase } from '../support/db.js';
import { newOAuthClient, signIn, startTestEmulator, tokenSource, type TestEmulator } from '../support/microsoft.js';
import { compareWithCalendarView, insertSyncTarget } from '../support/sync-compare.js';

const LOGIN = 'adele.vance@contoso.com';
const PAST = 90;
const FUTURE = 180;
const PAGE_SIZE = 5;
const MASTER_READ = 'GET /v1.0/me/events/:eventId';
let t: TestEmulator;
let db: Database;
let provider: CalendarProvider;
let token: () => Promise<string>;
let ids: Awaited<ReturnType<typeof insertSyncTarget>>;
let sync: SyncService;
let calendarId: string;

interface Logged {
  method: string;
  url: string;
  route: string;
  status: number;
}

/** The emulator's request log since the last reset, through its admin API. */
async function requestLog(): Promise<Logged[]> {
  const res = await undiciFetch(`${t.emu.baseUrl}/_emulator/requests?limit=5000`, { dispatcher: t.agent });
  expect(res.status).toBe(200);
  return ((await res.json()) as { requests: Logged[] }).requests;
}

async function resetLog(): Promise<void> {
  const res = await undiciFetch(`${t.emu.baseUrl}/_emulator/requests`, { method: 'DELETE', dispatcher: t.agent });
  expect(res.status).toBe(204);
}

/** Series masters read (one GET each, alone or as a part of a `$batch`), by event id. */
const masterReads = (log: Logged[]) =>
  log
    .filter((r) => `${r.method} ${r.route}` === MASTER_READ)
    .map((r) => decodeURIComponent(new URL(r.url, 'https://x').pathname.split('/').pop()!));

const deltaPages = (log: Logged[]) => log.filter((r) => r.route.endsWith('/calendarView/delta')).length;

beforeAll(async () => {
  t = await startTestEmulator({ seed: 11 });
  const oauth = newOAuthClient(t);
  const source = tokenSource(oauth, await signIn(oauth, t.agent, LOGIN));
  token = () => source({ forceRefresh: false });
  provider = createMicrosoftProvider({
    graphBaseUrl: t.emu.baseUrl,
    transport: createGraphTransport({ agent: t.agent }),
    token: source,
    mailbox: LOGIN,
    roomsEnabled: true,
    // small pages: a series' occurrences spread over many of them
    deltaPageSize: PAGE_SIZE,
  });
  calendarId = (await provider.listCalendars()).find((c) => c.isDefault)!.id;
  db = await createTestDatabase();
  ids = await insertSyncTarget(db, LOGIN, calendarId);
  sync = new SyncService(
    new PgSyncStore(db.db),
    { forTarget: () => provider },
    { windowPastDays: PAST, windowFutureDays: FUTURE, now: () => new Date(t.emu.clock.now()) },
  );
}, 120_000);
afterAll(async () => {
  await db?.close();
  await t?.close();
});

describe('series masters in a sync run', () => {
  it('a full sync reads each series master once, and every occurrence is linked to its master', async () => {
    await resetLog();
    const result = await sync.syncCalendar(ids.tenantId, ids.calendarId, { full: true });
    const log = await requestLog();
    const reads = masterReads(log);
    const masters = await sql<{ provider_event_id: string }>`SELECT provider_event_id FROM meetings
      WHERE calendar_id = ${ids.calendarId} AND event_type = 'seriesMaster'`.execute(db.db);
    const pointedAt = await sql<{ id: string; n: number }>`SELECT provider_series_master_id AS id, count(*)::int AS n
      FROM meetings WHERE calendar_id = ${ids.calendarId} AND provider_series_master_id IS NOT NULL
      GROUP BY provider_series_master_id`.execute(db.db);
    // the seed has series with more occurrences than a page holds: they span pages (each read its master before)
    expect(pointedAt.rows.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...pointedAt.rows.map((r) => r.n))).toBeGreaterThan(PAGE_SIZE);
    // each master read once, and only those the occurrences point at
    expect(reads.length).toBe(new Set(reads).size);
    expect(new Set(reads)).toEqual(new Set(pointedAt.rows.map((r) => r.id)));
    expect(new Set(masters.rows.map((r) => r.provider_event_id))).toEqual(new Set(reads));
    // one delta request per page; the master reads go in at most one request per page that named new ones
    expect(deltaPages(log)).toBe(result.pages);
    const unlinked = await sql<{ n: number }>`SELECT count(*)::int AS n FROM meetings m
      WHERE m.calendar_id = ${ids.calendarId} AND m.provider_series_master_id IS NOT NULL
        AND m.series_master_id IS DISTINCT FROM (SELECT id FROM meetings x
          WHERE x.calendar_id = m.calendar_id AND x.provider_event_id = m.provider_series_master_id)`.execute(db.db);
    expect(unlinked.rows[0]!.n).toBe(0);
    await compareWithCalendarView({
      t,
      token,
      db: db.db,
      calendarId,
      ids,
      pastDays: PAST,
      futureDays: FUTURE,
      now: t.emu.clock.now(),
    });
  });

  it('the next full round reads them once again (the set lasts one run)', async () => {
    await resetLog();
    await sync.syncCalendar(ids.tenantId, ids.calendarId, { full: true });
    const reads = masterReads(await requestLog());
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads.length).toBe(new Set(reads).size);
  });
});
