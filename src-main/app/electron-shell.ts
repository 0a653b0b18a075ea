import { join } from 'node:path';
import { attachElectronTransport } from '../ipc/electron-transport.js';
import { resolveDataDir } from '../storage/data-dir.js';
import { SafeStorageSecretStore } from '../storage/safe-storage-secret-store.js';
import { APP_SCHEME, isAppUrl, RENDERER_URL } from './app-origin.js';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol.js';
import { createLinkInbox, type LinkInbox } from './link-inbox.js';
import { actOnLink, registerProtocolClients, takeLink } from './electron-links.js';
import { followPhoneStatus } from './electron-tray.js';
import { startAutoUpdate, type AutoUpdate } from './auto-update.js';
import { runShortcut, startGlobalHotkeys } from './global-hotkeys.js';
import { createShortcutGuard } from '../phone/call-shortcuts.js';
import { installHidPermissions } from './hid-permissions.js';
import { notifyHeldBackCalls } from './held-back-notices.js';
import { createNotifier, type Notify } from './notifications.js';
import { findLinkInArgv } from './protocol-links.js';
import { createServices, type Services } from './services.js';
import { guardWebContents, installPermissionHandlers } from './web-guards.js';
import { mainWindowOptions } from './window-options.js';
import { messageOf } from '../../src-shared/errors.js';
import { escalationNotice } from '../focus/escalation-desk.js';
import type { AppPort, ShellOptions, ShellPorts, TrayPort, WindowPort } from './shell-ports.js';

export type { AppPort, ShellOptions, ShellPorts, TrayPort, WindowPort };

export type Shell = { services: Services; window: WindowPort; tray: TrayPort; notify: Notify; updates: AutoUpdate; showWindow(): void; quit(): void };

type ShellState = { window?: WindowPort; quitting: boolean };

/** Switch that lets two phones on one machine send media over loopback; test rigs only. */
export const LOOPBACK_MEDIA_SWITCH = 'allow-loopback-in-peer-connection';
export const LOOPBACK_MEDIA_ENV = 'FOCUSLINE_TEST_LOOPBACK_MEDIA';

/** electron-builder.yml's appId; Windows shows no notifications for an app without it. */
export const APP_USER_MODEL_ID = 'com.focusline.app';

/**
 * Starts Focusline's Electron shell: one window that hides to a tray icon
 * following the phone's status, OS links turned into dial requests, and the
 * contract carried over IPC. Returns null when another instance already runs
 * (it gets our link and comes forward instead).
 */
export async function startElectronShell(ports: ShellPorts, options: ShellOptions): Promise<Shell | null> {
  const log = options.log ?? ((message: string) => console.log(`[focusline] ${message}`));
  prepareBeforeReady(ports, options);
  if (!ports.app.requestSingleInstanceLock()) {
    ports.app.quit();
    return null;
  }
  const state: ShellState = { quitting: false };
  const inbox = createLinkInbox();
  const showWindow = () => bringForward(state.window);
  listenBeforeReady(ports.app, state, inbox, showWindow);
  takeLink(findLinkInArgv(options.argv), inbox);
  registerProtocolClients(ports.app, options, log);
  await ports.app.whenReady();
  const services = await buildServices(ports, options, log);
  return startAfterReady(ports, options, { services, state, inbox, showWindow, log });
}

function prepareBeforeReady(ports: ShellPorts, options: ShellOptions): void {
  if (options.env[LOOPBACK_MEDIA_ENV] === '1') ports.app.commandLine.appendSwitch(LOOPBACK_MEDIA_SWITCH);
  ports.protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  if (options.platform === 'win32') ports.app.setAppUserModelId(APP_USER_MODEL_ID);
  // Chromium's profile and the single-instance lock follow userData, so
  // FOCUSLINE_DATA_DIR isolates a test instance completely.
  ports.app.setPath('userData', resolveDataDir(options.env));
}

