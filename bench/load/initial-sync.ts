// Initial sync of a bulk-seeded mailbox: calbridge's engine vs the simplest fetch + INSERT loop (the ceiling), with memory.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { CompiledQuery, sql } from 'kysely';
import { fetch as undiciFetch } from 'undici';
import { SyncService } from '../../src/services/sync/sync-service.js';
import { PgSyncStore } from '../../src/stores/sync-store.js';
import { insertTarget, openBenchDatabase } from './db.js';
import type { EmulatorProcess } from './emulator-process.js';
import { signInMailbox } from './microsoft.js';

export const BULK_LOGIN = 'adele.vance@contoso.com';
/** The seeded bulk spans ±183 days around the emulator's clock: the window covers all of it. */
const WINDOW = { windowPastDays: 190, windowFutureDays: 190 };
const PAGE_SIZE = 50; // the adapter's delta page size

export interface RunFigures {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** CPU time of this process (user + system) during the run: the emulator's is not in it. */
  cpuSeconds: number;
  peakRssMb: number;
  peakHeapMb: number;
  /** Peak minus the value just before the run. */
  rssGrowthMb: number;
  heapGrowthMb: number;
  /** The rows the run left (compared between the engine and the ceiling: they must be the same). */
  rows?: SyncedRows;
}

/** Samples RSS and heap every 25 ms while `fn` runs. */
async function sampled(fn: () => Promise<number>): Promise<RunFigures> {
  global.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 25);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const events = await fn();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const mb = (x: number) => Math.round((x / 1048576) * 10) / 10;
    return {
      events,
      seconds,
      eventsPerSecond: Math.round(events / seconds),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRssMb: mb(peakRss),
      peakHeapMb: mb(peakHeap),
      rssGrowthMb: mb(peakRss - before.rss),
      heapGrowthMb: mb(peakHeap - before.heapUsed),
    };
  } finally {
    clearInterval(timer);
  }
}

/** calbridge's engine: SyncService + PgSyncStore + the Microsoft adapter, one transaction per page with its cursor. */
export async function syncWithEngine(emu: EmulatorProcess): Promise<RunFigures> {
  const database = await openBenchDatabase();
  try {
    const m = await signInMailbox(emu, emu.agent, BULK_LOGIN);
    const ids = await insertTarget(database, BULK_LOGIN, m.defaultCalendarId);
    const sync = new SyncService(
      new PgSyncStore(database.db),
      { forTarget: () => m.provider },
      { ...WINDOW, now: () => new Date() },
    );
    const figures = await sampled(
      async () => (await sync.syncCalendar(ids.tenantId, ids.calendarId, { full: true })).events,
    );
    return perRow(figures, await syncedRows(database));
  } finally {
    await database.close();
  }
}

