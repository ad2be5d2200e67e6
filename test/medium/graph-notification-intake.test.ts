// Graph notification batches within Graph's time budget: the webhook checks a batch, stores it with one insert and
// answers 202 before anything is looked up; the worker's graph-notifications job verifies it and syncs every calendar
// it names. Oversized batches are refused whole. The emulator batches notifications of close changes into one POST.
import { sql } from 'kysely';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncTarget } from '../../src/ports/sync.js';
import type { Database } from '../../src/stores/database.js';
import { createTestDatabase } from '../support/db.js';
import { startTestEmulator, type TestEmulator } from '../support/microsoft.js';
import { startSyncServer, type SyncServer } from '../support/sync-server.js';
import { waitFor } from '../support/wait.js';

const LOGINS = ['adele.vance@contoso.com', 'alex.wilber@contoso.com', 'megan.bowen@contoso.com'];

let t: TestEmulator;
let database: Database;
let s: SyncServer;
let users: Array<Awaited<ReturnType<SyncServer['connect']>>> = [];

interface EmulatorSubscription {
  id: string;
  clientState: string;
  resource: string;
}

beforeAll(async () => {
  // Notifications of changes within 1.5 s of each other share a POST (Graph batches close changes too).
  t = await startTestEmulator({ minimalSeed: true, subscriptions: { batchWindowMs: 1500 } });
  database = await createTestDatabase();
  // The worker is started by the test: first only the HTTP service receives notifications.
  s = await startSyncServer({ baseUrl: t.emu.baseUrl, caFile: t.emu.caFile, app: t.emu.app }, t.agent, database, {
    CALBRIDGE_EMBEDDED_WORKER: 'false',
  });
  users = [];
  for (const login of LOGINS) users.push(await s.connect(login));
}, 180_000);

afterAll(async () => {
  await s?.close();
  await database?.close();
  await t?.close();
});

const bossSchema = () => (database.schema === 'public' ? 'pgboss' : `${database.schema}_boss`);
async function jobs(name: string): Promise<Array<{ data: { items?: unknown[] } }>> {
  const r = await sql<{ data: { items?: unknown[] } }>`
    SELECT data FROM ${sql.table(`${bossSchema()}.job`)} WHERE name = ${name}`.execute(database.db);
  return r.rows;
}

const post = (body: string) =>
  fetch(`${s.url}/api/webhooks/microsoft/notifications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });

async function emulatorSubscriptions(): Promise<EmulatorSubscription[]> {
  const res = await fetch(`${t.emu.baseUrl}/_emulator/subscriptions`, { dispatcher: t.agent });
  return ((await res.json()) as { value: EmulatorSubscription[] }).value;
}

describe('Graph notification intake', () => {
  it('answers a 100-item batch at once with one insert, then syncs every calendar it names', async () => {
    // Each user's default calendar gets its change subscription (the upkeep a sync job ends with), over HTTPS.
    const targets: SyncTarget[] = [];
    for (const u of users) {
      const [target] = await s.runtime.store.listTargets({ tenantId: u.tenantId });
      targets.push(target!);
      await s.runtime.worker.ensureSubscription(target!);
    }
    const subs = await emulatorSubscriptions();
    expect(subs).toHaveLength(3);
    const value = Array.from({ length: 100 }, (_, i) => {
      const sub = subs[i % subs.length]!;
      return {
        id: `n${i}`,
        subscriptionId: sub.id,
        subscriptionExpirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
        changeType: 'updated',
        resource: `Users/x/Events/e${i}`,
        resourceData: { '@odata.type': '#Microsoft.Graph.Event', id: `e${i}` },
        clientState: sub.clientState,
        tenantId: 'contoso',
      };
    });
    expect(await jobs('graph-notifications')).toHaveLength(0);

    const started = Date.now();
    const res = await post(JSON.stringify({ value }));
    const elapsed = Date.now() - started;
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 100 });
    expect(elapsed).toBeLessThan(2000); // Graph wants a 2xx within 3 s
    // Stored with one insert, nothing processed yet: no sync was queued by the request.
    const stored = await jobs('graph-notifications');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.data.items).toHaveLength(100);
    expect(JSON.stringify(stored[0]!.data)).not.toContain(subs[0]!.clientState);
    expect(await jobs('calendar-sync')).toHaveLength(0);

    // A worker processes the batch after the answer: every calendar it names is synced.
    await s.server.jobs.start();
    await waitFor('the three calendars synced after the notifications', async () => {
      const rows = await database.db
        .selectFrom('calendar_sync_state')
        .select(['calendar_id', 'last_notification_at', 'last_success_at'])
        .where(
          'calendar_id',
          'in',
          targets.map((x) => x.calendarId),
        )
        .execute();
      return rows.length === 3 && rows.every((r) => r.last_notification_at && r.last_success_at);
    });
  });

  it('refuses a 20,000-entry batch with 413 notification_batch_too_large and an oversized body with 413', async () => {
    const before = (await jobs('graph-notifications')).length;
    const value = Array.from({ length: 20_000 }, () => ({ subscriptionId: 'x', clientState: 'y' }));
    const res = await post(JSON.stringify({ value }));
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { code: string; details: { max: number; received: number } } };
    expect(body.error.code).toBe('notification_batch_too_large');
    expect(body.error.details).toEqual({ max: 1000, received: 20_000 });
    const huge = await post(JSON.stringify({ value: [{ subscriptionId: 'x', pad: 'p'.repeat(3 * 1_048_576) }] }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(await jobs('graph-notifications')).toHaveLength(before);
  });

  it('receives the emulator’s own batch of close changes in three mailboxes in one POST, and syncs all three', async () => {
    const subjects = LOGINS.map((l) => `Batched change for ${l}`);
    const start = Date.now() + 3 * 86_400_000;
    await Promise.all(
      users.map(async (u, i) => {
        const conn = await database.db
          .selectFrom('calendar_connections')
          .select('id')
          .where('tenant_id', '=', u.tenantId)
          .executeTakeFirstOrThrow();
        const provider = s.server.container.providers.forConnection('MICROSOFT', {
          tenantId: u.tenantId,
          userId: u.userId,
          connectionId: conn.id,
          mailbox: LOGINS[i]!,
        });
        await provider.createEvent({
          event: {
            subject: subjects[i]!,
            body: { contentType: 'text', content: '' },
            start: new Date(start).toISOString(),
            end: new Date(start + 1800_000).toISOString(),
            attendees: [],
          },
        });
      }),
    );
    await waitFor('the three new meetings synced', async () => {
      const rows = await database.db
        .selectFrom('meetings')
        .select('subject')
        .where('subject', 'in', subjects)
        .execute();
      return rows.length === 3;
    });
    const deliveries = (await (
      await fetch(`${t.emu.baseUrl}/_emulator/deliveries`, { dispatcher: t.agent })
    ).json()) as {
      value: Array<{ kind: string; count?: number; status: number }>;
    };
    const batches = deliveries.value.filter((d) => d.kind === 'change');
    expect(batches.some((d) => (d.count ?? 1) > 1 && d.status === 202)).toBe(true);
    // ...stored as one job per POST, however many notifications it carried.
    const stored = await jobs('graph-notifications');
    expect(stored.some((j) => (j.data.items?.length ?? 0) > 1 && (j.data.items?.length ?? 0) < 100)).toBe(true);
  });
});
