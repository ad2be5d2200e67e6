// The sync worker on pg-boss: queued jobs run once, bursts collapse, notifications need the right clientState.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPgBossQueue } from '../../src/jobs/pgboss-queue.js';
import type { JobQueue, SyncJob } from '../../src/ports/jobs.js';
import { AppError } from '../../src/domain/errors.js';
import { MockCalendarAdapter, MockCalendarWorld } from '../../src/providers/mock/index.js';
import { SyncService } from '../../src/services/sync/sync-service.js';
import { SyncWorker, hashClientState } from '../../src/services/sync/worker.js';
import type { Database } from '../../src/stores/database.js';
import { PgSyncStore } from '../../src/stores/sync-store.js';
import { createTestDatabase } from '../support/db.js';
import { waitFor } from '../support/wait.js';

const MAILBOX = 'megan@contoso.com';
let db: Database;
let queue: JobQueue;
let worker: SyncWorker;
let world: MockCalendarWorld;
let ids: { tenantId: string; calendarId: string; connectionId: string };

beforeEach(async () => {
  db = await createTestDatabase();
  world = new MockCalendarWorld();
  world.addMailbox(MAILBOX);
  const t = await db.db
    .insertInto('tenants')
    .values({ name: 'T', calendar_provider: 'MICROSOFT' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const u = await db.db
    .insertInto('users')
    .values({ tenant_id: t.id, email: MAILBOX })
    .returning('id')
    .executeTakeFirstOrThrow();
  const c = await db.db
    .insertInto('calendar_connections')
    .values({ tenant_id: t.id, user_id: u.id, provider: 'MICROSOFT', account_email: MAILBOX })
    .returning('id')
    .executeTakeFirstOrThrow();
  const cal = await db.db
    .insertInto('calendars')
    .values({
      tenant_id: t.id,
      user_id: u.id,
      connection_id: c.id,
      provider_calendar_id: world.defaultCalendar(MAILBOX),
      name: 'Calendar',
      is_default: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  ids = { tenantId: t.id, calendarId: cal.id, connectionId: c.id };
  const store = new PgSyncStore(db.db);
  const providers = { forTarget: () => new MockCalendarAdapter(world, MAILBOX) };
  const sync = new SyncService(store, providers, { windowPastDays: 30, windowFutureDays: 90, now: () => new Date() });
  queue = await createPgBossQueue(db);
  worker = new SyncWorker(sync, store, store, providers, queue, {
    pollIntervalSeconds: 3600,
    publicBaseUrl: null,
    debounceSeconds: 0,
    now: () => new Date(),
    log: () => undefined,
  });
});

afterEach(async () => {
  await worker.stop();
  await db.close();
});

const count = async () =>
  Number(
    (
      await db.db
        .selectFrom('meetings')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('sync worker', () => {
  it('runs queued syncs and collapses a burst into at most two runs', async () => {
    const provider = new MockCalendarAdapter(world, MAILBOX);
    const start = Date.now() + 86_400_000;
    for (let i = 0; i < 5; i++) {
      await provider.createEvent({
        event: {
          subject: `E${i}`,
          start: new Date(start + i * 3600_000).toISOString(),
          end: new Date(start + i * 3600_000 + 1800_000).toISOString(),
        },
      });
    }
    const runs: SyncJob[] = [];
    const run = worker.run.bind(worker);
    worker.run = async (job) => {
      runs.push(job);
      await run(job);
    };
    const job: SyncJob = { ...ids, reason: 'notification' };
    const accepted = [];
    for (let i = 0; i < 10; i++) accepted.push(await queue.enqueueSync(job));
    expect(accepted.filter(Boolean).length).toBe(1);
    await worker.start(2);
    await waitFor('five meetings', async () => (await count()) === 5);
    await waitFor(
      'an empty queue',
      async () => (await queue.depth()).queued === 0 && (await queue.depth()).active === 0,
    );
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.length).toBeLessThanOrEqual(2);
  });

  it('accepts a notification only with the stored clientState', async () => {
    const store = new PgSyncStore(db.db);
    await store.saveSubscription(ids.calendarId, {
      id: 'sub-1',
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      clientStateHash: hashClientState('s3cret'),
    });
    expect(await worker.onNotification({ subscriptionId: 'sub-1', clientState: 'wrong' })).toBe('rejected');
    expect(await worker.onNotification({ subscriptionId: 'sub-1', clientState: undefined })).toBe('rejected');
    expect(await worker.onNotification({ subscriptionId: 'nope', clientState: 's3cret' })).toBe('rejected');
    expect((await queue.depth()).queued).toBe(0);
    expect(await worker.onNotification({ subscriptionId: 'sub-1', clientState: 's3cret' })).toBe('queued');
    expect((await queue.depth()).queued).toBe(1);
  });

  it('accepts a Google push only with the channel token, and ignores the initial sync message', async () => {
    const store = new PgSyncStore(db.db);
    await store.saveSubscription(ids.calendarId, {
      id: 'channel-ref',
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      clientStateHash: hashClientState('chan-token'),
    });
    expect(await worker.onChannelNotification({ calendarId: ids.calendarId, token: 'forged', state: 'exists' })).toBe(
      'rejected',
    );
    expect(await worker.onChannelNotification({ calendarId: ids.calendarId, token: undefined, state: 'exists' })).toBe(
      'rejected',
    );
    expect(await worker.onChannelNotification({ calendarId: ids.calendarId, token: 'chan-token', state: 'sync' })).toBe(
      'ignored',
    );
    expect((await queue.depth()).queued).toBe(0);
    expect(
      await worker.onChannelNotification({ calendarId: ids.calendarId, token: 'chan-token', state: 'exists' }),
    ).toBe('queued');
    expect((await queue.depth()).queued).toBe(1);
  });

  it('queues a delayed follow-up job when subscription upkeep is throttled, not for other failures', async () => {
    const store = new PgSyncStore(db.db);
    let failure: Error = new Error('validation of the notification URL failed');
    const providers = {
      forTarget: () => {
        const a = new MockCalendarAdapter(world, MAILBOX);
        a.createSubscription = async () => {
          throw failure;
        };
        return a;
      },
    };
    const sync = new SyncService(store, providers, { windowPastDays: 30, windowFutureDays: 90, now: () => new Date() });
    const logged: string[] = [];
    const w = new SyncWorker(sync, store, store, providers, queue, {
      pollIntervalSeconds: 3600,
      publicBaseUrl: 'https://calbridge.example',
      debounceSeconds: 0,
      now: () => new Date(),
      log: (_o, m) => logged.push(m),
    });
    await w.run({ ...ids, reason: 'poll' });
    expect(logged).toContain('subscription upkeep failed');
    expect((await queue.depth()).queued).toBe(0);
    failure = new AppError('provider_throttled');
    const before = Date.now();
    await w.run({ ...ids, reason: 'poll' });
    const boss = db.schema === 'public' ? 'pgboss' : `${db.schema}_boss`;
    const queued = await sql<{ reason: string; start_after: Date }>`SELECT data->>'reason' AS reason, start_after
      FROM ${sql.table(`${boss}.job`)} WHERE state = 'created'`.execute(db.db);
    expect(queued.rows.map((r) => r.reason)).toEqual(['subscription-retry']);
    expect(new Date(queued.rows[0]!.start_after).getTime()).toBeGreaterThan(before + 50_000);
  });
});
