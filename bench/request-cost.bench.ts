// CPU per request of API calls against a same-work ceiling measured in the same run (issue 20): the statements
// calbridge runs for one request are recorded at the driver (PGlite's query and transactions, or pg's Client#query on
// a server), and so are the Graph requests it sends (at undici's Agent#dispatch); then a bare Fastify app in the same
// process answers the same route by replaying exactly those statements through the same driver, and those Graph
// requests through plain fetch to the same emulator, and sending the same body. Both are driven with `inject` (no
// sockets), so the ratio ceiling/ours is what calbridge's own machinery costs: validation, auth, rate limits, hooks,
// logging, mapping — and, for the events list, its query: that ceiling runs one SELECT of only the columns the view
// needs, no count, instead of calbridge's statements. The events list is measured as a keyset client asks for it
// (`total=false`: no count, as the ceiling), and as an offset client does (the total counted, against the same
// ceiling: what the count costs).
// On a server only this process's CPU is counted (the PostgreSQL backends' is not, for either side); the emulator
// (Microsoft 365, a child process) is not counted for either side.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { Agent, fetch as undiciFetch } from 'undici';
import { loadConfig } from '../src/config/config.js';
import { createRuntime } from '../src/main/runtime.js';
import type { Database } from '../src/stores/database.js';
import { BODY_PREFIX, VIEW_COLUMNS } from '../src/stores/meeting-store.js';
import type { BenchResult, Floor } from './harness.js';
import { CONTOSO_PEOPLE, connectOutlookAndSync } from './load/connect.js';
import { closeBenchTemplate, openBenchDatabase } from './load/db.js';
import { spawnEmulator, type EmulatorProcess } from './load/emulator-process.js';
import { mixPaths, proposalBody } from './load/scheduling-mix.js';

/**
 * Measured quick on this 2-core machine (PGlite): /healthz 0.55–0.65, /api/me 0.45–0.55, /api/customers 0.55–0.65;
 * in the runs of 2026-12-07 (load average 20–28, PGlite / PostgreSQL server): the events list 0.573 / 0.588,
 * availability 0.588 / 0.546, proposal create 0.487 / 0.610. Floors about half the measured quick ratio, against
 * regressions (a second statement per request, logging every request again, a count on every page).
 */
export const floors: Floor[] = [
  { match: 'CPU per request: GET /healthz', minRatio: 0.3 },
  { match: 'CPU per request: GET /api/me', minRatio: 0.25 },
  { match: 'CPU per request: GET /api/customers', minRatio: 0.3 },
  { match: 'CPU per request: GET /api/calendar/events', minRatio: 0.28 },
  { match: 'CPU per request: GET /api/calendar/availability', minRatio: 0.27 },
  { match: 'CPU per request: POST /api/calendar/events', minRatio: 0.24 },
];

/** The events list as an offset client asks for it: the total counted (the default without a cursor). */
const OFFSET_EVENTS = 'GET /api/calendar/events (offset, total)';

/** Contoso mailboxes of the emulator's seed, connected through the public connect flow. */
const PEOPLE = CONTOSO_PEOPLE;
const DAY = 86_400_000;

interface Statement {
  text: string;
  values: unknown[];
}
/** PGlite's transaction() bracket, recorded around the statements run in it (on a server, begin/commit are texts). */
const BEGIN: Statement = { text: '\u0000begin', values: [] };
const COMMIT: Statement = { text: '\u0000commit', values: [] };

interface GraphCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

