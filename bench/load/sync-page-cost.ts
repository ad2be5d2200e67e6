// CPU of PgSyncStore.applyPage, in-process (on PGlite the database's CPU is this process's), for pages of 50 new
// events (an initial sync's pages), then the same events again with new change keys (update pages); checks that every
// row was reported created, then changed. For docs/benchmarks.md (issue 20).
// `npx tsx bench/load/sync-page-cost.ts` (PGlite) or with DATABASE_URL (client side only). PAGE_BEFORE=<module path>
// (e.g. a copy of an older src/stores/sync-store.ts beside it) runs that store too, interleaved round by round.
import { randomUUID } from 'node:crypto';
import type { CalendarEvent } from '../../src/domain/calendar.js';
import { PgSyncStore as After } from '../../src/stores/sync-store.js';
import { insertTarget, openBenchDatabase } from './db.js';

const beforePath = process.env.PAGE_BEFORE;
const Before = beforePath
  ? ((await import(`../../${beforePath}`)) as typeof import('../../src/stores/sync-store.js')).PgSyncStore
  : null;

const database = await openBenchDatabase();
const stores = { after: new After(database.db), ...(Before ? { before: new Before(database.db) } : {}) } as Record<
  'before' | 'after',
  After
>;
const names = (Before ? ['before', 'after'] : ['after']) as Array<'before' | 'after'>;
const PAGES = 20;
const SIZE = 50;
function event(i: number, key: string): CalendarEvent {
  const start = new Date(Date.UTC(2027, 0, 4, 9) + i * 3_600_000).toISOString();
  return {
    id: `ev-${i}`,
    calendarId: null,
    iCalUId: `uid-${i}`,
    changeKey: key,
    subject: `Meeting ${i}`,
    body: { contentType: 'html', content: '<p>Agenda</p>'.repeat(20) },
    start,
    end: new Date(Date.parse(start) + 1_800_000).toISOString(),
    timeZone: 'UTC',
    isAllDay: false,
    organizer: { email: 'o@x.example', name: 'O' },
    attendees: [{ email: 'a@x.example', name: 'A', type: 'required', response: 'accepted' }],
    location: null,
    onlineMeeting: null,
    showAs: 'busy',
    sensitivity: 'normal',
    categories: [],
    type: 'singleInstance',
    seriesMasterId: null,
    originalStart: null,
    recurrence: null,
    isCancelled: false,
    externalId: null,
    reminderMinutes: 15,
    responseStatus: 'accepted',
    createdAt: null,
    updatedAt: null,
  } as unknown as CalendarEvent;
}
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const totals: Record<'before' | 'after', { insert: number[]; update: number[] }> = {
  before: { insert: [], update: [] },
  after: { insert: [], update: [] },
};
const ROUNDS = Number(process.env.ROUNDS ?? 8);
for (let r = 0; r < ROUNDS; r++) {
  for (const name of r % 2 ? [...names].reverse() : names) {
    const store = stores[name];
    const ids = await insertTarget(database, `m${r}-${name}@x.example`, `cal-${randomUUID()}`);
    const target = (await store.getTarget(ids.tenantId, ids.calendarId))!;
    const window = { start: '2026-01-01T00:00:00Z', end: '2028-01-01T00:00:00Z' } as never;
    for (const phase of ['insert', 'update'] as const) {
      const t0 = cpu();
      let created = 0,
        changed = 0;
      for (let p = 0; p < PAGES; p++) {
        const upserts = Array.from({ length: SIZE }, (_, k) => event(p * SIZE + k, `${phase}-${p * SIZE + k}`));
        const a = await store.applyPage({
          target,
          upserts,
          removedIds: [],
          cursor: `c${p}`,
          done: false,
          fullRound: true,
          generation: 1,
          window,
        });
        created += a.createdMeetingIds?.length ?? 0;
        changed += a.changedMeetingIds.length;
      }
      totals[name]![phase].push(cpu() - t0);
      if (phase === 'insert' && created !== PAGES * SIZE) throw new Error(`${name}: created ${created}`);
      if (phase === 'update' && (created !== 0 || changed !== PAGES * SIZE))
        throw new Error(`${name}: update created ${created} changed ${changed}`);
    }
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const phase of ['insert', 'update'] as const) {
  const after = med(totals.after[phase]);
  const vs = Before
    ? `, before ${med(totals.before[phase]).toFixed(0)} ms (ratio ${(after / med(totals.before[phase])).toFixed(3)})`
    : '';
  console.log(`${phase} pages: ${after.toFixed(0)} ms CPU per ${PAGES} pages of ${SIZE} (median of ${ROUNDS})${vs}`);
}
await database.close();
