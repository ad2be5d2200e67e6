// API load from a second process (autocannon, loopback, bounded): sustained requests/s of a read/write mix at
// p99 < 200 ms with zero errors and no lost writes, and per-request overhead (GET /healthz vs a trivial Fastify app).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { loadConfig } from '../src/config/config.js';
import { buildServerApp } from '../src/main/server.js';
import '../src/main/features.js';
import type { BenchResult, Floor } from './harness.js';
import { closeBenchTemplate, openBenchDatabase } from './load/db.js';
import { ROOT } from './load/emulator-process.js';

/** Measured 0.61 (quick) and 0.19 (full run, heavier load) of a bare Fastify app's /healthz rate on this noisy machine. */
export const floors: Floor[] = [{ match: 'GET /healthz throughput', minRatio: 0.15 }];

interface LoadResult {
  requestsPerSecond: number;
  total: number;
  p50: number;
  p99: number;
  mean: number;
  errors: number;
  created: number;
  codes: Record<string, number>;
}

function load(spec: {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  mix: 'healthz' | 'mix';
}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'bench/load/autocannon-child.ts'), JSON.stringify(spec)],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const timer = setTimeout(() => p.kill('SIGKILL'), (spec.seconds + 60) * 1000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop();
      if (code !== 0 || !line) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(line) as LoadResult);
    });
  });
}

/**
 * Quick: 10 connections for 4 s per step; full: 5, 10, 25 and 50 connections for 10 s each.
 * @example const results = await run({ quick: true });
 */
export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const seconds = opts.quick ? 4 : 10;
  const steps = opts.quick ? [10] : [5, 10, 25, 50];
  const dir = mkdtempSync(join(tmpdir(), 'cb-load-'));
  const database = await openBenchDatabase();
  const config = loadConfig({
    CALBRIDGE_DATA_DIR: dir,
    CALBRIDGE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'error',
    PORT: '0',
    HOST: '127.0.0.1',
    CALBRIDGE_START_EMULATOR: 'false',
    CALBRIDGE_EMBEDDED_WORKER: 'false',
    RATE_LIMIT_PER_MINUTE: '1000000',
  });
  const server = await buildServerApp(config, { database, allowEmulator: false });
  const trivial = Fastify();
  trivial.get('/healthz', async () => ({ status: 'ok' }));
  const results: BenchResult[] = [];
  try {
    const url = await server.listen();
    const trivialUrl = await trivial.listen({ port: 0, host: '127.0.0.1' });
    const tenant = await server.container.tenants.createTenant({ name: 'Load', calendarProvider: 'MICROSOFT' });
    const { apiKey } = await server.container.tenants.createApiKey(tenant.id, 'load@load.example');
    const headers = { authorization: `Bearer ${apiKey}` };

    const ref = await load({ url: trivialUrl, connections: 10, seconds, mix: 'healthz' });
    const ours = await load({ url, connections: 10, seconds, mix: 'healthz' });
    results.push({
      name: 'GET /healthz throughput (10 connections)',
      unit: 'req/s',
      samples: [ours.requestsPerSecond],
      reference: { name: 'trivial Fastify app', samples: [ref.requestsPerSecond] },
      better: 'higher',
    });
    results.push({
      name: 'GET /healthz overhead: mean latency',
      unit: 'ms',
      samples: [ours.mean],
      reference: { name: 'trivial Fastify app', samples: [ref.mean] },
      better: 'lower',
    });

    let sustained = 0;
    let created = 0;
    let errors = 0;
    for (const c of steps) {
      const r = await load({ url, connections: c, seconds, headers, mix: 'mix' });
      created += r.created;
      errors += r.errors;
      results.push({
        name: `mix (GET customers, GET me, POST customer) at ${c} connections: p99`,
        unit: 'ms',
        samples: [r.p99],
        better: 'lower',
      });
      results.push({
        name: `mix at ${c} connections: throughput`,
        unit: 'req/s',
        samples: [r.requestsPerSecond],
        better: 'higher',
      });
      if (r.p99 < 200 && r.errors === 0) sustained = Math.max(sustained, r.requestsPerSecond);
    }
    const stored = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM customers WHERE tenant_id = ${tenant.id}`.execute(database.db);
    results.push({
      name: 'mix: sustained throughput at p99 < 200 ms, 0 errors',
      unit: 'req/s',
      samples: [sustained],
      better: 'higher',
    });
    results.push({ name: 'mix: errors (non-2xx, timeouts)', unit: 'requests', samples: [errors], better: 'lower' });
    // a write in flight when the generator stops is stored but its answer is never counted: that is not a loss
    const rows = Number(stored.rows[0]?.n ?? 0);
    results.push({
      name: 'mix: lost writes (201 answers without a stored row)',
      unit: 'writes',
      samples: [Math.max(0, created - rows)],
      better: 'lower',
    });
    results.push({
      name: 'mix: writes stored, answer cut off at the end of the run',
      unit: 'writes',
      samples: [Math.max(0, rows - created)],
      better: 'lower',
    });
  } finally {
    await trivial.close();
    await server.close();
    await closeBenchTemplate();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
