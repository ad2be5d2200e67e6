// Parity matrix: the same scenarios against Microsoft 365 and Google Calendar, each through its own emulator, on
// one calbridge app (Outlook + Google + scheduling features). Prints the scenario × provider table at the end.
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
import { isAppError } from '../../src/domain/errors.js';
import { loadConfig } from '../../src/config/config.js';
import type { Container } from '../../src/main/container.js';
import { createRuntime, type Runtime } from '../../src/main/runtime.js';
import type { CalendarProvider } from '../../src/ports/calendar-provider.js';
import type { SyncService } from '../../src/services/sync/sync-service.js';
import { createTestDatabase } from '../support/db.js';
import { followGoogleAuthorize, startTestGoogleEmulator, type TestGoogleEmulator } from '../support/google.js';
import { followAuthorize, startTestEmulator, type TestEmulator } from '../support/microsoft.js';

const APP_URL = 'http://127.0.0.1:3997';
const ORGANIZER = 'adele.vance@contoso.com';
const COLLEAGUE = 'megan.bowen@contoso.com';
const CUSTOMER = 'wile.coyote@acmecorp.com';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Side {
  type: ProviderType;
  slug: 'outlook' | 'google';
  tenantId: string;
  users: Map<string, { userId: string; auth: { authorization: string } }>;
  authorize(url: string): Promise<URLSearchParams>;
  revoke(email: string): Promise<void>;
  faults(on: boolean): void;
  throttled(): number;
}

let ms: TestEmulator;
let g: TestGoogleEmulator;
let container: Container;
let app: FastifyInstance;
let runtime: Runtime;
let sync: SyncService;
let dir: string;
const closers: Array<() => Promise<void>> = [];
const sides = {} as Record<ProviderType, Side>;
const table = new Map<string, Record<string, string>>();

