import type { Reporter, SerializedError, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import { reportSummary, type RunSummary } from '../scripts/test-summary.mjs';

/** A test the author meant to skip, as opposed to one left behind by a failed beforeAll. */
function skippedOnPurpose(test: TestCase): boolean {
  return test.options.mode === 'skip' || test.options.mode === 'todo';
}

export function summarize(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): RunSummary {
  const summary: RunSummary = { passed: 0, failed: unhandledErrors.length, skipped: 0, notRun: 0, brokenFiles: [] };
  for (const module of testModules) {
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') summary.passed++;
      else if (state === 'failed') summary.failed++;
      else if (state === 'skipped' && skippedOnPurpose(test)) summary.skipped++;
      else summary.notRun++;
    }
    // A beforeAll/afterAll or an import that throws leaves its errors on the
    // file or the suite, not on a test: each such place is one failure. A
    // file the runner failed without saying where still counts once.
    let outsideTests = [module, ...module.children.allSuites()].filter((place) => place.errors().length > 0).length;
    const anyTestFailed = [...module.children.allTests()].some((t) => t.result().state === 'failed');
    if (outsideTests === 0 && module.state() === 'failed' && !anyTestFailed) outsideTests = 1;
    summary.failed += outsideTests;
    if (outsideTests > 0) summary.brokenFiles.push(module.relativeModuleId);
  }
  return summary;
}

/**
 * Adds one plain closing line, "tests: N passed, N failed, N skipped", that
 * CI tooling outside vitest can read. A file whose setup fails counts as
 * failed there, and its tests are reported as not run on the line before,
 * never as skipped: a run with a broken file must not look clean. Under
 * scripts/run-tests.mjs the counts go to it instead, to be added to
 * Playwright's in the one closing line of the whole run.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, _reason: TestRunEndReason): void {
    reportSummary('vitest', summarize(testModules, unhandledErrors));
  }
}
