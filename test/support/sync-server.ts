// The whole calbridge server (createRuntime, jobs embedded unless CALBRIDGE_EMBEDDED_WORKER=false) against an emulator
// at a URL, listening on loopback.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agent } from 'undici';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createRuntime, type Runtime } from '../../src/main/runtime.js';
import type { SyncRuntime } from '../../src/main/wiring/sync.js';
import type { Database } from '../../src/stores/database.js';
import { followAuthorize } from './microsoft.js';

export interface EmulatorAt {
  baseUrl: string;
  caFile: string;
  app: { clientId: string; clientSecret: string; redirectUris: readonly string[] };
}

/** A free loopback TCP port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** The MICROSOFT_* settings that point calbridge (this process or a worker child) at an emulator. */
export function microsoftEnv(emu: EmulatorAt): Record<string, string> {
  return {
    MICROSOFT_CLIENT_ID: emu.app.clientId,
    MICROSOFT_CLIENT_SECRET: emu.app.clientSecret,
    MICROSOFT_REDIRECT_URI: emu.app.redirectUris.find((u) => u.includes('127.0.0.1')) ?? emu.app.redirectUris[0]!,
    MICROSOFT_AUTHORITY_HOST: emu.baseUrl,
    MICROSOFT_GRAPH_BASE_URL: emu.baseUrl,
    MICROSOFT_CA_FILE: emu.caFile,
    CALBRIDGE_START_EMULATOR: 'false',
  };
}

export interface SyncServer {
  url: string;
  config: Config;
  env: Record<string, string>;
  server: Runtime & { app: Awaited<ReturnType<Runtime['http']>> };
  runtime: SyncRuntime;
  database: Database;
  /** Creates a tenant and a user (API key) and connects `login`'s Outlook through the real connect flow. */
  connect(
    login: string,
  ): Promise<{ tenantId: string; userId: string; apiKey: string; auth: { authorization: string } }>;
  close(): Promise<void>;
}

/**
 * Starts the server on `database` with the sync feature; webhooks reach it at `http://127.0.0.1:<port>` (the emulator
 * accepts plain http for loopback receivers). `env` overrides settings (e.g. `CALBRIDGE_EMBEDDED_WORKER`).
 */
export async function startSyncServer(
  emu: EmulatorAt,
  agent: Agent,
  database: Database,
  env: Record<string, string> = {},
): Promise<SyncServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cb-sync-server-'));
  const fullEnv = {
    CALBRIDGE_DATA_DIR: dir,
    CALBRIDGE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    RATE_LIMIT_PER_MINUTE: '1000000',
    SYNC_POLL_INTERVAL_SECONDS: '86400',
    ...microsoftEnv(emu),
    ...env,
  };
  const config = loadConfig(fullEnv);
  const rt = await createRuntime(config, { database });
  const server = Object.assign(rt, { app: await rt.http() });
  const url = await server.listen();
  if (config.embeddedWorker) await rt.jobs.start();
  const runtime = rt.sync;
  let n = 0;
  return {
    url,
    config,
    env: fullEnv,
    server,
    runtime,
    database,
    async connect(login) {
      n += 1;
      const t = await server.container.tenants.createTenant({
        name: `Tenant ${n} (${login})`,
        calendarProvider: 'MICROSOFT',
      });
      const k = await server.container.tenants.createApiKey(t.id, login);
      const actor = await server.container.tenants.authenticate(`Bearer ${k.apiKey}`);
      const auth = { authorization: `Bearer ${k.apiKey}` };
      const res = await server.app.inject({
        method: 'POST',
        url: '/api/integrations/outlook/connect',
        headers: auth,
        payload: { loginHint: login },
      });
      if (res.statusCode !== 200) throw new Error(`connect answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
      const q = await followAuthorize(agent, (res.json() as { authorizeUrl: string }).authorizeUrl);
      const cb = await server.app.inject({ method: 'GET', url: `/api/integrations/outlook/callback?${q.toString()}` });
      if (cb.statusCode !== 302 || String(cb.headers.location).includes('error'))
        throw new Error(`callback failed: ${String(cb.headers.location)}`);
      return { tenantId: actor.tenantId, userId: actor.userId, apiKey: k.apiKey, auth };
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