function listenBeforeReady(app: AppPort, state: ShellState, inbox: LinkInbox, showWindow: () => void): void {
  app.on('before-quit', () => {
    state.quitting = true;
  });
  app.on('second-instance', (_event, argv) => {
    takeLink(findLinkInArgv(argv), inbox);
    showWindow();
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    takeLink(findLinkInArgv([url]), inbox);
    showWindow();
  });
  app.on('activate', showWindow);
}

async function buildServices(ports: ShellPorts, options: ShellOptions, log: (m: string) => void): Promise<Services> {
  const secrets = new SafeStorageSecretStore(ports.safeStorage, ports.app.getPath('userData'));
  if (secrets.warning) log(`Warning: ${secrets.warning}`);
  return createServices({
    mode: 'electron',
    version: options.version,
    dataDir: resolveDataDir(options.env),
    configPath: options.env.FOCUSLINE_CONFIG?.trim() || undefined,
    openSettingsFile: ports.openSettingsFile,
    secrets,
    log,
    env: options.env,
    platform: options.platform,
  });
}

type Running = { services: Services; state: ShellState; inbox: LinkInbox; showWindow: () => void; log: (m: string) => void };

function startAfterReady(ports: ShellPorts, options: ShellOptions, run: Running): Shell {
  const { services, state } = run;
  ports.protocol.handle(APP_SCHEME, createAppProtocolHandler(join(options.mainDir, '..', 'renderer')));
  const session = ports.defaultSession();
  installPermissionHandlers(session, isAppUrl);
  installHidPermissions(session, { isOurUrl: isAppUrl, chosenHeadset: () => services.settingsValues()['headset.device'], log: run.log });
  attachElectronTransport({ ipcMain: ports.ipcMain, services, isAllowedSender: isAppUrl, windows: () => (state.window ? [state.window] : []) });
  const assetsDir = ports.app.isPackaged ? join(options.resourcesPath, 'assets') : join(ports.app.getAppPath(), 'assets');
  state.window = openMainWindow(ports, options, run, assetsDir);
  // app.quit() emits before-quit first, which lets the window close for real.
  const quit = () => ports.app.quit();
  const endFocus = () => void services.runFocusCommand({ kind: 'focus-stop' }).catch((e: unknown) => run.log(String(e)));
  const dndOneHour = () => void services.runFocusCommand({ kind: 'dnd-start', minutes: 60 }).catch((e: unknown) => run.log(String(e)));
  const notify = createNotifier(ports.notifications, options.platform);
  const updates = startAutoUpdate({
    updater: ports.createUpdater,
    feed: () => ({ url: services.settingsValues()['updates.url'], channel: services.settingsValues()['updates.channel'] }),
    onFeedChange: services.onSettingsChange,
    restartBlocker: services.restartBlocker,
    onRestartBlockerChange: services.onRestartBlockerChange,
    report: (update) => services.reportDesktop({ update }),
    beforeRestart: () => {
      state.quitting = true;
    },
    restartFailed: () => {
      // Still running: the window must hide to the tray again rather than quit on close.
      state.quitting = false;
    },
    platform: options.platform,
    windowsPublishers: ports.updatePublishers,
    log: run.log,
    every: ports.every,
    after: ports.after,
    newCancellation: ports.newUpdateCancellation,
  });
  const openFollowUps = (attemptId?: string) => {
    run.showWindow();
    services.bus.emit('app.show', { view: 'follow-ups', ...(attemptId ? { attemptId } : {}) });
  };
  const trayFinish = {
    platform: options.platform,
    extras: () => {
      const update = updates.status();
      return {
        followUps: services.followUpCount(),
        update:
          update.state === 'ready'
            ? { label: `Restart to update (${update.version ?? 'new version'})`, enabled: true }
            : update.state === 'waiting'
              ? { label: 'Restarts to update after the call', enabled: false }
              : null,
      };
    },
    onExtras: (listener: () => void) => {
      const stops = [services.onFollowUps(listener), services.bus.subscribe((name) => name === 'app.desktopChanged' && listener())];
      return () => {
        for (const stop of stops) stop();
      };
    },
    setBadgeCount: (count: number) => {
      ports.app.setBadgeCount(count);
    },
  };
  const tray = followPhoneStatus(
    ports.createTray,
    services,
    assetsDir,
    { open: run.showWindow, quit, endFocus, dndOneHour, openFollowUps: () => openFollowUps(), restartToUpdate: updates.restartToUpdate },
    trayFinish,
  );
  ports.powerMonitor.on('resume', () => services.reconnectPhone());
  const shortcutGuard = createShortcutGuard(() => Date.now());
  const hotkeys = startGlobalHotkeys({
    shortcuts: ports.globalShortcut,
    values: services.settingsValues,
    onChange: services.onSettingsChange,
    run: (action) => void runShortcut(services, action, notify, shortcutGuard).catch((e: unknown) => run.log(`Hotkey ${action} failed: ${messageOf(e)}`)),
    report: (statuses) => services.reportDesktop({ hotkeys: statuses }),
    log: run.log,
  });
  // Global shortcuts belong to the OS session, not the window: give them back before quitting.
  ports.app.on('will-quit', () => {
    hotkeys.stop();
    updates.stop();
  });
  const windowInFront = () => {
    const window = state.window;
    return window !== undefined && !window.isDestroyed() && window.isVisible() && window.isFocused();
  };
  notifyHeldBackCalls({ services, notify, platform: options.platform, windowInFront, openFollowUps, log: run.log });
  void updates.check();
  // The phone rings in main: with the window hidden in the tray (or its renderer gone), the OS notification is the ring.
  services.onRinging((call, windowOpen) => {
    const window = state.window;
    if (windowOpen && window && !window.isDestroyed() && window.isVisible() && window.isFocused()) return;
    notify({ title: `Incoming call: ${call.remoteName || call.remoteUri}`, body: call.remoteUri, onClick: run.showWindow });
  });
  // The 15-minute rule: a calm card in the window; hidden or in the background, a quiet notification says it waits there.
  services.onEscalationDue((prompt) => {
    const window = state.window;
    if (window && !window.isDestroyed() && window.isVisible() && window.isFocused()) return;
    notify({ ...escalationNotice(prompt), silent: true, onClick: run.showWindow });
  });
  // The hidden window refuses to close, which would hold up a shutdown or log-off.
  ports.powerMonitor.on('shutdown', quit);
  state.window.on('session-end', () => {
    state.quitting = true;
  });
  return { services, window: state.window, tray, notify, updates, showWindow: run.showWindow, quit };
}

