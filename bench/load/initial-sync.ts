// Initial sync of a bulk-seeded mailbox: calbridge's engine vs the simplest fetch + INSERT loop (the ceiling), with memory.
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
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
  peakRssMb: number;
  peakHeapMb: number;
  /** Peak minus the value just before the run. */
  rssGrowthMb: number;
  heapGrowthMb: number;
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
  try {
    const events = await fn();
    const seconds = (performance.now() - t0) / 1000;
    const mb = (x: number) => Math.round((x / 1048576) * 10) / 10;
    return {
      events,
      seconds,
      eventsPerSecond: Math.round(events / seconds),
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
    return await sampled(async () => (await sync.syncCalendar(ids.tenantId, ids.calendarId, { full: true })).events);
  } finally {
    await database.close();
  }
}

interface GraphPage {
  value: Array<Record<string, unknown> & { id: string; '@removed'?: unknown }>;
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/**
 * The ceiling: the same delta pages fetched with a plain loop (no retry, no mapping layer, no series masters)
 * and each page inserted with one multi-row INSERT (no transaction, no cursor, no upsert).
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
    return await sampled(async () => {
      let url: string | undefined =
        `${emu.baseUrl}/v1.0/me/calendars/${encodeURIComponent(m.defaultCalendarId)}/calendarView/delta?startDateTime=${start}&endDateTime=${end}`;
      let events = 0;
      while (url) {
        const res = await undiciFetch(url, {
          dispatcher: emu.agent,
          headers: { authorization: `Bearer ${token}`, prefer: `odata.maxpagesize=${PAGE_SIZE}` },
        });
        if (!res.ok) throw new Error(`plain loop: ${res.status}`);
        const page = (await res.json()) as GraphPage;
        const rows = page.value.filter((e) => !e['@removed']).map((e) => plainRow(ids, e));
        if (rows.length) await database.db.insertInto('meetings').values(rows).execute();
        events += rows.length;
        url = page['@odata.nextLink'];
      }
      return events;
    });
  } finally {
    await database.close();
  }
}

type Ids = Awaited<ReturnType<typeof insertTarget>>;
const dt = (x: unknown) => `${(x as { dateTime: string }).dateTime.slice(0, 23)}Z`;
const json = (x: unknown) => (x === undefined || x === null ? null : JSON.stringify(x));

/** Graph fields copied as they come (UTC calendarView times), the same columns our engine fills. */
function plainRow(ids: Ids, e: Record<string, unknown>) {
  const body = (e.body ?? {}) as { content?: string; contentType?: string };
  return {
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
