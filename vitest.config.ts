// Test runner configuration: unit tests beside the code, medium tests in test/medium, end-to-end in test/e2e.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

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
          include: [
            'src/**/*.test.ts',
            'emulator/**/*.test.ts',
            'test/**/*.test.ts',
            'bench/**/*.test.ts',
            'examples/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'web',
          include: ['web/src/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['web/src/test-setup.ts'],
          testTimeout: 10_000,
        },
      },
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
