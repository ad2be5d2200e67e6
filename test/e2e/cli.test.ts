// The calbridge CLI as a black box: --json output, exit codes 0 / 1 / 2, create-tenant → create-api-key → API call.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { serverUrl } from '../support/db.js';

const bin = fileURLToPath(new URL('../../bin/calbridge.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'calbridge-cli-'));
const schema = `cli_${randomBytes(4).toString('hex')}`;
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  CALBRIDGE_DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
  ...(serverUrl ? { DATABASE_URL: serverUrl, DATABASE_SCHEMA: schema } : {}),
};

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

afterAll(async () => {
  if (!serverUrl) return;
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
});

describe('calbridge CLI', () => {
  it('migrates, creates a tenant and an API key as JSON, and rotates the key', async () => {
    const m = await run(['migrate', '--json']);
    expect(m.code, m.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(m.stdout).applied)).toBe(true);

    const t = await run(['create-tenant', '--name', 'Acme', '--provider', 'MICROSOFT', '--json']);
    expect(t.code, t.stderr).toBe(0);
    const { tenantId } = JSON.parse(t.stdout.trim()) as { tenantId: string };
    expect(tenantId).toMatch(/^[0-9a-f-]{36}$/);

    const k = await run(['create-api-key', '--tenant', tenantId, '--user', 'csm@acme.example', '--json']);
    expect(k.code, k.stderr).toBe(0);
    const { apiKey, role } = JSON.parse(k.stdout.trim()) as { apiKey: string; role: string };
    expect(apiKey).toMatch(/^cbk_/);
    // the tenant's first user manages it; the next ones are members unless --role says otherwise
    expect(role).toBe('admin');
    const mem = await run(['create-api-key', '--tenant', tenantId, '--user', 'member@acme.example', '--json']);
    expect(JSON.parse(mem.stdout.trim())).toMatchObject({ role: 'member' });
    const a = await run([
      'create-api-key',
      '--tenant',
      tenantId,
      '--user',
      'approver@acme.example',
      '--role',
      'approver',
      '--json',
    ]);
    expect(JSON.parse(a.stdout.trim())).toMatchObject({ role: 'approver' });
    const bad = await run(['create-api-key', '--tenant', tenantId, '--user', 'x@acme.example', '--role', 'root']);
    expect(bad.code).toBe(2);

    const r = await run(['rotate-key', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toHaveProperty('reencrypted');
  }, 240_000);

  it('exits 2 on usage errors and 0 on --help (in-process: the same main() the bin runs)', async () => {
    const { main } = await import('../../src/main/cli.js');
    const silence = [process.stdout, process.stderr].map((st) => {
      const w = st.write.bind(st);
      st.write = (() => true) as typeof st.write;
      return () => (st.write = w);
    });
    try {
      expect(await main(['create-tenant'])).toBe(2);
      expect(await main(['no-such-command'])).toBe(2);
      expect(await main(['create-tenant', '--name', 'x', '--provider', 'OUTLOOK'])).toBe(2);
      expect(await main(['worker', '--concurrency', '0'])).toBe(2);
      expect(await main(['--help'])).toBe(0);
    } finally {
      silence.forEach((undo) => undo());
    }
  });

  it('exits 1 with a one-line reason on failure', async () => {
    const r = await run([
      'create-api-key',
      '--tenant',
      '00000000-0000-4000-8000-000000000000',
      '--user',
      'a@b.example',
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^calbridge: /);
  });
});
