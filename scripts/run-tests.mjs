#!/usr/bin/env node
// Runs the test suite inside a fresh network namespace that has only the
// loopback interface, when the OS allows it (Linux user namespaces). Then no
// test, browser or SIP peer can reach anything but 127.0.0.1 / [::1], and
// WebRTC can't even see a non-loopback address to gather candidates on.
import { spawnSync } from 'node:child_process';

const vitestArgs = ['vitest', 'run', ...process.argv.slice(2)];
const canIsolate =
  process.platform === 'linux' &&
  process.env.FOCUSLINE_TEST_NO_NETNS !== '1' &&
  spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' }).status === 0;

let result;
if (canIsolate) {
  console.log('Running tests in a loopback-only network namespace (unshare -rn).');
  const quoted = vitestArgs.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  result = spawnSync('unshare', ['-rn', 'sh', '-c', `ip link set lo up && exec npx ${quoted}`], { stdio: 'inherit' });
} else {
  console.log('Network namespaces are not available here: running tests directly (they still only use 127.0.0.1).');
  result = spawnSync('npx', vitestArgs, { stdio: 'inherit' });
}
process.exit(result.status ?? 1);
