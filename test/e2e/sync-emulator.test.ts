// Inbound sync through the real Microsoft adapter against the emulator: the initial sync equals the emulator's
// calendarView event by event; provider-side edits, deletes, new events and series changes converge; events that
// calbridge created (meeting + link row) come back without a duplicate or a foreign change (no echo).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch as undiciFetch } from 'undici';
import type { CalendarProvider } from '../../src/ports/calendar-provider.js';
import { createGraphTransport, createMicrosoftProvider } from '../../src/providers/microsoft-graph/index.js';
import { SyncService } from '../../src/services/sync/sync-service.js';
import type { Database } from '../../src/stores/database.js';
import { PgSyncStore, meetingValues } from '../../src/stores/sync-store.js';
import { createTestDatabase } from '../support/db.js';
import { newOAuthClient, signIn, startTestEmulator, tokenSource, type TestEmulator } from '../support/microsoft.js';
import { compareWithCalendarView, graphGet, insertSyncTarget, type GraphEvent } from '../support/sync-compare.js';

const LOGIN = 'adele.vance@contoso.com';
const PAST = 90;
const FUTURE = 180;
let t: TestEmulator;
let db: Database;
let provider: CalendarProvider;
let token: () => Promise<string>;
let ids: Awaited<ReturnType<typeof insertSyncTarget>>;
let sync: SyncService;
let calendarId: string;

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

const graph = { get: <T>(path: string) => graphGet<T>(t, token, path) };
const check = () =>
  compareWithCalendarView({
    t,
    token,
    db: db.db,
    calendarId,
    ids,
    pastDays: PAST,
    futureDays: FUTURE,
    now: t.emu.clock.now(),
  });

