#!/usr/bin/env node
// Runs the test suite inside a fresh network namespace that has only the
// loopback interface, when the OS allows it (Linux user namespaces). Then no
// test, browser or SIP peer can reach anything but 127.0.0.1 / [::1], and
// WebRTC can't even see a non-loopback address to gather candidates on.
//
//   node scripts/run-tests.mjs [vitest args…] [--playwright [playwright test args…]]
//
// vitest runs with the arguments before --playwright (not at all when there
// are none and --playwright comes first); Playwright runs after it with the
// arguments after. Both run in the same namespace, one after the other. Each
// reporter hands its counts over through a temp folder, and this script ends
// the output with ONE closing line that adds them up, the line CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addSummaries, closingLines, SUMMARY_DIR_ENV } from './test-summary.mjs';

/** Set on the copy of this script that runs inside the namespace, so it runs the tests instead of isolating again. */
const INSIDE_NETNS_ENV = 'FOCUSLINE_TEST_INSIDE_NETNS';

const args = process.argv.slice(2);

function isolateAndRerun() {
  const canIsolate =
    process.platform === 'linux' &&
    process.env.FOCUSLINE_TEST_NO_NETNS !== '1' &&
    spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' }).status === 0;
  if (!canIsolate) {
    console.log('Network namespaces are not available here: running tests directly (they still only use 127.0.0.1).');
    return null;
  }
  console.log('Running tests in a loopback-only network namespace (unshare -rn).');
  // "$0" "$@" hands node, this script and the arguments over unquoted and unmangled.
  const result = spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, fileURLToPath(import.meta.url), ...args], {
    stdio: 'inherit',
    env: { ...process.env, [INSIDE_NETNS_ENV]: '1' },
  });
  return result.status ?? 1;
}

function runners() {
  const split = args.indexOf('--playwright');
  const vitestArgs = split === -1 ? args : args.slice(0, split);
  const list = [];
  if (split !== 0) list.push({ name: 'vitest', command: ['vitest', 'run', ...vitestArgs] });
  if (split !== -1) list.push({ name: 'playwright', command: ['playwright', 'test', ...args.slice(split + 1)] });
  return list;
}

/**
 * A runner's counts as its reporter wrote them. A runner that wrote none
 * (it crashed, or ran without our reporter), or that failed without
 * counting a failure, adds one failure: the closing line never looks
 * cleaner than the exit codes.
 */
function countsOf(name, status, dir) {
  const file = join(dir, `${name}.json`);
  if (!existsSync(file)) {
    return {
      summary: { passed: 0, failed: 1, skipped: 0, notRun: 0, brokenFiles: [] },
      note: `${name} exited with ${status} and reported no counts: counted as one failure.`,
    };
  }
  const summary = JSON.parse(readFileSync(file, 'utf8'));
  if (status !== 0 && summary.failed === 0) {
    return { summary: { ...summary, failed: 1 }, note: `${name} exited with ${status} although no test failed: counted as one failure.` };
  }
  return { summary, note: null };
}

function runAll() {
  const dir = mkdtempSync(join(tmpdir(), 'focusline-test-summary-'));
  try {
    const results = runners().map(({ name, command }) => {
      const run = spawnSync('npx', command, { stdio: 'inherit', env: { ...process.env, [SUMMARY_DIR_ENV]: dir } });
      // A runner killed by a signal has no status: report the signal.
      const status = run.status ?? run.signal ?? 'no status';
      return { status, ...countsOf(name, status, dir) };
    });
    const total = addSummaries(results.map((r) => r.summary));
    console.log('');
    for (const { note } of results) if (note) console.log(note);
    for (const line of closingLines(total)) console.log(line);
    return results.every((r) => r.status === 0) && total.failed === 0 ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const isolated = process.env[INSIDE_NETNS_ENV] === '1' ? null : isolateAndRerun();
process.exit(isolated ?? runAll());
