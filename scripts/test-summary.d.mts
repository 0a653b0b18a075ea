// Types for test-summary.mjs, which plain-Node scripts/run-tests.mjs imports too.

/** What one run added up to, as the closing line tells it. */
export interface RunSummary {
  passed: number;
  /** Failed tests, plus every file or suite that failed outside a test (setup, teardown, import), every error outside the tests, and a runner that stopped early. */
  failed: number;
  /** Tests skipped on purpose (it.skip, test.skip, todo, fixme). */
  skipped: number;
  /** Tests that were meant to run but never did: their file or suite failed in setup, an earlier step of a serial group failed, or the run was cut short. */
  notRun: number;
  /** Files with a failure outside any test, to name in the report. */
  brokenFiles: string[];
}

export declare const SUMMARY_DIR_ENV: 'FOCUSLINE_TEST_SUMMARY_DIR';
export declare function emptySummary(): RunSummary;
export declare function addSummaries(summaries: readonly RunSummary[]): RunSummary;
export declare function closingLines(summary: RunSummary): string[];
export declare function reportSummary(runner: 'vitest' | 'playwright', summary: RunSummary, env?: NodeJS.ProcessEnv): void;