interface GraphEvent extends Record<string, unknown> {
  id: string;
  '@removed'?: unknown;
  type?: string;
  seriesMasterId?: string | null;
}
interface GraphPage {
  value: GraphEvent[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/** What the adapter asks of every Graph read (UTC times, immutable ids): the ceiling asks the same. */
const PREFER = 'outlook.timezone="UTC", IdType="ImmutableId"';

/**
 * The ceiling: the same delta pages, fetched with a plain loop (no retry, no mapping layer), and the series masters
 * their occurrences point at, each read once per round (one `$batch` for a page that names new ones — the minimum
 * Graph allows: calendarView/delta never carries the masters). Each page is written in one transaction: one
 * multi-row INSERT of its meetings (masters first; the ids made here, so an occurrence carries its master's id), one
 * of their link rows and the cursor row, each written as SQL text (no query builder). Plain INSERTs, no upsert: the
 * round starts on an empty calendar.
 * The rows are the engine's rows (see `syncedRows`); the column values are Graph's fields copied as they come.
 */
export async function syncWithPlainLoop(emu: EmulatorProcess): Promise<RunFigures> {
  const database = await openBenchDatabase();
  try {
    const m = await signInMailbox(emu, emu.agent, BULK_LOGIN);
    const ids = await insertTarget(database, BULK_LOGIN, m.defaultCalendarId);
    const token = await m.accessToken();
    const day = 86_400_000;
    const midnight = Math.floor(Date.now() / day) * day;
    const start = new Date(midnight - WINDOW.windowPastDays * day).toISOString();
    const end = new Date(midnight + WINDOW.windowFutureDays * day).toISOString();
    const headers = { authorization: `Bearer ${token}` };
    const figures = await sampled(async () => {
      let url: string | undefined =
        `${emu.baseUrl}/v1.0/me/calendars/${encodeURIComponent(m.defaultCalendarId)}/calendarView/delta?startDateTime=${start}&endDateTime=${end}`;
      const masterIds = new Map<string, string>(); // provider id → meeting id, this round's masters
      let events = 0;
      while (url) {
        const res = await undiciFetch(url, {
          dispatcher: emu.agent,
          headers: { ...headers, prefer: `${PREFER}, odata.maxpagesize=${PAGE_SIZE}` },
        });
        if (!res.ok) throw new Error(`plain loop: ${res.status}`);
        const page = (await res.json()) as GraphPage;
        const items = page.value.filter((e) => !e['@removed']);
        for (const e of items) if (e.type === 'seriesMaster') masterIds.set(e.id, randomUUID());
        const wanted = [
          ...new Set(
            items.flatMap((e) => (e.seriesMasterId && !masterIds.has(e.seriesMasterId) ? [e.seriesMasterId] : [])),
          ),
        ];
        const masters = wanted.length ? await readMasters(emu, headers, wanted) : [];
        for (const e of masters) masterIds.set(e.id, randomUUID());
        const all = [...masters, ...items];
        const rows = all.map((e) => plainRow(ids, e, masterIds));
        const cursor = page['@odata.deltaLink'] ?? page['@odata.nextLink'] ?? null;
        const now = new Date();
        await database.db.transaction().execute(async (trx) => {
          if (rows.length) {
            await trx.executeQuery(multiRowInsert('meetings', rows));
            await trx.executeQuery(
              multiRowInsert(
                'outlook_calendar_sync',
                rows.map((r) => ({
                  meeting_id: r.id,
                  outlook_event_id: r.provider_event_id,
                  user_id: ids.userId,
                  calendar_id: ids.calendarId,
                  tenant_id: ids.tenantId,
                  last_synced_at: now,
                  sync_direction: 'inbound',
                  change_key: r.provider_change_key,
                  ical_uid: r.ical_uid,
                })),
              ),
            );
          }
          await trx.executeQuery(
            CompiledQuery.raw(
              `INSERT INTO calendar_sync_state (calendar_id, tenant_id, delta_link, window_start, window_end, generation)
              VALUES ($1, $2, $3, $4, $5, 1)
              ON CONFLICT (calendar_id) DO UPDATE SET delta_link = excluded.delta_link, updated_at = $6`,
              [ids.calendarId, ids.tenantId, cursor, start, end, now],
            ),
          );
        });
        events += rows.length;
        url = page['@odata.nextLink'];
      }
      return events;
    });
    return perRow(figures, await syncedRows(database));
  } finally {
    await database.close();
  }
}

/** The series masters by id: one `$batch` of GETs (a single GET for one), as the adapter reads them. */
async function readMasters(
  emu: EmulatorProcess,
  headers: Record<string, string>,
  ids: string[],
): Promise<GraphEvent[]> {
  const out: GraphEvent[] = [];
  for (let i = 0; i < ids.length; i += 20) {
    const part = ids.slice(i, i + 20);
    const res = await undiciFetch(`${emu.baseUrl}/v1.0/$batch`, {
      method: 'POST',
      dispatcher: emu.agent,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        requests: part.map((id, k) => ({
          id: String(k),
          method: 'GET',
          url: `/me/events/${encodeURIComponent(id)}`,
          headers: { Prefer: PREFER },
        })),
      }),
    });
    if (!res.ok) throw new Error(`plain loop: $batch ${res.status}`);
    const body = (await res.json()) as { responses: Array<{ status: number; body: GraphEvent }> };
    for (const r of body.responses) if (r.status === 200) out.push(r.body);
  }
  return out;
}

