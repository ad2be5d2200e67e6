// The web app calls only operations the API has: every path its code sends (api.get/post/…, useApiQuery, request) is
// an operation of the committed openapi.json, and not a deprecated alias. The types (calbridge/client's api.gen.ts)
// check the typed calls already; this also covers the untyped `request(...)` calls and the deprecation flags the types
// do not carry. And the served pages never shadow the API.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer } from '../support/server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Call {
  where: string;
  method: string;
  paths: string[];
}

/** Every string literal inside an expression (a method, a path, or each branch of a `cond ? '/a' : '/b'`). */
function literals(node: ts.Node, consts: Map<string, ts.Expression>): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isIdentifier(node) && consts.has(node.text)) return literals(consts.get(node.text)!, consts);
  // A path made by a function (`path(ep, '/test')`) cannot be read: write `/api/x/{id}/test` with `params` instead.
  if (ts.isCallExpression(node) || ts.isTemplateExpression(node)) return [];
  const out: string[] = [];
  node.forEachChild((c) => {
    out.push(...literals(c, consts));
  });
  return out;
}

/** The API calls of one source file: `api.<method>(path, …)`, `useApiQuery(path, …)` (GET), `request(method, path, …)`. */
function callsOf(file: string): Call[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const consts = new Map<string, ts.Expression>();
  const calls: Call[] = [];
  const pathsIn = (node: ts.Node) => literals(node, consts).filter((t) => t.startsWith('/'));
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer)
      consts.set(node.name.text, node.initializer);
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const where = `${relative(ROOT, file)}:${src.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
      const [first, second] = node.arguments;
      if (
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === 'api' &&
        (METHODS as readonly string[]).includes(callee.name.text) &&
        first
      )
        calls.push({ where, method: callee.name.text, paths: pathsIn(first) });
      else if (ts.isIdentifier(callee) && callee.text === 'useApiQuery' && first)
        calls.push({ where, method: 'get', paths: pathsIn(first) });
      else if (ts.isIdentifier(callee) && callee.text === 'request' && first && second)
        calls.push({ where, method: literals(first, consts)[0] ?? '?', paths: pathsIn(second) });
    }
    node.forEachChild(visit);
  };
  visit(src);
  return calls;
}

/** The app's sources, without tests and without the two generic layers that pass any path on (api/client.ts, query.ts). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    const generic = ['api/client.ts', 'query.ts'].some((g) => path.endsWith(`web/src/${g}`));
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !generic ? [path] : [];
  });
}

describe("the web app's API calls", () => {
  const doc = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8')) as {
    paths: Record<string, Record<string, { deprecated?: boolean }>>;
  };
  const calls = sources(join(ROOT, 'web/src')).flatMap(callsOf);

  it('finds the calls (the scan itself works)', () => {
    expect(calls.length).toBeGreaterThan(60);
    expect(calls.some((c) => c.method === 'get' && c.paths.includes('/api/auth/session'))).toBe(true);
    expect(
      callsOf(join(ROOT, 'web/src/pages/settings-provider.tsx')).some((c) =>
        c.paths.includes('/api/integrations/google/disconnect'),
      ),
    ).toBe(true);
  });

  const problemsOf = (list: Call[]) => {
    const problems: string[] = [];
    for (const c of list) {
      if (!c.paths.length)
        problems.push(
          `${c.where}: the path is not a string literal: write the operation's path (/api/x/{id}) and pass params`,
        );
      for (const path of c.paths) {
        const op = doc.paths[path]?.[c.method.toLowerCase()];
        if (!op) problems.push(`${c.where}: ${c.method.toUpperCase()} ${path} is not an operation of openapi.json`);
        else if (op.deprecated) problems.push(`${c.where}: ${c.method.toUpperCase()} ${path} is deprecated`);
      }
    }
    return problems;
  };

  it('are all operations of openapi.json, none of them a deprecated alias', () => {
    expect(problemsOf(calls)).toEqual([]);
  });

  it('would report an unknown path, a deprecated alias and a path it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-web-calls-'));
    try {
      const file = join(dir, 'page.tsx');
      writeFileSync(
        file,
        [
          "await api.get('/api/no-such-thing');",
          "await api.get('/api/outlook/calendar/events', { query: {} });",
          'await api.post(somePath(), {});',
          "await request('delete', '/api/customers/{id}', { params: { id } });",
        ].join('\n'),
      );
      const problems = problemsOf(callsOf(file));
      expect(problems).toHaveLength(3);
      expect(problems[0]).toMatch(/GET \/api\/no-such-thing is not an operation/);
      expect(problems[1]).toMatch(/GET \/api\/outlook\/calendar\/events is deprecated/);
      expect(problems[2]).toMatch(/not a string literal/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('serving the web app', () => {
  let s: Awaited<ReturnType<typeof createTestServer>>;
  beforeAll(async () => {
    s = await createTestServer();
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('answers client routes with the app and a strict CSP, and leaves API, docs and health alone', async () => {
    for (const url of [
      '/',
      '/settings?connected=outlook',
      '/customers/0b6f0a5e-0000-4000-8000-000000000000',
      '/chat',
      '/signin?error=signin_failed',
      '/admin/users',
      '/approvals/0b6f0a5e-0000-4000-8000-000000000000',
      // the same app under /app: where sign-in returns and e-mailed links point
      '/app',
      '/app/signin?error=signin_not_allowed',
      '/app/approvals/0b6f0a5e-0000-4000-8000-000000000000',
    ]) {
      const res = await s.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    }
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec((await s.app.inject({ url: '/' })).body)![1]!;
    const js = await s.app.inject({ url: asset });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect((await s.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await s.app.inject({ url: '/docs/json' })).statusCode).toBe(200);
    expect((await s.app.inject({ url: '/api/customers' })).statusCode).toBe(401);
    const unknown = await s.app.inject({ url: '/no-such-page' });
    expect(unknown.statusCode).toBe(404);
    expect((unknown.json() as { error: { code: string } }).error.code).toBe('route_not_found');
    expect((await s.app.inject({ url: '/assets/..%2F..%2Fpackage.json' })).statusCode).toBe(404);
  }, 120_000);

  it('refuses a demo login outside the embedded demo', async () => {
    const res = await s.app.inject({ method: 'POST', url: '/api/web/demo-login', payload: { token: 'x'.repeat(32) } });
    expect(res.statusCode).toBe(401);
  });
});
