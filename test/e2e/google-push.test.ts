// Google push channels end to end: the whole server (embedded worker) opens a watch channel on the Google emulator,
// the emulator pushes to /api/webhooks/google/:calendarId over HTTP. The channel token is kept only as a hash: no
// table holds it, a wrong token is refused, the right one accepted; a renewal issues a new token; migration 8 strips
// the token from channel ids written before.
import { sql } from 'kysely';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncRuntime } from '../../src/main/wiring/sync.js';
import type { Runtime } from '../../src/main/runtime.js';
import type { SyncTarget } from '../../src/ports/sync.js';
import type { Database } from '../../src/stores/database.js';
import { up as migration0008 } from '../../src/stores/migrations/0008_google_channel_token.js';
import { waitFor } from '../support/wait.js';
import { connectGoogleUser, startGoogleServer, type TestGoogleEmulator } from '../support/google.js';

const LOGIN = 'megan.bowen@contoso.com';
type Channel = { id: string; token?: string; address: string; calendarId: string };
type Delivery = { channelId: string; state: string; status: number | null };

let g: TestGoogleEmulator;
let database: Database;
let server: Runtime & { app: Awaited<ReturnType<Runtime['http']>> };
let runtime: SyncRuntime;
let url: string;
let google: Awaited<ReturnType<typeof startGoogleServer>>;
let logs = '';
let target: SyncTarget;

const emulatorChannels = async () =>
  (await (await fetch(`${g.emu.baseUrl}/_emulator/channels`, { dispatcher: g.agent })).json()) as {
    channels: Channel[];
    deliveries: Delivery[];
  };

