import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/harness/chromium.js';

// Two projects:
// - e2e: the web-mode end-to-end tests against real Kamailio, rtpengine, SIPp,
//   baresip and RT (test/harness), in Debian's Chromium. `npm test` runs it
//   through scripts/run-tests.mjs, inside the loopback-only namespace.
// - electron: a smoke test of the real Electron app (`npm run test:electron`),
//   only where the Electron binary is installed; `npm test` never selects it.
//
// The e2e files start shared, fixed system resources (SIP ports, RT), so they
// run one at a time, each file's tests in order in one worker.
export default defineConfig({
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  outputDir: 'test-results',
  reporter: [['list'], ['./test/playwright-summary-reporter.ts']],
  use: {
    // Kept only when a test fails. The harness launches Chromium through the same
    // playwright-core, so its pages are traced and photographed too.
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'e2e',
      testDir: 'test/e2e',
      // As the tests had under vitest: 60 s per test and per hook (hooks that
      // start RT ask for more themselves), expect.poll gives up after 1 s unless
      // a test says otherwise, and Playwright actions keep playwright-core's
      // 30 s default rather than @playwright/test's "no limit".
      timeout: 60_000,
      expect: { timeout: 1_000 },
      use: {
        actionTimeout: 30_000,
        navigationTimeout: 30_000,
        // For tests that take Playwright's own browser fixture: the harness's browser and flags.
        launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] },
      },
    },
    {
      name: 'electron',
      testDir: 'test/electron',
      timeout: 60_000,
    },
  ],
});