function openMainWindow(ports: ShellPorts, options: ShellOptions, run: Running, assetsDir: string): WindowPort {
  const preload = join(options.mainDir, '..', 'preload', 'index.cjs');
  const window = ports.createWindow(mainWindowOptions(preload, join(assetsDir, 'icon.png')));
  const dial = (target: string) => run.services.bus.emit('phone.dial', { target });
  guardWebContents(window.webContents, { isOurUrl: isAppUrl, openExternal: ports.openExternal, dial, log: run.log });
  // A crashed renderer takes the calls' media with it: main's sessions stop waiting on it (a reload attaches again).
  window.webContents.on('render-process-gone', () => run.services.mediaGone());
  window.on('close', (event) => {
    // Closing the window only hides it: the phone keeps running in the tray.
    if (run.state.quitting) return;
    event.preventDefault();
    window.hide();
  });
  if (!options.argv.includes('--hidden')) window.once('ready-to-show', () => window.show());
  // Not did-finish-load: the renderer subscribes to phone.dial only after it has connected and loaded settings.
  run.services.onRendererReady(() => run.inbox.open((link) => actOnLink(run.services, link, run.log)));
  window.loadURL(RENDERER_URL).catch((err: unknown) => run.log(`Could not load the window: ${messageOf(err)}`));
  return window;
}

function bringForward(window: WindowPort | undefined): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