/** Events per second counted as the meetings rows the run left (the engine's own count includes re-read masters). */
const perRow = (f: RunFigures, rows: SyncedRows): RunFigures => ({
  ...f,
  rows,
  events: rows.meetings,
  eventsPerSecond: Math.round(rows.meetings / f.seconds),
});

/** Row counts a sync leaves (meetings, those linked to a series master, link rows, cursor rows): the same for both. */
export interface SyncedRows {
  meetings: number;
  linkedToMaster: number;
  links: number;
  cursors: number;
}

async function syncedRows(database: Awaited<ReturnType<typeof openBenchDatabase>>): Promise<SyncedRows> {
  const r = await sql<SyncedRows>`SELECT
      (SELECT count(*)::int FROM meetings) AS meetings,
      (SELECT count(*)::int FROM meetings WHERE series_master_id IS NOT NULL) AS "linkedToMaster",
      (SELECT count(*)::int FROM outlook_calendar_sync) AS links,
      (SELECT count(*)::int FROM calendar_sync_state WHERE delta_link IS NOT NULL) AS cursors`.execute(database.db);
  return r.rows[0]!;
}

/** One multi-row INSERT written as text (no query builder): the columns of the first row, one parameter a value. */
function multiRowInsert(table: string, rows: Array<Record<string, unknown>>): CompiledQuery {
  const columns = Object.keys(rows[0]!);
  const params: unknown[] = [];
  const tuples = rows.map((r) => `(${columns.map((c) => `$${params.push(r[c] ?? null)}`).join(', ')})`);
  return CompiledQuery.raw(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
}

type Ids = Awaited<ReturnType<typeof insertTarget>>;
const dt = (x: unknown) => `${(x as { dateTime: string }).dateTime.slice(0, 23)}Z`;
const json = (x: unknown) => (x === undefined || x === null ? null : JSON.stringify(x));

/** Graph fields copied as they come (UTC calendarView times), the same columns our engine fills. */
function plainRow(ids: Ids, e: GraphEvent, masters: Map<string, string>) {
  const body = (e.body ?? {}) as { content?: string; contentType?: string };
  return {
    id: e.type === 'seriesMaster' ? masters.get(e.id)! : randomUUID(),
    series_master_id: (e.seriesMasterId && masters.get(e.seriesMasterId)) || null,
    tenant_id: ids.tenantId,
    user_id: ids.userId,
    calendar_id: ids.calendarId,
    provider: 'MICROSOFT' as const,
    provider_event_id: e.id as string,
    provider_series_master_id: (e.seriesMasterId as string | null) ?? null,
    provider_change_key: (e.changeKey as string | null) ?? null,
    ical_uid: (e.iCalUId as string | null) ?? null,
    subject: (e.subject as string | null) ?? '',
    body: body.content ?? '',
    body_content_type: body.contentType ?? 'text',
    start_at: dt(e.start),
    end_at: dt(e.end),
    time_zone: 'UTC',
    is_all_day: Boolean(e.isAllDay),
    organizer: json(e.organizer),
    attendees: JSON.stringify(e.attendees ?? []),
    location: json(e.location),
    online_meeting: json(e.onlineMeeting),
    show_as: (e.showAs as string | null) ?? 'busy',
    sensitivity: (e.sensitivity as string | null) ?? 'normal',
    categories: (e.categories as string[] | null) ?? [],
    event_type: (e.type as string | null) ?? 'singleInstance',
    original_start: null,
    recurrence: json(e.recurrence),
    is_cancelled: Boolean(e.isCancelled),
    response_status: 'none',
    reminder_minutes: null,
    external_id: null,
  };
}

/** Rows in meetings (used by tests of this module and sanity checks). */
export async function meetingCount(database: Awaited<ReturnType<typeof openBenchDatabase>>): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM meetings`.execute(database.db);
  return Number(r.rows[0]?.n ?? 0);
}
