// Runs the Microsoft 365 emulator as a child process (its memory and CPU stay out of the measured process).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { fetch as undiciFetch, type Agent } from 'undici';
import { createAgent } from '../../src/providers/microsoft-graph/index.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface EmulatorProcess {
  baseUrl: string;
  caFile: string;
  caPem: string;
  app: { clientId: string; clientSecret: string; redirectUris: string[] };
  users: string[];
  agent: Agent;
  proc: ChildProcess;
  /** Calls the emulator's admin API (`/_emulator/...`) and returns the parsed JSON. */
  admin<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * Starts `emulator/microsoft/main.ts` on a free port and waits for its JSON line.
 * `scale` adds (scale − 1) × 400 plain events to adele.vance's mailbox (seedBulk).
 * @example const emu = await spawnEmulator({ scale: 126 }); … await emu.close();
 */
export async function spawnEmulator(
  opts: { scale?: number; seed?: number; faults?: object; env?: NodeJS.ProcessEnv } = {},
): Promise<EmulatorProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-bench-emu-'));
  const args = [
    '--import',
    'tsx',
    join(ROOT, 'emulator/microsoft/main.ts'),
    '--port',
    '0',
    '--json',
    '--auto-consent',
    // calbridge's webhook receiver in the benches is plain http on 127.0.0.1: the emulator's explicit loopback mode
    '--allow-http-notifications',
    '--data-dir',
    dir,
  ];
  args.push('--scale', String(opts.scale ?? 1), '--seed', String(opts.seed ?? 1));
  if (opts.faults) {
    writeFileSync(join(dir, 'faults.json'), JSON.stringify(opts.faults));
    args.push('--faults', join(dir, 'faults.json'));
  }
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...opts.env },
  });
  const lines = createInterface({ input: proc.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('emulator did not start within 180 s')), 180_000);
    lines.once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    proc.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  lines.on('line', () => undefined); // keep draining stdout
  const info = JSON.parse(first) as { baseUrl: string; caFile: string; app: EmulatorProcess['app']; users: string[] };
  const caPem = readFileSync(info.caFile, 'utf8');
  const agent = createAgent(null, caPem);
  return {
    ...info,
    caPem,
    agent,
    proc,
    async admin<T>(method: string, path: string, body?: unknown) {
      const res = await undiciFetch(`${info.baseUrl}/_emulator${path}`, {
        method,
        dispatcher: agent,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`emulator admin ${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
      return (text ? JSON.parse(text) : null) as T;
    },
    async close() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      await agent.close();
      rmSync(dir, { recursive: true, force: true });
    },
  } as EmulatorProcess;
}
