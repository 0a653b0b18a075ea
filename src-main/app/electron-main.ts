import { app, dialog } from 'electron';
import { createElectronPorts } from './electron-ports.js';
import { startElectronShell, type Shell } from './electron-shell.js';
import { APP_VERSION } from './version.js';
import { messageOf } from '../../src-shared/errors.js';

/**
 * The Electron entry (out/main/index.js): real Electron in, the shell does the rest.
 * The exported promise keeps the shell (and so the tray icon) referenced for
 * the app's lifetime; tests await it.
 */
export const shellReady: Promise<Shell | null> = startElectronShell(createElectronPorts(), {
  env: process.env,
  argv: process.argv,
  mainDir: import.meta.dirname,
  resourcesPath: process.resourcesPath,
  defaultApp: process.defaultApp === true,
  execPath: process.execPath,
  platform: process.platform,
  version: APP_VERSION,
}).catch((err: unknown) => {
  dialog.showErrorBox('Focusline could not start', messageOf(err));
  app.exit(1);
  return null;
});
