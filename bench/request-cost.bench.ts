// CPU per request of small API calls against a same-work ceiling measured in the same run (issue 20): the statements
// calbridge runs for one request are recorded at the driver (PGlite's query, or pg's Client#query on a server), then a
// bare Fastify app in the same process answers the same route by replaying exactly those statements through the same
// driver and sending the same body. Both are driven with `inject` (no sockets), so the ratio ceiling/ours is what
// calbridge's own machinery costs: validation, auth, rate limits, hooks, logging, mapping.
// On a server only this process's CPU is counted (the PostgreSQL backends' is not, for either side).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { createRuntime } from '../src/main/runtime.js';
import type { Database } from '../src/stores/database.js';
import type { BenchResult, Floor } from './harness.js';
import { closeBenchTemplate, openBenchDatabase } from './load/db.js';

/**
 * Measured quick on this 2-core machine (PGlite): /healthz 0.55–0.65, /api/me 0.45–0.55, /api/customers 0.55–0.65;
 * floors well below, against regressions (a second statement per request, logging every request again).
 */
export const floors: Floor[] = [
  { match: 'CPU per request: GET /healthz', minRatio: 0.3 },
  { match: 'CPU per request: GET /api/me', minRatio: 0.25 },
  { match: 'CPU per request: GET /api/customers', minRatio: 0.3 },
];

interface Statement {
  text: string;
  values: unknown[];
}

/** Records the statements run while `f` runs, at the driver calbridge uses. */
async function recording(database: Database, f: () => Promise<unknown>): Promise<Statement[]> {
  const seen: Statement[] = [];
  if (database.pglite) {
    const db = database.pglite;
    const query = db.query.bind(db);
    db.query = (async (text: string, values?: unknown[], o?: unknown) => {
      seen.push({ text, values: values ?? [] });
      return query(text, values as never, o as never);
    }) as typeof db.query;
    try {
      await f();
    } finally {
      db.query = query;
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

/** Runs recorded statements through the same driver, one after another as calbridge did. */
async function replay(database: Database, statements: Statement[]): Promise<void> {
  for (const s of statements) {
    if (database.pglite) await database.pglite.query(s.text, s.values as never);
    else await database.pool!.query(s.text, s.values);
  }
}

/** Median CPU milliseconds per request over `rounds` rounds of `n` injected requests (after a warm-up). */
async function cpuPerRequest(
  app: FastifyInstance,
  url: string,
  headers: Record<string, string>,
  n: number,
  rounds: number,
): Promise<number[]> {
  for (let i = 0; i < Math.min(200, n); i++) await app.inject({ url, headers });
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const res = await app.inject({ url, headers });
      if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
    }
    const c = process.cpuUsage(c0);
    out.push((c.user + c.system) / 1000 / n);
  }
  return out;
}

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const n = opts.quick ? 300 : 1000;
  const rounds = opts.quick ? 5 : 9;
  const dir = mkdtempSync(join(tmpdir(), 'cb-cost-'));
  const database = await openBenchDatabase();
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
    }),
    { database, closeDatabase: false, logStream: { write: () => true } as unknown as NodeJS.WritableStream },
  );
  const ceiling = Fastify();
  try {
    const app = await rt.http();
    const tenant = await rt.container.tenants.createTenant({ name: 'Cost', calendarProvider: 'MICROSOFT' });
    const key = await rt.container.tenants.createApiKey(tenant.id, 'csm@cost.example');
    const auth = { authorization: `Bearer ${key.apiKey}` };
    for (let i = 0; i < 40; i++)
      await app.inject({
        method: 'POST',
        url: '/api/customers',
        headers: auth,
        payload: { name: `Customer ${i}`, domains: [`c${i}.example`] },
      });
    const routes = [
      { url: '/healthz', headers: {} as Record<string, string> },
      { url: '/api/me', headers: auth },
      { url: '/api/customers?limit=20', headers: auth },
    ];
    // What calbridge runs and answers for one request of each route (in its steady state: after a first request).
    const recorded = new Map<string, { statements: Statement[]; body: string; type: string }>();
    for (const r of routes) {
      await app.inject({ url: r.url, headers: r.headers });
      let res: Awaited<ReturnType<typeof app.inject>> | null = null;
      const statements = await recording(database, async () => {
        res = await app.inject({ url: r.url, headers: r.headers });
      });
      recorded.set(r.url.split('?')[0]!, {
        statements,
        body: res!.body,
        type: String(res!.headers['content-type'] ?? 'application/json'),
      });
    }
    for (const [path, rec] of recorded)
      ceiling.get(path, async (_req, reply) => {
        await replay(database, rec.statements);
        return reply.type(rec.type).send(rec.body);
      });
    await ceiling.ready();
    const results: BenchResult[] = [];
    for (const r of routes) {
      const path = r.url.split('?')[0]!;
      const ours = await cpuPerRequest(app, r.url, r.headers, n, rounds);
      const ref = await cpuPerRequest(ceiling, r.url, r.headers, n, rounds);
      results.push({
        name: `CPU per request: GET ${path} (${recorded.get(path)!.statements.length} statements)`,
        unit: 'ms cpu/request',
        samples: ours,
        reference: { name: 'bare Fastify replaying the same statements', samples: ref },
        better: 'lower',
      });
    }
    return results;
  } finally {
    await ceiling.close();
    await rt.close();
    await database.close();
    await closeBenchTemplate();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(r, null, 2));
}