/** Every row of every table of the database, as one string. */
async function allTables(): Promise<string> {
  const tables = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(database.db);
  expect(tables.rows.map((t) => t.table_name)).toContain('calendar_sync_state');
  let out = '';
  for (const t of tables.rows) {
    const rows = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(t.table_name)}`.execute(database.db);
    out += `${t.table_name}:${JSON.stringify(rows.rows)}\n`;
  }
  return out;
}

/** Whether `secret` is in any table, in clear or inside a base64url value (as channel ids are encoded). */
async function stored(secret: string): Promise<boolean> {
  const raw = await allTables();
  if (raw.includes(secret)) return true;
  return (raw.match(/[A-Za-z0-9_-]{24,}/g) ?? []).some((run) =>
    Buffer.from(run, 'base64url').toString('utf8').includes(secret),
  );
}

const push = async (token: string | undefined, state = 'exists') => {
  const res = await fetch(`${url}/api/webhooks/google/${target.calendarId}`, {
    method: 'POST',
    headers: {
      'x-goog-channel-id': 'whatever',
      'x-goog-resource-state': state,
      ...(token !== undefined ? { 'x-goog-channel-token': token } : {}),
    },
  });
  return { status: res.status, body: (await res.json()) as { accepted: boolean } };
};

const syncState = () =>
  database.db
    .selectFrom('calendar_sync_state')
    .selectAll()
    .where('calendar_id', '=', target.calendarId)
    .executeTakeFirstOrThrow();

beforeAll(async () => {
  google = await startGoogleServer({ name: 'push e2e', logLevel: 'debug', onLog: (l) => (logs += l) });
  ({ g, database, url } = google);
  server = Object.assign(google.rt, { app: google.app });
  runtime = google.rt.sync;
  const { tenantId, callback } = await connectGoogleUser(google, 'Push', LOGIN);
  expect(callback.headers.location).toBe('/settings?connected=google');
  const targets = await runtime.store.listTargets({ tenantId });
  target = targets.find((t) => !t.isShared)!;
  expect(target.provider).toBe('GOOGLE');
}, 180_000);

afterAll(async () => {
  await google?.close();
});

describe('Google push channel token', () => {
  let token: string;

  it('opens a channel whose token no table holds; the initial sync message is answered 200', async () => {
    await runtime.worker.pollAll();
    const ch = await waitFor('a watch channel', async () =>
      (await emulatorChannels()).channels.find((c) => c.address.endsWith(`/api/webhooks/google/${target.calendarId}`)),
    );
    expect(ch.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    token = ch.token!;
    await waitFor('the sync message delivered', async () =>
      (await emulatorChannels()).deliveries.some(
        (d) => d.channelId === ch.id && d.state === 'sync' && d.status === 200,
      ),
    );
    const state = await syncState();
    expect(state.subscription_id).toBeTruthy();
    expect(state.subscription_client_state_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await allTables()).toContain(state.subscription_id!);
    expect(await stored(token)).toBe(false);
    expect(logs).not.toContain(token);
  });

  it('refuses a wrong or missing token and accepts the right one', async () => {
    const before = (await syncState()).last_notification_at;
    for (const bad of ['forged', token.slice(0, -1), `${token}x`, undefined]) {
      expect(await push(bad)).toEqual({ status: 200, body: { accepted: false } });
    }
    expect((await syncState()).last_notification_at).toEqual(before);
    expect(await push(token)).toEqual({ status: 200, body: { accepted: true } });
    expect((await syncState()).last_notification_at).not.toEqual(before);
  });

  it('a change on the calendar pushes with the token, and the change is synced', async () => {
    const p = server.container.providers.forConnection('GOOGLE', {
      tenantId: target.tenantId,
      userId: target.userId,
      connectionId: target.connectionId,
      mailbox: target.mailbox,
    });
    const start = Date.now() + 3 * 86_400_000;
    await p.createEvent({
      event: {
        subject: 'Pushed change',
        start: new Date(start).toISOString(),
        end: new Date(start + 1_800_000).toISOString(),
      },
    });
    await waitFor('an exists push answered 200', async () =>
      (await emulatorChannels()).deliveries.some((d) => d.state === 'exists' && d.status === 200),
    );
    await waitFor('the meeting synced', async () =>
      database.db
        .selectFrom('meetings')
        .select('id')
        .where('tenant_id', '=', target.tenantId)
        .where('subject', '=', 'Pushed change')
        .executeTakeFirst(),
    );
  });

  it('a renewal reopens the channel with a new token: the old one is refused, the new one is not stored', async () => {
    const before = await syncState();
    await database.db
      .updateTable('calendar_sync_state')
      .set({ subscription_expires_at: new Date(Date.now() + 3600_000) })
      .where('calendar_id', '=', target.calendarId)
      .execute();
    await runtime.worker.ensureSubscription(target);
    const after = await syncState();
    expect(after.subscription_client_state_hash).not.toBe(before.subscription_client_state_hash);
    const ours = async () =>
      (await emulatorChannels()).channels.filter((c) =>
        c.address.endsWith(`/api/webhooks/google/${target.calendarId}`),
      );
    // One channel: a sync running at the same moment (the last push's) may renew too; the renewal it loses deletes its
    // own channel at Google just after (dropOrphan), so two can show for a moment, never for good.
    await waitFor('one channel for the calendar', async () => (await ours()).length === 1);
    const chans = await ours();
    expect(chans).toHaveLength(1);
    const renewed = chans[0]!.token!;
    expect(renewed).not.toBe(token);
    expect(await push(token)).toEqual({ status: 200, body: { accepted: false } });
    expect(await push(renewed)).toEqual({ status: 200, body: { accepted: true } });
    expect(await stored(renewed)).toBe(false);
    expect(await stored(token)).toBe(false);
    token = renewed;
  });

  it('migration 8 strips the token from a channel id written before, and the channel still verifies', async () => {
    const current = (await syncState()).subscription_id!;
    const ref = JSON.parse(Buffer.from(current, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(ref).not.toHaveProperty('t');
    const legacy = Buffer.from(JSON.stringify({ ...ref, t: token })).toString('base64url');
    await database.db
      .updateTable('calendar_sync_state')
      .set({ subscription_id: legacy })
      .where('calendar_id', '=', target.calendarId)
      .execute();
    expect(await stored(token)).toBe(true); // the check sees a token inside an encoded id
    await migration0008(database.db as never);
    expect((await syncState()).subscription_id).toBe(current);
    expect(await stored(token)).toBe(false);
    expect(await push(token)).toEqual({ status: 200, body: { accepted: true } });
  });
  it('two upkeeps of one calendar at once leave one live channel, the one stored', async () => {
    await database.db
      .updateTable('calendar_sync_state')
      .set({ subscription_expires_at: new Date(Date.now() + 3600_000) })
      .where('calendar_id', '=', target.calendarId)
      .execute();
    // both read the same channel, both renew it: one stores its channel, the other drops its own
    await Promise.all([runtime.worker.ensureSubscription(target), runtime.worker.ensureSubscription(target)]);
    const ours = async () =>
      (await emulatorChannels()).channels.filter((c) =>
        c.address.endsWith(`/api/webhooks/google/${target.calendarId}`),
      );
    // One channel: a sync running at the same moment (the last push's) may renew too; the renewal it loses deletes its
    // own channel at Google just after (dropOrphan), so two can show for a moment, never for good.
    await waitFor('one channel for the calendar', async () => (await ours()).length === 1);
    const chans = await ours();
    expect(chans).toHaveLength(1);
    const stored = JSON.parse(Buffer.from((await syncState()).subscription_id!, 'base64url').toString('utf8')) as {
      c: string;
    };
    expect(chans[0]!.id).toBe(stored.c);
  });
});
