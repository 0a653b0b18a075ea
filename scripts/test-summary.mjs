// The plain closing line CI reads: "tests: N passed, N failed, N skipped".
// Both runners' reporters (test/summary-reporter.ts for vitest,
// test/playwright-summary-reporter.ts) and scripts/run-tests.mjs share it, so
// a run of one runner and a run of both end the same way.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Set by scripts/run-tests.mjs to a folder of its own: each reporter writes
 * its counts there as <runner>.json instead of printing a closing line, and
 * run-tests.mjs prints one line that adds them up, last.
 */
export const SUMMARY_DIR_ENV = 'FOCUSLINE_TEST_SUMMARY_DIR';

/** @returns {import('./test-summary.mjs').RunSummary} */
export function emptySummary() {
  return { passed: 0, failed: 0, skipped: 0, notRun: 0, brokenFiles: [] };
}

/** @param {import('./test-summary.mjs').RunSummary[]} summaries */
export function addSummaries(summaries) {
  const total = emptySummary();
  for (const s of summaries) {
    total.passed += s.passed;
    total.failed += s.failed;
    total.skipped += s.skipped;
    total.notRun += s.notRun;
    total.brokenFiles.push(...s.brokenFiles);
  }
  return total;
}

/**
 * The last lines of a run: tests that never ran are named on the line before
 * the closing one, never counted as skipped, so a run with a broken file
 * can't look clean.
 * @param {import('./test-summary.mjs').RunSummary} s
 */
export function closingLines(s) {
  const lines = [];
  if (s.brokenFiles.length > 0) lines.push(`not run: ${s.notRun} tests, in files that failed outside a test: ${s.brokenFiles.join(', ')}`);
  else if (s.notRun > 0) lines.push(`not run: ${s.notRun} tests`);
  lines.push(`tests: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
  return lines;
}

/**
 * What a reporter does at the end of its run: hand its counts to
 * run-tests.mjs when that started it, or else print the closing lines itself.
 * @param {'vitest' | 'playwright'} runner
 * @param {import('./test-summary.mjs').RunSummary} summary
 */
export function reportSummary(runner, summary, env = process.env) {
  const dir = env[SUMMARY_DIR_ENV];
  if (dir) {
    writeFileSync(join(dir, `${runner}.json`), JSON.stringify(summary));
    return;
  }
  console.log('');
  for (const line of closingLines(summary)) console.log(line);
}
