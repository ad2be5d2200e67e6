// calbridge/client against the real server (createTestServer, listening on a port): typed calls, errors with their
// stable codes, the pagers over an offset-paged and a keyset-paged list, the retry after a 429 honouring its Retry-After, and the
// generated types in step with the committed OpenAPI document.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { CalbridgeApiError, createCalbridgeClient, cursorPages, pages, retryAfterMs } from '../../src/client/index.js';
import { createTestServer } from '../support/server.js';

type Server = Awaited<ReturnType<typeof createTestServer>>;
let s: Server;
let limited: Server;
let url: string;
let limitedUrl: string;

beforeAll(async () => {
  s = await createTestServer({ PORT: '0' });
  url = await s.listen();
  limited = await createTestServer({ PORT: '0', RATE_LIMIT_PER_MINUTE: '2' });
  limitedUrl = await limited.listen();
}, 120_000);

afterAll(async () => {
  await s?.close();
  await limited?.close();
});

describe('calbridge/client', () => {
  it('creates and reads customers with typed calls and pages through them', async () => {
    const t = await s.newTenant('Client Co');
    const api = createCalbridgeClient({ baseUrl: url, apiKey: t.apiKey });
    const names = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli'];
    for (const [i, name] of names.entries())
      await api.ok(api.POST('/api/customers', { body: { name, domains: [`c${i}.example`] } }));
    const me = await api.ok(api.GET('/api/me'));
    expect(me.tenant.id).toBe(t.tenantId);
    const seen: string[] = [];
    for await (const c of pages(
      (offset, limit) => api.ok(api.GET('/api/customers', { params: { query: { offset, limit } } })),
      2,
    ))
      seen.push(c.name);
    expect(seen.sort()).toEqual([...names].sort());
  });

  it('walks the events list by keyset: every meeting once, in order, while meetings are added behind and ahead', async () => {
    const t = await s.newTenant('Cursor Co');
    const api = createCalbridgeClient({ baseUrl: url, apiKey: t.apiKey });
    let n = 0;
    const insert = async (start: string) => {
      n += 1;
      await s.container.database.db
        .insertInto('meetings')
        .values({
          tenant_id: t.tenantId,
          user_id: t.userId,
          calendar_id: null,
          provider: 'MICROSOFT',
          ical_uid: `cursor-${n}`,
          subject: `Meeting ${n}`,
          start_at: new Date(start),
          end_at: new Date(Date.parse(start) + 1_800_000),
          attendees: sql`'[]'::jsonb`,
          event_type: 'singleInstance',
        } as never)
        .execute();
      return `Meeting ${n}`;
    };
    // seven meetings, two sharing a start (the id breaks the tie)
    const hours = [9, 10, 10, 11, 13, 15, 16];
    const inserted: string[] = [];
    for (const h of hours) inserted.push(await insert(`2026-06-02T${String(h).padStart(2, '0')}:00:00Z`));
    // total=false: the first page (no cursor yet) would count every match by default, as offset pages do
    const query = { start: '2026-06-01T00:00:00Z', end: '2026-06-08T00:00:00Z', total: false };
    const seen: Array<{ subject: string; start: string }> = [];
    let calls = 0;
    for await (const e of cursorPages(async (cursor, limit) => {
      calls += 1;
      const page = await api.ok(api.GET('/api/calendar/events', { params: { query: { ...query, limit, cursor } } }));
      expect(page.total, 'no page counts when total=false').toBeUndefined();
      return page;
    }, 2)) {
      seen.push({ subject: e.subject, start: e.start });
      // after the first item: one meeting before the walk's position (never listed) and one after it (listed once)
      if (seen.length === 1) {
        await insert('2026-06-02T08:00:00Z');
        inserted.push(await insert('2026-06-03T09:00:00Z'));
      }
    }
    expect(seen.map((e) => e.subject).sort()).toEqual([...inserted].sort());
    expect(new Set(seen.map((e) => e.subject)).size).toBe(seen.length);
    const starts = seen.map((e) => Date.parse(e.start));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    // 8 items in pages of 2, the last page full: one more call answers an empty page with no cursor
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(calls).toBeLessThanOrEqual(5);
  });

  it('throws a CalbridgeApiError with the status, the stable code and the request id', async () => {
    const t = await s.newTenant('Errors Co');
    const api = createCalbridgeClient({ baseUrl: url, apiKey: t.apiKey });
    const e1 = await api
      .ok(api.GET('/api/customers/{id}', { params: { path: { id: '00000000-0000-4000-8000-000000000000' } } }))
      .catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(CalbridgeApiError);
    expect((e1 as CalbridgeApiError).status).toBe(404);
    expect((e1 as CalbridgeApiError).code).toBe('not_found');
    expect((e1 as CalbridgeApiError).requestId).toBeTruthy();
    const nobody = createCalbridgeClient({ baseUrl: url, apiKey: 'cb_not-a-key' });
    const e2 = await nobody.ok(nobody.GET('/api/me')).catch((e: unknown) => e);
    expect((e2 as CalbridgeApiError).status).toBe(401);
    expect(String(e2)).not.toContain('cb_not-a-key');
  });

  it('signs in with a session cookie: the CSRF token goes with writes only, and an API key wins over the session', async () => {
    const t = await s.newTenant('Session Co');
    const user = (await s.container.tenantStore.getUser(t.tenantId, t.userId))!;
    const { token } = await s.container.sessions.start(user, { provider: 'microsoft' });
    // Node's fetch keeps no cookies: this one plays the browser's part and records what the client sent.
    const sent: Array<{ method: string; csrf: string | null; auth: string | null }> = [];
    const browser = (request: Request) => {
      sent.push({
        method: request.method,
        csrf: request.headers.get('x-csrf-token'),
        auth: request.headers.get('authorization'),
      });
      request.headers.set('cookie', `cb_session=${token}`);
      return fetch(request);
    };
    let csrf: string | null = null;
    const api = createCalbridgeClient({ baseUrl: url, fetch: browser, session: { csrfToken: () => csrf } });
    const session = await api.ok(api.GET('/api/auth/session'));
    expect(session.via).toBe('session');
    expect(session.userId).toBe(t.userId);
    // Without the token a write is refused with its stable code; with it, it goes through.
    const refused = await api
      .ok(api.POST('/api/customers', { body: { name: 'Acme', domains: ['acme-session.example'] } }))
      .catch((e: unknown) => e);
    expect((refused as CalbridgeApiError).code).toBe('csrf_failed');
    csrf = session.csrfToken;
    const created = await api.ok(
      api.POST('/api/customers', { body: { name: 'Acme', domains: ['acme-session.example'] } }),
    );
    expect(created.name).toBe('Acme');
    expect(sent.map((x) => `${x.method} ${x.csrf ? 'csrf' : '-'}`)).toEqual(['GET -', 'POST -', 'POST csrf']);
    expect(sent.at(-1)!.csrf).toBe(session.csrfToken);
    // A key asked for per request: when there is one it authenticates, and no CSRF token is sent with it.
    let key: string | null = null;
    const both = createCalbridgeClient({
      baseUrl: url,
      fetch: browser,
      apiKey: () => key,
      session: { csrfToken: () => csrf },
    });
    key = t.apiKey;
    sent.length = 0;
    await both.ok(both.POST('/api/customers', { body: { name: 'Globex', domains: ['globex-session.example'] } }));
    expect(sent).toEqual([{ method: 'POST', csrf: null, auth: `Bearer ${t.apiKey}` }]);
  });

  it('waits out a 429 for its Retry-After and tries again; without retries the 429 is the answer', async () => {
    const t = await limited.newTenant('Busy Co');
    const waits: number[] = [];
    // The limiter's window is a minute: the test records each wait instead of sitting through it.
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const noRetry = createCalbridgeClient({ baseUrl: limitedUrl, apiKey: t.apiKey, retries: 0 });
    let last: Response | null = null;
    for (let i = 0; i < 4; i++) last = (await noRetry.GET('/api/me')).response;
    expect(last!.status).toBe(429);
    const asked = retryAfterMs(last!.headers.get('retry-after'));
    expect(asked).toBeGreaterThan(0);
    const retrying = createCalbridgeClient({
      baseUrl: limitedUrl,
      apiKey: t.apiKey,
      retries: 2,
      maxRetryDelayMs: 120_000,
      sleep,
    });
    const e = await retrying.ok(retrying.GET('/api/me')).catch((x: unknown) => x);
    // Still limited after both retries (the window has not passed): the client waited what the server asked each time.
    expect((e as CalbridgeApiError).status).toBe(429);
    expect((e as CalbridgeApiError).code).toBe('rate_limited');
    expect(waits).toHaveLength(2);
    for (const w of waits) expect(Math.abs(w - asked!)).toBeLessThanOrEqual(2000);
    // A Retry-After longer than the client will wait returns the 429 at once.
    const impatient = createCalbridgeClient({ baseUrl: limitedUrl, apiKey: t.apiKey, maxRetryDelayMs: 1, sleep });
    const before = waits.length;
    expect((await impatient.GET('/api/me')).response.status).toBe(429);
    expect(waits).toHaveLength(before);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs(new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(30_000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });

  it('has types generated from the committed openapi.json (npm run gen:client)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calbridge-client-'));
    try {
      const out = join(dir, 'api.gen.ts');
      execFileSync(process.execPath, ['node_modules/openapi-typescript/bin/cli.js', 'openapi.json', '-o', out], {
        stdio: 'pipe',
      });
      const committed = 'src/client/api.gen.ts';
      const fresh = await format(readFileSync(out, 'utf8'), {
        ...(await resolveConfig(committed)),
        filepath: committed,
      });
      expect(fresh === readFileSync(committed, 'utf8'), 'src/client/api.gen.ts is stale: run npm run gen:client').toBe(
        true,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