const call = async (side: Side, email: string, method: 'GET' | 'POST', url: string, payload?: object) => {
  const res = await app.inject({ method, url, headers: side.users.get(email)!.auth, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: (res.body ? res.json() : null) as Json, headers: res.headers };
};

async function providerOf(side: Side, email: string): Promise<CalendarProvider> {
  const u = side.users.get(email)!;
  const conn = await container.database.db
    .selectFrom('calendar_connections')
    .selectAll()
    .where('tenant_id', '=', side.tenantId)
    .where('user_id', '=', u.userId)
    .executeTakeFirstOrThrow();
  return container.providers.forConnection(side.type, {
    tenantId: side.tenantId,
    userId: u.userId,
    connectionId: conn.id,
    mailbox: conn.account_email!,
  });
}

async function connect(side: Side, email: string): Promise<void> {
  const res = await call(side, email, 'POST', `/api/integrations/${side.slug}/connect`, { loginHint: email });
  expect(res.status).toBe(200);
  const q = await side.authorize(res.body.authorizeUrl as string);
  const cb = await app.inject({ method: 'GET', url: `/api/integrations/${side.slug}/callback?${q.toString()}` });
  expect(cb.statusCode).toBe(302);
  expect(cb.headers.location).toBe(`/settings?connected=${side.slug}`);
}

async function defaultCalendar(side: Side, email: string): Promise<string> {
  const u = side.users.get(email)!;
  const row = await container.database.db
    .selectFrom('calendars')
    .select('id')
    .where('tenant_id', '=', side.tenantId)
    .where('user_id', '=', u.userId)
    .where('is_default', '=', true)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The first Monday before Europe/Berlin's next DST change, 09:00 local, minus a week. */
function seriesAcrossDst(): DateTime {
  let d = DateTime.now().setZone('Europe/Berlin').startOf('day').plus({ days: 1 });
  const offset = d.offset;
  while (d.offset === offset) d = d.plus({ days: 1 });
  return d.minus({ weeks: 2 }).set({ weekday: 1, hour: 9, minute: 0 });
}

const SCENARIOS: Array<[string, (s: Side) => Promise<void>]> = [
  [
    'connect',
    async (s) => {
      for (const email of [ORGANIZER, COLLEAGUE]) await connect(s, email);
      const st = await call(s, ORGANIZER, 'GET', `/api/integrations/${s.slug}/status`);
      expect(st.body).toMatchObject({ connected: true, status: 'active' });
    },
  ],
  [
    'sync: recurrence across DST',
    async (s) => {
      const p = await providerOf(s, ORGANIZER);
      const first = seriesAcrossDst();
      const subject = `Parity DST ${s.slug} ${Date.now()}`;
      const startLocal = first.toFormat("yyyy-LL-dd'T'HH:mm:ss");
      await p.createEvent({
        event: {
          subject,
          start: first.toUTC().toISO()!,
          end: first.plus({ minutes: 30 }).toUTC().toISO()!,
          timeZone: 'Europe/Berlin',
          recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4', timeZone: 'Europe/Berlin', startLocal, exDates: [] },
        },
      });
      await sync.syncCalendar(s.tenantId, await defaultCalendar(s, ORGANIZER), { full: true });
      const rows = await container.database.db
        .selectFrom('meetings')
        .select(['start_at', 'event_type'])
        .where('tenant_id', '=', s.tenantId)
        .where('subject', '=', subject)
        .where('event_type', '!=', 'seriesMaster')
        .execute();
      expect(rows).toHaveLength(4);
      const locals = rows.map((r) =>
        DateTime.fromJSDate(new Date(r.start_at as unknown as string))
          .setZone('Europe/Berlin')
          .toFormat('HH:mm'),
      );
      expect(new Set(locals)).toEqual(new Set(['09:00']));
      const offsets = new Set(
        rows.map((r) => DateTime.fromJSDate(new Date(r.start_at as unknown as string)).setZone('Europe/Berlin').offset),
      );
      expect(offsets.size).toBe(2);
    },
  ],
  [
    'detection',
    async (s) => {
      const actor = await container.tenants.authenticate(s.users.get(ORGANIZER)!.auth.authorization);
      const acme = await container.customers.create(actor, {
        name: `Acme ${s.slug}`,
        domains: ['acmecorp.com'],
        subjectPatterns: [],
      });
      const p = await providerOf(s, ORGANIZER);
      const start = DateTime.now().plus({ days: 9 }).set({ hour: 15, minute: 0, second: 0, millisecond: 0 }).toUTC();
      const subject = `Parity customer ${s.slug} ${Date.now()}`;
      await p.createEvent({
        event: {
          subject,
          start: start.toISO()!,
          end: start.plus({ hours: 1 }).toISO()!,
          attendees: [{ email: CUSTOMER, type: 'required' }],
        },
      });
      await sync.syncCalendar(s.tenantId, await defaultCalendar(s, ORGANIZER));
      const m = await container.database.db
        .selectFrom('meetings')
        .select(['customer_id'])
        .where('tenant_id', '=', s.tenantId)
        .where('subject', '=', subject)
        .executeTakeFirstOrThrow();
      expect(m.customer_id).toBe(acme.id);
    },
  ],
  [
    'availability',
    async (s) => {
      const day = DateTime.now().plus({ days: 14 }).startOf('day').toUTC();
      const q = new URLSearchParams({ start: day.toISO()!, end: day.plus({ days: 1 }).toISO()! });
      q.append('attendees', COLLEAGUE);
      q.append('attendees', 'nobody@fabrikam-unknown.com');
      const r = await call(s, ORGANIZER, 'GET', `/api/outlook/calendar/availability?${q.toString()}`);
      expect(r.status).toBe(200);
      const byEmail = new Map((r.body.schedules as Json[]).map((x) => [x.email, x.status]));
      expect(byEmail.get(COLLEAGUE)).toBe('ok');
      expect(byEmail.get('nobody@fabrikam-unknown.com')).not.toBe('ok');
    },
  ],
  [
    'suggestions',
    async (s) => {
      const day = DateTime.now().plus({ days: 16 }).startOf('day').toUTC();
      const r = await call(s, ORGANIZER, 'POST', '/api/outlook/calendar/findmeetingtimes', {
        attendees: [{ email: COLLEAGUE }],
        window: { start: day.toISO(), end: day.plus({ days: 3 }).toISO() },
        durationMinutes: 30,
        workHoursOnly: false,
      });
      expect(r.status).toBe(200);
      expect((r.body.suggestions as Json[]).length).toBeGreaterThan(0);
    },
  ],
  [
    'create online meeting via approval',
    async (s) => {
      const start = DateTime.now().plus({ days: 20 }).set({ hour: 16, minute: 0, second: 0, millisecond: 0 }).toUTC();
      const subject = `Parity approval ${s.slug} ${Date.now()}`;
      const p = await call(s, ORGANIZER, 'POST', '/api/outlook/calendar/events', {
        subject,
        start: start.toISO(),
        end: start.plus({ minutes: 30 }).toISO(),
        attendees: [{ email: COLLEAGUE }, { email: CUSTOMER }],
        onlineMeeting: true,
      });
      expect(p.status).toBe(201);
      const a = await call(s, COLLEAGUE, 'POST', `/api/proposals/${p.body.id}/approve`);
      expect(a.status).toBe(200);
      expect(String(a.body.result.joinUrl)).toMatch(
        s.type === 'GOOGLE' ? /^https:\/\/meet\.google\.com\// : /^https:\/\//,
      );
      const ev = await (await providerOf(s, ORGANIZER)).getEvent(a.body.result.providerEventId as string);
      expect(ev.onlineMeeting?.joinUrl).toBe(a.body.result.joinUrl);
    },
  ],
  [
    'throttling chaos',
    async (s) => {
      const p = await providerOf(s, ORGANIZER);
      const before = s.throttled();
      s.faults(true);
      try {
        const start = DateTime.now().plus({ days: 25 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 }).toUTC();
        const made = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            p.createEvent({
              event: {
                subject: `Chaos ${i}`,
                start: start.plus({ hours: i }).toISO()!,
                end: start.plus({ hours: i, minutes: 30 }).toISO()!,
              },
            }),
          ),
        );
        const page = await p.listEvents({ start: start.toISO()!, end: start.plus({ days: 1 }).toISO()!, pageSize: 50 });
        expect(made.every((e) => page.events.some((x) => x.id === e.id))).toBe(true);
      } finally {
        s.faults(false);
      }
      expect(s.throttled()).toBeGreaterThan(before);
    },
  ],
  [
    'revoked consent',
    async (s) => {
      await s.revoke(COLLEAGUE);
      const err = await (await providerOf(s, COLLEAGUE)).listCalendars().catch((e: unknown) => e);
      expect(isAppError(err, 'reconnect_required')).toBe(true);
      expect((await call(s, COLLEAGUE, 'GET', `/api/integrations/${s.slug}/status`)).body.status).toBe('needs_reauth');
      await connect(s, COLLEAGUE);
      expect((await call(s, COLLEAGUE, 'GET', `/api/integrations/${s.slug}/status`)).body.status).toBe('active');
    },
  ],
  [
    'disconnect',
    async (s) => {
      const r = await call(s, COLLEAGUE, 'POST', `/api/integrations/${s.slug}/disconnect`);
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('revoked');
    },
  ],
];

