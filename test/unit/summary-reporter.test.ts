// The plain closing line CI reads must not look clean when a file fails in
// its setup: vitest leaves such a file's tests "skipped", and the line once
// said "0 failed" over four broken files.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SUMMARY_DIR_ENV } from '../../scripts/test-summary.mjs';

describe('the summary reporter’s closing line', () => {
  it('counts a file whose beforeAll throws as failed, and its tests as not run, never as skipped', () => {
    // Under scripts/run-tests.mjs this variable is set: the fixture run must print its own line, not write the outer run's counts.
    const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
    delete env[SUMMARY_DIR_ENV];
    const run = spawnSync('npx', ['vitest', 'run', '--config', 'test/fixtures/summary-reporter/vitest.config.ts'], {
      encoding: 'utf8',
      timeout: 60_000,
      env,
    });
    expect(run.status).toBe(1);
    const lines = run.stdout.trim().split('\n');
    // 3 passed; 1 failed test + 1 file that failed in setup; 1 it.skip; the 3 tests behind the broken beforeAll never ran.
    expect(lines.at(-1)).toBe('tests: 3 passed, 2 failed, 1 skipped');
    expect(lines.at(-2)).toBe('not run: 3 tests, in files that failed outside a test: broken-setup.case.ts');
  }, 70_000);
});
