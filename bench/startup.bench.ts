// Start-up time and idle memory of the shipped command (issue 20): `calbridge serve` as `npm start` runs it (bundled
// emulators, embedded jobs, embedded PostgreSQL in a data folder, or the server named by DATABASE_URL in a schema of
// its own), spawned as a child process, timed from spawn to its first 200 on /healthz, on a fresh data folder (the
// first start: migrations, demo seed, emulator certificates) and warm (the same folder again). On PGlite the fresh
// start is measured twice, with a template folder of the bench's own (ADR 0026): the first-ever start of an install
// (no template: initdb + migrations, then the template kept) and a fresh folder copied from that template (every later
// fresh folder of an install: `npm start` on a new data folder, the journeys). Reference: a bare
// Fastify process started the same way (spawn → first 200 on /healthz), measured in the same run.
// CPU: user + system time of calbridge's process (all its threads: the embedded database's first initdb runs in a
// worker thread) at its first 200, from /proc — steadier than wall time on a shared machine.
// Memory: resident set size of calbridge's own process a few seconds after start, idle, and of the processes it started
// (its descendants: a web build when one runs), reported separately. The bundled emulators run in calbridge's process;
// their share is measured by the same warm starts with them left out (CALBRIDGE_START_EMULATOR=false: the service
// alone, no provider to talk to), reported as its own figure and as the difference of the medians.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { cleanEnv, freePort } from '../test/journey/support.js';
import type { BenchResult, Floor } from './harness.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Warm start vs the bare process: ratio bare / ours. Measured quick on this 2-core machine: see docs/benchmarks.md.
 * The floor is far below, against a regression that puts something heavy (a web build, a full re-seed) on the path.
 */
export const floors: Floor[] = [{ match: 'start to /healthz, warm', minRatio: 0.02 }];

async function untilHealthy(port: number, child: ChildProcess, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the process exited with ${child.exitCode} before /healthz answered`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`/healthz did not answer 200 in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const rssMb = (pid: number): number => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
};

/** Every process below `pid` (children, grandchildren…), from /proc. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(d), ppid);
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent)
      if (pp === p) {
        out.push(c);
        walk(c);
      }
  };
  walk(pid);
  return out;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await done;
  clearTimeout(t);
}

interface Start {
  ms: number;
  /** CPU time (user + system) of the process at its first 200, ms. */
  cpuMs: number;
  rss: number;
  childrenRss: number;
}

/** User + system CPU time of a process so far, from /proc (clock ticks of 10 ms). */
const cpuMsOf = (pid: number): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
};

