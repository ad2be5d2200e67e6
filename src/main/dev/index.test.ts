import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeAbandonedBuilds } from './index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The pid of a process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

describe('removeAbandonedBuilds', () => {
  it('removes the temporary build folders of servers that are gone and keeps live ones and web/dist', () => {
    const web = mkdtempSync(join(tmpdir(), 'cb-web-'));
    dirs.push(web);
    const dead = deadPid();
    for (const name of [`.dist-${dead}-0a1b2c3d`, `dist.old-${dead}`, `.dist-${process.pid}-deadbeef`, 'dist', 'src'])
      mkdirSync(join(web, name, 'assets'), { recursive: true });
    removeAbandonedBuilds(web);
    expect(readdirSync(web).sort()).toEqual([`.dist-${process.pid}-deadbeef`, 'dist', 'src'].sort());
    expect(existsSync(join(web, 'dist', 'assets'))).toBe(true);
  });

  it('does nothing for a folder that does not exist', () => {
    expect(() => removeAbandonedBuilds(join(tmpdir(), `cb-missing-${process.pid}-${Date.now()}`))).not.toThrow();
  });
});
