// Builds calbridge through the composition root (createRuntime) on a fresh test database, with a captured log.
import { PassThrough } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config/config.js';
import type { Container } from '../../src/main/container.js';
import { createRuntime, type Runtime, type RuntimeOverrides } from '../../src/main/runtime.js';
import { createTestDatabase } from './db.js';

export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  container: Container;
  config: Config;
  /** Everything the app logged so far. */
  logs: () => string;
  /** A tenant with one user and its API key. */
  newTenant(
    name?: string,
  ): Promise<{ tenantId: string; userId: string; apiKey: string; auth: { authorization: string } }>;
  close(): Promise<void>;
}

/** A test configuration: embedded defaults, a temp data dir, debug logging captured. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    CALBRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'calbridge-test-')),
    LOG_LEVEL: 'debug',
    CALBRIDGE_TEST_MODE: 'true',
    CALBRIDGE_START_EMULATOR: 'false',
    // tests receive webhooks on http://127.0.0.1 (those that check the refusal turn it off)
    CALBRIDGE_ALLOW_LOOPBACK_WEBHOOKS: 'true',
    // every test request comes from one address and many are refused on purpose (test/medium/rate-limit.test.ts
    // checks the limit with a low value)
    AUTH_FAILURES_PER_MINUTE: '1000000',
    ...env,
  });
}

/**
 * calbridge as `createRuntime` builds it (every route, no jobs running unless `runtime.jobs.start()`), in test mode
 * on a fresh database, logs captured.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  overrides: Omit<RuntimeOverrides, 'database' | 'logStream'> = {},
): Promise<TestApp> {
  const config = testConfig(env);
  const database = await createTestDatabase();
  let captured = '';
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => (captured += c.toString('utf8')));
  const runtime = await createRuntime(config, { ...overrides, database, logStream: stream });
  const { container } = runtime;
  const app = await runtime.http();
  await app.ready();
  let n = 0;
  return {
    app,
    runtime,
    container,
    config,
    logs: () => captured,
    async newTenant(name) {
      n += 1;
      const t = await container.tenants.createTenant({ name: name ?? `Tenant ${n}`, calendarProvider: 'MICROSOFT' });
      const k = await container.tenants.createApiKey(t.id, `user${n}@tenant${n}.example`);
      return { tenantId: t.id, userId: k.userId, apiKey: k.apiKey, auth: { authorization: `Bearer ${k.apiKey}` } };
    },
    close: () => runtime.close(),
  };
}
