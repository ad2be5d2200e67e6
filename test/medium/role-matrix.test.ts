// The role matrix (issue 17): every /api/ route the real app registers — core, every feature module, the Outlook and
// Google integrations, the web app — is called with no caller and with an API key of each role. No caller: 401 on
// every non-public route. A role below the route's: 403 role_required, whatever the body (the check runs before
// validation). The route's role or above: never 401, never 403 role_required. Also: every route is in ROUTE_ACCESS
// and every entry of ROUTE_ACCESS is a route; the `public` entries are exactly the paths the auth hook lets through;
// the table in docs/security.md is ROUTE_ACCESS (regenerate: npm run gen:security-doc). One app, one tenant, inject.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_ACCESS, accessKey, type Access } from '../../src/http/access.js';
import { ROLES, roleIncludes, type Role } from '../../src/domain/tenancy.js';
import { SECURITY_DOC, matrixInDoc, normalizeTable, renderMatrix } from '../../scripts/gen-security-doc.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
const keys = {} as Record<Role, string>;

beforeAll(async () => {
  t = await createTestApp({ RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_TENANT_PER_MINUTE: '100000' });
  const tenant = await t.container.tenants.createTenant({ name: 'Matrix Co', calendarProvider: 'MICROSOFT' });
  for (const role of ROLES) {
    const k = await t.container.tenants.createApiKey(tenant.id, `${role}@matrix.example`, { role });
    keys[role] = `Bearer ${k.apiKey}`;
  }
}, 60_000);
afterAll(async () => t?.close());

/**
 * Every route of the app as `METHOD /path`, read from Fastify's route tree (printRoutes without common prefixes: one
 * line per node, four columns of drawing per level, methods in brackets on route nodes). HEAD follows its GET.
 */
function registeredRoutes(): Array<{ method: string; url: string }> {
  const text = t.app.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const out: Array<{ method: string; url: string }> = [];
  for (const line of text.split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const url = stack.join('');
    for (const method of m[3]?.split(', ') ?? []) if (method !== 'HEAD') out.push({ method, url });
  }
  return out;
}

const apiRoutes = () => registeredRoutes().filter((r) => r.url.startsWith('/api/'));

/** A concrete URL for a route: each parameter a well-formed id, a wildcard a plain segment. */
const concrete = (url: string) =>
  url
    .replace(/:provider\b/g, 'microsoft')
    .replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000')
    .replace(/\*/g, 'x');

const send = (method: string, url: string, authorization?: string) =>
  t.app.inject({
    method: method as 'GET',
    url: concrete(url),
    headers: authorization ? { authorization } : {},
    ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
  });

describe('role matrix', () => {
  it('finds the routes of every module (core, features, Outlook, Google, users, audit)', () => {
    const keysFound = new Set(apiRoutes().map((r) => accessKey(r.method, r.url)));
    for (const k of [
      'GET /api/me',
      'GET /api/customers',
      'GET /api/proposals',
      'POST /api/integrations/outlook/connect',
      'POST /api/integrations/google/connect',
      'POST /api/webhooks/microsoft/notifications',
      'PATCH /api/users/:id',
      'GET /api/audit/export',
    ])
      expect(keysFound, k).toContain(k);
  });

  it('has every route in ROUTE_ACCESS, and no entry without its route', () => {
    const registered = new Set(apiRoutes().map((r) => accessKey(r.method, r.url)));
    expect(
      [...registered].filter((k) => !(k in ROUTE_ACCESS)),
      'routes without an access rule',
    ).toEqual([]);
    expect(
      Object.keys(ROUTE_ACCESS).filter((k) => !registered.has(k)),
      'stale ROUTE_ACCESS entries',
    ).toEqual([]);
  });

  it('names as public exactly the paths the auth hook lets through without a caller', () => {
    const wrong = apiRoutes()
      .map((r) => ({ key: accessKey(r.method, r.url), access: ROUTE_ACCESS[accessKey(r.method, r.url)] }))
      .filter(({ key, access }) => (access === 'public') !== t.app.isPublicPath(concrete(key.split(' ')[1]!)));
    expect(wrong).toEqual([]);
  });

  it('answers 401 without a caller, 403 role_required below the role, neither at or above it', async () => {
    const failures: string[] = [];
    for (const { method, url } of apiRoutes()) {
      const key = accessKey(method, url);
      const access: Access | undefined = ROUTE_ACCESS[key];
      if (!access || access === 'public') continue;
      const anonymous = await send(method, url);
      if (anonymous.statusCode !== 401) failures.push(`${key} without a caller: ${anonymous.statusCode}`);
      for (const role of ROLES) {
        const res = await send(method, url, keys[role]);
        const code = res.statusCode === 403 ? (res.json() as { error: { code: string } }).error.code : null;
        if (roleIncludes(role, access)) {
          if (res.statusCode === 401 || code === 'role_required')
            failures.push(`${key} as ${role} (needs ${access}): ${res.statusCode} ${code ?? ''}`);
        } else if (code !== 'role_required') {
          failures.push(`${key} as ${role} (needs ${access}): ${res.statusCode} ${code ?? res.body.slice(0, 80)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('is the matrix docs/security.md shows (npm run gen:security-doc)', () => {
    const inDoc = matrixInDoc(readFileSync(SECURITY_DOC, 'utf8'));
    expect(inDoc, 'docs/security.md has the route-matrix markers').not.toBeNull();
    expect(normalizeTable(inDoc!)).toBe(normalizeTable(renderMatrix()));
  });
});
