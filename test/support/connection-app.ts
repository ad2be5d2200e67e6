// calbridge built by createRuntime on a test database (no listen), and a client for one provider's connection routes:
// what the Outlook and Google end-to-end helpers share.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { loadConfig, type Config } from '../../src/config/config.js';
import type { ProviderType } from '../../src/domain/calendar.js';
import type { Container } from '../../src/main/container.js';
import { createRuntime, type Runtime, type RuntimeOverrides } from '../../src/main/runtime.js';
import type { CalendarProvider } from '../../src/ports/calendar-provider.js';
import type { PgConnectionStore } from '../../src/stores/connection-store.js';
import { createTestDatabase } from './db.js';

/** calbridge on a test database (no listen). */
export interface ComposedTestApp {
  app: FastifyInstance;
  runtime: Runtime;
  container: Container;
  config: Config;
  /** Everything the app logged. */
  logs: () => string;
  close(): Promise<void>;
}

/**
 * Builds calbridge through createRuntime, configured by `env` over test defaults, with `overrides` (emulator
 * endpoints, public URL). `close` also runs `closeAlso` (the emulator) before the data folder is removed.
 */
export async function composeTestApp(
  env: Record<string, string>,
  overrides: Omit<RuntimeOverrides, 'database' | 'logStream'>,
  closeAlso: () => Promise<void>,
): Promise<ComposedTestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-app-'));
  const config = loadConfig({
    CALBRIDGE_DATA_DIR: dir,
    CALBRIDGE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
    CALBRIDGE_START_EMULATOR: 'false',
    RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_FAILURES_PER_MINUTE: '1000000',
    ...env,
  });
  const database = await createTestDatabase();
  const stream = new PassThrough();
  let logged = '';
  stream.on('data', (c: Buffer) => (logged += c.toString('utf8')));
  const runtime = await createRuntime(config, { ...overrides, database, logStream: stream });
  const app = await runtime.http();
  return {
    app,
    runtime,
    container: runtime.container,
    config,
    logs: () => logged,
    close: async () => {
      await runtime.close();
      await closeAlso();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A tenant with one user and an API key for `login`; `auth` is the request header carrying the key. */
export async function tenantUser(
  container: Container,
  tenant: { name: string; calendarProvider: ProviderType },
  login: string,
): Promise<{ tenantId: string; userId: string; auth: { authorization: string } }> {
  const { id } = await container.tenants.createTenant(tenant);
  const { apiKey } = await container.tenants.createApiKey(id, login);
  const actor = await container.tenants.authenticate(`Bearer ${apiKey}`);
  return { tenantId: actor.tenantId, userId: actor.userId, auth: { authorization: `Bearer ${apiKey}` } };
}

/**
 * The connection routes of provider `slug` as one user calls them. `signUp` creates that user (a tenant, the user and
 * an API key) on a composed app; the other calls then act as that user on that app.
 * @example const api = connectionApi('google'); await api.signUp(h, { name: 'Contoso', calendarProvider: 'GOOGLE' }, login);
 */
export function connectionApi(slug: string) {
  const base = `/api/integrations/${slug}`;
  let app: FastifyInstance | null = null;
  let user: Awaited<ReturnType<typeof tenantUser>> | null = null;
  const current = () => {
    if (!app || !user) throw new Error('connectionApi: call signUp first');
    return { app, user };
  };
  const inject = (method: 'GET' | 'POST', url: string, body?: object) =>
    current().app.inject({ method, url, headers: current().user.auth, ...(body ? { payload: body } : {}) });
  return {
    signUp: async (
      h: { app: FastifyInstance; container: Container },
      tenant: { name: string; calendarProvider: ProviderType },
      login: string,
    ) => {
      app = h.app;
      user = await tenantUser(h.container, tenant, login);
    },
    get tenantId() {
      return current().user.tenantId;
    },
    inject,
    /** POST connect (expects 200 and PKCE with S256) and returns the authorize URL. */
    connectUrl: async (loginHint: string): Promise<URL> => {
      const res = await inject('POST', `${base}/connect`, { loginHint });
      expect(res.statusCode).toBe(200);
      const url = new URL((res.json() as { authorizeUrl: string }).authorizeUrl);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      return url;
    },
    /** The public OAuth callback with the query the provider redirected with. */
    callback: (q: URLSearchParams) => current().app.inject({ method: 'GET', url: `${base}/callback?${q.toString()}` }),
    status: async () => (await inject('GET', `${base}/status`)).json() as Record<string, unknown> & { status: string },
    /** The provider the container builds for this user's connection. */
    provider: (h: { container: Container; feature: { store: PgConnectionStore } }, type: ProviderType) =>
      connectedProvider(h, current().user, type),
  };
}

/** The provider the container builds for the user's connection of type `type`. */
export async function connectedProvider(
  h: { container: Container; feature: { store: PgConnectionStore } },
  who: { tenantId: string; userId: string },
  type: ProviderType,
): Promise<CalendarProvider> {
  const conn = (await h.feature.store.get(who.tenantId, who.userId, type))!;
  return h.container.providers.forConnection(type, { ...who, connectionId: conn.id, mailbox: conn.accountEmail! });
}
