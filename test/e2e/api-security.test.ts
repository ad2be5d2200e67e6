// Generated from the OpenAPI document, so every route is covered as routes are added:
// tenant isolation (another tenant's ids → 404, nothing leaks) and property-based fuzzing (never a 5xx or a stack trace).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer } from '../support/server.js';

type Server = Awaited<ReturnType<typeof createTestServer>>;
type Tenant = Awaited<ReturnType<Server['newTenant']>>;
interface Op {
  method: string;
  path: string;
  public: boolean;
}

let s: Server;
let a: Tenant;
let b: Tenant;
let ops: Op[];
const MARK = 'Zyxwv-secret-customer';

beforeAll(async () => {
  s = await createTestServer();
  a = await s.newTenant('Tenant A');
  b = await s.newTenant('Tenant B');
  const doc = (await s.app.inject({ url: '/docs/json' })).json() as {
    paths: Record<string, Record<string, { security?: unknown[] }>>;
  };
  ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([m, op]) => ({
        method: m.toUpperCase(),
        path,
        public: Array.isArray(op.security) && op.security.length === 0,
      })),
  );
  // Tenant A owns objects whose ids tenant B will try.
  const c = await s.app.inject({
    method: 'POST',
    url: '/api/customers',
    headers: a.auth,
    payload: { name: MARK, domains: ['zyxwv.example'], stakeholders: [{ email: 'boss@zyxwv.example', role: 'CEO' }] },
  });
  expect(c.statusCode).toBe(201);
});

afterAll(async () => {
  await s?.close();
});

/** Every id tenant A can see through its own list endpoints. */
async function idsOfTenantA(): Promise<string[]> {
  const ids = new Set<string>();
  for (const op of ops.filter((o) => o.method === 'GET' && !o.path.includes('{') && o.path.startsWith('/api/'))) {
    const r = await s.app.inject({ url: op.path, headers: a.auth });
    // JSON answers only (the audit export is JSON lines)
    if (r.statusCode !== 200 || !String(r.headers['content-type']).startsWith('application/json')) continue;
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (/id$/i.test(k) && typeof x === 'string' && /^[0-9a-f-]{36}$/i.test(x)) ids.add(x);
          walk(x);
        }
      }
    };
    walk(r.json());
  }
  return [...ids].filter((id) => id !== a.tenantId && id !== a.userId);
}

const fill = (path: string, value: string) => path.replace(/\{[^}]+\}/g, value);

describe('tenant isolation (every route with ids)', () => {
  it("answers 404 to tenant B for each of tenant A's ids and never returns A's data", async () => {
    const ids = await idsOfTenantA();
    expect(ids.length).toBeGreaterThan(0);
    const withIds = ops.filter((o) => o.path.includes('{') && !o.public);
    expect(withIds.length).toBeGreaterThan(0);
    let checked = 0;
    for (const op of withIds) {
      for (const id of ids) {
        const r = await s.app.inject({
          method: op.method as 'GET',
          url: fill(op.path, id),
          headers: { ...b.auth, 'content-type': 'application/json' },
          payload: op.method === 'GET' || op.method === 'DELETE' ? undefined : {},
        });
        expect(r.statusCode, `${op.method} ${op.path} with A's id`).toBeGreaterThanOrEqual(400);
        expect(r.statusCode, `${op.method} ${op.path}`).not.toBe(500);
        expect(r.body).not.toContain(MARK);
        if (r.statusCode !== 400) expect(r.statusCode, `${op.method} ${op.path}`).toBe(404);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
    // And tenant A still has its customer.
    const list = (await s.app.inject({ url: '/api/customers', headers: a.auth })).json() as {
      items: Array<{ name: string }>;
    };
    expect(list.items.map((x) => x.name)).toContain(MARK);
  });

  it('requires an API key on every non-public /api route', async () => {
    for (const op of ops.filter((o) => o.path.startsWith('/api/') && !o.public)) {
      const r = await s.app.inject({
        method: op.method as 'GET',
        url: fill(op.path, '00000000-0000-4000-8000-000000000000'),
      });
      expect(r.statusCode, `${op.method} ${op.path}`).toBe(401);
    }
  });
});

describe('fuzzing every route', () => {
  it('never answers 5xx or a stack trace to arbitrary bodies, queries and path parameters', async () => {
    const jsonValue = fc.jsonValue({ maxDepth: 3 });
    const pathParam = fc.oneof(
      fc.uuid(),
      fc.string({ maxLength: 40 }),
      fc.constantFrom('..', '%00', "' OR 1=1 --", '😀', ''),
    );
    const query = fc.dictionary(
      fc.constantFrom('limit', 'offset', 'start', 'end', 'search', 'customerId', 'calendarId', 'validationToken', 'x'),
      fc.string({ maxLength: 30 }),
      { maxKeys: 4 },
    );
    for (const op of ops.filter((o) => o.path.startsWith('/api/'))) {
      await fc.assert(
        fc.asyncProperty(jsonValue, pathParam, query, async (body, param, q) => {
          const url = fill(op.path, encodeURIComponent(param) || 'x') + '?' + new URLSearchParams(q).toString();
          const r = await s.app.inject({
            method: op.method as 'POST',
            url,
            headers: { ...a.auth, 'content-type': 'application/json' },
            payload: op.method === 'GET' || op.method === 'DELETE' ? undefined : JSON.stringify(body),
          });
          // A provider that is not configured on this server is a documented 503, not a crash.
          const documented =
            r.statusCode === 503 && /"code":"(provider_unavailable|database_unavailable)"/.test(r.body);
          if (!documented)
            expect(
              r.statusCode,
              `${op.method} ${url} ${JSON.stringify(body).slice(0, 200)} → ${r.body.slice(0, 300)}`,
            ).toBeLessThan(500);
          expect(r.body).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
        }),
        { numRuns: 25, seed: 20261122 },
      );
    }
  });
});
