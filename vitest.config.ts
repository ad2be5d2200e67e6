// Test runner configuration: unit tests beside the code, medium tests in test/medium, end-to-end in test/e2e.
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { databaseTestFiles } from './test/support/database-files.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

const NODE_TESTS = [
  'src/**/*.test.ts',
  'emulator/**/*.test.ts',
  'test/**/*.test.ts',
  'bench/**/*.test.ts',
  'examples/**/*.test.ts',
];
// TEST_SCOPE=database (the CI's PostgreSQL-server pass): only the test files that can touch a database (their import
// graph reaches the code that opens one: test/support/database-files.ts); the rest run the same code on either
// database and run once, in the embedded pass. The web app's component tests never touch one.
const databaseOnly = process.env.TEST_SCOPE === 'database';
const nodeInclude = databaseOnly ? databaseTestFiles(here('.')) : NODE_TESTS;
// Suites that a pass would only load to skip (each with its one line, test/support/browser.ts, test/journey/once.ts)
// are not loaded at all: .ci/run runs the browser files and the journeys in steps of their own.
const nodeExclude: string[] = [];
// once per run (the configuration is read more than once)
function note(line: string): void {
  const key = `CB_TEST_NOTE_${line.length}`;
  if (process.env[key]) return;
  process.env[key] = '1';
  console.warn(line);
}
if (process.env.BROWSER_TESTS === 'separate') {
  const e2e = here('./test/e2e');
  nodeExclude.push(
    ...readdirSync(e2e)
      .filter((f) => f.endsWith('.test.ts') && readFileSync(join(e2e, f), 'utf8').includes('chromiumAvailable('))
      .map((f) => `test/e2e/${f}`),
  );
  note(`*** SKIPPED ${nodeExclude.length} browser test files in this pass (BROWSER_TESTS=separate)`);
}
if (process.env.JOURNEY_TESTS === 'separate' || process.env.DATABASE_URL?.trim()) {
  nodeExclude.push('test/journey/**');
  note('*** SKIPPED journey tests in this pass (they run without DATABASE_URL, or in their own CI step)');
}

export default defineConfig({
  // The package's entry points (package.json "exports" → dist/) resolve to the sources, for the examples' tests.
  resolve: {
    alias: [
      { find: /^calbridge\/providers\/(microsoft|google|mock)$/, replacement: here('./src/entry/providers-$1.ts') },
      { find: /^calbridge\/(ports|oauth|vault)$/, replacement: here('./src/entry/$1.ts') },
      { find: /^calbridge\/emulator$/, replacement: here('./emulator/index.ts') },
      { find: /^calbridge\/client$/, replacement: here('./src/client/index.ts') },
    ],
  },
  test: {
    // Two projects: the server side in Node, and the web app's unit and component tests (web/src/**/*.test.ts(x))
    // in happy-dom with Testing Library. `vitest run <file>` picks the right one by the file's path.
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: nodeInclude,
          // The server-side files share a worker's module graph instead of importing it again for every file (issue
          // 20, CI time): about 40 % less CPU on a run of the unit files. They can, because none mocks a module, and
          // what a file changes globally it restores (trustEmulatorCa's dispatcher, fake timers, the host zone the
          // chat parser's test varies). The web project keeps per-file isolation (each file its own DOM).
          isolate: false,
          exclude: ['**/node_modules/**', '**/.git/**', ...nodeExclude],
        },
      },
      ...(databaseOnly
        ? []
        : [
            {
              extends: true as const,
              test: {
                name: 'web',
                include: ['web/src/**/*.test.{ts,tsx}'],
                environment: 'happy-dom' as const,
                setupFiles: ['web/src/test-setup.ts'],
                testTimeout: 10_000,
              },
            },
          ]),
    ],
    pool: 'forks',
    // Vitest's default is one worker less than the cores: one worker on the 2-core CI machine, where most test files
    // spend their time waiting on HTTP, timers and child processes rather than on the CPU. Two at least.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // CI machines are shared and loaded; a test that fails once is run once more there, and the run summary
    // (test/support/summary-reporter.ts, printed last by .ci/run) names every test that needed it.
    retry: process.env.CI ? 1 : 0,
    reporters: ['default'],
  },
});