/** Records the statements run while `f` runs, at the driver calbridge uses. */
async function recording(database: Database, f: () => Promise<unknown>): Promise<Statement[]> {
  const seen: Statement[] = [];
  if (database.pglite) {
    const db = database.pglite;
    const query = db.query.bind(db);
    const transaction = db.transaction.bind(db);
    db.query = (async (text: string, values?: unknown[], o?: unknown) => {
      seen.push({ text, values: values ?? [] });
      return query(text, values as never, o as never);
    }) as typeof db.query;
    db.transaction = (async (fn: (tx: Parameters<Parameters<typeof transaction>[0]>[0]) => Promise<unknown>) =>
      transaction(async (tx) => {
        seen.push(BEGIN);
        const txQuery = tx.query.bind(tx);
        tx.query = (async (text: string, values?: unknown[], o?: unknown) => {
          seen.push({ text, values: values ?? [] });
          return txQuery(text, values as never, o as never);
        }) as typeof tx.query;
        const r = await fn(tx);
        seen.push(COMMIT);
        return r;
      })) as typeof db.transaction;
    try {
      await f();
    } finally {
      db.query = query;
      db.transaction = transaction;
    }
    return seen;
  }
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const query = proto.query;
  proto.query = function (this: unknown, ...a: unknown[]) {
    const [q, v] = a;
    if (typeof q === 'string') seen.push({ text: q, values: (v as unknown[]) ?? [] });
    else if (q && typeof q === 'object' && 'text' in q)
      seen.push({ text: (q as { text: string }).text, values: (q as { values?: unknown[] }).values ?? [] });
    return query.apply(this, a);
  };
  try {
    await f();
  } finally {
    proto.query = query;
  }
  return seen;
}

