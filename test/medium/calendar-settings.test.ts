// Calendar settings through the HTTP API on a real database, synced through the mock provider by the real engine:
// selection decides what syncs (and deselecting removes a calendar's meetings), one default per connection,
// preferences are validated, honoured by the engine (window) and the poll loop (interval), and scoped by tenant.
import { AppError } from '../../src/domain/errors.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimeRange } from '../../src/domain/calendar.js';
import type { Container } from '../../src/main/container.js';
import type { SyncRuntime } from '../../src/main/wiring/sync.js';
import { PgConnectionStore } from '../../src/stores/connection-store.js';
import { createTestApp, type TestApp } from '../support/app.js';

let app: FastifyInstance;
let container: Container;
let runtime: SyncRuntime;
let test: TestApp;
/** Every window the engine asked a provider for, by mailbox. */
const asked: Array<{ mailbox: string; calendarId: string; window: TimeRange }> = [];
/** Mailboxes whose provider answers every sync with a throttling error. */
const throttled = new Set<string>();
let n = 0;

interface Who {
  tenantId: string;
  userId: string;
  auth: { authorization: string };
  mailbox: string;
  connectionId: string;
  calendars: Record<'main' | 'team' | 'shared', string>;
  /** Provider ids of the own calendars. */
  providerIds: Record<'main' | 'team', string>;
}

const DAY = 86_400_000;
const midnight = () => {
  const d = new Date();
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
};

/** A tenant with one user whose Outlook connection has an own default calendar, a second own one and a shared one. */
async function newUser(): Promise<Who> {
  n += 1;
  const mailbox = `csm${n}@tenant${n}.example`;
  const t = await container.tenants.createTenant({ name: `Tenant ${n}`, calendarProvider: 'MICROSOFT' });
  const k = await container.tenants.createApiKey(t.id, mailbox);
  const mb = container.mockWorld.addMailbox(mailbox);
  mb.calendars.set(`team-${n}`, { id: `team-${n}`, name: 'Team', isDefault: false, teams: true });
  const db = container.database.db;
  const conn = await db
    .insertInto('calendar_connections')
    .values({ tenant_id: t.id, user_id: k.userId, provider: 'MICROSOFT', account_email: mailbox })
    .returning('id')
    .executeTakeFirstOrThrow();
  const provider = container.providers.forConnection('MICROSOFT', {
    tenantId: t.id,
    userId: k.userId,
    connectionId: conn.id,
    mailbox,
  });
  const own = await provider.listCalendars();
  const shared = {
    ...own[0]!,
    id: `shared-${n}`,
    name: 'Boss (shared)',
    ownerEmail: 'boss@tenant.example',
    isShared: true,
    isDefault: true,
    canEdit: false,
  };
  const cals = await new PgConnectionStore(db).replaceCalendars(t.id, k.userId, conn.id, [...own, shared]);
  const id = (pid: string) => cals.find((c) => c.providerCalendarId === pid)!.id;
  return {
    tenantId: t.id,
    userId: k.userId,
    auth: { authorization: `Bearer ${k.apiKey}` },
    mailbox,
    connectionId: conn.id,
    calendars: {
      main: id(container.mockWorld.defaultCalendar(mailbox)),
      team: id(`team-${n}`),
      shared: id(`shared-${n}`),
    },
    providerIds: { main: container.mockWorld.defaultCalendar(mailbox), team: `team-${n}` },
  };
}

async function addEvent(who: Who, calendar: 'main' | 'team', subject: string, dayOffset: number): Promise<void> {
  const provider = container.providers.forConnection('MICROSOFT', {
    tenantId: who.tenantId,
    userId: who.userId,
    connectionId: who.connectionId,
    mailbox: who.mailbox,
  });
  const start = midnight() + dayOffset * DAY + 10 * 3600_000;
  await provider.createEvent({
    calendarId: who.providerIds[calendar],
    event: { subject, start: new Date(start).toISOString(), end: new Date(start + 3600_000).toISOString() },
  });
}

async function subjects(who: Who): Promise<string[]> {
  const rows = await container.database.db
    .selectFrom('meetings')
    .select('subject')
    .where('tenant_id', '=', who.tenantId)
    .orderBy('subject')
    .execute();
  return rows.map((r) => r.subject);
}

const call = (who: Who, method: 'GET' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: who.auth, ...(payload === undefined ? {} : { payload: payload as object }) });

