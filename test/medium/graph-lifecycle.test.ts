// Subscription lifecycle through the emulator over HTTPS: Graph challenges the access token behind a subscription
// before it expires and drops change notifications while the challenge is unanswered; calbridge answers every
// reauthorizationRequired with POST /subscriptions/{id}/reauthorize (in a job), creates a new subscription when the one
// to reauthorize is gone or was removed, and syncs after `missed`.
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existingSubscriptionEngine } from '../../emulator/microsoft/graph/subscription-engine-registry.js';
import type { Database } from '../../src/stores/database.js';
import { createTestDatabase } from '../support/db.js';
import { startTestEmulator, type TestEmulator } from '../support/microsoft.js';
import { startSyncServer, type SyncServer } from '../support/sync-server.js';
import { waitFor } from '../support/wait.js';

const LOGIN = 'adele.vance@contoso.com';
const MINUTE = 60_000;

let t: TestEmulator;
let database: Database;
let s: SyncServer;
let user: Awaited<ReturnType<SyncServer['connect']>>;

interface EmulatorSubscription {
  id: string;
  paused: boolean;
  reauthorizationPending: boolean;
  stats: { delivered: number; dropped: number };
}

beforeAll(async () => {
  t = await startTestEmulator({ minimalSeed: true, tokenLifetimes: { accessTokenSeconds: 3600 } });
  database = await createTestDatabase();
  s = await startSyncServer({ baseUrl: t.emu.baseUrl, caFile: t.emu.caFile, app: t.emu.app }, t.agent, database);
  user = await s.connect(LOGIN);
}, 180_000);

afterAll(async () => {
  await s?.close();
  await database?.close();
  await t?.close();
});

async function emulatorSubscriptions(): Promise<EmulatorSubscription[]> {
  const res = await fetch(`${t.emu.baseUrl}/_emulator/subscriptions`, { dispatcher: t.agent });
  return ((await res.json()) as { value: EmulatorSubscription[] }).value;
}

/** The subscription calbridge holds for the user's calendar, once the emulator has it too. */
async function currentSubscription(not?: string): Promise<string> {
  return waitFor(`calbridge's subscription${not ? ` other than ${not}` : ''}`, async () => {
    const row = await database.db
      .selectFrom('calendar_sync_state')
      .select('subscription_id')
      .where('tenant_id', '=', user.tenantId)
      .where('subscription_id', 'is not', null)
      .executeTakeFirst();
    const id = row?.subscription_id;
    if (!id || id === not) return null;
    return (await emulatorSubscriptions()).some((x) => x.id === id) ? id : null;
  });
}

const requests = (method: string, suffix: string) =>
  t.emu.requestLog.list({}).filter((r) => r.method === method && r.url.split('?')[0]!.endsWith(suffix));

async function createEvent(subject: string): Promise<void> {
  const conn = await database.db
    .selectFrom('calendar_connections')
    .select('id')
    .where('tenant_id', '=', user.tenantId)
    .executeTakeFirstOrThrow();
  const provider = s.server.container.providers.forConnection('MICROSOFT', {
    tenantId: user.tenantId,
    userId: user.userId,
    connectionId: conn.id,
    mailbox: LOGIN,
  });
  const start = Date.now() + 86_400_000;
  await provider.createEvent({
    event: {
      subject,
      body: { contentType: 'text', content: '' },
      start: new Date(start).toISOString(),
      end: new Date(start + 1800_000).toISOString(),
      attendees: [],
    },
  });
}

const synced = (subject: string) =>
  waitFor(`"${subject}" synced`, async () =>
    database.db
      .selectFrom('meetings')
      .select('id')
      .where('tenant_id', '=', user.tenantId)
      .where('subject', '=', subject)
      .executeTakeFirst(),
  );

async function lifecycle(id: string, event: string): Promise<void> {
  const res = await fetch(`${t.emu.baseUrl}/_emulator/subscriptions/${id}/lifecycle`, {
    method: 'POST',
    dispatcher: t.agent,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ event }),
  });
  expect(res.status).toBe(202);
}

describe('Graph subscription lifecycle', () => {
  it('reauthorizes when the token behind the subscription expires, so change notifications keep arriving', async () => {
    const id = await currentSubscription();
    // An hour later the token that created the subscription has expired: Graph challenges it and, unanswered, would
    // drop every change notification from then on (the subscription itself has a week left).
    t.emu.clock.advance(61 * MINUTE);
    const answered = await waitFor('POST /subscriptions/{id}/reauthorize answered 204', async () =>
      requests('POST', `/subscriptions/${id}/reauthorize`).find((r) => r.status === 204),
    );
    expect(answered).toBeDefined();
    const sub = (await emulatorSubscriptions()).find((x) => x.id === id)!;
    expect(sub).toMatchObject({ paused: false, reauthorizationPending: false });
    // A change after the reauthorization is notified (polling is daily here) and synced.
    await createEvent('After the token challenge');
    await synced('After the token challenge');
    expect((await emulatorSubscriptions()).find((x) => x.id === id)!.stats.dropped).toBe(0);
  });

  it('creates a new subscription when the one to reauthorize is gone, and after subscriptionRemoved; syncs after missed', async () => {
    const id = await currentSubscription();
    // Graph challenges a subscription that is removed before the answer: /reauthorize then answers 404.
    const engine = existingSubscriptionEngine(t.emu.store)!;
    expect(engine.triggerLifecycle(id, 'reauthorizationRequired')).toBe(true);
    engine.subscriptions.delete(id);
    const replacement = await currentSubscription(id);
    expect(requests('POST', `/subscriptions/${id}/reauthorize`).map((r) => r.status)).toContain(404);

    // subscriptionRemoved: Graph deleted it; calbridge subscribes again.
    await lifecycle(replacement, 'subscriptionRemoved');
    const third = await currentSubscription(replacement);
    expect((await emulatorSubscriptions()).map((x) => x.id)).toEqual([third]);

    // missed: a change notification was lost; the lifecycle notification brings the sync.
    const faults = await fetch(`${t.emu.baseUrl}/_emulator/webhook-faults`, {
      method: 'PUT',
      dispatcher: t.agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ drop: { remaining: 1 } }),
    });
    expect(faults.status).toBe(200);
    await createEvent('Notification lost');
    await waitFor('the change notification dropped', async () =>
      (await emulatorSubscriptions()).some((x) => x.id === third && x.stats.dropped === 1),
    );
    await lifecycle(third, 'missed');
    await synced('Notification lost');
  });
});
