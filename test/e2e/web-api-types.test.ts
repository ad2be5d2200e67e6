// The web app's generated API types match the server's OpenAPI document; the served pages never shadow the API.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTypes, serverOpenApi, TYPES_FILE, tsType } from '../../web/scripts/gen-api-types.js';
import { createTestServer } from '../support/server.js';

describe('generated API types', () => {
  it('web/src/api/types.gen.ts is up to date (regenerate: npx tsx web/scripts/gen-api-types.ts)', async () => {
    const expected = await renderTypes(await serverOpenApi());
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(expected);
  }, 180_000);

  it('maps JSON Schema to TypeScript', () => {
    expect(tsType({ type: ['string', 'null'] })).toBe('string | null');
    expect(tsType({ anyOf: [{ const: 'a' }, { const: 'b' }] })).toBe('"a" | "b"');
    expect(tsType({ type: 'array', items: { $ref: '#/components/schemas/Customer' } })).toBe(
      'Array<Schemas["Customer"]>',
    );
    expect(tsType({ type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] })).toBe(
      '{\n  a: number;\n}',
    );
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
