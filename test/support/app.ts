// Builds the HTTP app on a fresh test database, with a captured log, for tier-2/3 tests.
import { PassThrough } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config/config.js';
import { buildApp } from '../../src/http/build-app.js';
import { createContainer, databaseReady, type Container } from '../../src/main/container.js';
import { createTestDatabase } from './db.js';

export interface TestApp {
  app: FastifyInstance;
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
    ...env,
  });
}

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = testConfig(env);
  const database = await createTestDatabase();
  const container = await createContainer(config, { database, migrate: false });
  let captured = '';
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => (captured += c.toString('utf8')));
  const app = await buildApp({
    config,
    tenants: container.tenants,
    customers: container.customers,
    isDatabaseReady: databaseReady(container),
    logStream: stream,
  });
  await app.ready();
  let n = 0;
  return {
    app,
    container,
    config,
    logs: () => captured,
    async newTenant(name) {
      n += 1;
      const t = await container.tenants.createTenant({ name: name ?? `Tenant ${n}`, calendarProvider: 'MICROSOFT' });
      const k = await container.tenants.createApiKey(t.id, `user${n}@tenant${n}.example`);
      return { tenantId: t.id, userId: k.userId, apiKey: k.apiKey, auth: { authorization: `Bearer ${k.apiKey}` } };
    },
    async close() {
      await app.close();
      await container.close();
    },
  };
}
