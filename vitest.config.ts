import { defineConfig } from 'vitest/config';

// Projects: fast pure/unit tests; tests that start real peers
// (Kamailio, rtpengine, SIPp, baresip, Chromium). The latter share fixed
// system resources, so their files run one at a time; and the benchmarks,
// which only `npm run bench` runs. The end-to-end tests in test/e2e are
// Playwright's (playwright.config.ts).
export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
          // electron-store imports `electron`; run it through Vitest so the shell
          // tests' mocked `electron` (test/unit/shell/fake-electron.ts) reaches it.
          server: { deps: { inline: ['electron-store'] } },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'bench',
          include: ['bench/**/*.bench.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