beforeAll(async () => {
  const env = {
    LOG_LEVEL: 'warn',
    SYNC_WINDOW_PAST_DAYS: '10',
    SYNC_WINDOW_FUTURE_DAYS: '30',
    SYNC_POLL_INTERVAL_SECONDS: '600',
  };
  test = await createTestApp(env);
  container = test.container;
  const forConnection = container.providers.forConnection.bind(container.providers);
  container.providers.forConnection = (type, ctx) => {
    const p = forConnection(type, ctx);
    const syncChanges = p.syncChanges.bind(p);
    p.syncChanges = (params) => {
      asked.push({ mailbox: ctx.mailbox, calendarId: params.calendarId, window: params.window });
      if (throttled.has(ctx.mailbox)) throw new AppError('provider_throttled', 'Too many requests.');
      return syncChanges(params);
    };
    return p;
  };
  runtime = test.runtime.sync;
  app = test.app;
  await app.ready();
}, 120_000);

afterAll(async () => {
  await test?.close();
});

describe('sync health', () => {
  it('says when the provider throttled a calendar, and that calendars are polled without notifications', async () => {
    const u = await newUser();
    throttled.add(u.mailbox);
    await runtime.sync.syncCalendar(u.tenantId, u.calendars.main).catch(() => undefined);
    type Status = {
      notifications: boolean;
      calendars: Array<{ calendarId: string; throttled: boolean; lastError: string | null }>;
    };
    const get = async () => (await call(u, 'GET', '/api/outlook/calendar/sync-status')).json() as Status;
    const before = await get();
    expect(before.notifications).toBe(false);
    expect(before.calendars.find((c) => c.calendarId === u.calendars.main)).toMatchObject({
      throttled: true,
      lastError: expect.stringMatching(/^provider_throttled/),
    });
    throttled.delete(u.mailbox);
    await runtime.sync.syncCalendar(u.tenantId, u.calendars.main);
    expect((await get()).calendars.find((c) => c.calendarId === u.calendars.main)).toMatchObject({
      throttled: false,
      lastError: null,
    });
  });
});

