import type { EventWindow, IpcMainLike } from '../ipc/electron-transport.js';
import type { SafeStorageLike } from '../storage/safe-storage-secret-store.js';
import type { OpenSettingsFile } from '../storage/settings-file.js';
import type { APP_SCHEME_PRIVILEGES } from './app-protocol.js';
import type { OpenExternal } from './external-links.js';
import type { UpdateCancellation, UpdaterPort } from './auto-update.js';
import type { GlobalShortcutPort } from './global-hotkeys.js';
import type { HidSession } from './hid-permissions.js';
import type { NotificationPort } from './notifications.js';
import type { TrayMenuItem } from './tray-menu.js';
import type { GuardedWebContents, PermissionSession } from './web-guards.js';
import type { MainWindowOptions } from './window-options.js';

// The Electron shell's ports: the slices of Electron it drives, typed here so
// the shell is tested against fakes (test/unit/shell) and electron-ports.ts
// holds real Electron to these shapes.

type PreventableEvent = { preventDefault(): void };

/** The slice of Electron's `app` the shell drives. */
export interface AppPort {
  readonly isPackaged: boolean;
  readonly commandLine: { appendSwitch(name: string, value?: string): void };
  setPath(name: 'userData', path: string): void;
  setAppUserModelId(id: string): void;
  getPath(name: 'userData'): string;
  getAppPath(): string;
  requestSingleInstanceLock(): boolean;
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
  /** The dock/launcher badge (macOS, Unity launchers on Linux); false where the OS has none. */
  setBadgeCount(count?: number): boolean;
  whenReady(): Promise<void>;
  quit(): void;
  on(event: 'second-instance', listener: (event: unknown, argv: string[]) => void): unknown;
  on(event: 'open-url', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'before-quit' | 'activate' | 'will-quit', listener: () => void): unknown;
}

export interface WindowPort extends EventWindow {
  readonly webContents: EventWindow['webContents'] &
    GuardedWebContents & { on(event: 'did-finish-load', listener: () => void): unknown; on(event: 'render-process-gone', listener: () => void): unknown };
  loadURL(url: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isVisible(): boolean;
  isFocused(): boolean;
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'session-end', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
}

export interface TrayPort {
  setImage(iconPath: string): void;
  setToolTip(text: string): void;
  setMenu(template: TrayMenuItem[]): void;
  onClick(listener: () => void): void;
}

export type ShellPorts = {
  app: AppPort;
  protocol: {
    registerSchemesAsPrivileged(schemes: Array<typeof APP_SCHEME_PRIVILEGES>): void;
    handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
  };
  ipcMain: IpcMainLike;
  /** A function: Electron's session.defaultSession throws before `ready`. */
  defaultSession: () => PermissionSession & HidSession;
  powerMonitor: { on(event: 'resume' | 'shutdown', listener: () => void): unknown };
  safeStorage: SafeStorageLike;
  /** electron-store, opened on the settings file with conf's options. */
  openSettingsFile: OpenSettingsFile;
  openExternal: OpenExternal;
  notifications: NotificationPort;
  createWindow: (options: MainWindowOptions) => WindowPort;
  createTray: (iconPath: string) => TrayPort;
  globalShortcut: GlobalShortcutPort;
  /** electron-updater's platform updater, made on first use (it reads the app's version and paths). */
  createUpdater: () => UpdaterPort;
  /** Repeating timers (auto-update checks); a port so tests run checks themselves. */
  every: (ms: number, run: () => void) => () => void;
  /** A one-off timer (auto-update's stall watch). */
  after: (ms: number, run: () => void) => () => void;
  /** A fresh electron-updater CancellationToken (auto-update cancels a stalled download with it). */
  newUpdateCancellation: () => UpdateCancellation;
  /** The code-signing publishers Windows installers must carry (app-update.yml's publisherName); empty when none. */
  updatePublishers: () => Promise<readonly string[]>;
};

export type ShellOptions = {
  env: NodeJS.ProcessEnv;
  argv: readonly string[];
  /** The folder of the built main bundle (out/main); preload and renderer sit beside it. */
  mainDir: string;
  /** process.resourcesPath: packaged tray icons live in resources/assets. */
  resourcesPath: string;
  /** `electron .` (process.defaultApp): protocol links must relaunch with the app path. */
  defaultApp: boolean;
  execPath: string;
  platform: NodeJS.Platform;
  version: string;
  log?: (message: string) => void;
};
