// Which test files can touch a database: those whose import graph (value imports, static or dynamic, followed through
// the repository's own modules) reaches the code that opens one (src/stores/database.ts, test/support/db.ts), or that
// name DATABASE_URL themselves (a child process given the server). The CI's PostgreSQL-server pass runs only these:
// every other file runs the same code on either database, and runs once, in the embedded pass
// (`TEST_SCOPE=database`, see vitest.config.ts and .ci/run). Over-inclusion is harmless (a file runs twice);
// test/database-files.test.ts checks the graph against files known to open a database and known not to.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** The modules through which a test reaches a database. */
export const DATABASE_ROOTS = ['src/stores/database.ts', 'test/support/db.ts'];

const SOURCE_DIRS = ['src', 'test', 'emulator', 'examples', 'bench'];

function walk(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir)) {
    if (e === 'node_modules' || e === 'dist' || e.startsWith('.')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx|mts)$/.test(e) && !e.endsWith('.d.ts')) out.push(p);
  }
}

// `import x from './a.js'`, `export { y } from './b.js'`, `import('./c.js')`, `import './d.js'`; not `import type`.
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s+(?!type\s)(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The repository file a relative specifier names (`.js` written for `.ts` sources), or null. */
function resolveSpecifier(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  const candidates = [
    base,
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.js$/, '.tsx'),
    base.replace(/\.mjs$/, '.mts'),
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
  ];
  for (const c of candidates) if (existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

/** The imports of one file (repository files only). */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    if (!spec) continue;
    const r = resolveSpecifier(file, spec);
    if (r) out.push(r);
  }
  return out;
}

/** Test files (relative to `root`, sorted) that can touch a database. */
export function databaseTestFiles(root: string): string[] {
  const files: string[] = [];
  for (const d of SOURCE_DIRS) walk(join(root, d), files);
  // Walk the import graph backwards from the roots: every file that imports one that reaches a root reaches it too.
  const importers = new Map<string, string[]>();
  for (const f of files)
    for (const i of importsOf(f)) {
      const list = importers.get(i);
      if (list) list.push(f);
      else importers.set(i, [f]);
    }
  const reaching = new Set<string>();
  const queue = DATABASE_ROOTS.map((r) => join(root, r));
  while (queue.length) {
    const f = queue.pop()!;
    if (reaching.has(f)) continue;
    reaching.add(f);
    for (const i of importers.get(f) ?? []) queue.push(i);
  }
  return files
    .filter((f) => /\.test\.ts$/.test(f))
    .filter((f) => reaching.has(f) || /\bDATABASE_URL\b/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(root, f))
    .sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');
  const files = databaseTestFiles(root);
  for (const f of files) console.log(f);
  console.error(`${files.length} test files can touch a database`);
}
