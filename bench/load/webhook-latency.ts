// Notification → database latency through the live webhook receiver, and Graph requests per changed event in steady state.
import { sql } from 'kysely';
import { fetch as undiciFetch } from 'undici';
import { startSyncServer } from '../../test/support/sync-server.js';
import { openBenchDatabase } from './db.js';
import type { EmulatorProcess } from './emulator-process.js';
import { signInMailbox } from './microsoft.js';

const LOGIN = 'megan.bowen@contoso.com';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WebhookFigures {
  /** ms from the provider-side change (PATCH answered) to the row written in `meetings`, one per change. */
  latencyMs: number[];
  /** Graph requests the sync made per isolated change (delta reads, master reads, retries). */
  requestsPerChange: number[];
  lost: number;
}

async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Starts the server (embedded worker, loopback webhook URL), connects a mailbox, waits for its initial sync and its
 * subscription, then creates `changes` events at `ratePerSecond` and `isolated` events one at a time.
 */
export async function measureWebhooks(
  emu: EmulatorProcess,
  opts: { changes: number; ratePerSecond: number; isolated: number },
): Promise<WebhookFigures> {
  const database = await openBenchDatabase();
  // a short window keeps the initial sync brief; the changes are new events within it
  const s = await startSyncServer(emu, emu.agent, database, {
    SYNC_WINDOW_PAST_DAYS: '1',
    SYNC_WINDOW_FUTURE_DAYS: '30',
  });
  try {
    await s.connect(LOGIN);
    await s.runtime.worker.pollAll(); // first sync + change subscription
    const db = database.db;
    await waitFor(
      async () => {
        const r = await db.selectFrom('calendar_sync_state').select(['last_success_at', 'subscription_id']).execute();
        return r.length > 0 && r.every((x) => x.last_success_at !== null) && r.some((x) => x.subscription_id !== null);
      },
      60_000,
      'the initial sync and the subscription',
    );
    await waitFor(
      async () => (await s.runtime.queue.depth()).queued + (await s.runtime.queue.depth()).active === 0,
      60_000,
      'an idle queue',
    );
    const me = await signInMailbox(emu, emu.agent, LOGIN);
    const token = await me.accessToken();
    let slot = 0;
    /** A new event in the window (a change the sync must pick up); returns when the emulator answered. */
    const create = async (subject: string) => {
      slot += 1;
      const startMs = Math.floor(Date.now() / 3600_000) * 3600_000 + 86_400_000 + slot * 900_000;
      const res = await undiciFetch(`${emu.baseUrl}/v1.0/me/events`, {
        method: 'POST',
        dispatcher: emu.agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          subject,
          start: { dateTime: new Date(startMs).toISOString().slice(0, 19), timeZone: 'UTC' },
          end: { dateTime: new Date(startMs + 900_000).toISOString().slice(0, 19), timeZone: 'UTC' },
        }),
      });
      await res.text();
      if (!res.ok) throw new Error(`POST /me/events answered ${res.status}`);
      return Date.now();
    };
    const landed = async (prefix: string) =>
      (
        await sql<{
          subject: string;
          at: Date;
        }>`SELECT subject, updated_at AS at FROM meetings WHERE subject LIKE ${prefix + '%'}`.execute(db)
      ).rows;

    // 1. a steady stream of changes
    const changedAt = new Map<string, number>();
    const gap = 1000 / opts.ratePerSecond;
    const t0 = Date.now();
    for (let k = 0; k < opts.changes; k++) {
      const subject = `Stream change ${k}`;
      changedAt.set(subject, await create(subject));
      const wait = t0 + (k + 1) * gap - Date.now();
      if (wait > 0) await sleep(wait);
    }
    let rows: Array<{ subject: string; at: Date }> = [];
    try {
      await waitFor(
        async () => (rows = await landed('Stream change ')).length >= opts.changes,
        60_000,
        'every change to land',
      );
    } catch {
      // counted as lost below
    }
    const latencyMs = rows.map((r) => new Date(r.at).getTime() - changedAt.get(r.subject)!);
    const lost = opts.changes - rows.length;

    // 2. isolated changes: how many Graph requests each costs the sync (the POST itself is not counted)
    const requestsPerChange: number[] = [];
    for (let k = 0; k < opts.isolated; k++) {
      await waitFor(
        async () => (await s.runtime.queue.depth()).queued + (await s.runtime.queue.depth()).active === 0,
        30_000,
        'an idle queue',
      );
      await sleep(300);
      await emu.admin('DELETE', '/requests');
      const subject = `Isolated change ${k}`;
      await create(subject);
      await waitFor(async () => (await landed(subject)).length === 1, 30_000, 'an isolated change');
      await waitFor(async () => (await s.runtime.queue.depth()).active === 0, 30_000, 'the sync to finish');
      const log = await emu.admin<{ requests: Array<{ method: string; url: string }> }>('GET', '/requests?limit=1000');
      requestsPerChange.push(
        log.requests.filter(
          (r) => r.url.startsWith('/v1.0/') && !(r.method === 'POST' && r.url.startsWith('/v1.0/me/events')),
        ).length,
      );
    }
    return { latencyMs, requestsPerChange, lost };
  } finally {
    await s.close();
  }
}
