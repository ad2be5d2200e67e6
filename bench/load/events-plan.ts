// EXPLAIN ANALYZE of the events list's statements (GET /api/calendar/events, two weeks, 50 a page) on a user with a
// long history: 3 years of meetings (6 a working day, HTML bodies of 4 KB), a fortnight from today; with
// PLAN_COPIES=1 every fifth meeting also has a copy in a colleague's shared calendar (the list merges them). For
// docs/benchmarks.md (issue 20). `npx tsx bench/load/events-plan.ts` (PGlite) or with DATABASE_URL (a server).
// Three requests: offset paging with the total (the default without a cursor), the first keyset page without a
// total (total: false), and the keyset page after the 25th item (a store without keyset paging lists all three as
// the first).
import pg from 'pg';
import { sql } from 'kysely';
import { BODY_PREFIX, VIEW_COLUMNS } from '../../src/stores/meeting-store.js';
import { closeBenchTemplate, insertTarget, openBenchDatabase } from './db.js';

const DAY = 86_400_000;
// PLAN_BEFORE=<module path>: that module's PgMeetingStore, without migration 30's index (the plan before the change)
const before = process.env.PLAN_BEFORE;
const { PgMeetingStore } = (await import(
  before ? `../../${before}` : '../../src/stores/meeting-store.js'
)) as typeof import('../../src/stores/meeting-store.js');
const database = await openBenchDatabase();
if (before) await sql`DROP INDEX IF EXISTS meetings_tenant_user_end`.execute(database.db);
// PLAN_WITHOUT=<index>: the plans without that index (what an index is worth)
if (process.env.PLAN_WITHOUT) await sql`DROP INDEX ${sql.id(process.env.PLAN_WITHOUT)}`.execute(database.db);
try {
  const t = await insertTarget(database, 'history@plan.example', 'cal-1');
  const now = Math.floor(Date.now() / DAY) * DAY;
  const body = `<html><body>${'<p>Agenda and notes. </p>'.repeat(180)}</body></html>`;
  const rows: string[] = [];
  for (let d = -3 * 365; d < 90; d++) {
    const day = new Date(now + d * DAY).getUTCDay();
    if (day === 0 || day === 6) continue;
    for (let h = 0; h < 6; h++) rows.push(new Date(now + d * DAY + (8 + h) * 3_600_000).toISOString());
  }
  for (let i = 0; i < rows.length; i += 1000)
    await sql`INSERT INTO meetings (tenant_id, user_id, calendar_id, provider, ical_uid, subject, body, start_at, end_at,
        attendees, organizer)
      SELECT ${t.tenantId}::uuid, ${t.userId}::uuid, ${t.calendarId}::uuid, 'MICROSOFT', 'uid-' || s, 'Meeting ' || s,
        ${body}, s::timestamptz, s::timestamptz + interval '45 minutes',
        '[{"email":"a@x.example","type":"required","response":"accepted"}]'::jsonb, '{"email":"history@plan.example"}'::jsonb
      FROM unnest(${rows.slice(i, i + 1000)}::text[]) AS s`.execute(database.db);
  if (process.env.PLAN_COPIES) {
    const shared = await database.db
      .insertInto('calendars')
      .values({
        tenant_id: t.tenantId,
        user_id: t.userId,
        connection_id: t.connectionId,
        provider_calendar_id: 'shared-1',
        name: 'Colleague',
        owner_email: 'colleague@plan.example',
        is_shared: true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`INSERT INTO meetings (tenant_id, user_id, calendar_id, provider, ical_uid, subject, body, start_at, end_at,
        attendees, organizer)
      SELECT tenant_id, user_id, ${shared.id}::uuid, provider, ical_uid, subject, body, start_at, end_at, attendees,
        organizer FROM meetings WHERE user_id = ${t.userId}::uuid AND extract(hour from start_at)::int % 5 = 0`.execute(
      database.db,
    );
  }
  if (!process.env.PLAN_NO_ANALYZE) await sql`ANALYZE meetings`.execute(database.db);
  const seen: Array<{ text: string; values: unknown[] }> = [];
  const store = new PgMeetingStore(database.db);
  const q = {
    start: new Date(now).toISOString(),
    end: new Date(now + 14 * DAY).toISOString(),
    limit: 50,
    offset: 0,
  };
  const listed = async (extra: object) => {
    if (database.pglite) {
      const db = database.pglite;
      const query = db.query.bind(db);
      db.query = (async (text: string, values?: unknown[]) => (
        seen.push({ text, values: values ?? [] }),
        query(text, values as never)
      )) as typeof db.query;
      try {
        return await store.list(t.tenantId, t.userId, { ...q, ...extra } as never);
      } finally {
        db.query = query;
      }
    }
    const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
    const query = proto.query;
    proto.query = function (this: unknown, ...a: unknown[]) {
      const [x, v] = a;
      if (typeof x === 'string') seen.push({ text: x, values: (v as unknown[]) ?? [] });
      return query.apply(this, a);
    };
    try {
      return await store.list(t.tenantId, t.userId, { ...q, ...extra } as never);
    } finally {
      proto.query = query;
    }
  };
  const first = await listed({});
  const mid = first.items[24]!;
  await listed({ total: false });
  await listed({ total: false, after: { start: mid.start, id: mid.id }, limit: 25 });
  console.log(`${rows.length} meetings; the three requests ran ${seen.length} statements\n`);
  for (const s of seen) {
    const text = `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${s.text}`;
    const explain = () =>
      database.pglite
        ? database.pglite.query<Record<string, string>>(text, s.values as never)
        : database.pool!.query<Record<string, string>>(text, s.values);
    // the second run is shown: the first of a statement in a fresh PGlite also warms its caches and WebAssembly code
    await explain();
    const r = await explain();
    console.log(s.text.replace(/\s+/g, ' ').slice(0, 160) + ' …');
    for (const row of r.rows) console.log('  ' + Object.values(row)[0]);
    console.log('');
  }
  // PLAN_TIME=n: each request n times after n/5 unmeasured, this process's CPU (with PGlite: the database's too)
  // and the wall time per request, medians of 5 rounds
  const times = Number(process.env.PLAN_TIME ?? 0);
  const variants: Array<[string, object]> = [
    ['offset, total (default)', {}],
    ['keyset first page, total=false', { total: false }],
    ['keyset page after the 25th item, 25', { total: false, after: { start: mid.start, id: mid.id }, limit: 25 }],
  ];
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [name, extra] of times > 0 ? variants : []) {
    for (let i = 0; i < Math.ceil(times / 5); i++) await store.list(t.tenantId, t.userId, { ...q, ...extra } as never);
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let round = 0; round < 5; round++) {
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      for (let i = 0; i < times; i++) await store.list(t.tenantId, t.userId, { ...q, ...extra } as never);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000 / times);
      wall.push((performance.now() - w0) / times);
    }
    console.log(`${name}: ${median(cpu).toFixed(2)} ms CPU, ${median(wall).toFixed(2)} ms wall per request`);
  }
  // the same for the statements alone, sent as text through the driver (no store, no mapping), and for the
  // request-cost bench's ceiling: one SELECT of the view's columns, no count, no merging
  const ceiling = {
    text: `SELECT ${VIEW_COLUMNS.join(', ')}, left(body, ${BODY_PREFIX}) AS body FROM meetings
      WHERE tenant_id = $1 AND user_id = $2 AND event_type <> 'seriesMaster' AND end_at > $3 AND start_at < $4
      ORDER BY start_at, id LIMIT $5`,
    values: [t.tenantId, t.userId, new Date(q.start), new Date(q.end), 50],
  };
  const raw = (s: { text: string; values: unknown[] }) =>
    database.pglite
      ? database.pglite.query(s.text, s.values as never)
      : database.pool!.query(s.text, s.values as unknown[]);
  const statements: Array<[string, { text: string; values: unknown[] }]> = [
    ['ceiling SELECT', ceiling],
    ...seen.map((s, i): [string, { text: string; values: unknown[] }] => [`statement ${i + 1} alone`, s]),
  ];
  for (const [name, s] of times > 0 ? statements : []) {
    for (let i = 0; i < Math.ceil(times / 5); i++) await raw(s);
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let round = 0; round < 5; round++) {
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      for (let i = 0; i < times; i++) await raw(s);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000 / times);
      wall.push((performance.now() - w0) / times);
    }
    console.log(`${name}: ${median(cpu).toFixed(2)} ms CPU, ${median(wall).toFixed(2)} ms wall per run`);
  }
} finally {
  await database.close();
  await closeBenchTemplate();
}
