import { app, BrowserWindow, globalShortcut, ipcMain, Menu, Notification, powerMonitor, protocol, safeStorage, session, shell, Tray } from 'electron';
import ElectronStore from 'electron-store';
// electron-updater is CommonJS: its named exports come through the default one.
import electronUpdater from 'electron-updater';
import { load as loadYaml } from 'js-yaml';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { publishersFromUpdateConfig } from './auto-update.js';
import type { SettingsDocument } from '../storage/settings-file.js';
import type { ShellPorts, TrayPort } from './shell-ports.js';

/** Real Electron, narrowed to the ports the shell uses. The type checker holds Electron to these shapes. */
export function createElectronPorts(): ShellPorts {
  return {
    app,
    protocol,
    ipcMain,
    defaultSession: () => session.defaultSession,
    powerMonitor,
    safeStorage,
    // electron-store is conf with Electron's defaults; every option that matters is given, so it opens the same file as web mode.
    openSettingsFile: ({ configName, ...options }) => new ElectronStore<SettingsDocument>({ ...options, name: configName }),
    openExternal: (url) => shell.openExternal(url),
    notifications: {
      isSupported: () => Notification.isSupported(),
      create: (options) => new Notification(options),
    },
    createWindow: (options) => new BrowserWindow(options),
    createTray: (iconPath) => trayPort(new Tray(iconPath)),
    globalShortcut,
    createUpdater: () => electronUpdater.autoUpdater,
    newUpdateCancellation: () => new electronUpdater.CancellationToken(),
    updatePublishers: async () => {
      // What electron-builder wrote into resources/ (win.signtoolOptions.publisherName); electron-updater reads the same file.
      const resources = (process as { resourcesPath?: string }).resourcesPath;
      if (!resources) return [];
      const text = await readFile(join(resources, 'app-update.yml'), 'utf8').catch(() => '');
      return publishersFromUpdateConfig(loadYaml(text));
    },
    every: (ms, run) => {
      const timer = setInterval(run, ms);
      timer.unref();
      return () => clearInterval(timer);
    },
    after: (ms, run) => {
      const timer = setTimeout(run, ms);
      timer.unref();
      return () => clearTimeout(timer);
    },
  };
}

function trayPort(tray: Tray): TrayPort {
  return {
    setImage: (iconPath) => tray.setImage(iconPath),
    setToolTip: (text) => tray.setToolTip(text),
    setMenu: (template) => tray.setContextMenu(Menu.buildFromTemplate(template)),
    onClick: (listener) => {
      tray.on('click', listener);
    },
  };
}