async function graphWrite(
  method: 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: object,
): Promise<GraphEvent | null> {
  const res = await undiciFetch(`${t.emu.baseUrl}/v1.0${path}`, {
    method,
    dispatcher: t.agent,
    headers: { authorization: `Bearer ${await token()}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
  return text ? (JSON.parse(text) as GraphEvent) : null;
}

describe('inbound sync against the emulator', () => {
  it('initial sync equals the calendarView event by event (series, exceptions, cancellations, all-day, zones)', async () => {
    // turn one occurrence into an exception (moved by an hour, renamed) before the first sync
    const now = t.emu.clock.now();
    const soon = await graph.get<{ value: GraphEvent[] }>(
      `/me/calendarView?startDateTime=${new Date(now).toISOString()}&endDateTime=${new Date(now + 60 * 86_400_000).toISOString()}&$top=500`,
    );
    const occ = soon.value.find((e) => e.type === 'occurrence' && e.isOrganizer && !e.isAllDay)!;
    const shift = (dt: string) => new Date(Date.parse(`${dt.slice(0, 19)}Z`) + 3600_000).toISOString().slice(0, 19);
    await graphWrite('PATCH', `/me/events/${encodeURIComponent(occ.id)}`, {
      subject: 'Moved occurrence',
      start: { dateTime: shift(occ.start.dateTime), timeZone: 'UTC' },
      end: { dateTime: shift(occ.end.dateTime), timeZone: 'UTC' },
    });
    const r = await sync.syncCalendar(ids.tenantId, ids.calendarId, { full: true });
    expect(r.events).toBeGreaterThan(0);
    const view = await check();
    const kinds = new Set(view.map((e) => (e.isAllDay ? 'allDay' : e.type)));
    // the seeded window really holds the awkward cases
    expect([...kinds]).toEqual(expect.arrayContaining(['singleInstance', 'occurrence', 'exception', 'allDay']));
    expect(view.some((e) => e.isCancelled)).toBe(true);
    expect(new Set(view.map((e) => e.originalStartTimeZone)).size).toBeGreaterThan(1);
    expect(view.some((e) => e.isOnlineMeeting)).toBe(true);
  });

  it('provider-side edits, deletes, new events and series changes converge', async () => {
    const view = await check();
    const singles = view.filter((e) => e.type === 'singleInstance' && e.isOrganizer && !e.isCancelled && !e.isAllDay);
    const [edit, gone] = singles;
    await graphWrite('PATCH', `/me/events/${encodeURIComponent(edit!.id)}`, {
      subject: 'Edited on the provider side',
      showAs: 'tentative',
      location: { displayName: 'Conf Room Baker' },
      attendees: [{ emailAddress: { address: 'wile.coyote@acmecorp.com' }, type: 'required' }],
    });
    await graphWrite('DELETE', `/me/events/${encodeURIComponent(gone!.id)}`);
    const day = Math.floor(t.emu.clock.now() / 86_400_000) * 86_400_000 + 3 * 86_400_000;
    await graphWrite('POST', '/me/events', {
      subject: 'New on the provider side',
      start: { dateTime: new Date(day + 10 * 3600_000).toISOString().slice(0, 19), timeZone: 'Pacific Standard Time' },
      end: { dateTime: new Date(day + 11 * 3600_000).toISOString().slice(0, 19), timeZone: 'Pacific Standard Time' },
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
    });
    const occurrence = view.find((e) => e.type === 'occurrence' && e.seriesMasterId);
    const master = await graph.get<GraphEvent>(`/me/events/${encodeURIComponent(occurrence!.seriesMasterId!)}`);
    if (master.isOrganizer)
      await graphWrite('PATCH', `/me/events/${encodeURIComponent(master.id)}`, { subject: 'Series renamed' });
    await graphWrite('POST', `/me/events/${encodeURIComponent(singles[2]!.id)}/cancel`, {
      comment: 'Not needed',
    }).catch(() => graphWrite('DELETE', `/me/events/${encodeURIComponent(singles[2]!.id)}`));
    const r = await sync.syncCalendar(ids.tenantId, ids.calendarId);
    expect(r.fullRound).toBe(false);
    const after = await check();
    expect(after.find((e) => e.id === edit!.id)?.subject).toBe('Edited on the provider side');
    expect(after.some((e) => e.id === gone!.id)).toBe(false);
    expect(after.some((e) => e.subject === 'New on the provider side')).toBe(true);
    if (master.isOrganizer)
      expect(
        after
          .filter((e) => e.seriesMasterId === master.id && e.type === 'occurrence')
          .every((e) => e.subject === 'Series renamed'),
      ).toBe(true);
  });

  it('an event calbridge created (meeting + link row) is adopted by the sync: no duplicate, no foreign change', async () => {
    const day = Math.floor(t.emu.clock.now() / 86_400_000) * 86_400_000 + 5 * 86_400_000;
    const created = await provider.createEvent({
      event: {
        subject: 'Created by calbridge',
        start: new Date(day + 15 * 3600_000).toISOString(),
        end: new Date(day + 16 * 3600_000).toISOString(),
        timeZone: 'Europe/Berlin',
      },
      transactionId: 'calbridge-tx-1',
    });
    const target = {
      ...ids,
      providerCalendarId: calendarId,
      provider: 'MICROSOFT' as const,
      mailbox: LOGIN,
      isShared: false,
    };
    const row = await db.db
      .insertInto('meetings')
      .values({ ...meetingValues(target, created, 0), origin: 'calbridge' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.db
      .insertInto('outlook_calendar_sync')
      .values({
        meeting_id: row.id,
        outlook_event_id: created.id,
        user_id: ids.userId,
        calendar_id: ids.calendarId,
        tenant_id: ids.tenantId,
        sync_direction: 'outbound',
        change_key: created.changeKey,
        ical_uid: created.iCalUId,
      })
      .execute();
    const r = await sync.syncCalendar(ids.tenantId, ids.calendarId);
    expect(r.changedMeetingIds).not.toContain(row.id);
    const rows = await db.db
      .selectFrom('meetings')
      .select(['id', 'origin'])
      .where('provider_event_id', '=', created.id)
      .execute();
    expect(rows).toEqual([{ id: row.id, origin: 'calbridge' }]);
    const links = await db.db
      .selectFrom('outlook_calendar_sync')
      .select(['meeting_id'])
      .where('outlook_event_id', '=', created.id)
      .execute();
    expect(links).toEqual([{ meeting_id: row.id }]);
    await check();
  });
});
