// Tenant deletion against the Google emulator over HTTP (issue 19): a connected user's push channel exists at the
// emulator; the deletion job stops it (channels.stop), revokes the grant at Google's revoke endpoint, and erases the
// tenant — checked at the emulator (its channel list and request log) and in the database.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import { fetch } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createRuntime, type Runtime } from '../../src/main/runtime.js';
import type { Database } from '../../src/stores/database.js';
import { createTestDatabase } from '../support/db.js';
import { followGoogleAuthorize, startTestGoogleEmulator, type TestGoogleEmulator } from '../support/google.js';
import { freePort } from '../support/sync-server.js';
import { waitFor } from '../support/wait.js';

const LOGIN = 'megan.bowen@contoso.com';
let g: TestGoogleEmulator;
let database: Database;
let rt: Runtime;
let dir: string;
let tenantId: string;
let auth: { authorization: string };

const admin = async <T>(path: string): Promise<T> =>
  (await (await fetch(`${g.emu.baseUrl}/_emulator${path}`, { dispatcher: g.agent })).json()) as T;
const channels = async () => (await admin<{ channels: unknown[] }>('/channels')).channels;

beforeAll(async () => {
  g = await startTestGoogleEmulator({ minimalSeed: true, accessTokenSeconds: 3600 });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = g.emu.registerApp({ redirectUris: [`${base}/api/integrations/google/callback`], name: 'deletion e2e' });
  dir = mkdtempSync(join(tmpdir(), 'cb-gdel-'));
  const config = loadConfig({
    CALBRIDGE_DATA_DIR: dir,
    CALBRIDGE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: base,
    RATE_LIMIT_PER_MINUTE: '1000000',
    SYNC_POLL_INTERVAL_SECONDS: '86400',
    CALBRIDGE_START_EMULATOR: 'false',
    GOOGLE_CLIENT_ID: app.clientId,
    GOOGLE_CLIENT_SECRET: app.clientSecret,
    GOOGLE_REDIRECT_URI: `${base}/api/integrations/google/callback`,
    GOOGLE_AUTH_BASE_URL: g.emu.baseUrl,
    GOOGLE_API_BASE_URL: g.emu.baseUrl,
    GOOGLE_CA_FILE: g.emu.caFile,
  });
  database = await createTestDatabase();
  rt = await createRuntime(config, { database, logStream: new PassThrough().resume() });
  await rt.listen();
  await rt.jobs.start();
  const tenant = await rt.container.tenants.createTenant({ name: 'Push GmbH', calendarProvider: 'GOOGLE' });
  tenantId = tenant.id;
  const { apiKey } = await rt.container.tenants.createApiKey(tenant.id, LOGIN);
  auth = { authorization: `Bearer ${apiKey}` };
  const app2 = await rt.http();
  const res = await app2.inject({
    method: 'POST',
    url: '/api/integrations/google/connect',
    headers: auth,
    payload: { loginHint: LOGIN },
  });
  expect(res.statusCode).toBe(200);
  const q = await followGoogleAuthorize(g.agent, (res.json() as { authorizeUrl: string }).authorizeUrl);
  const cb = await app2.inject({ method: 'GET', url: `/api/integrations/google/callback?${q.toString()}` });
  expect(cb.statusCode).toBe(302);
}, 180_000);

afterAll(async () => {
  await rt?.close();
  await g?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('stops the channel and revokes the grant at Google, then erases the tenant', async () => {
  // the first sync opens the calendar's push channel
  await waitFor('a push channel at the emulator', async () => ((await channels()).length > 0 ? true : null), {
    ms: 60_000,
  });
  const app = await rt.http();
  const res = await app.inject({
    method: 'POST',
    url: '/api/tenant/deletion',
    headers: auth,
    payload: { confirm: 'Push GmbH' },
  });
  expect(res.statusCode).toBe(202);
  const { job, statusToken } = res.json() as { job: { id: string }; statusToken: string };
  const done = await waitFor(
    'the deletion job',
    async () => {
      const s = (
        await app.inject({ method: 'GET', url: `/api/data-jobs/${job.id}/status?token=${statusToken}` })
      ).json() as { state: string; result: Record<string, number> };
      return s.state === 'done' ? s : null;
    },
    { ms: 60_000 },
  );
  expect(done.result, JSON.stringify(done.result)).toMatchObject({ connectionsStopped: 1, grantsRevoked: 1 });
  expect(done.result.subscriptionsDeleted).toBeGreaterThanOrEqual(1);
  // at the emulator, over HTTP: no channel left, and the revoke endpoint answered 200
  expect(await channels()).toEqual([]);
  const log = await admin<{ requests: Array<{ method: string; route: string; url: string; status: number }> }>(
    '/requests?limit=1000',
  );
  expect(log.requests.some((r) => r.method === 'POST' && r.url.startsWith('/revoke') && r.status === 200)).toBe(true);
  const left = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM users WHERE tenant_id = ${tenantId}::uuid`.execute(database.db);
  expect(Number(left.rows[0]!.n)).toBe(0);
}, 180_000);
