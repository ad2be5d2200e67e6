// Graph requests per adapter operation (counted by the emulator's request log) against the minimum each needs,
// and the adapter's own time per call beside the emulator's handling time.
import { performance } from 'node:perf_hooks';
import { newOAuthClient, signIn, startTestEmulator, tokenSource } from '../test/support/microsoft.js';
import { createGraphTransport, createMicrosoftProvider } from '../src/providers/microsoft-graph/index.js';
import { sql } from 'kysely';
import { SyncService } from '../src/services/sync/sync-service.js';
import { PgSyncStore } from '../src/stores/sync-store.js';
import { createTestDatabase } from '../test/support/db.js';
import { insertSyncTarget } from '../test/support/sync-target.js';

export interface BenchResult {
  name: string;
  unit: string;
  samples: number[];
  minimum?: number;
}

const LOGIN = 'adele.vance@contoso.com';
const DAY = 86_400_000;

/**
 * Runs every operation `n` times (5 quick, 30 full) against an in-process emulator.
 * @example const results = await run({ quick: true });
 */
export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const n = opts.quick ? 5 : 30;
  const t = await startTestEmulator({ seed: 9 });
  try {
    const oauth = newOAuthClient(t);
    const graphTransport = createGraphTransport({ agent: t.agent });
    // requests sent over the wire (a $batch is one; the emulator's log also lists the parts it runs)
    const wire = { sent: 0 };
    const transport: typeof graphTransport = (req) => ((wire.sent += 1), graphTransport(req));
    const p = createMicrosoftProvider({
      graphBaseUrl: t.emu.baseUrl,
      transport,
      token: tokenSource(oauth, await signIn(oauth, t.agent, LOGIN)),
      mailbox: LOGIN,
      roomsEnabled: true,
    });
    const tid = t.emu.directory.getUser(LOGIN)!.tenantId;
    const people = [...t.emu.directory.users.values()]
      .filter((u) => u.kind === 'user' && u.tenantId === tid)
      .map((u) => u.mail)
      .slice(0, 10);
    const base = Date.UTC(2027, 2, 1, 9);
    let i = 0;
    const draft = (k: number, extra = {}) => ({
      subject: `Bench ${k}`,
      start: new Date(base + k * 3 * 3600_000).toISOString(),
      end: new Date(base + k * 3 * 3600_000 + 1800_000).toISOString(),
      timeZone: 'Europe/Berlin',
      ...extra,
    });
    const ops: Record<string, { minimum: number; fn: () => Promise<unknown> }> = {
      create: {
        minimum: 1,
        fn: () => p.createEvent({ event: draft(i++), externalId: `b-${i}`, transactionId: `tx-${i}` }),
      },
      'create (Teams)': { minimum: 1, fn: () => p.createEvent({ event: draft(i++, { onlineMeeting: true }) }) },
      update: {
        minimum: 1,
        fn: async () => {
          const e = ids.shift()!;
          return p.updateEvent({ eventId: e.id, changes: { subject: 'Bench updated' }, ifMatch: e.changeKey! });
        },
      },
      delete: { minimum: 1, fn: async () => p.deleteEvent(toDelete.shift()!) },
      'free/busy of 10 people (1 week)': {
        minimum: 1,
        fn: () =>
          p.getFreeBusy({
            schedules: people,
            start: new Date(base).toISOString(),
            end: new Date(base + 7 * DAY).toISOString(),
          }),
      },
      'list a week (all pages)': {
        minimum: 1,
        fn: async () => {
          let token: string | undefined;
          do
            token =
              (
                await p.listEvents({
                  start: new Date(base).toISOString(),
                  end: new Date(base + 7 * DAY).toISOString(),
                  pageSize: 100,
                  pageToken: token,
                })
              ).nextPageToken ?? undefined;
          while (token);
        },
      },
    };
    const ids: Array<{ id: string; changeKey: string | null }> = [];
    const toDelete: string[] = [];
    for (let k = 0; k < 2 * n; k++) {
      const e = await p.createEvent({ event: draft(1000 + k) });
      if (k < n) ids.push({ id: e.id, changeKey: e.changeKey });
      else toDelete.push(e.id);
    }
    await p.listCalendars(); // warm the connection and token
    const results: BenchResult[] = [];
    for (const [name, op] of Object.entries(ops)) {
      const requests: number[] = [];
      const clientMs: number[] = [];
      const emulatorMs: number[] = [];
      const overheadMs: number[] = [];
      for (let k = 0; k < n; k++) {
        t.emu.requestLog.reset();
        const t0 = performance.now();
        await op.fn();
        const wall = performance.now() - t0;
        const graph = t.emu.requestLog.list({}).filter((r) => r.url.startsWith('/v1.0/'));
        const server = graph.reduce((s, r) => s + r.durationMs, 0);
        requests.push(graph.length);
        clientMs.push(round(wall));
        emulatorMs.push(round(server));
        overheadMs.push(round(wall - server));
      }
      results.push({ name: `${name}: Graph requests`, unit: 'requests', samples: requests, minimum: op.minimum });
      results.push({ name: `${name}: wall time per call`, unit: 'ms', samples: clientMs });
      results.push({ name: `${name}: emulator handling time`, unit: 'ms', samples: emulatorMs });
      results.push({ name: `${name}: adapter + transport overhead`, unit: 'ms', samples: overheadMs });
    }
    results.push(await initialSync(t, p, wire));
    return results;
  } finally {
    await t.close();
  }
}

/**
 * Graph requests of one initial sync (SyncService + PgSyncStore, the adapter's delta pages of 50) of the seeded
 * mailbox: K events, R series. The minimum Graph allows: the delta pages (calendarView/delta carries occurrences and
 * exceptions, never their masters) plus one `$batch` per 20 masters to read them.
 */
async function initialSync(
  t: Awaited<ReturnType<typeof startTestEmulator>>,
  p: CalendarProviderLike,
  wire: { sent: number },
) {
  const database = await createTestDatabase();
  try {
    const calendarId = (await p.listCalendars()).find((c) => c.isDefault)!.id;
    const ids = await insertSyncTarget(database, LOGIN, calendarId);
    const sync = new SyncService(
      new PgSyncStore(database.db),
      { forTarget: () => p },
      { windowPastDays: 190, windowFutureDays: 190, now: () => new Date(t.emu.clock.now()) },
    );
    t.emu.requestLog.reset();
    const before = wire.sent;
    await sync.syncCalendar(ids.tenantId, ids.calendarId, { full: true });
    const sent = wire.sent - before;
    const deltaPages = t.emu.requestLog.list({}).filter((r) => r.route.endsWith('/calendarView/delta')).length;
    const c = await sql<{ k: number; r: number }>`SELECT count(*)::int AS k,
        count(DISTINCT provider_series_master_id)::int AS r FROM meetings`.execute(database.db);
    const { k, r } = c.rows[0]!;
    return {
      name: `initial sync of ${k} events with ${r} series: Graph requests`,
      unit: 'requests',
      samples: [sent],
      minimum: deltaPages + Math.ceil(r / 20),
    };
  } finally {
    await database.close();
  }
}

type CalendarProviderLike = ReturnType<typeof createMicrosoftProvider>;

const round = (x: number) => Math.round(x * 100) / 100;

/** `npx tsx bench/graph-requests.bench.ts [--quick]` prints a table. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await run({ quick: process.argv.includes('--quick') });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  for (const r of results) {
    console.log(
      `${r.name.padEnd(58)} median ${String(median(r.samples)).padStart(8)} ${r.unit}${r.minimum !== undefined ? `  (minimum ${r.minimum})` : ''}`,
    );
  }
}
