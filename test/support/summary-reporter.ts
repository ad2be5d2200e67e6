// A test-run summary for CI logs: what failed (tests, hooks, modules, errors outside any test) and what passed
// only on a retry, written to the file named by TEST_SUMMARY_FILE so that .ci/run can print it last, where a
// truncated log still shows it. Vitest's JSON report counts failed tests only; a failed beforeAll or an
// unhandled rejection fails the run without a failed test, and retries leave no trace there.
import { writeFileSync } from 'node:fs';
import type { Reporter, SerializedError, TestCase, TestModule, TestSuite } from 'vitest/node';

const firstLines = (text: string | undefined, n = 6): string =>
  (text ?? '')
    .split('\n')
    .slice(0, n)
    .map((l) => `      ${l}`)
    .join('\n');

const describeError = (e: SerializedError): string => firstLines(e.stack ?? e.message);

/** What a failed browser test's pages showed (test/support/browser.ts puts it in the test's metadata), one line each. */
const pageLines = (test: TestCase): string[] =>
  ((test.meta() as { pages?: string[] }).pages ?? []).map((p) => `      page: ${p.slice(0, 900)}`);

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): void {
    const file = process.env.TEST_SUMMARY_FILE;
    const lines: string[] = [];
    let failed = 0;
    let flaky = 0;
    for (const mod of modules) {
      const where = mod.relativeModuleId;
      const collectSuiteErrors = (suite: TestSuite | TestModule, label: string): void => {
        for (const e of suite.errors()) {
          failed++;
          lines.push(`  FAIL ${where} ${label} (module, suite or hook error)`, describeError(e));
        }
      };
      collectSuiteErrors(mod, '');
      for (const suite of mod.children.allSuites()) collectSuiteErrors(suite, `> ${suite.fullName}`);
      for (const test of mod.children.allTests()) {
        const result = test.result();
        const diagnostic = test.diagnostic();
        if (result.state === 'failed') {
          failed++;
          lines.push(`  FAIL ${where} > ${test.fullName}`);
          for (const e of result.errors ?? []) lines.push(describeError(e));
          lines.push(...pageLines(test));
        } else if (diagnostic?.flaky) {
          flaky++;
          lines.push(`  FLAKY ${where} > ${test.fullName} (passed on retry ${diagnostic.retryCount})`);
          for (const e of result.errors ?? []) lines.push(describeError(e));
          lines.push(...pageLines(test));
        }
      }
    }
    for (const e of unhandled) {
      failed++;
      lines.push('  UNHANDLED error outside any test', describeError(e));
    }
    const head = `${failed} failure(s), ${flaky} test(s) passed only on a retry, ${unhandled.length} unhandled error(s)`;
    const text = [head, ...lines].join('\n') + '\n';
    if (file) writeFileSync(file, text);
    else if (failed + flaky > 0) process.stdout.write(`\nRun summary: ${text}`);
  }
}
