// The iCalendar export and the private subscription feed (issue 19): what the document holds (series as RRULE/EXDATE
// with their VTIMEZONE, moved occurrences as overrides, cancelled meetings left out, hostile text escaped), and the
// feed URL's life (made, read without a caller, rotated, revoked: 404), tenancy, the stored hash and the rate limit.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/http/logging.js';
import { createFixture, type Fixture, type TestTenant } from './detection-fixture.js';

let f: Fixture;
let t: TestTenant;
const ids: Record<string, string> = {};

/** The document's lines with folding undone (RFC 5545 §3.1). */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '').split('\r\n');
/** The VEVENTs of a document, each as its unfolded lines. */
const vevents = (ics: string) => {
  const out: string[][] = [];
  let cur: string[] | null = null;
  for (const l of unfold(ics)) {
    if (l === 'BEGIN:VEVENT') cur = [];
    else if (l === 'END:VEVENT') {
      out.push(cur!);
      cur = null;
    } else cur?.push(l);
  }
  return out;
};
const prop = (ev: string[], name: string) => ev.filter((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`));

beforeAll(async () => {
  f = await createFixture();
  t = await f.newTenant();
  const own = await t.calendar({ shared: false });
  const shared = await t.calendar({ shared: true });
  const db = f.container.database.db;
  ids.single = await t.meeting({
    subject: 'Evil\r\nATTENDEE:mailto:spy@evil.example, \\ "x";',
    body: '<p>Agenda</p><script>alert(1)</script>',
    start: '2026-03-03T09:00:00Z',
    calendarId: own,
    iCalUId: 'uid-single',
    attendees: [{ email: 'anna@customer.example', name: 'Anna "A"\nEND:VEVENT' }],
  });
  ids.master = await t.meeting({
    subject: 'Weekly sync',
    start: '2026-03-02T08:00:00Z',
    end: '2026-03-02T08:30:00Z',
    calendarId: own,
    iCalUId: 'uid-series',
    eventType: 'seriesMaster',
  });
  await sql`UPDATE meetings SET recurrence = ${JSON.stringify({
    rrule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20260601',
    timeZone: 'Europe/Berlin',
    startLocal: '2026-03-02T09:00:00',
    exDates: ['2026-03-09T09:00:00'],
  })}::jsonb WHERE id = ${ids.master}::uuid`.execute(db);
  const occurrence = async (start: string, o: { cancelled?: boolean; moved?: string } = {}) => {
    const id = await t.meeting({
      subject: o.moved ? 'Weekly sync (moved)' : 'Weekly sync',
      start: o.moved ?? start,
      calendarId: own,
      iCalUId: `uid-occ-${start}`,
      eventType: o.moved ? 'exception' : 'occurrence',
      isCancelled: o.cancelled ?? false,
    });
    await sql`UPDATE meetings SET series_master_id = ${ids.master}::uuid, original_start = ${new Date(start)}
      WHERE id = ${id}::uuid`.execute(db);
    return id;
  };
  await occurrence('2026-03-16T08:00:00Z');
  await occurrence('2026-03-23T08:00:00Z', { cancelled: true });
  await occurrence('2026-04-06T07:00:00Z', { moved: '2026-04-06T12:00:00Z' });
  ids.cancelled = await t.meeting({
    subject: 'Called off',
    start: '2026-03-05T09:00:00Z',
    calendarId: own,
    iCalUId: 'uid-cancelled',
    isCancelled: true,
  });
  ids.private = await t.meeting({
    subject: 'Doctor appointment',
    body: 'Room 12',
    start: '2026-03-06T09:00:00Z',
    calendarId: own,
    iCalUId: 'uid-private',
  });
  await sql`UPDATE meetings SET sensitivity = 'private' WHERE id = ${ids.private}::uuid`.execute(db);
  await t.meeting({
    subject: 'Boss calendar',
    start: '2026-03-04T09:00:00Z',
    calendarId: shared,
    iCalUId: 'uid-shared',
  });
}, 60_000);
afterAll(async () => f?.close());

const get = (url: string, headers: Record<string, string> = {}) => f.app.inject({ method: 'GET', url, headers });

describe('GET /api/calendar/export.ics', () => {
  it("answers the caller's own meetings as iCalendar, series with their rule and zone", async () => {
    const res = await get('/api/calendar/export.ics', t.auth);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    const lines = unfold(res.body);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines).toContain('VERSION:2.0');
    expect(lines).toContain('TZID:Europe/Berlin');
    const events = vevents(res.body);
    const uids = events.map((e) => prop(e, 'UID')[0]);
    // the cancelled meeting, the plain occurrence and the shared calendar's meeting are not events of their own
    expect(uids.sort()).toEqual(['UID:uid-private', 'UID:uid-series', 'UID:uid-series', 'UID:uid-single']);

    const [series, moved] = events.filter((e) => prop(e, 'UID')[0] === 'UID:uid-series');
    expect(prop(series!, 'DTSTART')).toEqual(['DTSTART;TZID=Europe/Berlin:20260302T090000']);
    expect(prop(series!, 'RRULE')).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260601T215959Z']);
    // the stored exception date and the cancelled occurrence, in the series' wall time
    expect(prop(series!, 'EXDATE')).toEqual(['EXDATE;TZID=Europe/Berlin:20260309T090000,20260323T090000']);
    expect(prop(moved!, 'RECURRENCE-ID')).toEqual(['RECURRENCE-ID;TZID=Europe/Berlin:20260406T090000']);
    expect(prop(moved!, 'DTSTART')).toEqual(['DTSTART;TZID=Europe/Berlin:20260406T140000']);

    const single = events.find((e) => prop(e, 'UID')[0] === 'UID:uid-single')!;
    expect(prop(single, 'DTSTART')).toEqual(['DTSTART:20260303T090000Z']);
    // the signed-in export keeps a private meeting's subject
    const priv = events.find((e) => prop(e, 'UID')[0] === 'UID:uid-private')!;
    expect(prop(priv, 'SUMMARY')).toEqual(['SUMMARY:Doctor appointment']);
    expect(prop(priv, 'CLASS')).toEqual(['CLASS:PRIVATE']);
  });

  it('escapes hostile text: no injected property, no script, no stray quote in a parameter', async () => {
    const res = await get('/api/calendar/export.ics', t.auth);
    const single = vevents(res.body).find((e) => prop(e, 'UID')[0] === 'UID:uid-single')!;
    expect(prop(single, 'SUMMARY')).toEqual(['SUMMARY:Evil ATTENDEE:mailto:spy@evil.example\\, \\\\ "x"\\;']);
    // one attendee only: the injected one stayed text inside SUMMARY
    expect(prop(single, 'ATTENDEE')).toHaveLength(1);
    expect(prop(single, 'ATTENDEE')[0]).toContain(`CN="Anna 'A' END:VEVENT"`);
    expect(unfold(res.body).filter((l) => l === 'END:VEVENT')).toHaveLength(vevents(res.body).length);
    expect(res.body).not.toContain('<script>');
    expect(prop(single, 'DESCRIPTION')[0]).toContain('Agenda');
  });

  it('needs a caller', async () => {
    expect((await get('/api/calendar/export.ics')).statusCode).toBe(401);
  });
});

describe('the private subscription URL', () => {
  it('is made, read without a caller, rotated and revoked; only a hash is stored', async () => {
    expect((await get('/api/calendar/feed', t.auth)).json()).toMatchObject({ active: false, prefix: null });
    const made = await f.app.inject({ method: 'POST', url: '/api/calendar/feed', headers: t.auth });
    expect(made.statusCode).toBe(200);
    const first = made.json() as { url: string; prefix: string; active: boolean };
    expect(first.active).toBe(true);
    const path = new URL(first.url, 'http://calbridge.test').pathname;
    expect(path).toMatch(/^\/ics\/cbf_[A-Za-z0-9_-]{43}\.ics$/);
    const token = path.slice('/ics/'.length, -'.ics'.length);
    expect(token.slice(4, 10)).toBe(first.prefix);

    const feed = await get(path);
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
    expect(feed.headers['cache-control']).toBe('private, no-store');
    const events = vevents(feed.body);
    // a private meeting is Busy without details in the feed (a URL can travel)
    const priv = events.find((e) => prop(e, 'UID')[0] === 'UID:uid-private')!;
    expect(prop(priv, 'SUMMARY')).toEqual(['SUMMARY:Busy']);
    expect(prop(priv, 'DESCRIPTION')).toEqual([]);
    expect(feed.body).not.toContain('Doctor appointment');
    expect((await get('/api/calendar/feed', t.auth)).json()).toMatchObject({ active: true, prefix: first.prefix });

    // the database holds the SHA-256 of the token, never the token
    const rows = await sql<Record<string, unknown>>`SELECT * FROM ics_feeds`.execute(f.container.database.db);
    expect(rows.rows).toHaveLength(1);
    expect(JSON.stringify(rows.rows)).not.toContain(token);

    const rotated = (await f.app.inject({ method: 'POST', url: '/api/calendar/feed', headers: t.auth })).json() as {
      url: string;
    };
    const newPath = new URL(rotated.url, 'http://calbridge.test').pathname;
    expect(newPath).not.toBe(path);
    expect((await get(path)).statusCode).toBe(404);
    expect((await get(newPath)).statusCode).toBe(200);

    const revoked = await f.app.inject({ method: 'DELETE', url: '/api/calendar/feed', headers: t.auth });
    expect(revoked.json()).toMatchObject({ active: false });
    const gone = await get(newPath);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('not_found');
    expect(gone.body).not.toContain(t.tenantId);
    // revoking again is fine
    expect((await f.app.inject({ method: 'DELETE', url: '/api/calendar/feed', headers: t.auth })).statusCode).toBe(200);

    const audit = await sql<{ action: string; details: unknown }>`SELECT action, details FROM audit_log
      WHERE tenant_id = ${t.tenantId}::uuid AND action LIKE 'calendar_feed.%' ORDER BY id`.execute(
      f.container.database.db,
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      'calendar_feed.created',
      'calendar_feed.rotated',
      'calendar_feed.revoked',
    ]);
    expect(JSON.stringify(audit.rows)).not.toContain(token);
    // the access log writes the path without its token
    expect(redactUrl(path)).toBe('/ics/[REDACTED]');
    expect(redactUrl(`${path}?x=1`)).toBe('/ics/[REDACTED]?x=1');
  });

  it('answers 404 for unknown and malformed tokens, and stops with its owner', async () => {
    expect((await get(`/ics/cbf_${'A'.repeat(43)}.ics`)).statusCode).toBe(404);
    expect((await get('/ics/nonsense')).statusCode).toBe(404);
    expect((await get("/ics/cbf_'%20OR%201=1.ics")).statusCode).toBe(404);
    const c = await t.colleague();
    const made = (await f.app.inject({ method: 'POST', url: '/api/calendar/feed', headers: c.auth })).json() as {
      url: string;
    };
    const path = new URL(made.url, 'http://calbridge.test').pathname;
    const own = await get(path);
    expect(own.statusCode).toBe(200);
    // the colleague's feed holds none of the first user's meetings
    expect(vevents(own.body)).toHaveLength(0);
    await sql`UPDATE users SET status = 'deactivated' WHERE id = ${c.userId}::uuid`.execute(f.container.database.db);
    expect((await get(path)).statusCode).toBe(404);
  });

  it('is limited per token (429 with Retry-After)', async () => {
    const made = (await f.app.inject({ method: 'POST', url: '/api/calendar/feed', headers: t.auth })).json() as {
      url: string;
    };
    const path = new URL(made.url, 'http://calbridge.test').pathname;
    let last = 0;
    let retryAfter: string | undefined;
    for (let i = 0; i < 31; i++) {
      const r = await get(path);
      last = r.statusCode;
      retryAfter = r.headers['retry-after'] as string | undefined;
    }
    expect(last).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // another token is counted on its own
    expect((await get(`/ics/cbf_${'B'.repeat(43)}.ics`)).statusCode).toBe(404);
  });
});
