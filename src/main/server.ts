// Starts the HTTP service: container, demo bootstrap, optional bundled emulator, graceful shutdown.
import { existsSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import { buildApp, type RouteModule } from '../http/build-app.js';
import type { Database } from '../stores/database.js';
import { createContainer, databaseReady, type Container } from './container.js';

export interface RunningServer {
  app: FastifyInstance;
  container: Container;
  url: string;
  /** Set when the bundled Microsoft 365 emulator runs in this process. */
  emulator: { baseUrl: string; caFile: string; close(): Promise<void> } | null;
  close(): Promise<void>;
}

/** Feature wiring hooks: each may register route modules and background work on the container. */
export type FeatureWiring = (ctx: {
  container: Container;
  config: Config;
  emulator: RunningServer['emulator'];
  publicUrl: () => string;
}) => Promise<{ modules?: RouteModule[]; publicPaths?: RegExp[]; close?: () => Promise<void> }>;

const features: FeatureWiring[] = [];

/** Provider factories that features register on a container without serving HTTP (worker, CLI). */
export type ProviderWiring = (container: Container, config: Config) => Promise<void>;
const providerWirings: ProviderWiring[] = [];

/** Registers how a feature adds its provider factory to a container (used by the worker and the CLI). */
export function registerProviderWiring(w: ProviderWiring): void {
  providerWirings.push(w);
}

/** Applies every registered provider wiring (the server does it through its features). */
export async function applyFeatureProviders(container: Container, config: Config): Promise<void> {
  for (const w of providerWirings) await w(container, config);
}

/** Registers a feature's wiring (called by feature modules' index files, imported in main/features.ts). */
export function registerFeature(f: FeatureWiring): void {
  features.push(f);
}

/**
 * Creates the demo tenant and user on the first embedded start and writes the user's API key to
 * `<dataDir>/demo-api-key` (mode 0600).
 */
export async function ensureDemoTenant(container: Container, log: (msg: string) => void): Promise<void> {
  const { config } = container;
  const keyPath = join(config.dataDir, 'demo-api-key');
  if (config.databaseUrl || existsSync(keyPath)) return;
  const tenant = await container.tenants.createTenant({
    name: 'Contoso (demo)',
    calendarProvider: 'MICROSOFT',
    settings: { ownDomains: ['contoso.com'], onlineMeetingByDefault: true, allowSelfApprovalInternal: true },
  });
  const { apiKey } = await container.tenants.createApiKey(tenant.id, 'adele.vance@contoso.com');
  const actor = await container.tenants.authenticate(`Bearer ${apiKey}`);
  await container.customers.create(actor, {
    name: 'Acme Corp',
    domains: ['acmecorp.com'],
    subjectPatterns: ['Acme'],
    // People of the bundled emulator's customer organisations, so the demo can schedule with them.
    stakeholders: [
      { email: 'wile.coyote@acmecorp.com', name: 'Wile E. Coyote', role: 'VP Operations' },
      { email: 'road.runner@acmecorp.com', name: 'Road Runner', role: 'CEO' },
    ],
  });
  await container.customers.create(actor, {
    name: 'Globex',
    domains: ['globex.com'],
    subjectPatterns: ['Globex'],
    stakeholders: [{ email: 'hank.scorpio@globex.com', name: 'Hank Scorpio', role: 'CEO' }],
  });
  await container.customers.create(actor, {
    name: 'Initech',
    domains: ['initech.com'],
    subjectPatterns: ['Initech'],
    stakeholders: [{ email: 'bill.lumbergh@initech.com', name: 'Bill Lumbergh', role: 'VP Engineering' }],
  });
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(keyPath, apiKey + '\n', { mode: 0o600 });
  chmodSync(keyPath, 0o600);
  log(
    `Demo tenant created. Its API key is in ${keyPath} (mode 0600): curl -H "Authorization: Bearer $(cat ${keyPath})" …/api/me`,
  );
}

/** Options of a server app (tests pass a ready database and a log stream). */
export interface ServerAppOptions {
  logStream?: NodeJS.WritableStream;
  database?: Database;
  /** Runs the bundled emulator when configured (default true). */
  allowEmulator?: boolean;
}

/**
 * Builds the complete app — container, bundled emulator when configured, every feature — without listening.
 * `listen()` starts it and makes the server's own URL known to the features.
 */
export async function buildServerApp(
  config: Config,
  opts: ServerAppOptions = {},
): Promise<Omit<RunningServer, 'url'> & { listen(): Promise<string> }> {
  const container = await createContainer(config, opts.database ? { database: opts.database } : {});
  let emulator: RunningServer['emulator'] = null;
  if (config.startEmulator && !config.testMode && opts.allowEmulator !== false) {
    const { startEmulator } = await import('../../emulator/microsoft/server.js');
    const emu = await startEmulator({
      port: config.emulatorPort,
      dataDir: join(config.dataDir, 'emulator'),
      autoConsent: false,
      quiet: true,
    });
    emulator = { baseUrl: emu.baseUrl, caFile: emu.caFile, close: () => emu.close() };
  }
  let url = '';
  const publicUrl = () => config.publicBaseUrl ?? url;
  const modules: RouteModule[] = [];
  const publicPaths: RegExp[] = [];
  const closers: Array<() => Promise<void>> = [];
  for (const f of features) {
    const r = await f({ container, config, emulator, publicUrl });
    modules.push(...(r.modules ?? []));
    publicPaths.push(...(r.publicPaths ?? []));
    if (r.close) closers.push(r.close);
  }
  const app = await buildApp({
    config,
    tenants: container.tenants,
    customers: container.customers,
    isDatabaseReady: databaseReady(container),
    logStream: opts.logStream,
    modules,
    publicPaths,
  });
  let closed = false;
  return {
    app,
    container,
    emulator,
    listen: async () => {
      url = await app.listen({ port: config.port, host: config.host });
      return url;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      for (const c of closers.reverse()) await c();
      await emulator?.close();
      await container.close();
    },
  };
}

/**
 * Starts calbridge's HTTP service.
 * @example const s = await startServer(loadConfig()); … await s.close();
 */
export async function startServer(config: Config, opts: ServerAppOptions = {}): Promise<RunningServer> {
  const built = await buildServerApp(config, opts);
  await ensureDemoTenant(built.container, (m) => built.app.log.info(m));
  const url = await built.listen();
  if (built.emulator)
    built.app.log.info(`Microsoft 365 emulator at ${built.emulator.baseUrl} (CA: ${built.emulator.caFile})`);
  return { ...built, url };
}
