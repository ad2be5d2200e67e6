// The CI's PostgreSQL-server pass runs only the test files whose imports reach a database (TEST_SCOPE=database,
// test/support/database-files.ts). A file the graph missed would silently lose its server run: this checks the graph
// against what the files say themselves.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { databaseTestFiles, importsOf } from '../support/database-files.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function testFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    if (e === 'node_modules' || e === 'dist' || e.startsWith('.')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) testFiles(p, out);
    else if (e.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

describe('test files that can touch a database', () => {
  const files = databaseTestFiles(root);
  const all = ['src', 'test', 'emulator', 'examples', 'bench'].flatMap((d) => testFiles(join(root, d)));

  it('include every file that opens a database or builds the app itself', () => {
    const opening = all.filter((f) =>
      /\b(createTestDatabase|createTestApp|openDatabase|createRuntime|openBenchDatabase)\(|\bDATABASE_URL\b|\bserverUrl\b/.test(
        readFileSync(join(root, f), 'utf8'),
      ),
    );
    expect(opening.length).toBeGreaterThan(30);
    expect(opening.filter((f) => !files.includes(f))).toEqual([]);
  });

  it('include files that reach a database only through support modules', () => {
    // these open no database in their own text: their helpers do
    for (const f of ['test/e2e/sync-emulator.test.ts', 'test/e2e/web-calendar.test.ts']) expect(files, f).toContain(f);
  });

  it('leave out files that cannot reach one', () => {
    for (const f of [
      'src/domain/errors.test.ts',
      'src/domain/scheduling/suggest.test.ts',
      'emulator/microsoft/graph/routes/events.test.ts',
    ]) {
      expect(all, f).toContain(f);
      expect(files, f).not.toContain(f);
    }
    expect(files.length).toBeLessThan(all.length);
  });

  it('read value imports, static and dynamic, and skip type-only ones', () => {
    const from = join(root, 'test/medium/x.test.ts');
    const text = [
      "import { a } from '../support/db.js';",
      "import type { B } from '../../src/stores/database.js';",
      "const m = await import('../../src/main/runtime.js');",
      "export { c } from '../support/app.js';",
    ].join('\n');
    expect(importsOf(from, text).map((f) => relative(root, f))).toEqual([
      'test/support/db.ts',
      'src/main/runtime.ts',
      'test/support/app.ts',
    ]);
  });
});
