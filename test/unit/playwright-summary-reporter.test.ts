// Playwright's half of the closing line must not look clean either: it pins a
// failed beforeAll on one test and calls the rest "skipped", and a serial
// group "skips" what follows a failure. Those count as not run, never skipped.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SUMMARY_DIR_ENV } from '../../scripts/test-summary.mjs';

describe('the Playwright summary reporter’s closing line', () => {
  it('counts failed setup and teardown as failures outside a test, and what never ran as not run', () => {
    // Under scripts/run-tests.mjs this variable is set: the fixture run must print its own line, not write the outer run's counts.
    const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
    delete env[SUMMARY_DIR_ENV];
    const run = spawnSync('npx', ['playwright', 'test', '--config', 'test/fixtures/playwright-summary-reporter/playwright.config.ts'], {
      encoding: 'utf8',
      timeout: 60_000,
      env,
    });
    expect(run.status).toBe(1);
    const lines = run.stdout.trim().split('\n');
    // Passed: 2 clean + 1 + 1 serial + 2 before the broken teardown. Failed: 1 test, 1 timed-out serial step,
    // 1 beforeAll that throws, 1 that times out, 1 afterAll. Skipped: the one test.skip. Not run: the 3 + 1
    // tests behind the broken setups and the serial step after the timeout.
    expect(lines.at(-1)).toBe('tests: 6 passed, 5 failed, 1 skipped');
    expect(lines.at(-2)).toBe('not run: 5 tests, in files that failed outside a test: broken-setup.case.ts, slow-setup.case.ts, teardown.case.ts');
  }, 70_000);
});
