// Permission variations (issue 16, item 15), on Microsoft 365 and Google Calendar through their HTTP emulators: a
// delegate with read, write or free/busy-only rights on a colleague's calendar, a share the owner removes, consent an
// administrator (or Google) revokes, and the Outlook read-only tier. Each path works within what was granted or answers
// a stable code that says what is missing and how to get it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderType } from '../../src/domain/calendar.js';
import { loadConfig } from '../../src/config/config.js';
import { createRuntime, type Runtime } from '../../src/main/runtime.js';
import { createTestDatabase } from '../support/db.js';
import { followGoogleAuthorize, startTestGoogleEmulator, type TestGoogleEmulator } from '../support/google.js';
import { followAuthorize, seededSpecials, startTestEmulator, type TestEmulator } from '../support/microsoft.js';

const APP_URL = 'http://127.0.0.1:3996';
const ORGANIZER = 'adele.vance@contoso.com';
const COLLEAGUE = 'megan.bowen@contoso.com';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Role = 'read' | 'write' | 'freeBusy' | 'none';

interface Side {
  type: ProviderType;
  slug: 'outlook' | 'google';
  runtime: Runtime;
  app: FastifyInstance;
  tenantId: string;
  users: Map<string, { userId: string; auth: { authorization: string } }>;
  authorize(url: string): Promise<URLSearchParams>;
  /** The colleague's calendar the organizer is given rights on (provider id). */
  sharedCalendar: string;
  /** Sets the organizer's rights on the colleague's calendar, as its owner does in Outlook or Google Calendar. */
  share(role: Role): Promise<void>;
  /** What the colleague has in the shared calendar (the id of a seeded Graph or Google calendar). */
  /** Consent is withdrawn: Entra admin consent removed (Microsoft) or the grant revoked (Google). */
  revokeConsent(): Promise<void>;
}

let ms: TestEmulator;
let g: TestGoogleEmulator;
let dir: string;
const runtimes: Runtime[] = [];
const sides = {} as Record<ProviderType, Side>;