describe('calendar selection', () => {
  it('syncs only selected calendars; deselecting removes its meetings, re-selecting queues a full sync', async () => {
    const u = await newUser();
    await addEvent(u, 'main', 'Main standup', 1);
    await addEvent(u, 'team', 'Team offsite', 2);
    // The shared calendar is not synced for this test (the mock has no such calendar).
    expect(
      (await call(u, 'PATCH', `/api/calendars/${u.calendars.shared}`, { selectedForSync: false })).statusCode,
    ).toBe(200);
    await runtime.sync.syncUser(u.tenantId, u.userId);
    expect(await subjects(u)).toEqual(['Main standup', 'Team offsite']);

    const off = await call(u, 'PATCH', `/api/calendars/${u.calendars.team}`, { selectedForSync: false });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({
      calendar: { id: u.calendars.team, selectedForSync: false },
      removedMeetings: 1,
      syncQueued: false,
    });
    expect(await subjects(u)).toEqual(['Main standup']);
    await addEvent(u, 'team', 'Team retro', 3);
    const before = asked.length;
    await runtime.sync.syncUser(u.tenantId, u.userId);
    expect(asked.slice(before).map((a) => a.calendarId)).toEqual([container.mockWorld.defaultCalendar(u.mailbox)]);
    expect(await subjects(u)).toEqual(['Main standup']);
    const status = (await call(u, 'GET', '/api/outlook/calendar/sync-status')).json() as {
      calendars: Array<{
        calendarId: string;
        selected: boolean;
        nextRunAt: string | null;
        lastSuccessAt: string | null;
      }>;
    };
    const team = status.calendars.find((c) => c.calendarId === u.calendars.team)!;
    expect(team).toMatchObject({ selected: false, nextRunAt: null, lastSuccessAt: null });
    // A job queued before the deselection finds nothing to do and succeeds without error.
    await runtime.worker.run({
      tenantId: u.tenantId,
      calendarId: u.calendars.team,
      connectionId: u.connectionId,
      reason: 'poll',
    });
    expect(await subjects(u)).toEqual(['Main standup']);

    const depth = (await runtime.queue.depth()).queued;
    const on = await call(u, 'PATCH', `/api/calendars/${u.calendars.team}`, { selectedForSync: true });
    expect(on.json()).toMatchObject({ calendar: { selectedForSync: true }, removedMeetings: 0, syncQueued: true });
    expect((await runtime.queue.depth()).queued).toBe(depth + 1);
    await runtime.worker.run({
      tenantId: u.tenantId,
      calendarId: u.calendars.team,
      connectionId: u.connectionId,
      full: true,
      reason: 'selected',
    });
    expect(await subjects(u)).toEqual(['Main standup', 'Team offsite', 'Team retro']);
  }, 120_000);

  it('keeps exactly one default per connection; the default is own, writable and always synced', async () => {
    const u = await newUser();
    const list = async () =>
      ((await call(u, 'GET', '/api/calendars')).json() as { items: Array<{ id: string; isDefault: boolean }> }).items;
    // The provider's own default is the default; a shared calendar marked default by its owner is not.
    expect((await list()).filter((c) => c.isDefault).map((c) => c.id)).toEqual([u.calendars.main]);

    const r = await call(u, 'PATCH', `/api/calendars/${u.calendars.team}`, { isDefault: true });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ calendar: { id: u.calendars.team, isDefault: true } });
    expect((await list()).filter((c) => c.isDefault).map((c) => c.id)).toEqual([u.calendars.team]);

    const codes = async (id: string, body: unknown) => {
      const res = await call(u, 'PATCH', `/api/calendars/${id}`, body);
      return `${res.statusCode} ${(res.json() as { error?: { code: string } }).error?.code ?? ''}`;
    };
    expect(await codes(u.calendars.shared, { isDefault: true })).toBe('409 calendar_not_eligible');
    expect(await codes(u.calendars.team, { isDefault: false })).toBe('409 default_calendar_required');
    expect(await codes(u.calendars.team, { selectedForSync: false })).toBe('409 default_calendar_required');
    expect(await codes(u.calendars.main, { isDefault: true, selectedForSync: false })).toBe(
      '409 calendar_not_eligible',
    );
    expect(await codes(u.calendars.main, { selectedForSync: false })).toBe('200 ');
    expect(await codes(u.calendars.main, { isDefault: true })).toBe('409 calendar_not_eligible');
    expect(await codes(u.calendars.main, { isDefault: true, selectedForSync: true })).toBe('200 ');
    expect(await codes(u.calendars.main, {})).toBe('400 validation_failed');
    expect(await codes(u.calendars.main, { isDefault: true, color: 'red' })).toBe('400 validation_failed');
    expect(await codes(u.calendars.main, { selectedForSync: 'yes' })).toBe('400 validation_failed');
    expect(await codes('not-a-uuid', { isDefault: true })).toBe('400 validation_failed');
    expect(await codes('7d1f7a3e-0000-4000-8000-000000000000', { isDefault: true })).toBe('404 not_found');
    expect((await list()).filter((c) => c.isDefault).map((c) => c.id)).toEqual([u.calendars.main]);

    // Concurrent changes of the default still leave exactly one.
    await Promise.all(
      [u.calendars.team, u.calendars.main, u.calendars.team].map((id) =>
        call(u, 'PATCH', `/api/calendars/${id}`, { isDefault: true }),
      ),
    );
    expect((await list()).filter((c) => c.isDefault)).toHaveLength(1);

    // The user's choice survives a refresh of the connection's calendars.
    await call(u, 'PATCH', `/api/calendars/${u.calendars.team}`, { isDefault: true });
    const provider = container.providers.forConnection('MICROSOFT', { ...u, connectionId: u.connectionId });
    await new PgConnectionStore(container.database.db).replaceCalendars(
      u.tenantId,
      u.userId,
      u.connectionId,
      await provider.listCalendars(),
    );
    expect((await list()).filter((c) => c.isDefault).map((c) => c.id)).toEqual([u.calendars.team]);
  }, 120_000);

  it("answers 404 for another tenant's (or user's) calendar and changes nothing", async () => {
    const a = await newUser();
    const b = await newUser();
    for (const body of [{ selectedForSync: false }, { isDefault: true }]) {
      const r = await call(b, 'PATCH', `/api/calendars/${a.calendars.team}`, body);
      expect(r.statusCode).toBe(404);
      expect(r.json().error.code).toBe('not_found');
    }
    const colleague = await container.tenants.createApiKey(a.tenantId, `colleague${n}@tenant.example`);
    const r = await app.inject({
      method: 'PATCH',
      url: `/api/calendars/${a.calendars.team}`,
      headers: { authorization: `Bearer ${colleague.apiKey}` },
      payload: { selectedForSync: false },
    });
    expect(r.statusCode).toBe(404);
    const mine = (await call(a, 'GET', '/api/calendars')).json() as {
      items: Array<{ id: string; selectedForSync: boolean; isDefault: boolean }>;
    };
    expect(mine.items.find((c) => c.id === a.calendars.team)).toMatchObject({
      selectedForSync: true,
      isDefault: false,
    });
    const theirs = (await call(b, 'GET', '/api/calendars')).json() as { items: Array<{ id: string }> };
    expect(theirs.items.map((c) => c.id).sort()).toEqual(Object.values(b.calendars).sort());
  }, 120_000);

  it("names each calendar's owner as calbridge knows it, from the caller's tenant only", async () => {
    const u = await newUser();
    const db = container.database.db;
    type Listed = { items: Array<{ id: string; ownerEmail: string | null; ownerName: string | null }> };
    const owners = async () =>
      Object.fromEntries(
        ((await call(u, 'GET', '/api/calendars')).json() as Listed).items.map((c) => [c.id, c.ownerName]),
      );
    // nothing known yet: no names (the mailbox has none, the shared calendar's owner is nobody calbridge knows)
    expect(await owners()).toEqual({ [u.calendars.main]: null, [u.calendars.team]: null, [u.calendars.shared]: null });

    // a user with the shared calendar owner's address in another tenant says nothing about this one
    const elsewhere = await container.tenants.createTenant({ name: `Elsewhere ${n}`, calendarProvider: 'MICROSOFT' });
    const stranger = await container.tenants.createApiKey(elsewhere.id, 'boss@tenant.example');
    await db.updateTable('users').set({ display_name: 'Not The Boss' }).where('id', '=', stranger.userId).execute();
    expect((await owners())[u.calendars.shared]).toBeNull();

    // the connected mailbox's name for one's own calendars; the colleague's name (any case of the address) for theirs
    await db
      .updateTable('calendar_connections')
      .set({ account_name: 'Casey Morgan' })
      .where('id', '=', u.connectionId)
      .execute();
    const boss = await container.tenants.createApiKey(u.tenantId, 'Boss@Tenant.example');
    await db.updateTable('users').set({ display_name: 'Bo Boss' }).where('id', '=', boss.userId).execute();
    expect(await owners()).toEqual({
      [u.calendars.main]: 'Casey Morgan',
      [u.calendars.team]: 'Casey Morgan',
      [u.calendars.shared]: 'Bo Boss',
    });
    // the same on the calendar a PATCH answers with
    const r = await call(u, 'PATCH', `/api/calendars/${u.calendars.shared}`, { selectedForSync: false });
    expect(r.json()).toMatchObject({ calendar: { id: u.calendars.shared, ownerName: 'Bo Boss' } });
  }, 120_000);
});

