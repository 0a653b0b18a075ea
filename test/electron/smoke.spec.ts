// The real Electron app, started the way `npm start` starts it (`electron .`
// on the built out/main/index.js): its window opens with the Focusline UI,
// the tray icon follows the app's state and acts on it, and "Quit Focusline"
// in the tray menu ends the process. Only `npm run test:electron` runs it, on
// machines where the Electron binary is installed; `npm test` never does.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';

const PROJECT = fileURLToPath(new URL('../..', import.meta.url));

/** What the tray was last told to show, as the main process recorded it (see watchTray). */
type TraySeen = { image: string; toolTip: string; menu: string[] };

/** Fails, never skips, where the binary is missing: a skipped smoke test would look like a working app. */
function assertElectronInstalled(): void {
  let binary = '';
  try {
    // What Playwright launches: the electron package resolves to its binary's path, or throws when it has none.
    binary = createRequire(import.meta.url)('electron') as string;
  } catch {
    // Reported below.
  }
  if (!binary || !existsSync(binary)) {
    throw new Error(
      'The Electron binary is not installed here (node_modules/electron has no dist/), so the app cannot start. ' +
        '`npm start` installs it with Electron’s own installer (it needs access to GitHub releases or ELECTRON_MIRROR); run this test where that worked.',
    );
  }
}

/**
 * Electron has no API to read a tray icon back, so the main process wraps
 * Tray's setters and keeps what they were last given, menu included (its
 * items can then be clicked like a user would). Every change of state after
 * this call is recorded.
 */
async function watchTray(app: ElectronApplication): Promise<void> {
  await app.evaluate(({ Tray }) => {
    const seen: { image: string; toolTip: string; menu: Electron.Menu | null } = { image: '', toolTip: '', menu: null };
    (globalThis as { __focuslineTray?: typeof seen }).__focuslineTray = seen;
    const { setImage, setToolTip, setContextMenu } = Tray.prototype;
    Tray.prototype.setImage = function (image) {
      seen.image = String(image);
      return setImage.call(this, image);
    };
    Tray.prototype.setToolTip = function (toolTip) {
      seen.toolTip = toolTip;
      return setToolTip.call(this, toolTip);
    };
    Tray.prototype.setContextMenu = function (menu) {
      seen.menu = menu;
      return setContextMenu.call(this, menu);
    };
  });
}

function traySeen(app: ElectronApplication): Promise<TraySeen | null> {
  return app.evaluate(() => {
    const seen = (globalThis as { __focuslineTray?: { image: string; toolTip: string; menu: Electron.Menu | null } }).__focuslineTray;
    if (!seen?.menu) return null;
    return { image: seen.image, toolTip: seen.toolTip, menu: seen.menu.items.map((item) => (item.type === 'separator' ? '---' : item.label)) };
  });
}

/** Clicks an item of the tray's menu, after this call returns (so "Quit" can end the process without breaking the call). */
async function clickTrayItem(app: ElectronApplication, label: string): Promise<void> {
  await app.evaluate((_electron, label) => {
    const menu = (globalThis as { __focuslineTray?: { menu: Electron.Menu | null } }).__focuslineTray?.menu;
    const item = menu?.items.find((i) => i.label === label);
    if (!item) throw new Error(`The tray menu has no "${label}" item.`);
    setImmediate(() => item.click());
  }, label);
}

/** Electron's environment for a fresh install: no account set up, its own data folder (so its own single-instance lock), no OS policy. */
function freshInstallEnv(dir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  // Electron would start as plain Node with it set.
  delete env.ELECTRON_RUN_AS_NODE;
  return { ...env, FOCUSLINE_DATA_DIR: join(dir, 'data'), FOCUSLINE_CONFIG: join(dir, 'settings.json'), FOCUSLINE_POLICY_DIR: join(dir, 'no-policy') };
}

test('starts with its window and tray, the tray follows the app and acts on it, and "Quit Focusline" ends it', async () => {
  assertElectronInstalled();
  const dir = await mkdtemp(join(tmpdir(), 'focusline-electron-'));
  try {
    const app = await electron.launch({ args: ['.'], cwd: PROJECT, env: freshInstallEnv(dir) });
    let exited = false;
    app.once('close', () => {
      exited = true;
    });
    // Playwright traces only the browsers it launches itself: this app's window is traced here, and kept if the test fails.
    await app.context().tracing.start({ screenshots: true, snapshots: true });
    const window = await app.firstWindow();
    try {
      await test.step('the window opens, shown, with the Focusline UI: no phone account yet, not focused', async () => {
        await expect(window).toHaveTitle('Focusline');
        await expect(window.getByTestId('status')).toHaveAttribute('data-registration', 'unconfigured');
        await expect(window.getByTestId('focus')).toHaveAttribute('data-mode', 'off');
        const shown = await app.browserWindow(window);
        await expect.poll(() => shown.evaluate((w) => w.isVisible())).toBe(true);
      });

      await test.step('the tray shows the app’s state, follows a change made in the window, and acts from its menu', async () => {
        await watchTray(app);
        // Do-not-disturb from the window: the tray must follow.
        await window.getByTestId('dnd-menu').click();
        await window.getByTestId('dnd-60').click();
        await expect(window.getByTestId('focus')).toHaveAttribute('data-mode', 'dnd');
        await expect
          .poll(() => traySeen(app))
          .toEqual({
            image: expect.stringMatching(/[/\\]tray-offline\.png$/),
            toolTip: 'Focusline: Not set up: open Focusline to add your phone account · Do not disturb',
            menu: ['Not set up: open Focusline to add your phone account', 'Do not disturb', 'End do-not-disturb', '---', 'Open Focusline', 'Quit Focusline'],
          });
        // And back from the tray's menu: the window must follow.
        await clickTrayItem(app, 'End do-not-disturb');
        await expect(window.getByTestId('focus')).toHaveAttribute('data-mode', 'off');
        await expect
          .poll(() => traySeen(app))
          .toEqual({
            image: expect.stringMatching(/[/\\]tray-offline\.png$/),
            toolTip: 'Focusline: Not set up: open Focusline to add your phone account',
            menu: ['Not set up: open Focusline to add your phone account', 'Do not disturb for 1 hour', '---', 'Open Focusline', 'Quit Focusline'],
          });
      });

      await test.step('closing the window only hides it; "Quit Focusline" in the tray menu ends the app', async () => {
        const shown = await app.browserWindow(window);
        await shown.evaluate((w) => w.close());
        await expect.poll(() => shown.evaluate((w) => ({ visible: w.isVisible(), destroyed: w.isDestroyed() }))).toEqual({ visible: false, destroyed: false });
        expect(exited).toBe(false);
        const closed = app.waitForEvent('close');
        await clickTrayItem(app, 'Quit Focusline');
        await closed;
        expect(app.process().exitCode).toBe(0);
      });
    } catch (error) {
      // The evidence, while the app still runs: its window as it looked, and the trace. Best effort: the test's own error is the one to report.
      if (!exited) {
        const info = test.info();
        await window
          .screenshot()
          .then((body) => info.attach('window', { body, contentType: 'image/png' }))
          .catch(() => {});
        await app
          .context()
          .tracing.stop({ path: info.outputPath('trace.zip') })
          .catch(() => {});
      }
      throw error;
    } finally {
      if (!exited) await app.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