/** One start of `calbridge serve` on `dataDir`: time to /healthz, then idle RSS after `idleMs`. */
async function startCalbridge(dataDir: string, extraEnv: Record<string, string>, idleMs: number): Promise<Start> {
  const port = await freePort();
  const env = cleanEnv({
    CALBRIDGE_DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ...extraEnv,
  });
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'calbridge.js'), 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-4000)));
  try {
    await untilHealthy(port, child);
    const ms = performance.now() - t0;
    const cpuMs = cpuMsOf(child.pid!);
    await new Promise((r) => setTimeout(r, idleMs));
    const rss = rssMb(child.pid!);
    const childrenRss = descendants(child.pid!).reduce((s, p) => s + rssMb(p), 0);
    return { ms, cpuMs, rss, childrenRss };
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${err}`, { cause: e });
  } finally {
    await stop(child);
  }
}

/** The reference: a bare Fastify process answering /healthz, spawned the same way. */
async function startBare(): Promise<number> {
  const port = await freePort();
  const src = `import Fastify from 'fastify'; const app = Fastify(); app.get('/healthz', async () => ({ status: 'ok' }));
    await app.listen({ port: ${port}, host: '127.0.0.1' });`;
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', src], { cwd: ROOT, stdio: 'ignore' });
  try {
    await untilHealthy(port, child, 30_000);
    return performance.now() - t0;
  } finally {
    await stop(child);
  }
}

export async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const warmRuns = opts.quick ? 2 : 5;
  const idleMs = opts.quick ? 2000 : 5000;
  const serverUrl = process.env.DATABASE_URL?.trim() || null;
  const schema = `b_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const dbEnv: Record<string, string> = serverUrl ? { DATABASE_URL: serverUrl, DATABASE_SCHEMA: schema } : {};
  const where = serverUrl ? 'PostgreSQL server' : 'embedded PGlite';
  const dataDir = mkdtempSync(join(tmpdir(), 'cb-start-'));
  const templates = mkdtempSync(join(tmpdir(), 'cb-start-templates-'));
  const templateEnv = { CALBRIDGE_PG_TEMPLATE_DIR: templates };
  try {
    // A checkout runs its sources transpiled once per change of them (bin/calbridge.js): done here first, so the
    // fresh start measures a fresh data folder, not a first run after an edit.
    await new Promise<void>((resolve, reject) => {
      const c = spawn(process.execPath, [join(ROOT, 'bin', 'calbridge.js'), '--help'], { cwd: ROOT, stdio: 'ignore' });
      c.once('error', reject);
      c.once('exit', () => resolve());
    });
    const bare: number[] = [];
    for (let i = 0; i < warmRuns + 1; i++) bare.push(await startBare());
    const fresh = await startCalbridge(dataDir, { ...dbEnv, ...templateEnv }, idleMs);
    const fromTemplate: Start[] = [];
    if (!serverUrl)
      for (let i = 0; i < (opts.quick ? 1 : 3); i++) {
        const dir = mkdtempSync(join(tmpdir(), 'cb-start-t-'));
        try {
          fromTemplate.push(await startCalbridge(dir, templateEnv, 0));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    const warm: Start[] = [];
    for (let i = 0; i < warmRuns; i++) warm.push(await startCalbridge(dataDir, { ...dbEnv, ...templateEnv }, idleMs));
    const alone: Start[] = [];
    for (let i = 0; i < warmRuns; i++)
      alone.push(await startCalbridge(dataDir, { ...dbEnv, CALBRIDGE_START_EMULATOR: 'false' }, idleMs));
    const median = (xs: number[]) => {
      const v = [...xs].sort((a, b) => a - b);
      return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
    };
    const reference = { name: 'bare Fastify process', samples: bare };
    return [
      {
        name: `start to /healthz, fresh data folder${serverUrl ? '' : ', first-ever (no template)'} (npm start: ${where}, emulators, jobs)`,
        unit: 'ms',
        samples: [fresh.ms],
        reference,
        better: 'lower',
      },
      ...(fromTemplate.length
        ? [
            {
              name: `start to /healthz, fresh data folder from the template (npm start: ${where}, emulators, jobs)`,
              unit: 'ms',
              samples: fromTemplate.map((w) => w.ms),
              reference,
              better: 'lower' as const,
            },
            {
              name: `CPU of the calbridge process to /healthz, fresh data folder from the template (${where}, emulators, jobs)`,
              unit: 'ms',
              samples: fromTemplate.map((w) => w.cpuMs),
              better: 'lower' as const,
            },
          ]
        : []),
      {
        name: `start to /healthz, warm (npm start: ${where}, emulators, jobs)`,
        unit: 'ms',
        samples: warm.map((w) => w.ms),
        reference,
        better: 'lower',
      },
      {
        name: `CPU of the calbridge process to /healthz, fresh data folder${serverUrl ? '' : ', first-ever (no template)'} (${where}, emulators, jobs)`,
        unit: 'ms',
        samples: [fresh.cpuMs],
        better: 'lower',
      },
      {
        name: `CPU of the calbridge process to /healthz, warm (${where}, emulators, jobs)`,
        unit: 'ms',
        samples: warm.map((w) => w.cpuMs),
        better: 'lower',
      },
      {
        name: `the service alone (no bundled emulators): warm start to /healthz (${where}, jobs)`,
        unit: 'ms',
        samples: alone.map((w) => w.ms),
        reference,
        better: 'lower',
      },
      {
        name: `idle RSS after a warm start: calbridge process with the bundled emulators (${where})`,
        unit: 'MB',
        samples: warm.map((w) => w.rss),
        better: 'lower',
      },
      {
        name: `idle RSS after a warm start: the service alone, without the bundled emulators (${where})`,
        unit: 'MB',
        samples: alone.map((w) => w.rss),
        better: 'lower',
      },
      {
        name: `idle RSS: the bundled emulators' share (median with - median without, ${where})`,
        unit: 'MB',
        samples: [median(warm.map((w) => w.rss)) - median(alone.map((w) => w.rss))],
        better: 'lower',
      },
      {
        name: 'idle RSS after a warm start: child processes (a web build, when one runs)',
        unit: 'MB',
        samples: warm.map((w) => w.childrenRss),
        better: 'lower',
      },
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(templates, { recursive: true, force: true });
    if (serverUrl) {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c
        .query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_boss CASCADE`)
        .finally(() => c.end());
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(r, null, 2));
}