describe('sync preferences', () => {
  it('default to the server configuration, validate their bounds and are per user', async () => {
    const u = await newUser();
    const other = await newUser();
    const defaults = { windowPastDays: 10, windowFutureDays: 30, pollIntervalSeconds: 600 };
    expect((await call(u, 'GET', '/api/sync/preferences')).json()).toMatchObject({
      ...defaults,
      custom: false,
      defaults,
    });
    const bad = [
      { windowPastDays: -1, windowFutureDays: 30, pollIntervalSeconds: 60 },
      { windowPastDays: 10, windowFutureDays: 0, pollIntervalSeconds: 60 },
      { windowPastDays: 10, windowFutureDays: 3651, pollIntervalSeconds: 60 },
      { windowPastDays: 10, windowFutureDays: 30, pollIntervalSeconds: 4 },
      { windowPastDays: 10, windowFutureDays: 30, pollIntervalSeconds: 86_401 },
      { windowPastDays: 1.5, windowFutureDays: 30, pollIntervalSeconds: 60 },
      { windowPastDays: 10, windowFutureDays: 30 },
      { windowPastDays: 10, windowFutureDays: 30, pollIntervalSeconds: 60, extra: true },
    ];
    for (const body of bad) {
      const r = await call(u, 'PUT', '/api/sync/preferences', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().error.code).toBe('validation_failed');
    }
    const mine = { windowPastDays: 0, windowFutureDays: 3650, pollIntervalSeconds: 5 };
    const put = await call(u, 'PUT', '/api/sync/preferences', mine);
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ ...mine, custom: true });
    expect((await call(u, 'GET', '/api/sync/preferences')).json()).toMatchObject({ ...mine, custom: true });
    expect((await call(other, 'GET', '/api/sync/preferences')).json()).toMatchObject({ ...defaults, custom: false });
    const reset = await call(u, 'DELETE', '/api/sync/preferences');
    expect(reset.json()).toMatchObject({ ...defaults, custom: false });
  }, 120_000);

  it('change the window the engine asks the provider for, starting a full round', async () => {
    const u = await newUser();
    await call(u, 'PATCH', `/api/calendars/${u.calendars.shared}`, { selectedForSync: false });
    await call(u, 'PATCH', `/api/calendars/${u.calendars.team}`, { selectedForSync: false });
    await addEvent(u, 'main', 'Soon', 5);
    await addEvent(u, 'main', 'In 100 days', 100);
    await addEvent(u, 'main', 'Last week', -7);
    const mine = () => asked.filter((a) => a.mailbox === u.mailbox);
    await runtime.sync.syncUser(u.tenantId, u.userId);
    expect(mine().at(-1)!.window).toEqual({
      start: new Date(midnight() - 10 * DAY).toISOString(),
      end: new Date(midnight() + 30 * DAY).toISOString(),
    });
    expect(await subjects(u)).toEqual(['Last week', 'Soon']);

    const depth = (await runtime.queue.depth()).queued;
    await call(u, 'PUT', '/api/sync/preferences', {
      windowPastDays: 3,
      windowFutureDays: 120,
      pollIntervalSeconds: 600,
    });
    expect((await runtime.queue.depth()).queued).toBe(depth + 1);
    const [r] = await runtime.sync.syncUser(u.tenantId, u.userId);
    expect(r!.fullRound).toBe(true);
    expect(mine().at(-1)!.window).toEqual({
      start: new Date(midnight() - 3 * DAY).toISOString(),
      end: new Date(midnight() + 120 * DAY).toISOString(),
    });
    // The window shrank in the past (last week is gone) and grew in the future.
    expect(await subjects(u)).toEqual(['In 100 days', 'Soon']);
    // Unchanged preferences: the next sync is incremental in the same window.
    const [again] = await runtime.sync.syncUser(u.tenantId, u.userId);
    expect(again!.fullRound).toBe(false);
  }, 120_000);

  it("poll each calendar at its owner's interval; sync-status shows when", async () => {
    const u = await newUser();
    const other = await newUser();
    for (const w of [u, other]) {
      await call(w, 'PATCH', `/api/calendars/${w.calendars.shared}`, { selectedForSync: false });
      await runtime.sync.syncUser(w.tenantId, w.userId);
    }
    await call(u, 'PUT', '/api/sync/preferences', {
      windowPastDays: 10,
      windowFutureDays: 30,
      pollIntervalSeconds: 60,
    });
    const dueAt = async (seconds: number) =>
      new Set(
        (await runtime.store.listDueTargets(new Date(Date.now() + seconds * 1000), 600))
          .filter((t) => t.tenantId === u.tenantId || t.tenantId === other.tenantId)
          .map((t) => t.calendarId),
      );
    expect((await dueAt(0)).size).toBe(0);
    expect([...(await dueAt(90))].sort()).toEqual([u.calendars.main, u.calendars.team].sort());
    expect((await dueAt(700)).size).toBe(4);

    const status = async (w: Who) =>
      (
        (await call(w, 'GET', '/api/outlook/calendar/sync-status')).json() as {
          calendars: Array<{
            calendarId: string;
            pollIntervalSeconds: number;
            nextRunAt: string;
            lastSuccessAt: string;
          }>;
        }
      ).calendars.find((c) => c.calendarId === w.calendars.main)!;
    const s = await status(u);
    expect(s.pollIntervalSeconds).toBe(60);
    const gap = (x: { nextRunAt: string; lastSuccessAt: string }) =>
      (Date.parse(x.nextRunAt) - Date.parse(x.lastSuccessAt)) / 1000;
    expect(gap(s)).toBeGreaterThanOrEqual(59);
    expect(gap(s)).toBeLessThanOrEqual(61);
    const o = await status(other);
    expect(o.pollIntervalSeconds).toBe(600);
    expect(gap(o)).toBeGreaterThanOrEqual(599);
  }, 120_000);
});
