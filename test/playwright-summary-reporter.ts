import { relative } from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestStep } from '@playwright/test/reporter';
import { emptySummary, reportSummary, type RunSummary } from '../scripts/test-summary.mjs';

// Playwright's side of the closing line, counted the way test/summary-reporter.ts
// counts vitest's, so one `npm test` adds the two up honestly. Playwright pins
// a failed beforeAll on the first test of its group and leaves the others
// "skipped"; a serial group skips what follows a failure; an interrupted run
// leaves tests without results. None of those is a skip anyone asked for.

/** beforeAll/afterAll steps that failed: failures outside any test, as vitest reports them on the suite. */
function failedAllHooks(steps: readonly TestStep[]): TestStep[] {
  return steps.flatMap((step) => [
    ...(step.category === 'hook' && /^(beforeAll|afterAll) hook$/.test(step.title) && step.error ? [step] : []),
    ...failedAllHooks(step.steps),
  ]);
}

export function summarize(tests: readonly TestCase[], rootDir: string, errorsOutsideTests: number, status: FullResult['status']): RunSummary {
  const summary = emptySummary();
  // Errors no test owns (config, worker teardown, "no tests found"), and a run cut short (Ctrl-C, global timeout).
  summary.failed = errorsOutsideTests + (status === 'interrupted' || status === 'timedout' ? 1 : 0);
  const brokenFiles = new Set<string>();
  for (const test of tests) {
    const result = test.results.at(-1);
    if (!result || result.status === 'interrupted') {
      summary.notRun++;
      continue;
    }
    if (result.status === 'skipped') {
      if (test.expectedStatus === 'skipped') summary.skipped++;
      else summary.notRun++;
      continue;
    }
    const hooks = failedAllHooks(result.steps);
    summary.failed += hooks.length;
    if (hooks.length > 0) brokenFiles.add(relative(rootDir, test.location.file));
    if (hooks.some((h) => h.title.startsWith('beforeAll'))) summary.notRun++;
    else if (result.errors.length > hooks.length || (hooks.length === 0 && test.outcome() === 'unexpected')) summary.failed++;
    else summary.passed++;
  }
  summary.brokenFiles = [...brokenFiles];
  return summary;
}

/**
 * Ends Playwright's output with the same plain closing line as vitest's,
 * or, under scripts/run-tests.mjs, hands the counts to it for the line
 * that covers both runners.
 */
export default class PlaywrightSummaryReporter implements Reporter {
  private rootDir = '';
  private suite: Suite | undefined;
  private errors = 0;

  onBegin(config: FullConfig, suite: Suite): void {
    this.rootDir = config.rootDir;
    this.suite = suite;
  }

  onError(_error: TestError): void {
    this.errors++;
  }

  onEnd(result: FullResult): void {
    // `playwright test --list` runs nothing, so it has nothing to sum up (reporters aren't told the mode).
    if (process.argv.includes('--list')) return;
    reportSummary('playwright', summarize(this.suite?.allTests() ?? [], this.rootDir, this.errors, result.status));
  }
}
