// calbridge as an installed package: build (`npm run build`'s tsc and the web app), `npm pack`, install the tarball with
// its runtime dependencies only into an empty project, then with plain Node (no tsx, no TypeScript) import every entry
// point and use it — the Microsoft adapter against the emulator, the mock provider, the vault, the client, the whole
// runtime and the `calbridge` command — and type-check a TypeScript consumer against the shipped .d.ts. publint and
// arethetypeswrong check the package. Runs in the embedded pass only (it builds dist/ in the checkout, which two
// passes side by side would race on).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../../src/main/dev/index.js';
import { isBuildFresh } from '../../src/main/wiring/web.js';
import { serverUrl } from '../support/db.js';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  dependencies: Record<string, string>;
};
/** Runs a command; a failure's message carries what it printed (a failed build names its type errors). */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, ...env } });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${[stdout, stderr].filter(Boolean).join('\n').slice(-4000)}`, {
      cause: e,
    });
  }
}
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

if (serverUrl) console.log('*** SKIPPED package test: it runs in the embedded pass (it builds dist/ in the checkout)');

let dir: string;
let consumer: string;
let tarball: string;

describe.skipIf(!!serverUrl)('the packed calbridge package', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'calbridge-pack-'));
    if (!isBuildFresh()) await buildWebApp();
    // The same build script as the Dockerfile's (npm run build: a clean dist/ from tsconfig.build.json).
    run('npm', ['run', 'build', '--silent'], root);
    const packed = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root)) as [
      { filename: string },
    ];
    tarball = join(dir, packed[0].filename);
    consumer = join(dir, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    run(
      'npm',
      ['install', tarball, '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
      consumer,
    );
  }, 600_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ships the build, not the sources, and installs without tsx or TypeScript', () => {
    const installed = join(consumer, 'node_modules', 'calbridge');
    expect(existsSync(join(installed, 'dist', 'src', 'entry', 'index.js'))).toBe(true);
    expect(existsSync(join(installed, 'dist', 'src', 'entry', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(installed, 'web', 'dist', 'index.html'))).toBe(true);
    expect(existsSync(join(installed, 'src'))).toBe(false);
    expect(existsSync(join(consumer, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(join(consumer, 'node_modules', 'typescript'))).toBe(false);
    expect(pkg.dependencies.tsx).toBeUndefined();
  });

  it('imports every entry point with plain Node and uses each', () => {
    const script = `
      import assert from 'node:assert/strict';
      import { randomBytes } from 'node:crypto';
      import { mkdtempSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      const entries = ${JSON.stringify(Object.keys(pkg.exports).filter((k) => !k.endsWith('.json')))};
      const loaded = {};
      for (const e of entries) loaded[e] = await import(e === '.' ? 'calbridge' : 'calbridge/' + e.slice(2));

      // calbridge: the whole runtime on embedded PostgreSQL, migrated, answering /healthz.
      const { createRuntime, loadConfig, ERROR_CODES } = loaded['.'];
      assert.equal(ERROR_CODES.not_found.kind, 'not_found');
      const rt = await createRuntime(loadConfig({
        CALBRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'cb-')), CALBRIDGE_TEST_MODE: 'true',
        CALBRIDGE_START_EMULATOR: 'false', CALBRIDGE_EMBEDDED_WORKER: 'false', LOG_LEVEL: 'silent', PORT: '0',
      }));
      const app = await rt.http();
      assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
      await rt.close();

      // calbridge/emulator + calbridge/providers/microsoft: the adapter against the Microsoft emulator.
      const { startEmulator, userToken, startGoogleEmulator, trustEmulatorCa } = loaded['./emulator'];
      const ms = await startEmulator({ port: 0, autoConsent: true, quiet: true, dataDir: mkdtempSync(join(tmpdir(), 'emu-')) });
      try {
        const { createAgent, createGraphTransport, createMicrosoftProvider } = loaded['./providers/microsoft'];
        const mailbox = ms.users[0];
        const untrust = trustEmulatorCa(ms.caPem);
        const token = await userToken(ms.baseUrl, ms.app, mailbox);
        untrust();
        const provider = createMicrosoftProvider({
          graphBaseUrl: ms.baseUrl, transport: createGraphTransport({ agent: createAgent(null, ms.caPem) }), mailbox,
          roomsEnabled: false, token: async () => token.access_token,
        });
        const calendars = await provider.listCalendars();
        assert.ok(calendars.length >= 1, 'the mailbox has a calendar');
      } finally {
        await ms.close();
      }
      const g = await startGoogleEmulator({ port: 0, autoConsent: true, quiet: true, dataDir: mkdtempSync(join(tmpdir(), 'gemu-')) });
      assert.match(g.baseUrl, /^https:/);
      await g.close();
      assert.equal(typeof loaded['./providers/google'].createGoogleProvider, 'function');

      // calbridge/providers/mock: a booking on one mailbox is busy time for another.
      const { MockCalendarWorld, createMockProvider } = loaded['./providers/mock'];
      const world = new MockCalendarWorld();
      const a = createMockProvider({ world, mailbox: 'a@example.com' });
      await a.createEvent({ event: { subject: 'Session', start: '2030-01-07T10:00:00Z', end: '2030-01-07T11:00:00Z', timeZone: 'UTC' } });
      const fb = await a.getFreeBusy({ schedules: ['a@example.com'], start: '2030-01-07T09:00:00Z', end: '2030-01-07T12:00:00Z' });
      assert.ok(JSON.stringify(fb).includes('busy'), 'the session shows as busy');

      // calbridge/vault: encrypt, decrypt, and refuse the wrong binding.
      const { Keyring } = loaded['./vault'];
      const ring = new Keyring(randomBytes(32));
      const sealed = ring.encrypt('refresh-token', 'conn-1');
      assert.equal(ring.decrypt(sealed, 'conn-1'), 'refresh-token');
      assert.throws(() => ring.decrypt(sealed, 'conn-2'));

      // calbridge/oauth, calbridge/client, calbridge/ports.
      assert.equal(typeof loaded['./oauth'].TokenManager, 'function');
      assert.equal(typeof loaded['./oauth'].MsalOAuthClient, 'function');
      assert.equal(typeof loaded['./client'].createCalbridgeClient, 'function');
      assert.equal(loaded['./ports'].ERROR_CODES.rate_limited.kind, 'rate_limited');
      console.log('ENTRY POINTS OK ' + entries.length);
    `;
    writeFileSync(join(consumer, 'use.mjs'), script);
    const out = run(process.execPath, ['use.mjs'], consumer, { NODE_OPTIONS: '' });
    expect(out).toContain(`ENTRY POINTS OK ${Object.keys(pkg.exports).length - 2}`);
  }, 180_000);

  it('runs the calbridge command from the build', () => {
    const out = run(process.execPath, [join(consumer, 'node_modules', '.bin', 'calbridge'), '--help'], consumer);
    expect(out).toContain('Usage: calbridge');
    expect(out).toContain('worker');
  });

  it('serves over HTTP from the installed build with NODE_ENV=production: health, readiness, the web app, the API', async () => {
    const data = mkdtempSync(join(dir, 'data-'));
    const child = spawn(
      process.execPath,
      [join(consumer, 'node_modules', '.bin', 'calbridge'), 'serve', '--no-worker', '--json'],
      {
        cwd: consumer,
        stdio: ['ignore', 'pipe', 'pipe'],
        // Only what an operator sets: production, its own data dir (embedded PostgreSQL), no emulators.
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NODE_ENV: 'production',
          CALBRIDGE_DATA_DIR: data,
          CALBRIDGE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
          CALBRIDGE_START_EMULATOR: 'false',
          PUBLIC_BASE_URL: 'https://calbridge.example.test',
          HOST: '127.0.0.1',
          PORT: '0',
          LOG_LEVEL: 'warn',
        },
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    try {
      const started = await new Promise<{ url: string; role: string }>((resolveStart, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start line in 120 s:\n${out}`)), 120_000);
        child.on('exit', (code) => reject(new Error(`calbridge serve exited with ${code}:\n${out}`)));
        child.stdout.on('data', () => {
          for (const line of out.split('\n')) {
            if (!line.startsWith('{')) continue;
            const j = JSON.parse(line) as { event?: string; url: string; role: string };
            if (j.event === 'started') {
              clearTimeout(timer);
              resolveStart(j);
            }
          }
        });
      });
      expect(started.role).toBe('serve');
      // the built JavaScript ran, not the sources through tsx (there are none in the installed package)
      expect(out).not.toMatch(/tsx/);
      const health = await fetch(`${started.url}/healthz`);
      expect(health.status).toBe(200);
      const ready = await fetch(`${started.url}/readyz`);
      expect(ready.status).toBe(200);
      const app = await fetch(`${started.url}/app/`);
      expect(app.status).toBe(200);
      expect(app.headers.get('content-type')).toMatch(/text\/html/);
      expect(await app.text()).toMatch(/<script[^>]+src="[^"]*\/assets\/index-[^"]+\.js"/);
      const me = await fetch(`${started.url}/api/me`);
      expect(me.status).toBe(401);
      expect(((await me.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    }
  }, 180_000);

  it('builds the image with scripts that exist and deploys commands the built calbridge has', () => {
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const used = [...dockerfile.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(used).toEqual(expect.arrayContaining(['build', 'build:web']));
    for (const name of used) expect(scripts[name], `npm run ${name}`).toBeDefined();
    const render = readFileSync(join(root, 'render.yaml'), 'utf8');
    const commands = [...render.matchAll(/(?:dockerCommand|preDeployCommand): node bin\/calbridge\.js ([\w-]+)/g)].map(
      (m) => m[1]!,
    );
    expect(commands.sort()).toEqual(['migrate', 'serve', 'worker']);
    for (const c of commands) {
      const help = run(process.execPath, [join(consumer, 'node_modules', '.bin', 'calbridge'), c, '--help'], consumer);
      expect(help).toContain(`Usage: calbridge ${c}`);
    }
  });

  it('type-checks a TypeScript consumer against the shipped .d.ts', () => {
    writeFileSync(
      join(consumer, 'consumer.ts'),
      `
      import { createRuntime, loadConfig, type Runtime } from 'calbridge';
      import type { CalendarProvider, CalendarEvent, FreeBusyParams } from 'calbridge/ports';
      import { createMicrosoftProvider, createGraphTransport, createAgent } from 'calbridge/providers/microsoft';
      import { createGoogleProvider } from 'calbridge/providers/google';
      import { MockCalendarWorld, createMockProvider } from 'calbridge/providers/mock';
      import { TokenManager } from 'calbridge/oauth';
      import { Keyring, type TokenVault } from 'calbridge/vault';
      import { createCalbridgeClient, CalbridgeApiError, type Schemas } from 'calbridge/client';
      import { startEmulator } from 'calbridge/emulator';

      export async function freeBusy(p: CalendarProvider, q: FreeBusyParams): Promise<number> {
        const r = await p.getFreeBusy(q);
        return r.schedules.length;
      }
      export const subject = (e: CalendarEvent): string => e.subject;
      export const mock: CalendarProvider = createMockProvider({ world: new MockCalendarWorld(), mailbox: 'a@b.c' });
      export async function customers(url: string, key: string): Promise<Schemas['Customer'][]> {
        const api = createCalbridgeClient({ baseUrl: url, apiKey: key });
        try {
          return (await api.ok(api.GET('/api/customers', { params: { query: { limit: 10 } } }))).items;
        } catch (e) {
          if (e instanceof CalbridgeApiError && e.code === 'rate_limited') return [];
          throw e;
        }
      }
      export type Uses = [Runtime, TokenVault, typeof TokenManager, typeof Keyring, typeof createRuntime,
        typeof loadConfig, typeof createMicrosoftProvider, typeof createGraphTransport, typeof createAgent,
        typeof createGoogleProvider, typeof startEmulator];
      // @ts-expect-error a wrong type is caught: getFreeBusy takes FreeBusyParams
      export const wrong = (p: CalendarProvider) => p.getFreeBusy({ schedules: 'x' });
      `,
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          typeRoots: [join(root, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    const r = (() => {
      try {
        return run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], consumer);
      } catch (e) {
        return String((e as { stdout?: string }).stdout ?? e);
      }
    })();
    expect(r).toBe('');
  }, 120_000);

  it('passes publint and arethetypeswrong (ESM only)', () => {
    const installed = join(consumer, 'node_modules', 'calbridge');
    const lint = run(bin('publint'), ['--strict', '--pack', 'false', installed], root);
    expect(lint).toMatch(/All good/);
    const types = run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii'], root);
    // attw exits non-zero on any problem outside the ignored CommonJS and node10 resolutions (run() throws then).
    const flat = types.replace(/\s+/g, ' ');
    for (const entry of Object.keys(pkg.exports).filter((k) => !k.endsWith('.json'))) {
      const name = entry === '.' ? 'calbridge' : `calbridge/${entry.slice(2)}`;
      expect(flat).toContain(`"${name}" node16 (from ESM): 🟢 (ESM) bundler: 🟢`);
    }
  }, 120_000);
});