const call = async (s: Side, email: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
  const res = await s.app.inject({ method, url, headers: s.users.get(email)!.auth, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: (res.body ? res.json() : null) as Json };
};

async function connect(s: Side, email: string): Promise<void> {
  const res = await call(s, email, 'POST', `/api/integrations/${s.slug}/connect`, { loginHint: email });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const q = await s.authorize(res.body.authorizeUrl as string);
  const cb = await s.app.inject({ method: 'GET', url: `/api/integrations/${s.slug}/callback?${q.toString()}` });
  expect(cb.statusCode).toBe(302);
  expect(cb.headers.location).toBe(`/settings?connected=${s.slug}`);
}

/** The organizer's calendars after a refresh from the provider. */
async function refreshCalendars(s: Side): Promise<Json[]> {
  const r = await call(s, ORGANIZER, 'GET', `/api/integrations/${s.slug}/calendars`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.calendars as Json[];
}

async function sharedRow(s: Side): Promise<Json | undefined> {
  return (await refreshCalendars(s)).find(
    (c) => c.providerCalendarId === s.sharedCalendar || c.ownerEmail === COLLEAGUE,
  );
}

async function syncStatus(s: Side, calendarId: string): Promise<Json> {
  const r = await call(s, ORGANIZER, 'GET', '/api/calendar/sync-status');
  expect(r.status).toBe(200);
  return (r.body.calendars as Json[]).find((c) => c.calendarId === calendarId)!;
}

/** The colleague puts an event in her calendar, through her own calbridge connection (HTTP to the emulator). */
async function seedEvent(s: Side, subject: string): Promise<void> {
  const u = s.users.get(COLLEAGUE)!;
  const conn = await s.runtime.container.database.db
    .selectFrom('calendar_connections')
    .select(['id', 'account_email'])
    .where('tenant_id', '=', s.tenantId)
    .where('user_id', '=', u.userId)
    .executeTakeFirstOrThrow();
  const provider = s.runtime.container.providers.forConnection(s.type, {
    tenantId: s.tenantId,
    userId: u.userId,
    connectionId: conn.id,
    mailbox: conn.account_email!,
  });
  await provider.createEvent({
    calendarId: s.sharedCalendar,
    event: { subject, start: day(3).toISO()!, end: day(3).plus({ hours: 1 }).toISO()!, timeZone: 'UTC' },
  });
}

async function meetingSubjects(s: Side, calendarId: string): Promise<string[]> {
  const rows = await s.runtime.container.database.db
    .selectFrom('meetings')
    .select('subject')
    .where('tenant_id', '=', s.tenantId)
    .where('calendar_id', '=', calendarId)
    .execute();
  return rows.map((r) => r.subject ?? '');
}

const day = (n: number) => DateTime.now().plus({ days: n }).startOf('day').set({ hour: 14 }).toUTC();

async function newRuntime(
  env: Record<string, string>,
  appUrl = APP_URL,
): Promise<{ runtime: Runtime; app: FastifyInstance }> {
  const config = loadConfig({
    CALBRIDGE_DATA_DIR: dir,
    CALBRIDGE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    CALBRIDGE_START_EMULATOR: 'false',
    RATE_LIMIT_PER_MINUTE: '100000',
    SYNC_WINDOW_PAST_DAYS: '30',
    SYNC_WINDOW_FUTURE_DAYS: '200',
    ...env,
  });
  const runtime = await createRuntime(config, {
    database: await createTestDatabase(),
    logStream: new PassThrough(),
    dev: {
      emulators: { microsoft: { baseUrl: ms.emu.baseUrl, caFile: ms.emu.caFile }, google: null },
      demo: null,
      close: async () => undefined,
    },
    publicUrl: () => appUrl,
  });
  runtimes.push(runtime);
  return { runtime, app: await runtime.http() };
}

async function addSide(
  type: ProviderType,
  r: { runtime: Runtime; app: FastifyInstance },
  rest: Pick<Side, 'authorize' | 'sharedCalendar' | 'share' | 'revokeConsent'>,
): Promise<Side> {
  const c = r.runtime.container;
  const tenant = await c.tenants.createTenant({
    name: `Permissions ${type}`,
    calendarProvider: type,
    settings: { ownDomains: ['contoso.com'], onlineMeetingByDefault: false, allowSelfApprovalInternal: true },
  });
  const users = new Map<string, { userId: string; auth: { authorization: string } }>();
  for (const email of [ORGANIZER, COLLEAGUE]) {
    const k = await c.tenants.createApiKey(tenant.id, email);
    users.set(email, { userId: k.userId, auth: { authorization: `Bearer ${k.apiKey}` } });
  }
  return { type, slug: type === 'GOOGLE' ? 'google' : 'outlook', ...r, tenantId: tenant.id, users, ...rest };
}

const msAdmin = async (method: 'POST' | 'DELETE', path: string) => {
  const res = await undiciFetch(`${ms.emu.baseUrl}/_emulator${path}`, {
    method,
    dispatcher: ms.agent,
    ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Json;
};

beforeAll(async () => {
  ms = await startTestEmulator({ seed: 5 });
  g = await startTestGoogleEmulator({ minimalSeed: true });
  dir = mkdtempSync(join(tmpdir(), 'cb-permissions-'));
  const gApp = g.emu.registerApp({ redirectUris: [`${APP_URL}/api/integrations/google/callback`] });
  const both = await newRuntime({
    GOOGLE_CLIENT_ID: gApp.clientId,
    GOOGLE_CLIENT_SECRET: gApp.clientSecret,
    GOOGLE_REDIRECT_URI: `${APP_URL}/api/integrations/google/callback`,
    GOOGLE_AUTH_BASE_URL: g.emu.baseUrl,
    GOOGLE_API_BASE_URL: g.emu.baseUrl,
    GOOGLE_CA_FILE: g.emu.caFile,
  });

  const megan = ms.emu.directory.getUser(COLLEAGUE)!;
  const msCal = ms.emu.store.defaultCalendar(megan.id).id;
  const msRoles = { read: 'read', write: 'write', freeBusy: 'freeBusyRead' } as const;
  sides.MICROSOFT = await addSide('MICROSOFT', both, {
    authorize: (url) => followAuthorize(ms.agent, url),
    sharedCalendar: msCal,
    share: async (role) => {
      const cal = ms.emu.store.getCalendar(megan.id, msCal)!;
      const perm = cal.permissions.find((p) => p.emailAddress.address?.toLowerCase() === ORGANIZER);
      if (role === 'none') {
        if (perm) expect(ms.emu.store.deletePermission(megan.id, msCal, perm.id)).toBe(true);
      } else ms.emu.store.sharePermission(megan.id, msCal, ORGANIZER, msRoles[role]);
    },
    revokeConsent: async () => {
      for (const app of ms.emu.directory.apps.values())
        await msAdmin('DELETE', `/apps/${app.clientId}/consent?tenantId=${megan.tenantId}`);
      // The access token in hand expires (as it does within the hour): the next call must refresh.
      await msAdmin('POST', `/users/${ms.emu.directory.getUser(ORGANIZER)!.id}/expire-tokens`);
    },
  });

  const gCal = g.emu.store.createCalendar(COLLEAGUE, 'Megan — customer calls');
  const gRoles = { read: 'reader', write: 'writer', freeBusy: 'freeBusyReader' } as const;
  sides.GOOGLE = await addSide('GOOGLE', both, {
    authorize: (url) => followGoogleAuthorize(g.agent, url),
    sharedCalendar: gCal.id,
    share: async (role) => {
      if (role === 'none') gCal.acl.delete(`user:${ORGANIZER}`);
      else gCal.acl.set(`user:${ORGANIZER}`, gRoles[role]);
    },
    revokeConsent: async () => {
      const res = await undiciFetch(`${g.emu.baseUrl}/_emulator/revoke`, {
        method: 'POST',
        dispatcher: g.agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: ORGANIZER }),
      });
      expect(res.status).toBe(200);
    },
  });
  for (const s of Object.values(sides)) for (const email of [ORGANIZER, COLLEAGUE]) await connect(s, email);
}, 120_000);

afterAll(async () => {
  for (const r of runtimes.reverse()) await r.close();
  await ms?.close();
  await g?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(['MICROSOFT', 'GOOGLE'] as const)('permission variations: %s', (type) => {
  it('read rights: the shared calendar syncs, writes to it answer calendar_not_writable', async () => {
    const s = sides[type];
    await s.share('read');
    await seedEvent(s, `Shared read ${type}`);
    const cal = await sharedRow(s);
    expect(cal, 'the shared calendar is listed').toBeDefined();
    expect(cal).toMatchObject({ isShared: true, canEdit: false });
    const sel = await call(s, ORGANIZER, 'PATCH', `/api/calendars/${cal!.id}`, { selectedForSync: true });
    expect(sel.status, JSON.stringify(sel.body)).toBe(200);
    await s.runtime.sync.sync.syncCalendar(s.tenantId, cal!.id, { full: true });
    expect(await meetingSubjects(s, cal!.id)).toContain(`Shared read ${type}`);

    const w = await call(s, ORGANIZER, 'POST', '/api/calendar/events', {
      subject: 'Booked into a read-only share',
      start: day(4).toISO(),
      end: day(4).plus({ minutes: 30 }).toISO(),
      attendees: [],
      calendarId: cal!.id,
    });
    expect(w.status, JSON.stringify(w.body)).toBe(403);
    expect(w.body.error.code).toBe('calendar_not_writable');
    expect(w.body.error.message).toMatch(/edit rights/);
  });

  it('write rights: booked into the colleague’s calendar', async () => {
    const s = sides[type];
    await s.share('write');
    const cal = await sharedRow(s);
    expect(cal).toMatchObject({ isShared: true, canEdit: true });
    const p = await call(s, ORGANIZER, 'POST', '/api/calendar/events', {
      subject: `Booked for Megan ${type}`,
      start: day(5).toISO(),
      end: day(5).plus({ minutes: 30 }).toISO(),
      attendees: [],
      calendarId: cal!.id,
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    const a = await call(s, ORGANIZER, 'POST', `/api/proposals/${p.body.id}/approve`);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    await s.runtime.sync.sync.syncCalendar(s.tenantId, cal!.id);
    expect(await meetingSubjects(s, cal!.id)).toContain(`Booked for Megan ${type}`);
  });

  it('free/busy-only rights: the calendar is not offered for sync, availability still works', async () => {
    const s = sides[type];
    await s.share('freeBusy');
    expect(await sharedRow(s), 'a free/busy-only calendar is not listed for sync').toBeUndefined();
    const start = day(3).startOf('day');
    const q = new URLSearchParams({ start: start.toISO()!, end: start.plus({ days: 1 }).toISO()! });
    q.append('attendees', COLLEAGUE);
    const r = await call(s, ORGANIZER, 'GET', `/api/calendar/availability?${q.toString()}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((r.body.schedules as Json[]).find((x) => x.email === COLLEAGUE)?.status).toBe('ok');
  });

  it('share removed: that calendar alone is marked lost with a stable code, its meetings and the connection kept', async () => {
    const s = sides[type];
    await s.share('read');
    await seedEvent(s, `Before unshare ${type}`);
    const cal = (await sharedRow(s))!;
    await call(s, ORGANIZER, 'PATCH', `/api/calendars/${cal.id}`, { selectedForSync: true });
    await s.runtime.sync.sync.syncCalendar(s.tenantId, cal.id, { full: true });
    const kept = await meetingSubjects(s, cal.id);
    expect(kept).toContain(`Before unshare ${type}`);

    await s.share('none');
    const err = (await s.runtime.sync.sync.syncCalendar(s.tenantId, cal.id).then(
      () => ({}),
      (e: unknown) => e,
    )) as Json;
    expect(err.code).toBe('calendar_access_lost');

    const st = await syncStatus(s, cal.id);
    expect(st.accessLost).toMatchObject({ code: 'calendar_access_lost' });
    expect(st.accessLost.message).toMatch(/share it again/);
    expect(st.nextRunAt).toBeNull();
    expect(st.lastError).toMatch(/^calendar_access_lost/);
    // Not synced any more (neither polled nor queued), its meetings kept, the connection and its own calendar fine.
    const targets = await s.runtime.sync.store.listTargets({ tenantId: s.tenantId });
    expect(targets.map((t) => t.calendarId)).not.toContain(cal.id);
    expect(await meetingSubjects(s, cal.id)).toEqual(kept);
    const status = await call(s, ORGANIZER, 'GET', `/api/integrations/${s.slug}/status`);
    expect(status.body.status).toBe('active');
    const own = targets.find((t) => t.userId === s.users.get(ORGANIZER)!.userId && !t.isShared)!;
    await expect(s.runtime.sync.sync.syncCalendar(s.tenantId, own.calendarId)).resolves.toBeDefined();

    // Shared again: a calendar refresh lists it and it syncs again.
    await s.share('read');
    await refreshCalendars(s);
    expect((await syncStatus(s, cal.id)).accessLost).toBeNull();
    await expect(s.runtime.sync.sync.syncCalendar(s.tenantId, cal.id)).resolves.toBeDefined();
  });

  it('consent revoked: the connection needs reauthorisation, with a stable reason and the reconnect link', async () => {
    const s = sides[type];
    await s.revokeConsent();
    const q = new URLSearchParams({ start: day(3).toISO()!, end: day(4).toISO()! });
    q.append('attendees', COLLEAGUE);
    const r = await call(s, ORGANIZER, 'GET', `/api/calendar/availability?${q.toString()}`);
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.error.code).toBe('reconnect_required');
    expect(r.body.error.details.reason).toBe(type === 'MICROSOFT' ? 'consent_revoked' : 'invalid_grant');
    expect(r.body.error.details.connectUrl).toMatch(/\/api\/integrations\/|\/settings/);
    const st = await call(s, ORGANIZER, 'GET', `/api/integrations/${s.slug}/status`);
    expect(st.body.status).toBe('needs_reauth');
    expect(st.body.statusReason).toBe(type === 'MICROSOFT' ? 'consent_revoked' : 'invalid_grant');
    if (type === 'MICROSOFT') expect(st.body.lastError).toMatch(/consent given to calbridge was withdrawn/);
    expect(st.body.reconnectUrl, 'the one-click reconnect link').toMatch(/^https:\/\//);
    // The one-click reconnect grants consent again.
    await connect(s, ORGANIZER);
    expect((await call(s, ORGANIZER, 'GET', `/api/integrations/${s.slug}/status`)).body.status).toBe('active');
  });
});

describe('read-only tier (Outlook, MICROSOFT_READ_ONLY)', () => {
  let s: Side;
  let reader: string;
  beforeAll(async () => {
    // An app registration of its own (no organisation-wide consent) and a user who never consented to anything else:
    // Entra puts every permission consented for the app (by the user or an administrator) in the token.
    const special = seededSpecials(ms);
    reader = ms.emu.users.find(
      (u) =>
        u.endsWith('@contoso.com') &&
        ![ORGANIZER, COLLEAGUE, special.noTeams, special.onPremises, special.room].includes(u),
    )!;
    s = await addSide('MICROSOFT', await newRuntime({ MICROSOFT_READ_ONLY: 'true' }, 'http://127.0.0.1:3995'), {
      authorize: sides.MICROSOFT.authorize,
      sharedCalendar: sides.MICROSOFT.sharedCalendar,
      share: sides.MICROSOFT.share,
      revokeConsent: sides.MICROSOFT.revokeConsent,
    });
    const k = await s.runtime.container.tenants.createApiKey(s.tenantId, reader);
    s.users.set(reader, { userId: k.userId, auth: { authorization: `Bearer ${k.apiKey}` } });
    await connect(s, reader);
  }, 60_000);

  it('reads and free/busy work; writes answer write_access_not_granted naming the missing permission', async () => {
    const st = await call(s, reader, 'GET', '/api/integrations/outlook/status');
    expect(st.body.scopes, JSON.stringify(st.body.scopes)).toContain('Calendars.Read');
    expect(st.body.scopes).not.toContain('Calendars.ReadWrite');

    const cals = await call(s, reader, 'GET', '/api/integrations/outlook/calendars');
    const own = (cals.body.calendars as Json[]).find((c) => c.isDefault)!;
    await s.runtime.sync.sync.syncCalendar(s.tenantId, own.id, { full: true });
    const list = await call(s, reader, 'GET', '/api/calendar/events?limit=5');
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const q = new URLSearchParams({ start: day(3).toISO()!, end: day(4).toISO()! });
    q.append('attendees', COLLEAGUE);
    const fb = await call(s, reader, 'GET', `/api/calendar/availability?${q.toString()}`);
    expect(fb.status, JSON.stringify(fb.body)).toBe(200);
    expect((fb.body.schedules as Json[]).find((x) => x.email === COLLEAGUE)?.status).toBe('ok');

    const w = await call(s, reader, 'POST', '/api/calendar/events', {
      subject: 'Not on the read-only tier',
      start: day(6).toISO(),
      end: day(6).plus({ minutes: 30 }).toISO(),
      attendees: [],
    });
    expect(w.status, JSON.stringify(w.body)).toBe(403);
    expect(w.body.error.code).toBe('write_access_not_granted');
    expect(w.body.error.message).toMatch(/read-only/);
    expect(w.body.error.details).toMatchObject({ missingScope: 'Calendars.ReadWrite', provider: 'MICROSOFT' });
    expect(w.body.error.details.connectUrl).toBeTruthy();
  });
});

describe('read-only tier (Google, GOOGLE_READ_ONLY)', () => {
  const url = 'http://127.0.0.1:3994';
  let s: Side;
  beforeAll(async () => {
    const app = g.emu.registerApp({ redirectUris: [`${url}/api/integrations/google/callback`] });
    const r = await newRuntime(
      {
        GOOGLE_CLIENT_ID: app.clientId,
        GOOGLE_CLIENT_SECRET: app.clientSecret,
        GOOGLE_REDIRECT_URI: `${url}/api/integrations/google/callback`,
        GOOGLE_AUTH_BASE_URL: g.emu.baseUrl,
        GOOGLE_API_BASE_URL: g.emu.baseUrl,
        GOOGLE_CA_FILE: g.emu.caFile,
        GOOGLE_READ_ONLY: 'true',
      },
      url,
    );
    s = await addSide('GOOGLE', r, {
      authorize: sides.GOOGLE.authorize,
      sharedCalendar: sides.GOOGLE.sharedCalendar,
      share: sides.GOOGLE.share,
      revokeConsent: sides.GOOGLE.revokeConsent,
    });
    await connect(s, ORGANIZER);
  }, 60_000);

  it('asks Google for read-only scopes; reads and free/busy work; writes answer write_access_not_granted', async () => {
    const st = await call(s, ORGANIZER, 'GET', '/api/integrations/google/status');
    const scopes = st.body.scopes as string[];
    expect(scopes, JSON.stringify(scopes)).toContain('https://www.googleapis.com/auth/calendar.events.readonly');
    expect(scopes).not.toContain('https://www.googleapis.com/auth/calendar.events');
    expect(scopes).not.toContain('https://www.googleapis.com/auth/gmail.send');

    const cals = await call(s, ORGANIZER, 'GET', '/api/integrations/google/calendars');
    const own = (cals.body.calendars as Json[]).find((c) => c.isDefault)!;
    await s.runtime.sync.sync.syncCalendar(s.tenantId, own.id, { full: true });
    expect((await call(s, ORGANIZER, 'GET', '/api/calendar/events?limit=5')).status).toBe(200);
    const q = new URLSearchParams({ start: day(3).toISO()!, end: day(4).toISO()! });
    q.append('attendees', COLLEAGUE);
    const fb = await call(s, ORGANIZER, 'GET', `/api/calendar/availability?${q.toString()}`);
    expect(fb.status, JSON.stringify(fb.body)).toBe(200);

    const w = await call(s, ORGANIZER, 'POST', '/api/calendar/events', {
      subject: 'Not on the read-only tier',
      start: day(6).toISO(),
      end: day(6).plus({ minutes: 30 }).toISO(),
      attendees: [],
    });
    expect(w.status, JSON.stringify(w.body)).toBe(403);
    expect(w.body.error.code).toBe('write_access_not_granted');
    expect(w.body.error.details).toMatchObject({ provider: 'GOOGLE' });
    expect(String(w.body.error.details.missingScope)).toMatch(/calendar\.events$/);
    expect(w.body.error.details.connectUrl).toBeTruthy();
  });
});
