// The emulator CLI as a process: `--json` prints one JSON line first; SIGTERM stops it cleanly.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { trustEmulatorCa } from './testing.js';

const mainPath = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('emulator CLI', () => {
  it('prints {baseUrl, caFile, app, users} as its first line and exits 0 on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'emu-cli-'));
    const faultFile = join(dataDir, 'faults.json');
    writeFileSync(faultFile, JSON.stringify({ seed: 9, errors: { rate: 0.5 } }));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        mainPath,
        '--port',
        '0',
        '--json',
        '--data-dir',
        dataDir,
        '--seed',
        '3',
        '--faults',
        faultFile,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const firstLine = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout });
      rl.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`exited with ${code} before printing`)));
    });
    const info = JSON.parse(firstLine) as {
      baseUrl: string;
      caFile: string;
      app: { clientId: string; clientSecret: string; redirectUris: string[] };
      users: string[];
    };
    expect(Object.keys(info).sort()).toEqual(['app', 'baseUrl', 'caFile', 'users']);
    expect(Object.keys(info.app).sort()).toEqual(['clientId', 'clientSecret', 'redirectUris']);
    expect(info.caFile).toBe(join(dataDir, 'ca.pem'));
    expect(info.users.length).toBeGreaterThan(0);
    expect(info.users.every((u) => u.includes('@'))).toBe(true);
    const { readFileSync } = await import('node:fs');
    const untrust = trustEmulatorCa(readFileSync(info.caFile, 'utf8'));
    try {
      const health = await fetch(`${info.baseUrl}/_emulator/health`);
      expect(health.status).toBe(200);
      const faults = (await (await fetch(`${info.baseUrl}/_emulator/faults`)).json()) as {
        seed: number;
        errors: { rate: number };
      };
      expect(faults.seed).toBe(9);
      expect(faults.errors.rate).toBe(0.5);
    } finally {
      untrust();
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a bad option value with a non-zero exit', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', mainPath, '--port', 'eighty'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/port must be an integer/);
  });
});
