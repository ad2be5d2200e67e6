// The layer rules fail lint on a new violation: `npm run lint:layers`'s command, with the repository's
// .dependency-cruiser.js, run on a small temporary tree that breaks one rule per file (and on one that breaks none).
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.js');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A throwaway project: the given files plus a tsconfig and a stand-in `kysely` package. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'calbridge-layers-'));
  made.push(dir);
  const all: Record<string, string> = {
    'tsconfig.json': JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, verbatimModuleSyntax: true },
    }),
    'node_modules/kysely/package.json': JSON.stringify({ name: 'kysely', type: 'module', main: 'index.js' }),
    'node_modules/kysely/index.js': 'export class Kysely {}\n',
    'src/domain/meeting.ts': 'export interface Meeting { id: string }\n',
    'src/ports/meetings.ts':
      "import type { Meeting } from '../domain/meeting.js';\nexport interface MeetingStore { get(id: string): Promise<Meeting> }\n",
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(join(dir, dirname(path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Runs the lint:layers command (without the known-violations baseline) in `dir`. */
function cruise(dir: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [DEPCRUISE, 'src', 'emulator', '--config', CONFIG],
      { cwd: dir, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe('layer rules', () => {
  it('are part of npm run lint', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.lint).toContain('npm run lint:layers');
    expect(pkg.scripts['lint:layers']).toContain('depcruise src emulator --config .dependency-cruiser.js');
  });

  it('pass a tree that keeps them', async () => {
    const dir = tree({
      'src/services/meetings.ts':
        "import type { MeetingStore } from '../ports/meetings.js';\nexport const read = (s: MeetingStore) => s.get('1');\n",
      'src/stores/meeting-store.ts':
        "import type { Kysely } from 'kysely';\nimport type { MeetingStore } from '../ports/meetings.js';\nexport type Db = Kysely;\nexport type S = MeetingStore;\n",
      'emulator/main.ts': 'export const port = 8443;\n',
    });
    const r = await cruise(dir);
    expect(r.output).toContain('no dependency violations found');
    expect(r.code).toBe(0);
  });

  it('fail lint on a new violation, naming the rule', async () => {
    const dir = tree({
      // The case from the issue: the domain reaching into a store.
      'src/domain/bad.ts': "import type { Row } from '../stores/rows.js';\nexport type Bad = Row;\n",
      'src/stores/rows.ts': 'export interface Row { id: string }\n',
      'src/ports/vendor.ts': "import type { Kysely } from 'kysely';\nexport type Db = Kysely;\n",
      'src/services/direct.ts': "import type { Row } from '../stores/rows.js';\nexport type Direct = Row;\n",
      'src/http/routes/fat.ts': "import type { Row } from '../../stores/rows.js';\nexport type Fat = Row;\n",
      'src/stores/up.ts': "import type { Direct } from '../services/direct.js';\nexport type Up = Direct;\n",
      'emulator/leak.ts': "import type { Meeting } from '../src/domain/meeting.js';\nexport type Leak = Meeting;\n",
      // A cycle of type-only imports counts (tsPreCompilationDeps).
      'src/services/a.ts': "import type { B } from './b.js';\nexport interface A { b?: B }\n",
      'src/services/b.ts': "import type { A } from './a.js';\nexport interface B { a?: A }\n",
    });
    const r = await cruise(dir);
    expect(r.code).not.toBe(0);
    for (const line of [
      'error domain-is-pure: src/domain/bad.ts → src/stores/rows.ts',
      'error ports-speak-domain: src/ports/vendor.ts → node_modules/kysely/index.js',
      'error services-use-ports: src/services/direct.ts → src/stores/rows.ts',
      'error routes-are-thin: src/http/routes/fat.ts → src/stores/rows.ts',
      'error stores-are-adapters: src/stores/up.ts → src/services/direct.ts',
      'error emulator-stands-alone: emulator/leak.ts → src/domain/meeting.ts',
      'error no-circular: src/services/a.ts',
    ])
      expect(r.output).toContain(line);
  });
});
