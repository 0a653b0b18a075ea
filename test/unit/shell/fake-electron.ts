import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { vi } from 'vitest';

/**
 * A stand-in for the `electron` module (the binary can't be installed here).
 * Use as `vi.doMock('electron', () => fake.module)`: `module` carries a
 * `default` export too, since `import electron from 'electron'` needs one.
 * The fakes behave (events fire, close can be prevented, quit closes windows)
 * so tests assert what the shell does, not which calls it made.
 *
 * The real electron-store runs on this fake too: vitest.config.ts inlines it, so its `import 'electron'` gets this mock.
 */

export const PROJECT_DIR = join(import.meta.dirname, '..', '..', '..');

export type FakeEvent = { defaultPrevented: boolean; preventDefault(): void };

export function fakeEvent(): FakeEvent {
  const event = {
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

type WindowOpenHandler = (details: { url: string }) => { action: string };

export class FakeWebContents extends EventEmitter {
  url = '';
  windowOpenHandler: WindowOpenHandler | undefined;
  readonly send = vi.fn<(channel: string, payload: unknown) => void>();
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return false;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  visible = false;
  focused = false;
  destroyed = false;
  minimized = false;
  readonly focus = vi.fn();
  constructor(readonly options: Record<string, unknown>) {
    super();
  }
  async loadURL(url: string): Promise<void> {
    this.webContents.url = url;
  }
  /** What Electron does once the page has loaded. */
  finishLoad(): void {
    this.emit('ready-to-show');
    this.webContents.emit('did-finish-load');
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  restore(): void {
    this.minimized = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isFocused(): boolean {
    return this.visible && this.focused;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** The user (or the OS) closes the window; listeners may prevent it. */
  close(): void {
    const event = fakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.visible = false;
    this.emit('closed');
  }
}

export type FakeMenu = { template: Array<{ label?: string; type?: string; enabled?: boolean; click?: () => void }> };

export class FakeTray extends EventEmitter {
  tooltip = '';
  menu: FakeMenu | null = null;
  constructor(public image: string) {
    super();
  }
  setImage(image: string): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: FakeMenu | null): void {
    this.menu = menu;
  }
  /** Clicks the menu item with this label. */
  clickMenu(label: string): void {
    const item = this.menu?.template.find((i) => i.label === label);
    if (!item?.click) throw new Error(`No clickable tray menu item "${label}"`);
    item.click();
  }
}

type InvokeHandler = (event: { senderFrame: { url: string } | null }, payload: unknown) => Promise<unknown>;
type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void;
type PermissionCheckHandler = (contents: unknown, permission: string, requestingOrigin: string) => boolean;

type DevicePermissionHandler = (details: { deviceType: 'hid' | 'serial' | 'usb'; origin: string; device: unknown }) => boolean;
type SelectHidListener = (
  event: { preventDefault(): void },
  details: {
    deviceList: Array<{ deviceId: string; vendorId: number; productId: number; name?: string; collections?: Array<{ usagePage?: number }> }>;
    frame?: { url?: string } | null;
  },
  callback: (deviceId?: string | null) => void,
) => void;

export type FakeElectronOptions = { hasLock?: boolean; whenReady?: () => Promise<void>; userData?: string; takenKeys?: string[] };

export function createFakeElectron(options: FakeElectronOptions = {}) {
  const windows: FakeBrowserWindow[] = [];
  const trays: FakeTray[] = [];
  const notifications: FakeNotificationInstance[] = [];
  const paths = new Map<string, string>([['userData', options.userData ?? '/nonexistent/userData']]);

  class FakeApp extends EventEmitter {
    isPackaged = false;
    quitRequested = false;
    readonly commandLine = { appendSwitch: vi.fn<(name: string, value?: string) => void>() };
    readonly requestSingleInstanceLock = vi.fn(() => options.hasLock ?? true);
    readonly setAsDefaultProtocolClient = vi.fn((_protocol: string, _path?: string, _args?: string[]) => true);
    readonly whenReady = vi.fn(options.whenReady ?? (() => Promise.resolve()));
    readonly setPath = vi.fn((name: string, path: string) => {
      paths.set(name, path);
    });
    readonly exit = vi.fn<(code?: number) => void>();
    readonly setAppUserModelId = vi.fn<(id: string) => void>();
    badgeCount = 0;
    readonly setBadgeCount = vi.fn((count?: number) => {
      this.badgeCount = count ?? 0;
      return true;
    });
    /** electron-updater's ElectronAppAdapter reads these. */
    getName(): string {
      return 'Focusline';
    }
    readonly relaunch = vi.fn();
    /** Like Electron: before-quit, then every window is asked to close. */
    readonly quit = vi.fn(() => {
      this.quitRequested = true;
      this.emit('before-quit', fakeEvent());
      for (const window of windows) if (!window.destroyed) window.close();
    });
    getPath(name: string): string {
      const path = paths.get(name);
      if (path === undefined) throw new Error(`fake app.getPath: no "${name}"`);
      return path;
    }
    getAppPath(): string {
      return PROJECT_DIR;
    }
    /** electron-store asks for it (conf's projectVersion, used only by migrations). */
    getVersion(): string {
      return '0.0.0-fake';
    }
  }

  class BrowserWindow extends FakeBrowserWindow {
    constructor(windowOptions: Record<string, unknown>) {
      super(windowOptions);
      windows.push(this);
    }
  }

  class Tray extends FakeTray {
    constructor(image: string) {
      super(image);
      trays.push(this);
    }
  }

  class Notification extends EventEmitter {
    static readonly isSupported = vi.fn(() => true);
    readonly show = vi.fn();
    closed = false;
    readonly close = vi.fn(() => {
      this.closed = true;
    });
    constructor(readonly options: { title: string; body: string; silent: boolean; actions?: Array<{ type: string; text: string }> }) {
      super();
      notifications.push(this);
    }
  }
  type FakeNotificationInstance = InstanceType<typeof Notification>;

  const invokeHandlers = new Map<string, InvokeHandler>();
  /** `ipcMain.on` listeners: only electron-store registers one (its renderer-side data channel). */
  const ipcListeners = new Map<string, unknown>();
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const permissions: { request?: PermissionRequestHandler; check?: PermissionCheckHandler } = {};
  const exposedInMainWorld = new Map<string, unknown>();
  /** Keys held by another app: globalShortcut.register refuses them, as Electron does. */
  const takenKeys = new Set<string>(options.takenKeys ?? []);
  const shortcuts = new Map<string, () => void>();
  const hid: { devicePermission?: DevicePermissionHandler; select?: SelectHidListener } = {};
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invoke: vi.fn(async (_channel: string, _payload: unknown): Promise<unknown> => ({ ok: true, value: 'from main' })),
  });

  const electron = {
    app: new FakeApp(),
    BrowserWindow,
    Tray,
    Notification,
    Menu: { buildFromTemplate: vi.fn((template: FakeMenu['template']): FakeMenu => ({ template })) },
    ipcMain: {
      handle: vi.fn((channel: string, handler: InvokeHandler) => {
        if (invokeHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        invokeHandlers.set(channel, handler);
      }),
      removeHandler: vi.fn((channel: string) => {
        invokeHandlers.delete(channel);
      }),
      on: vi.fn((channel: string, listener: unknown) => {
        ipcListeners.set(channel, listener);
      }),
    },
    ipcRenderer,
    contextBridge: {
      exposeInMainWorld: vi.fn((key: string, api: unknown) => {
        exposedInMainWorld.set(key, api);
      }),
    },
    protocol: {
      registerSchemesAsPrivileged: vi.fn(),
      handle: vi.fn((scheme: string, handler: (request: Request) => Promise<Response>) => {
        protocolHandlers.set(scheme, handler);
      }),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn((handler: PermissionRequestHandler) => {
          permissions.request = handler;
        }),
        setPermissionCheckHandler: vi.fn((handler: PermissionCheckHandler) => {
          permissions.check = handler;
        }),
        setDevicePermissionHandler: vi.fn((handler: DevicePermissionHandler) => {
          hid.devicePermission = handler;
        }),
        on: vi.fn((event: string, listener: SelectHidListener) => {
          if (event === 'select-hid-device') hid.select = listener;
        }),
      },
    },
    globalShortcut: {
      register: vi.fn((accelerator: string, callback: () => void) => {
        if (takenKeys.has(accelerator) || shortcuts.has(accelerator)) return false;
        shortcuts.set(accelerator, callback);
        return true;
      }),
      unregister: vi.fn((accelerator: string) => {
        shortcuts.delete(accelerator);
      }),
    },
    powerMonitor: new EventEmitter(),
    // Reversible but not plaintext, so a test can tell ciphertext from the secret.
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (plain: string) => Buffer.from(`enc:${Buffer.from(plain).toString('hex')}`),
      decryptString: (cipher: Buffer) => Buffer.from(cipher.toString().slice(4), 'hex').toString(),
      getSelectedStorageBackend: () => 'gnome_libsecret',
    },
    shell: { openExternal: vi.fn(async (_url: string) => {}) },
    dialog: { showErrorBox: vi.fn<(title: string, content: string) => void>() },
  };

  return {
    electron,
    module: { default: electron, ...electron },
    windows,
    trays,
    notifications,
    invokeHandlers,
    ipcListeners,
    protocolHandlers,
    permissions,
    exposedInMainWorld,
    /** The keys the app holds; `press` is the user pressing one anywhere in the OS. */
    shortcuts,
    press(accelerator: string): void {
      const callback = shortcuts.get(accelerator);
      if (!callback) throw new Error(`No global shortcut ${accelerator} is registered`);
      callback();
    },
    hid,
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
