// Composes calbridge with the Outlook feature against an in-process emulator and a test database (no listen).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config/config.js';
import { buildApp } from '../../src/http/build-app.js';
import { createContainer, databaseReady, type Container } from '../../src/main/container.js';
import { outlookFeatures, wireOutlook } from '../../src/main/features/outlook.js';
import { createTestDatabase } from './db.js';
import { startTestEmulator, type TestEmulator } from './microsoft.js';

export const PUBLIC_URL = 'http://127.0.0.1:3999';

export interface OutlookTestApp {
  t: TestEmulator;
  app: FastifyInstance;
  container: Container;
  config: Config;
  feature: NonNullable<ReturnType<typeof outlookFeatures.get>>;
  /** Everything the app logged. */
  logs: () => string;
  close(): Promise<void>;
}

export async function startOutlookApp(
  env: Record<string, string> = {},
  emulatorOpts: Parameters<typeof startTestEmulator>[0] = {},
): Promise<OutlookTestApp> {
  const t = await startTestEmulator(emulatorOpts);
  const dir = mkdtempSync(join(tmpdir(), 'cb-app-'));
  const config = loadConfig({
    CALBRIDGE_DATA_DIR: dir,
    CALBRIDGE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
    CALBRIDGE_START_EMULATOR: 'false',
    RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  const database = await createTestDatabase();
  const container = await createContainer(config, { database, migrate: false });
  const wired = await wireOutlook({
    container,
    config,
    emulator: { baseUrl: t.emu.baseUrl, caFile: t.emu.caFile, close: async () => {} },
    publicUrl: () => PUBLIC_URL,
  });
  const stream = new PassThrough();
  let logged = '';
  stream.on('data', (c: Buffer) => (logged += c.toString('utf8')));
  const app = await buildApp({
    config,
    tenants: container.tenants,
    customers: container.customers,
    isDatabaseReady: databaseReady(container),
    logStream: stream,
    modules: wired.modules,
    publicPaths: wired.publicPaths,
  });
  return {
    t,
    app,
    container,
    config,
    feature: outlookFeatures.get(container)!,
    logs: () => logged,
    close: async () => {
      await app.close();
      await wired.close?.();
      await container.close();
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