/** Records the HTTPS requests sent through any undici Agent while `f` runs (method, URL, headers, body). */
async function recordingGraph(f: () => Promise<unknown>): Promise<GraphCall[]> {
  const seen: GraphCall[] = [];
  type Dispatch = (opts: Record<string, unknown>, handler: unknown) => boolean;
  const proto = Agent.prototype as unknown as { dispatch: Dispatch };
  const dispatch = proto.dispatch;
  proto.dispatch = function (this: unknown, opts, handler) {
    const headers: Record<string, string> = {};
    const h = opts.headers as unknown;
    if (Array.isArray(h))
      for (let i = 0; i + 1 < h.length; i += 2) headers[String(h[i]).toLowerCase()] = String(h[i + 1]);
    else if (h && typeof h === 'object')
      for (const [k, v] of Object.entries(h as Record<string, unknown>)) headers[k.toLowerCase()] = String(v);
    const call: GraphCall = {
      method: String(opts.method),
      url: `${String(opts.origin)}${String(opts.path)}`,
      headers,
      body: null,
    };
    seen.push(call);
    const body = opts.body as unknown;
    if (typeof body === 'string') call.body = body;
    else if (body instanceof Uint8Array) call.body = Buffer.from(body).toString('utf8');
    else if (body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      const chunks: Buffer[] = [];
      opts = {
        ...opts,
        body: (async function* () {
          for await (const c of body as AsyncIterable<Uint8Array | string>) {
            chunks.push(Buffer.from(c as Uint8Array));
            yield c;
          }
          call.body = Buffer.concat(chunks).toString('utf8');
        })(),
      };
    }
    return dispatch.call(this, opts, handler);
  };
  try {
    await f();
  } finally {
    proto.dispatch = dispatch;
  }
  return seen;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * The statements with the ids calbridge made for this request (uuids first written by an INSERT, not read before)
 * replaced by fresh ones, so that a replayed create inserts new rows as calbridge's did, instead of failing on a key.
 */
function withFreshIds(statements: Statement[]): () => Statement[] {
  const seenBefore = new Set<string>();
  const made = new Set<string>();
  for (const s of statements) {
    const ids = JSON.stringify(s.values).match(UUID) ?? [];
    if (/^\s*insert/i.test(s.text)) for (const id of ids) if (!seenBefore.has(id)) made.add(id.toLowerCase());
    for (const id of ids) seenBefore.add(id);
  }
  if (made.size === 0) return () => statements;
  const swap = (v: unknown, map: Map<string, string>): unknown => {
    if (typeof v === 'string') return v.replace(UUID, (id) => map.get(id.toLowerCase()) ?? id);
    return v;
  };
  return () => {
    const map = new Map([...made].map((id) => [id, randomUUID()]));
    return statements.map((s) => ({ text: s.text, values: s.values.map((v) => swap(v, map)) }));
  };
}

/** Runs recorded statements through the same driver, one after another as calbridge did (transactions as such). */
async function replay(database: Database, statements: Statement[]): Promise<void> {
  if (database.pglite) {
    const db = database.pglite;
    for (let i = 0; i < statements.length; i++) {
      const s = statements[i]!;
      if (s === BEGIN || s.text === BEGIN.text) {
        const end = statements.findIndex((x, j) => j > i && x.text === COMMIT.text);
        const inner = statements.slice(i + 1, end);
        await db.transaction(async (tx) => {
          for (const t of inner) await tx.query(t.text, t.values as never);
        });
        i = end;
      } else await db.query(s.text, s.values as never);
    }
    return;
  }
  if (!statements.some((s) => /^\s*begin/i.test(s.text))) {
    for (const s of statements) await database.pool!.query(s.text, s.values);
    return;
  }
  // a transaction needs one connection, as calbridge's had
  const client = await database.pool!.connect();
  try {
    for (const s of statements) await client.query(s.text, s.values);
  } finally {
    client.release();
  }
}

/** Sends recorded Graph requests again with plain fetch (one after another) and reads each answer whole. */
async function replayGraph(agent: Agent, calls: GraphCall[]): Promise<void> {
  for (const c of calls) {
    const headers = { ...c.headers };
    for (const h of ['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive']) delete headers[h];
    const res = await undiciFetch(c.url, { method: c.method, headers, body: c.body ?? undefined, dispatcher: agent });
    await res.text();
  }
}

interface Req {
  name: string;
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** The body of the i-th request (a create needs a new subject each time). */
  payload?: (i: number) => unknown;
}

const send = (app: FastifyInstance, r: Req, i: number) =>
  app.inject({
    method: r.method,
    url: r.url,
    headers: r.headers,
    ...(r.payload ? { payload: r.payload(i) as object } : {}),
  });

/** Median CPU milliseconds per request over `rounds` rounds of `n` injected requests (after a warm-up). */
async function cpuPerRequest(app: FastifyInstance, r: Req, n: number, rounds: number): Promise<number[]> {
  let i = 0;
  for (let w = 0; w < Math.min(200, n); w++) await send(app, r, i++); // warm-up
  const out: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const c0 = process.cpuUsage();
    for (let k = 0; k < n; k++) {
      const res = await send(app, r, i++);
      if (res.statusCode >= 300) throw new Error(`${r.name} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
    }
    const c = process.cpuUsage(c0);
    out.push((c.user + c.system) / 1000 / n);
  }
  return out;
}

/** Runs `f` with an inspector session on this process, connected for its duration. */
async function inspecting(f: (session: import('node:inspector/promises').Session) => Promise<void>): Promise<void> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  try {
    await f(session);
  } finally {
    session.disconnect();
  }
}

/** "function file:line" of a profile's call frame (the file's last two path parts). */
const frameName = (f: { functionName: string; url: string; lineNumber: number }): string =>
  `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;

/** The `k` largest entries of `m`, one indented line each as `line` writes it. */
const topLines = (m: Map<string, number>, k: number, line: (value: number) => string): string =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([name, value]) => `    ${line(value)}  ${name}`)
    .join('\n');

/**
 * BENCH_COST_PROFILE=<part of a route's name>: a CPU profile (node:inspector, 100 µs sampling) of `n` requests of the
 * matching routes on calbridge's side, after the warm-up, printed to stderr as self time by function and by package.
 */
async function profileOf(app: FastifyInstance, r: Req, n: number, label = 'calbridge'): Promise<void> {
  await inspecting(async (session) => {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    for (let i = 0; i < 50; i++) await send(app, r, 2_000_000 + i);
    await session.post('Profiler.start');
    for (let i = 0; i < n; i++) await send(app, r, 2_100_000 + i);
    const { profile } = await session.post('Profiler.stop');
    const byId = new Map(profile.nodes.map((x) => [x.id, x]));
    const self = new Map<number, number>();
    profile.samples!.forEach((id, k) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas![k] ?? 0)));
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    const parent = new Map<number, number>();
    for (const x of profile.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
    const byFn = new Map<string, number>();
    const byPkg = new Map<string, number>();
    const byCaller = new Map<string, number>();
    const nameOf = (id: number | undefined): string => {
      const f = id === undefined ? undefined : byId.get(id)?.callFrame;
      return f ? frameName(f) : '-';
    };
    for (const [id, us] of self) {
      // a native function's self time is charged to the JavaScript that called it
      let up = parent.get(id);
      while (up !== undefined && !byId.get(up)!.callFrame.url) up = parent.get(up);
      const k = `${nameOf(id)}  <-  ${nameOf(up)}`;
      byCaller.set(k, (byCaller.get(k) ?? 0) + us);
      const f = byId.get(id)!.callFrame;
      const file = f.url.replace(/^file:\/\//, '');
      const pkg =
        /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ??
        (file.includes('/src/') ? 'src' : file || f.functionName);
      const fn = frameName(f);
      byFn.set(fn, (byFn.get(fn) ?? 0) + us);
      byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + us);
    }
    const line = (us: number) =>
      `${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000 / n).toFixed(3)} ms/req`;
    process.stderr.write(
      `\nprofile of ${r.name} (${label}), ${n} requests, ${(total / 1000 / n).toFixed(2)} ms sampled per request\n` +
        `  by package:\n${topLines(byPkg, 15, line)}\n  by function (self):\n${topLines(byFn, 30, line)}\n` +
        `  by function and its nearest JavaScript caller:\n${topLines(byCaller, 30, line)}\n`,
    );
  });
}

/**
 * BENCH_COST_HEAP=<part of a route's name>: the bytes allocated per request of the matching routes (V8's sampling heap
 * profiler, 4 KB interval, objects later collected included), by allocating function, printed to stderr.
 */
async function allocationsOf(app: FastifyInstance, r: Req, n: number, label = 'calbridge'): Promise<void> {
  await inspecting(async (session) => {
    for (let i = 0; i < 50; i++) await send(app, r, 3_000_000 + i);
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    for (let i = 0; i < n; i++) await send(app, r, 3_100_000 + i);
    const { profile } = await session.post('HeapProfiler.stopSampling');
    const byFn = new Map<string, number>();
    let total = 0;
    type HeapNode = (typeof profile)['head'];
    // a native allocation is charged to the JavaScript that called it
    const walk = (x: HeapNode, caller: string) => {
      const name = x.callFrame.url ? frameName(x.callFrame) : caller;
      total += x.selfSize;
      if (x.selfSize) byFn.set(name, (byFn.get(name) ?? 0) + x.selfSize);
      for (const c of x.children) walk(c, name);
    };
    walk(profile.head, '(root)');
    const top = topLines(byFn, 25, (b) => `${(b / 1024 / n).toFixed(1).padStart(7)} KB/req`);
    process.stderr.write(
      `\nallocations of ${r.name} (${label}), ${n} requests, ${(total / 1024 / n).toFixed(0)} KB per request\n${top}\n`,
    );
  });
}

interface Recorded {
  statements: Statement[];
  graph: GraphCall[];
  status: number;
  body: string;
  type: string;
}

/** What calbridge runs, sends to Graph and answers for one request (in its steady state: after a first request). */
async function record(database: Database, app: FastifyInstance, r: Req, i: number): Promise<Recorded> {
  await send(app, r, i);
  let res: Awaited<ReturnType<typeof app.inject>> | null = null;
  let statements: Statement[] = [];
  const graph = await recordingGraph(async () => {
    statements = await recording(database, async () => {
      res = await send(app, r, i + 1);
    });
  });
  const answered = res as unknown as Awaited<ReturnType<typeof app.inject>>;
  if (answered.statusCode >= 300)
    throw new Error(`${r.name} answered ${answered.statusCode}: ${answered.body.slice(0, 200)}`);
  if (process.env.BENCH_COST_DUMP)
    process.stderr.write(
      `\n${r.name}: ${statements.length} statements, ${graph.length} Graph requests, answer ${answered.body.length} characters (${Buffer.byteLength(answered.body)} bytes)\n` +
        statements.map((s) => `  ${s.text.replace(/\s+/g, ' ').slice(0, 300)}\n`).join('') +
        graph.map((g) => `  ${g.method} ${g.url} ${g.body?.slice(0, 200) ?? ''}\n`).join(''),
    );
  return {
    statements,
    graph,
    status: answered.statusCode,
    body: answered.body,
    type: String(answered.headers['content-type'] ?? 'application/json'),
  };
}

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const n = opts.quick ? 80 : 1000;
  const rounds = opts.quick ? 5 : 9;
  // the routes that reach the emulator or read a calendar cost milliseconds each: fewer requests per round
  const nHeavy = opts.quick ? 15 : 200;
  const t0 = Date.now();
  const note = (m: string) =>
    process.env.BENCH_COST_DUMP && process.stderr.write(`  [${((Date.now() - t0) / 1000).toFixed(1)} s] ${m}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'cb-cost-'));
  // adele's mailbox gets 400 more plain events over a year (half of them past): a history to range over
  const started = await Promise.allSettled([spawnEmulator({ scale: 2 }), openBenchDatabase()]);
  if (started[0].status === 'rejected' || started[1].status === 'rejected') {
    if (started[0].status === 'fulfilled') await started[0].value.close();
    if (started[1].status === 'fulfilled') await started[1].value.close();
    rmSync(dir, { recursive: true, force: true });
    throw [started[0], started[1]].map((r) => (r.status === 'rejected' ? r.reason : null)).find(Boolean);
  }
  const emu: EmulatorProcess = started[0].value;
  const database = started[1].value;
  note('emulator and database up');
  const rt = await createRuntime(
    loadConfig({
      CALBRIDGE_DATA_DIR: dir,
      CALBRIDGE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // The production default level.
      LOG_LEVEL: 'info',
      PORT: '0',
      CALBRIDGE_START_EMULATOR: 'false',
      CALBRIDGE_EMBEDDED_WORKER: 'false',
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_TENANT_PER_MINUTE: '10000000',
      MICROSOFT_CLIENT_ID: emu.app.clientId,
      MICROSOFT_CLIENT_SECRET: emu.app.clientSecret,
      MICROSOFT_REDIRECT_URI: emu.app.redirectUris[0],
      MICROSOFT_AUTHORITY_HOST: emu.baseUrl,
      MICROSOFT_GRAPH_BASE_URL: emu.baseUrl,
      MICROSOFT_CA_FILE: emu.caFile,
      MICROSOFT_ROOMS_ENABLED: 'false',
    }),
    { database, closeDatabase: false, logStream: { write: () => true } as unknown as NodeJS.WritableStream },
  );
  const ceiling = Fastify();
  try {
    await emu.admin('PATCH', '/faults', { latency: { fixedMs: 0, jitterMs: 0, distribution: 'uniform' } });
    const app = await rt.http();
    const { container } = rt;
    const tenant = await container.tenants.createTenant({ name: 'Cost', calendarProvider: 'MICROSOFT' });
    const key = await container.tenants.createApiKey(tenant.id, 'csm@cost.example');
    const auth = { authorization: `Bearer ${key.apiKey}` };
    for (let i = 0; i < 40; i++)
      await app.inject({
        method: 'POST',
        url: '/api/customers',
        headers: auth,
        payload: { name: `Customer ${i}`, domains: [`c${i}.example`] },
      });
    // four people of a second tenant connect through the public connect flow and are synced once
    const office = await container.tenants.createTenant({
      name: 'Office',
      calendarProvider: 'MICROSOFT',
      settings: { ownDomains: ['contoso.com'] },
    });
    const people: Array<{ auth: Record<string, string>; userId: string }> = [];
    for (const email of PEOPLE) {
      const p = await connectOutlookAndSync(rt, app, emu.agent, office.id, email);
      people.push({ auth: p.auth, userId: p.userId });
    }
    note('people connected and synced');
    const adele = people[0]!;
    const from = new Date(Math.ceil((Date.now() + 7 * DAY) / DAY) * DAY).toISOString();
    const mix = mixPaths({ people: PEOPLE, from });
    // the first page of a keyset walk without the total (later pages pass nextCursor as cursor; the same query)
    const events = `${mix.events.replace('/api/outlook/', '/api/')}&total=false`;
    const eventsOffset = mix.events.replace('/api/outlook/', '/api/');
    const availability = mix.availability.replace('/api/outlook/', '/api/');
    const run = randomBytes(3).toString('hex');

    const routes: Req[] = [
      { name: 'GET /healthz', method: 'GET', url: '/healthz', headers: {} },
      { name: 'GET /api/me', method: 'GET', url: '/api/me', headers: auth },
      { name: 'GET /api/customers', method: 'GET', url: '/api/customers?limit=20', headers: auth },
      { name: 'GET /api/calendar/events', method: 'GET', url: events, headers: adele.auth },
      { name: OFFSET_EVENTS, method: 'GET', url: eventsOffset, headers: adele.auth },
      { name: 'GET /api/calendar/availability', method: 'GET', url: availability, headers: adele.auth },
      {
        name: 'POST /api/calendar/events',
        method: 'POST',
        url: '/api/calendar/events',
        headers: adele.auth,
        payload: (i) => proposalBody({ people: PEOPLE, from }, `Cost ${run} ${i}`, i),
      },
    ];
    const recorded = new Map<string, Recorded>();
    for (const r of routes) recorded.set(r.name, await record(database, app, r, 1_000_000));
    note('recorded');

    // The events list's ceiling: one SELECT of only the columns the view needs (the HTML body's first 16 KB, as the
    // list previews it), no count, over the same range, then the same body.
    const ev = new URL(events, 'http://x').searchParams;
    const evText = `SELECT ${VIEW_COLUMNS.join(', ')}, left(body, ${BODY_PREFIX}) AS body FROM meetings
      WHERE tenant_id = $1 AND user_id = $2 AND event_type <> 'seriesMaster' AND end_at > $3 AND start_at < $4
      ORDER BY start_at, id LIMIT $5`;
    const evValues = [
      office.id,
      adele.userId,
      new Date(ev.get('start')!),
      new Date(ev.get('end')!),
      Number(ev.get('limit')),
    ];
    const evRec = recorded.get('GET /api/calendar/events')!;
    evRec.statements = [...evRec.statements];
    const evCeiling: Statement[] = [
      // the caller's look-ups calbridge ran before its events query stay (they are the API's, not the query's)
      ...evRec.statements.filter((s) => !/\bfrom "?meetings"?\b/i.test(s.text)),
      { text: evText, values: evValues },
    ];
    const isEventsList = (name: string) => name === 'GET /api/calendar/events' || name === OFFSET_EVENTS;
    const ceilingOf = new Map<string, { statements: () => Statement[]; rec: Recorded }>();
    for (const r of routes) {
      const rec = recorded.get(r.name)!;
      ceilingOf.set(r.name, {
        rec,
        statements: isEventsList(r.name) ? () => evCeiling : withFreshIds(rec.statements),
      });
    }
    // one ceiling route per method and path; two requests of one path (the events list's two variants) are told
    // apart by their whole URL
    const byPath = new Map<string, Req[]>();
    for (const r of routes) {
      const key = `${r.method} ${r.url.split('?')[0]!}`;
      byPath.set(key, [...(byPath.get(key) ?? []), r]);
    }
    for (const [key, rs] of byPath) {
      const [method, path] = key.split(' ') as ['GET' | 'POST', string];
      const handler = async (req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
        const r = rs.length === 1 ? rs[0]! : rs.find((x) => x.url === req.url)!;
        const c = ceilingOf.get(r.name)!;
        await replay(database, c.statements());
        await replayGraph(emu.agent, c.rec.graph);
        return reply.status(c.rec.status).type(c.rec.type).send(c.rec.body);
      };
      if (method === 'GET') ceiling.get(path, handler);
      else ceiling.post(path, handler);
    }
    await ceiling.ready();
    const profiled = process.env.BENCH_COST_PROFILE;
    if (profiled)
      for (const r of routes)
        if (r.name.includes(profiled)) {
          await profileOf(app, r, opts.quick ? 300 : 1000);
          await profileOf(ceiling, r, opts.quick ? 300 : 1000, 'ceiling');
        }
    const heaped = process.env.BENCH_COST_HEAP;
    if (heaped)
      for (const r of routes)
        if (r.name.includes(heaped)) {
          await allocationsOf(app, r, 200);
          await allocationsOf(ceiling, r, 200, 'ceiling');
        }
    const results: BenchResult[] = [];
    for (const r of routes) {
      const heavy = r.name.includes('/calendar/');
      const rec = recorded.get(r.name)!;
      const ours = await cpuPerRequest(app, r, heavy ? nHeavy : n, rounds);
      const ref = await cpuPerRequest(ceiling, r, heavy ? nHeavy : n, rounds);
      const what =
        r.name === 'GET /api/calendar/events'
          ? `2 weeks, ${(JSON.parse(rec.body) as { items: unknown[] }).items.length} items, keyset, no total`
          : r.name === OFFSET_EVENTS
            ? `2 weeks, ${(JSON.parse(rec.body) as { items: unknown[] }).items.length} items`
            : r.name === 'GET /api/calendar/availability'
              ? '4 people, 5 days'
              : r.name === 'POST /api/calendar/events'
                ? 'proposal create'
                : '';
      results.push({
        name: `CPU per request: ${r.name}${what ? ` (${what})` : ''} (${rec.statements.filter((s) => s !== BEGIN && s !== COMMIT).length} statements)`,
        unit: 'ms cpu/request',
        samples: ours,
        reference: {
          name: isEventsList(r.name)
            ? 'bare Fastify: caller look-ups + one SELECT of the view columns, no count'
            : `bare Fastify replaying the same statements${rec.graph.length ? ' and Graph requests' : ''}`,
          samples: ref,
        },
        better: 'lower',
      });
      note(`${r.name} measured`);
    }
    for (const r of routes) {
      const rec = recorded.get(r.name)!;
      results.push({
        name: `statements per request: ${r.name}`,
        unit: 'statements',
        samples: [rec.statements.filter((s) => s !== BEGIN && s !== COMMIT).length],
        better: 'lower',
      });
      if (r.name.includes('/calendar/'))
        results.push({
          name: `Graph requests per operation: ${r.name}`,
          unit: 'requests',
          samples: [rec.graph.length],
          // one getSchedule call answers for all four people
          ...(r.name === 'GET /api/calendar/availability' ? { minimum: 1 } : {}),
          better: 'lower',
        });
    }
    return results;
  } finally {
    await ceiling.close();
    await rt.close();
    await database.close();
    await closeBenchTemplate();
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(r, null, 2));
}
