// Tests for the emulators' state file: debounced atomic writes, Map/Set encoding, which requests mark it dirty.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateFile, mayChangeState, stateFilePath } from './state-file.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StateFile', () => {
  it('writes once, a delay after the first change, and what is pending on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-file-'));
    let n = 0;
    const file = new StateFile({ path: join(dir, 'sub', 's.json'), delayMs: 30, snapshot: () => ({ n }) });
    expect(file.read()).toBeUndefined();
    n = 1;
    file.markDirty();
    n = 2;
    file.markDirty();
    expect(existsSync(file.path)).toBe(false);
    await sleep(80);
    expect(file.saves).toBe(1);
    expect(file.read()).toEqual({ n: 2 });
    n = 3;
    file.markDirty();
    file.close();
    expect(file.read()).toEqual({ n: 3 });
    file.markDirty();
    await sleep(60);
    expect(file.saves).toBe(2);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['s.json']);
  });

  it('round-trips Maps and Sets with `collections`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-file-'));
    const doc = { m: new Map([['a', { s: new Set([1, 2]) }]]), plain: { x: 1 } };
    const file = new StateFile({ path: join(dir, 's.json'), collections: true, snapshot: () => doc });
    file.save();
    expect(JSON.parse(readFileSync(file.path, 'utf8'))).toEqual({
      m: { $map: [['a', { s: { $set: [1, 2] } }]] },
      plain: { x: 1 },
    });
    expect(file.read()).toEqual(doc);
  });

  it('names a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-file-'));
    writeFileSync(join(dir, 's.json'), '{"half');
    expect(() => new StateFile({ path: join(dir, 's.json'), snapshot: () => 0 }).read()).toThrow(/s\.json/);
  });

  it('resolves the persist option to a path', () => {
    expect(stateFilePath(undefined, '/d', 'x.json')).toBeNull();
    expect(stateFilePath(false, '/d', 'x.json')).toBeNull();
    expect(stateFilePath(true, '/d', 'x.json')).toBe(join('/d', 'x.json'));
    expect(stateFilePath({ file: 'y.json' }, '/d', 'x.json')).toBe(join('/d', 'y.json'));
    expect(stateFilePath({ file: '/abs/z.json' }, '/d', 'x.json')).toBe('/abs/z.json');
  });

  it('counts writes and the sign-in pages as changes, other reads not', () => {
    expect(mayChangeState('POST', '/common/oauth2/v2.0/token')).toBe(true);
    expect(mayChangeState('PATCH', '/v1.0/me/events/1')).toBe(true);
    expect(mayChangeState('GET', '/common/oauth2/v2.0/authorize?client_id=x')).toBe(true);
    expect(mayChangeState('GET', '/contoso.com/adminconsent?client_id=x')).toBe(true);
    expect(mayChangeState('GET', '/o/oauth2/v2/auth?client_id=x')).toBe(true);
    expect(mayChangeState('GET', '/v1.0/me/calendarView/delta')).toBe(false);
    expect(mayChangeState('HEAD', '/calendar/v3/calendars/primary/events')).toBe(false);
  });
});
