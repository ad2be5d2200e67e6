// Tenant deletion against the Google emulator over HTTP (issue 19): a connected user's push channel exists at the
// emulator; the deletion job stops it (channels.stop), revokes the grant at Google's revoke endpoint, and erases the
// tenant — checked at the emulator (its channel list and request log) and in the database.
import { sql } from 'kysely';
import { fetch } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Runtime } from '../../src/main/runtime.js';
import type { Database } from '../../src/stores/database.js';
import { connectGoogleUser, startGoogleServer, type TestGoogleEmulator } from '../support/google.js';
import { waitFor } from '../support/wait.js';

const LOGIN = 'megan.bowen@contoso.com';
let g: TestGoogleEmulator;
let database: Database;
let rt: Runtime;
let server: Awaited<ReturnType<typeof startGoogleServer>>;
let tenantId: string;
let auth: { authorization: string };

const admin = async <T>(path: string): Promise<T> =>
  (await (await fetch(`${g.emu.baseUrl}/_emulator${path}`, { dispatcher: g.agent })).json()) as T;
const channels = async () => (await admin<{ channels: unknown[] }>('/channels')).channels;

beforeAll(async () => {
  server = await startGoogleServer({ name: 'deletion e2e' });
  ({ g, rt, database } = server);
  const connected = await connectGoogleUser(server, 'Push GmbH', LOGIN);
  ({ tenantId, auth } = connected);
  expect(connected.callback.statusCode).toBe(302);
}, 180_000);

afterAll(async () => {
  await server?.close();
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
