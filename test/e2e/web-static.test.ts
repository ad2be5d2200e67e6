// Serving the web app over HTTP: compressed assets (the build's .br/.gz, else compressed by the server), cache headers
// (hashed assets immutable for a year, index.html no-cache), and the app with a 404 for an unknown page a browser asks
// for, while API clients and every /api path keep the JSON route_not_found.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/http/app-deps.js';
import { installErrorHandling } from '../../src/http/error-handler.js';
import { chooseEncoding, webRoutes } from '../../src/http/routes/web.js';
import { ErrorResponse } from '../../src/http/schemas.js';
import { createTestServer } from '../support/server.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP GET (no automatic decompression), so the test sees exactly what went over the wire. */
function get(base: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, base), { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const HTML = '<!doctype html><html><head><title>calbridge</title></head><body><div id="root"></div></body></html>';
const JS = `console.log(${JSON.stringify('calbridge '.repeat(400))});`;
const CSS = `.a{color:red}`.repeat(200);

describe('serving the web app: compression, cache headers, unknown pages', () => {
  let app: FastifyInstance;
  let base: string;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cb-dist-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), HTML);
    writeFileSync(join(dir, 'assets', 'index-Ab12Cd34.js'), JS);
    // precompressed as the build writes it: brotli only, so gzip is made by the server
    writeFileSync(join(dir, 'assets', 'index-Ab12Cd34.js.br'), brotliCompressSync(JS));
    writeFileSync(join(dir, 'assets', 'index-Ef56Gh78.css'), CSS);
    writeFileSync(join(dir, 'assets', 'logo-Zz99.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    app = Fastify();
    app.addSchema(ErrorResponse);
    installErrorHandling(app);
    // the web module alone (it uses none of the app's services)
    await webRoutes({ distDir: async () => dir, redeemDemoLogin: async () => null, meetingBody: async () => null })(
      app,
      {} as AppDeps,
    );
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends hashed assets compressed with brotli or gzip as the client accepts, immutable for a year', async () => {
    const br = await get(base, '/assets/index-Ab12Cd34.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['vary']).toMatch(/accept-encoding/i);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(br.body).toString()).toBe(JS);
    expect(br.body.length).toBeLessThan(JS.length / 4);

    const gz = await get(base, '/assets/index-Ab12Cd34.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(JS);

    const css = await get(base, '/assets/index-Ef56Gh78.css', { 'accept-encoding': 'br;q=0, gzip;q=0.5' });
    expect(css.headers['content-encoding']).toBe('gzip');
    expect(css.headers['content-type']).toMatch(/text\/css/);
    expect(gunzipSync(css.body).toString()).toBe(CSS);

    const plain = await get(base, '/assets/index-Ab12Cd34.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(JS);

    // images are not compressed again; the .br files themselves are not served
    const png = await get(base, '/assets/logo-Zz99.png', { 'accept-encoding': 'br' });
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.headers['content-type']).toBe('image/png');
    expect((await get(base, '/assets/index-Ab12Cd34.js.br')).status).toBe(404);
    const missing = await get(base, '/assets/nope-123.js', { accept: 'text/html' });
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-store');
  });

  it('sends index.html compressed and never cached without revalidation', async () => {
    const page = await get(base, '/calendar', { accept: 'text/html', 'accept-encoding': 'br' });
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(brotliDecompressSync(page.body).toString()).toBe(HTML);
  });

  it('answers an unknown page a browser asks for with the app and a 404; API clients and /api keep JSON', async () => {
    const page = await get(base, '/no-such-page/deeper?x=1', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.body.toString()).toContain('<div id="root">');

    const json = await get(base, '/no-such-page', { accept: 'application/json' });
    expect(json.status).toBe(404);
    expect(JSON.parse(json.body.toString()).error.code).toBe('route_not_found');

    const api = await get(base, '/api/no-such-route', { accept: 'text/html' });
    expect(api.status).toBe(404);
    expect(api.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(api.body.toString()).error.code).toBe('route_not_found');
  });

  it('chooses the encoding from Accept-Encoding', () => {
    expect(chooseEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(chooseEncoding('gzip')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('identity')).toBeNull();
    expect(chooseEncoding(undefined)).toBeNull();
  });
});

describe('the whole server: the app for unknown pages, the API untouched', () => {
  let s: Awaited<ReturnType<typeof createTestServer>>;
  let base: string;
  beforeAll(async () => {
    s = await createTestServer();
    base = await s.listen();
  }, 180_000);
  afterAll(async () => {
    await s?.close();
  });

  it('serves the built app (precompressed) for an unknown page, JSON for the API and API clients', async () => {
    const page = await get(base, '/nowhere', { accept: 'text/html', 'accept-encoding': 'gzip, br' });
    expect(page.status).toBe(404);
    expect(page.headers['content-encoding']).toBe('br');
    const html = brotliDecompressSync(page.body).toString();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await get(base, asset, { 'accept-encoding': 'gzip, br' });
    expect(js.headers['content-encoding']).toBe('br');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(js.body).length).toBeGreaterThan(js.body.length * 2);
    // the precompressed file is the same script as the plain one (written after every plugin has run, so it holds
    // no build placeholder such as __VITE_PRELOAD__)
    const identity = await get(base, asset);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(brotliDecompressSync(js.body).equals(identity.body)).toBe(true);
    const gz = await get(base, asset, { 'accept-encoding': 'gzip' });
    expect(gunzipSync(gz.body).equals(identity.body)).toBe(true);

    // the pages are chunks of their own, loaded when shown (web/src/App.tsx): the entry imports the calendar page
    // dynamically, and that chunk (hashed name) is cached for a year and sent compressed like the entry
    const entry = identity.body.toString();
    const lazy = /import\(`\.\/(calendar-[\w-]+\.js)`\)/.exec(entry)?.[1];
    expect(lazy, 'the calendar page is a lazily imported chunk').toBeDefined();
    // FullCalendar is not in what the first page loads (the entry's static imports, index.html's preloads)
    const firstLoad = [...entry.matchAll(/(?:from|import)\s*["']\.\/([\w.-]+\.js)["']/g)].map((m) => m[1]!);
    expect(firstLoad.length).toBeGreaterThan(0);
    expect(firstLoad.join(' ') + html).not.toMatch(/fullcalendar|calendar-/);
    const chunk = await get(base, `/assets/${lazy}`, { 'accept-encoding': 'gzip, br' });
    expect(chunk.status).toBe(200);
    expect(chunk.headers['content-encoding']).toBe('br');
    expect(chunk.headers['content-type']).toMatch(/javascript/);
    expect(chunk.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(chunk.body).toString()).toMatch(/fullcalendar-[\w-]+\.js/);

    for (const path of ['/api/nowhere', '/healthz/x']) {
      const r = await get(base, path, { accept: 'text/html' });
      expect(r.status, path).toBe(path.startsWith('/api') ? 401 : 404);
      expect(r.headers['content-type'], path).toMatch(/application\/json/);
    }
    expect((await get(base, '/healthz')).status).toBe(200);
    expect((await get(base, '/docs/json')).status).toBe(200);
  }, 120_000);
});