async function addSide(
  type: ProviderType,
  authorize: Side['authorize'],
  rest: Pick<Side, 'revoke' | 'faults' | 'throttled'>,
): Promise<Side> {
  const tenant = await container.tenants.createTenant({
    name: `Parity ${type}`,
    calendarProvider: type,
    settings: { ownDomains: ['contoso.com'], onlineMeetingByDefault: true },
  });
  const users = new Map<string, { userId: string; auth: { authorization: string } }>();
  for (const email of [ORGANIZER, COLLEAGUE]) {
    // The colleague approves the organizer's proposals: the default approval policy names approvers by role.
    const k = await container.tenants.createApiKey(tenant.id, email, email === COLLEAGUE ? { role: 'approver' } : {});
    users.set(email, { userId: k.userId, auth: { authorization: `Bearer ${k.apiKey}` } });
  }
  return { type, slug: type === 'GOOGLE' ? 'google' : 'outlook', tenantId: tenant.id, users, authorize, ...rest };
}

beforeAll(async () => {
  ms = await startTestEmulator({ seed: 5 });
  g = await startTestGoogleEmulator({ minimalSeed: true });
  const gApp = g.emu.registerApp({ redirectUris: [`${APP_URL}/api/integrations/google/callback`] });
  dir = mkdtempSync(join(tmpdir(), 'cb-parity-'));
  const config = loadConfig({
    CALBRIDGE_DATA_DIR: dir,
    CALBRIDGE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    CALBRIDGE_START_EMULATOR: 'false',
    RATE_LIMIT_PER_MINUTE: '100000',
    GOOGLE_CLIENT_ID: gApp.clientId,
    GOOGLE_CLIENT_SECRET: gApp.clientSecret,
    GOOGLE_REDIRECT_URI: `${APP_URL}/api/integrations/google/callback`,
    GOOGLE_AUTH_BASE_URL: g.emu.baseUrl,
    GOOGLE_API_BASE_URL: g.emu.baseUrl,
    GOOGLE_CA_FILE: g.emu.caFile,
    SYNC_WINDOW_PAST_DAYS: '30',
    SYNC_WINDOW_FUTURE_DAYS: '200',
  });
  runtime = await createRuntime(config, {
    database: await createTestDatabase(),
    logStream: new PassThrough(),
    dev: {
      emulators: { microsoft: { baseUrl: ms.emu.baseUrl, caFile: ms.emu.caFile }, google: null },
      demo: null,
      close: async () => undefined,
    },
    publicUrl: () => APP_URL,
  });
  container = runtime.container;
  sync = runtime.sync.sync;
  app = await runtime.http();
  const msAdmin = (path: string) =>
    undiciFetch(`${ms.emu.baseUrl}/_emulator${path}`, {
      method: 'POST',
      dispatcher: ms.agent,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
  sides.MICROSOFT = await addSide('MICROSOFT', (url) => followAuthorize(ms.agent, url), {
    revoke: async (email) => {
      const id = ms.emu.directory.getUser(email)!.id;
      await msAdmin(`/users/${id}/revoke`);
      await msAdmin(`/users/${id}/expire-tokens`);
    },
    faults: (on) => {
      ms.emu.faults.update(
        on
          ? {
              seed: 3,
              throttle: { enabled: true, requestsPerWindow: 3, windowSeconds: 1, concurrentRequests: 4 },
              errors: { rate: 0.1, statuses: [503, 504], retryAfterSeconds: 0 },
            }
          : {
              throttle: { enabled: true, requestsPerWindow: 10_000, windowSeconds: 600, concurrentRequests: 4 },
              errors: { rate: 0, statuses: [503, 504], retryAfterSeconds: 0 },
            },
      );
    },
    throttled: () => {
      const c = ms.emu.requestLog.counts().byStatus;
      return (c['429'] ?? 0) + (c['503'] ?? 0) + (c['504'] ?? 0);
    },
  });
  sides.GOOGLE = await addSide('GOOGLE', (url) => followGoogleAuthorize(g.agent, url), {
    revoke: async (email) => {
      g.emu.oauth.revokeUser(email);
      g.emu.clock.advance(2 * 3600_000);
    },
    faults: (on) => {
      g.emu.faults.update(
        on
          ? {
              seed: 3,
              throttle: { enabled: true, requestsPerWindow: 3, windowSeconds: 1, status: 403 },
              errors: { rate: 0.1, statuses: [500, 503] },
            }
          : { throttle: { enabled: false }, errors: { rate: 0 } },
      );
    },
    throttled: () => {
      const c = g.emu.requestLog.counts().byStatus;
      return (c['403'] ?? 0) + (c['429'] ?? 0) + (c['500'] ?? 0) + (c['503'] ?? 0);
    },
  });
}, 120_000);

afterAll(async () => {
  const rows = SCENARIOS.map(
    ([name]) => `| ${name} | ${table.get(name)?.MICROSOFT ?? 'not run'} | ${table.get(name)?.GOOGLE ?? 'not run'} |`,
  );
  process.stdout.write(
    [
      '',
      '| scenario | Microsoft 365 (emulator) | Google Calendar (emulator) |',
      '| --- | --- | --- |',
      ...rows,
      '',
    ].join('\n'),
  );
  for (const c of closers.reverse()) await c();
  await runtime?.close();
  await ms?.close();
  await g?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(['MICROSOFT', 'GOOGLE'] as const)('parity: %s', (type) => {
  for (const [name, run] of SCENARIOS) {
    it(
      name,
      async () => {
        const row = table.get(name) ?? {};
        table.set(name, row);
        try {
          await run(sides[type]);
          row[type] = 'pass';
        } catch (e) {
          row[type] = `FAIL: ${((e as Error).message ?? String(e)).split('\n')[0]!.slice(0, 80)}`;
          throw e;
        }
      },
      60_000,
    );
  }
});
