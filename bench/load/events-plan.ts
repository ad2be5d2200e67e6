// EXPLAIN ANALYZE of the events list's statements (GET /api/calendar/events, two weeks, 50 a page) on a user with a
// long history: 3 years of meetings (6 a working day, HTML bodies of 4 KB), a fortnight from today. For
// docs/benchmarks.md (issue 20). `npx tsx bench/load/events-plan.ts` (PGlite) or with DATABASE_URL (a server).
import pg from 'pg';
import { sql } from 'kysely';
import { closeBenchTemplate, insertTarget, openBenchDatabase } from './db.js';

const DAY = 86_400_000;
// PLAN_BEFORE=<module path>: that module's PgMeetingStore, without migration 30's index (the plan before the change)
const before = process.env.PLAN_BEFORE;
const { PgMeetingStore } = (await import(
  before ? `../../${before}` : '../../src/stores/meeting-store.js'
)) as typeof import('../../src/stores/meeting-store.js');
const database = await openBenchDatabase();
if (before) await sql`DROP INDEX IF EXISTS meetings_tenant_user_end`.execute(database.db);
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
  await sql`ANALYZE meetings`.execute(database.db);
  const seen: Array<{ text: string; values: unknown[] }> = [];
  const store = new PgMeetingStore(database.db);
  const q = {
    start: new Date(now).toISOString(),
    end: new Date(now + 14 * DAY).toISOString(),
    limit: 50,
    offset: 0,
  };
  if (database.pglite) {
    const db = database.pglite;
    const query = db.query.bind(db);
    db.query = (async (text: string, values?: unknown[]) => (
      seen.push({ text, values: values ?? [] }),
      query(text, values as never)
    )) as typeof db.query;
    await store.list(t.tenantId, t.userId, q as never);
    db.query = query;
  } else {
    const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
    const query = proto.query;
    proto.query = function (this: unknown, ...a: unknown[]) {
      const [x, v] = a;
      if (typeof x === 'string') seen.push({ text: x, values: (v as unknown[]) ?? [] });
      return query.apply(this, a);
    };
    await store.list(t.tenantId, t.userId, q as never);
    proto.query = query;
  }
  console.log(`${rows.length} meetings; the list ran ${seen.length} statements\n`);
  for (const s of seen) {
    const text = `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${s.text}`;
    const r = database.pglite
      ? await database.pglite.query<Record<string, string>>(text, s.values as never)
      : await database.pool!.query<Record<string, string>>(text, s.values);
    console.log(s.text.replace(/\s+/g, ' ').slice(0, 160) + ' …');
    for (const row of r.rows) console.log('  ' + Object.values(row)[0]);
    console.log('');
  }
} finally {
  await database.close();
  await closeBenchTemplate();
}
