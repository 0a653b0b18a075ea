import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RENDERER_URL } from '../../../../src-main/app/app-origin.js';
import { APP_SCHEME_PRIVILEGES } from '../../../../src-main/app/app-protocol.js';
import { APP_USER_MODEL_ID, LOOPBACK_MEDIA_SWITCH, startElectronShell, type Shell } from '../../../../src-main/app/electron-shell.js';
import { followPhoneStatus } from '../../../../src-main/app/electron-tray.js';
import type { Services } from '../../../../src-main/app/services.js';
import { COMMAND_NAMES, channelFor } from '../../../../src-shared/ipc/ipc-names.js';
import type { EventName, PhoneStatus } from '../../../../src-main/ipc/contract.js';
import { createServer } from 'node:net';
import { FocusStateStore } from '../../../../src-main/focus/focus-state-store.js';
import { openDatabase } from '../../../../src-main/storage/database.js';
import { createFakeElectron, fakeEvent, PROJECT_DIR, type FakeElectron, type FakeElectronOptions } from '../fake-electron.js';

type Started = {
  fake: FakeElectron;
  shell: Shell;
  dataDir: string;
  events: Array<{ name: EventName; payload: unknown }>;
  logs: string[];
  rendererReady: () => Promise<void>;
};

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

type StartOptions = { env?: NodeJS.ProcessEnv; argv?: string[]; defaultApp?: boolean; platform?: NodeJS.Platform; electron?: FakeElectronOptions };

async function boot(options: StartOptions = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'focusline-shell-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const fake = createFakeElectron(options.electron);
  vi.resetModules();
  vi.doMock('electron', () => fake.module);
  const { createElectronPorts } = await import('../../../../src-main/app/electron-ports.js');
  const logs: string[] = [];
  const shell = await startElectronShell(createElectronPorts(), {
    env: { FOCUSLINE_DATA_DIR: dataDir, ...options.env },
    argv: options.argv ?? ['/opt/Focusline/focusline'],
    mainDir: '/opt/Focusline/resources/app.asar/out/main',
    resourcesPath: '/opt/Focusline/resources',
    defaultApp: options.defaultApp ?? false,
    execPath: '/opt/Focusline/focusline',
    platform: options.platform ?? 'linux',
    version: '0.0.0-test',
    log: (m) => logs.push(m),
  });
  return { fake, shell, dataDir, logs };
}

/** Boots a first instance and records every event main pushes to the renderer. */
async function start(options: StartOptions = {}): Promise<Started> {
  const booted = await boot(options);
  if (!booted.shell) throw new Error('expected the single-instance lock');
  const events: Started['events'] = [];
  booted.shell.services.bus.subscribe((name, payload) => events.push({ name, payload }));
  const shell = booted.shell;
  // What the renderer says once it has subscribed to main's events.
  const rendererReady = async () => {
    await shell.services.route('app.rendererReady', {});
  };
  return { ...booted, shell, events, rendererReady };
}

const only = <T>(items: readonly T[]): T => {
  expect(items).toHaveLength(1);
  return items[0] as T;
};

const status = (registration: PhoneStatus['registration'], extra: Partial<PhoneStatus> = {}): PhoneStatus => ({
  registration,
  detail: '',
  activeCalls: 0,
  ringing: false,
  ...extra,
});

/**
 * The services as the tray sees them, with the phone's status fed by the
 * test (a registered phone or a ringing call needs a SIP peer, which unit
 * tests don't start); focus and everything else stay the real ones.
 */
function withPhoneStatus(services: Services, initial: PhoneStatus) {
  let current = initial;
  const listeners = new Set<(s: PhoneStatus) => void>();
  const view: Services = Object.create(services, {
    phoneStatus: { get: () => current },
    onPhoneStatus: {
      value: (listener: (s: PhoneStatus) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  }) as Services;
  const report = (next: PhoneStatus) => {
    current = next;
    for (const listener of listeners) listener(next);
  };
  return { services: view, report };
}

/** A second tray on the same fake Electron, following `services` exactly as the shell's does. */
async function followingTray(fake: FakeElectron, services: Services, actions: Parameters<typeof followPhoneStatus>[3] = { open: () => {}, quit: () => {} }) {
  const { createElectronPorts } = await import('../../../../src-main/app/electron-ports.js');
  followPhoneStatus(createElectronPorts().createTray, services, join(PROJECT_DIR, 'assets'), actions);
  const tray = fake.trays.at(-1);
  if (!tray) throw new Error('no tray');
  return tray;
}

/** A loopback port nothing listens on: connecting there is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const address = server.address();
  await new Promise((resolveClose) => server.close(resolveClose));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const NOT_SET_UP = 'Not set up: open Focusline to add your phone account';

describe('the window', () => {
  it('is a sandboxed window on app://focusline with the CJS preload beside the main bundle', async () => {
    const { fake } = await start();
    const window = only(fake.windows);
    expect(window.options).toMatchObject({
      webPreferences: {
        preload: '/opt/Focusline/resources/app.asar/out/preload/index.cjs',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
      },
    });
    expect(window.webContents.getURL()).toBe(RENDERER_URL);
  });

  it('serves the renderer through app://, registered as privileged before ready', async () => {
    const { fake } = await start();
    const { protocol, app } = fake.electron;
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([APP_SCHEME_PRIVILEGES]);
    expect(protocol.registerSchemesAsPrivileged.mock.invocationCallOrder[0]).toBeLessThan(app.whenReady.mock.invocationCallOrder[0] ?? 0);
    const serve = fake.protocolHandlers.get('app');
    // The built renderer doesn't exist under the fake asar path: the handler answers, but with 404.
    expect((await serve?.(new Request('app://focusline/index.html')))?.status).toBe(404);
  });

  it('shows once the page is ready, unless started with --hidden', async () => {
    const shown = await start();
    only(shown.fake.windows).finishLoad();
    expect(only(shown.fake.windows).visible).toBe(true);
    const hidden = await start({ argv: ['/opt/Focusline/focusline', '--hidden'] });
    only(hidden.fake.windows).finishLoad();
    expect(only(hidden.fake.windows).visible).toBe(false);
  });

  it('hides to the tray on close; the app keeps running', async () => {
    const { fake } = await start();
    const window = only(fake.windows);
    window.finishLoad();
    window.close();
    expect(window.destroyed).toBe(false);
    expect(window.visible).toBe(false);
    expect(fake.electron.app.quit).not.toHaveBeenCalled();
  });

  it('closes for real once the app is quitting (Cmd+Q, OS quit)', async () => {
    const { fake } = await start();
    fake.electron.app.emit('before-quit', fakeEvent());
    only(fake.windows).close();
    expect(only(fake.windows).destroyed).toBe(true);
  });

  it('lets a Windows log-off close the hidden window', async () => {
    const { fake } = await start();
    only(fake.windows).emit('session-end');
    only(fake.windows).close();
    expect(only(fake.windows).destroyed).toBe(true);
  });
});

describe('the tray', () => {
  it('starts not set up (no account yet), with the status, Open and Quit in its menu', async () => {
    const { fake } = await start();
    const tray = only(fake.trays);
    expect(tray.image).toBe(join(PROJECT_DIR, 'assets', 'tray-offline.png'));
    expect(tray.tooltip).toBe(`Focusline: ${NOT_SET_UP}`);
    expect(tray.menu?.template.map((i) => i.label ?? i.type)).toEqual([
      NOT_SET_UP,
      'Do not disturb for 1 hour',
      'separator',
      'Open Focusline',
      'Quit Focusline',
    ]);
  });

  it('follows main’s own phone: an account whose server refuses the connection shows as reconnecting', async () => {
    const { fake, shell } = await start();
    cleanups.push(() => shell.services.close());
    const tray = only(fake.trays);
    const port = await closedPort();
    const saved = await shell.services.route('settings.saveAccount', {
      account: { wsServer: `ws://127.0.0.1:${port}`, sipUri: 'sip:2001@pbx.test', authUser: '', displayName: '' },
      password: 'secret',
    });
    expect(saved.ok).toBe(true);
    await vi.waitFor(() => expect(shell.services.phoneStatus.registration).toBe('reconnecting'), { timeout: 10_000 });
    expect([tray.image, tray.tooltip]).toEqual([join(PROJECT_DIR, 'assets', 'tray-reconnecting.png'), 'Focusline: Reconnecting…']);
    expect(tray.menu?.template[0]?.label).toBe('Reconnecting…');
  });

  it('shows focus in the tray: the ticket in the tooltip, a distinct icon, and Stop work in the menu', async () => {
    const { fake, shell } = await start();
    const tray = only(fake.trays);
    const registered = withPhoneStatus(shell.services, status('registered'));
    const registeredTray = await followingTray(fake, registered.services);
    expect(registeredTray.image).toBe(join(PROJECT_DIR, 'assets', 'tray-available.png'));
    const created = await shell.services.route('tickets.create', { summary: 'printer down', company: 'Acme' });
    const id = created.ok ? (created.value as { id: string }).id : '';
    await shell.services.route('focus.startTicket', { ticketId: id });
    // The shell's own tray (no account yet): the focus is in the tooltip and the menu.
    expect(tray.tooltip).toBe(`Focusline: ${NOT_SET_UP} · Focused: #${id} Acme: printer down`);
    expect(tray.menu?.template.map((i) => i.label ?? i.type)).toContain(`Focused: #${id} Acme: printer down`);
    // With the phone registered, focus has its own icon.
    expect(registeredTray.image).toBe(join(PROJECT_DIR, 'assets', 'tray-focused.png'));
    // The same words as the window's status line (src-shared/status/glance.ts).
    expect(registeredTray.tooltip).toBe(`Focusline: Focused on #${id}`);
    tray.menu?.template.find((i) => i.label === 'Stop work')?.click?.();
    await vi.waitFor(() => expect(shell.services.focusView().mode).toBe('off'));
    expect(tray.tooltip).toBe(`Focusline: ${NOT_SET_UP}`);
    expect(registeredTray.image).toBe(join(PROJECT_DIR, 'assets', 'tray-available.png'));
  });

  it('follows the status the phone reports', async () => {
    const { fake, shell } = await start();
    const phone = withPhoneStatus(shell.services, status('offline'));
    const tray = await followingTray(fake, phone.services);
    expect([tray.image, tray.tooltip]).toEqual([join(PROJECT_DIR, 'assets', 'tray-offline.png'), 'Focusline: Offline']);
    phone.report(status('registered'));
    expect([tray.image, tray.tooltip]).toEqual([join(PROJECT_DIR, 'assets', 'tray-available.png'), 'Focusline: Available']);
    phone.report(status('registered', { ringing: true }));
    expect([tray.image, tray.tooltip]).toEqual([join(PROJECT_DIR, 'assets', 'tray-in-call.png'), 'Focusline: Incoming call']);
    phone.report(status('failed', { detail: '401 Unauthorized' }));
    expect([tray.image, tray.tooltip]).toEqual([join(PROJECT_DIR, 'assets', 'tray-failed.png'), 'Focusline: Not connected: 401 Unauthorized']);
    expect(tray.menu?.template[0]?.label).toBe('Not connected');
  });

  it('loads packaged icons from resources/assets', async () => {
    const { fake } = await start({ electron: {} });
    expect(only(fake.trays).image.startsWith(join(PROJECT_DIR, 'assets'))).toBe(true);
    const packaged = createFakeElectron();
    packaged.electron.app.isPackaged = true;
    vi.resetModules();
    vi.doMock('electron', () => packaged.module);
    const { createElectronPorts } = await import('../../../../src-main/app/electron-ports.js');
    const dataDir = await mkdtemp(join(tmpdir(), 'focusline-shell-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    await startElectronShell(createElectronPorts(), {
      env: { FOCUSLINE_DATA_DIR: dataDir },
      argv: [],
      mainDir: '/r/app.asar/out/main',
      resourcesPath: '/r',
      defaultApp: false,
      execPath: '/x',
      platform: 'linux',
      version: '0',
      log: () => {},
    });
    expect(only(packaged.trays).image).toBe(join('/r', 'assets', 'tray-offline.png'));
  });

  it('Quit really quits: before-quit, then the window closes instead of hiding', async () => {
    const { fake } = await start();
    only(fake.windows).finishLoad();
    only(fake.trays).clickMenu('Quit Focusline');
    expect(fake.electron.app.quit).toHaveBeenCalledOnce();
    expect(only(fake.windows).destroyed).toBe(true);
  });

  it('Open brings the hidden window back and focuses it', async () => {
    const { fake } = await start();
    const window = only(fake.windows);
    window.finishLoad();
    window.close();
    only(fake.trays).clickMenu('Open Focusline');
    expect(window.visible).toBe(true);
    expect(window.focus).toHaveBeenCalled();
  });
});

describe('single instance and dial links', () => {
  it('a second launch quits at once and opens nothing', async () => {
    const { fake, shell } = await boot({ electron: { hasLock: false } });
    expect(shell).toBeNull();
    expect(fake.electron.app.quit).toHaveBeenCalledOnce();
    expect(fake.windows).toHaveLength(0);
    expect(fake.electron.ipcMain.handle).not.toHaveBeenCalled();
  });

  it.each([
    ['sip:alice@pbx.example.com;transport=tls?Subject=urgent', 'sip:alice@pbx.example.com'],
    ['tel:+1-555-010-0123', '+15550100123'],
    ['callto://+4930123456', '+4930123456'],
  ])('the first instance takes a second launch’s %s link: asks to dial it and comes forward', async (link, target) => {
    const { fake, events, rendererReady } = await start();
    const window = only(fake.windows);
    window.finishLoad();
    await rendererReady();
    window.close();
    fake.electron.app.emit('second-instance', fakeEvent(), ['/opt/Focusline/focusline', '--no-sandbox', link], '/home/tech');
    // From another app: the window shows the number and asks first (links.trusted is off by default).
    expect(events).toEqual([{ name: 'phone.dial', payload: { target, confirm: true } }]);
    expect(window.webContents.send).toHaveBeenCalledWith(channelFor('phone.dial'), { target, confirm: true });
    expect(window.visible).toBe(true);
    expect(window.focus).toHaveBeenCalled();
  });

  it('a second launch without a link just brings the window forward', async () => {
    const { fake, events } = await start();
    only(fake.windows).finishLoad();
    fake.electron.app.emit('second-instance', fakeEvent(), ['/opt/Focusline/focusline', 'https://evil.example/']);
    expect(events).toEqual([]);
    expect(only(fake.windows).focus).toHaveBeenCalled();
  });

  it('a link that launched the app is dialled once the renderer listens, not before', async () => {
    const { fake, events, rendererReady } = await start({ argv: ['/opt/Focusline/focusline', 'tel:+15550100'] });
    expect(events).toEqual([]);
    only(fake.windows).finishLoad();
    expect(events).toEqual([]);
    await rendererReady();
    expect(events).toEqual([{ name: 'phone.dial', payload: { target: '+15550100', confirm: true } }]);
  });

  it('dials links from other apps without asking when policy trusts links', async () => {
    const policyDir = await mkdtemp(join(tmpdir(), 'focusline-policy-'));
    cleanups.push(() => rm(policyDir, { recursive: true, force: true }));
    await mkdir(join(policyDir, 'managed'));
    await writeFile(join(policyDir, 'managed', '10-links.json'), JSON.stringify({ 'links.trusted': true }));
    const { fake, events, rendererReady } = await start({ env: { FOCUSLINE_POLICY_DIR: policyDir } });
    only(fake.windows).finishLoad();
    await rendererReady();
    fake.electron.app.emit('second-instance', fakeEvent(), ['/opt/Focusline/focusline', 'tel:+15550100']);
    expect(events).toEqual([{ name: 'phone.dial', payload: { target: '+15550100' } }]);
  });

  it('dials a macOS open-url link and keeps the OS from handling it again', async () => {
    const { fake, events, rendererReady } = await start();
    only(fake.windows).finishLoad();
    await rendererReady();
    const event = fakeEvent();
    fake.electron.app.emit('open-url', event, 'sip:bob@pbx.example.com');
    expect(event.defaultPrevented).toBe(true);
    expect(events).toEqual([{ name: 'phone.dial', payload: { target: 'sip:bob@pbx.example.com', confirm: true } }]);
  });

  it('a focusline:// link from another app does nothing until the tech says yes in the window', async () => {
    const { fake, shell, events, logs, rendererReady } = await start();
    only(fake.windows).finishLoad();
    await rendererReady();
    fake.electron.app.emit('second-instance', fakeEvent(), ['/opt/Focusline/focusline', 'focusline://dnd/start?minutes=30']);
    const prompts = () => events.filter((e) => e.name === 'app.focusLink').map((e) => e.payload as { id: string; summary: string });
    expect(prompts()).toEqual([{ id: expect.any(String), summary: 'Turn on do-not-disturb for 30 minutes' }]);
    expect(shell.services.focusView().mode).toBe('off');
    const [prompt] = prompts();
    // A made-up id runs nothing; "Cancel" drops it; only the real prompt's yes runs it, once.
    expect(await shell.services.route('app.answerFocusLink', { id: 'made-up', run: true })).toEqual({ ok: true, value: { ran: false } });
    expect(await shell.services.route('app.answerFocusLink', { id: prompt?.id ?? '', run: true })).toEqual({ ok: true, value: { ran: true } });
    expect(shell.services.focusView().mode).toBe('dnd');
    expect(await shell.services.route('app.answerFocusLink', { id: prompt?.id ?? '', run: true })).toEqual({ ok: true, value: { ran: false } });
    fake.electron.app.emit('second-instance', fakeEvent(), ['/opt/Focusline/focusline', 'focusline://dnd/stop']);
    const stop = prompts()[1];
    expect(await shell.services.route('app.answerFocusLink', { id: stop?.id ?? '', run: false })).toEqual({ ok: true, value: { ran: false } });
    expect(shell.services.focusView().mode).toBe('dnd');
    fake.electron.app.emit('second-instance', fakeEvent(), ['/opt/Focusline/focusline', 'focusline://rm/rf']);
    await vi.waitFor(() => expect(logs.some((l) => l.includes('is not a Focusline command'))).toBe(true));
    expect(prompts()).toHaveLength(2);
  });

  it('with links trusted by policy, a focusline:// link starts and stops focus on a ticket at once', async () => {
    const policyDir = await mkdtemp(join(tmpdir(), 'focusline-policy-'));
    cleanups.push(() => rm(policyDir, { recursive: true, force: true }));
    await mkdir(join(policyDir, 'managed'));
    await writeFile(join(policyDir, 'managed', '10-links.json'), JSON.stringify({ 'links.trusted': true }));
    const { fake, shell, events, logs, rendererReady } = await start({ env: { FOCUSLINE_POLICY_DIR: policyDir } });
    only(fake.windows).finishLoad();
    await rendererReady();
    const created = await shell.services.route('tickets.create', { summary: 'Printer down', company: 'Acme' });
    expect(created.ok).toBe(true);
    const id = created.ok ? (created.value as { id: string }).id : '';
    fake.electron.app.emit('second-instance', fakeEvent(), ['/opt/Focusline/focusline', `focusline://ticket/${id}/start`]);
    await vi.waitFor(() => expect(shell.services.focusView().mode).toBe('ticket'));
    expect(events.some((e) => e.name === 'focus.changed' && (e.payload as { label: string }).label === `Focused: #${id} Acme: Printer down`)).toBe(true);
    fake.electron.app.emit('second-instance', fakeEvent(), ['/opt/Focusline/focusline', `focusline://ticket/${id}/stop`]);
    await vi.waitFor(() => expect(shell.services.focusView().mode).toBe('off'));
    fake.electron.app.emit('second-instance', fakeEvent(), ['/opt/Focusline/focusline', 'focusline://ticket/99999/start']);
    await vi.waitFor(() => expect(logs.some((l) => l.includes('Ticket #99999 was not found'))).toBe(true));
    expect(events.some((e) => e.name === 'app.focusLink')).toBe(false);
  });

  it('registers as the OS handler for tel:, sip:, callto: and focusline:', async () => {
    const { fake } = await start();
    expect(fake.electron.app.setAsDefaultProtocolClient.mock.calls).toEqual([['tel'], ['sip'], ['callto'], ['focusline']]);
  });

  it('registers with the app path when run as `electron .`', async () => {
    const { fake } = await start({ defaultApp: true, argv: ['/work/node_modules/electron/dist/electron', '.'] });
    expect(fake.electron.app.setAsDefaultProtocolClient.mock.calls).toEqual(
      ['tel', 'sip', 'callto', 'focusline'].map((scheme) => [scheme, '/opt/Focusline/focusline', [resolve('.')]]),
    );
  });
});

describe('OS integration', () => {
  it('asks the phone to reconnect now when the machine wakes up', async () => {
    const { fake, shell, events } = await start();
    const reconnect = vi.spyOn(shell.services, 'reconnectPhone');
    fake.electron.powerMonitor.emit('resume');
    expect(reconnect).toHaveBeenCalledOnce();
    // main's own phone reconnects: nothing goes to the window for it.
    expect(events).toEqual([]);
  });

  it('a crashed renderer takes the calls’ media with it: main’s phone stops waiting on it', async () => {
    const { fake, shell } = await start();
    const gone = vi.spyOn(shell.services, 'mediaGone');
    only(fake.windows).webContents.emit('render-process-gone', fakeEvent(), { reason: 'crashed', exitCode: 139 });
    expect(gone).toHaveBeenCalledOnce();
  });

  it('quits on OS shutdown so the hidden window does not hold it up', async () => {
    const { fake } = await start();
    fake.electron.powerMonitor.emit('shutdown');
    expect(fake.electron.app.quit).toHaveBeenCalledOnce();
    expect(only(fake.windows).destroyed).toBe(true);
  });

  it.each([
    [{}, false],
    [{ FOCUSLINE_TEST_LOOPBACK_MEDIA: '0' }, false],
    [{ FOCUSLINE_TEST_LOOPBACK_MEDIA: '1' }, true],
  ])('with env %j the loopback media switch is appended: %s', async (env, appended) => {
    const { fake } = await start({ env });
    const switches = fake.electron.app.commandLine.appendSwitch.mock.calls.map(([name]) => name);
    expect(switches.includes(LOOPBACK_MEDIA_SWITCH)).toBe(appended);
  });

  it('gives Windows the app id it needs to show notifications', async () => {
    const windows = await start({ platform: 'win32' });
    expect(windows.fake.electron.app.setAppUserModelId).toHaveBeenCalledWith(APP_USER_MODEL_ID);
    const linux = await start({ platform: 'linux' });
    expect(linux.fake.electron.app.setAppUserModelId).not.toHaveBeenCalled();
  });

  it('shows OS notifications, silently when asked, and reports when the OS has none', async () => {
    const { fake, shell } = await start();
    const onClick = vi.fn();
    expect(shell.notify({ title: 'Call held back', body: '+15550100 went to voicemail', silent: true, onClick })).toBe(true);
    const shown = only(fake.notifications);
    expect(shown.options).toEqual({ title: 'Call held back', body: '+15550100 went to voicemail', silent: true });
    expect(shown.show).toHaveBeenCalledOnce();
    shown.emit('click');
    expect(onClick).toHaveBeenCalledOnce();
    fake.electron.Notification.isSupported.mockReturnValue(false);
    expect(shell.notify({ title: 't', body: 'b' })).toBe(false);
  });
});

describe('the 15-minute rule', () => {
  it('asks the OS for a quiet notification when the prompt is due with the window hidden; a click brings the window', async () => {
    // Focusline comes back after 20 minutes of work on #1001 (what it saved before), so the prompt is due at once.
    const dataDir = await mkdtemp(join(tmpdir(), 'focusline-shell-escalation-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const db = openDatabase(dataDir);
    const ticket = { id: '1001', summary: 'VPN drops', company: 'Acme', contactName: 'Jane', contactNumbers: [], source: 'local' };
    new FocusStateStore(db).save({ mode: 'ticket', ticket, since: new Date(Date.now() - 20 * 60_000) });
    db.close();
    const { fake, shell } = await start({ env: { FOCUSLINE_DATA_DIR: dataDir } });
    const shown = only(fake.notifications);
    expect(shown.options).toEqual({
      title: '20 minutes on #1001 Acme: VPN drops',
      body: 'Stuck? Ask a coworker or escalate the ticket (the 15-minute rule).',
      silent: true,
    });
    expect(shown.show).toHaveBeenCalledOnce();
    shown.emit('click');
    expect(shell.window.isVisible()).toBe(true);
    expect((await shell.services.route('focus.getEscalation', {})).ok).toBe(true);
  });
});

describe('data and secrets', () => {
  it('keeps Chromium’s profile and the secrets in the data folder, encrypted by safeStorage', async () => {
    const { fake, shell, dataDir } = await start();
    expect(fake.electron.app.setPath).toHaveBeenCalledWith('userData', dataDir);
    const account = { wsServer: 'wss://pbx.example.com/ws', sipUri: 'sip:1001@pbx.example.com', authUser: '', displayName: '' };
    const saved = await shell.services.route('settings.saveAccount', { account, password: 'hunter2' });
    expect(saved.ok).toBe(true);
    const secrets = await readFile(join(dataDir, 'secrets.json'), 'utf8');
    expect(secrets).not.toContain('hunter2');
    expect(await shell.services.userSettings.password()).toBe('hunter2');
    expect(shell.services.userSettings.path).toBe(join(dataDir, 'settings.json'));
  });

  it('reads settings from FOCUSLINE_CONFIG when set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'focusline-config-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const configPath = join(dir, 'managed.json');
    await writeFile(configPath, JSON.stringify({ account: { wsServer: 'wss://pbx.corp.example/ws', sipUri: 'sip:2002@pbx.corp.example' } }));
    const { shell } = await start({ env: { FOCUSLINE_CONFIG: configPath } });
    expect(shell.services.userSettings.path).toBe(configPath);
    const view = await shell.services.route('settings.get', {});
    expect(view).toMatchObject({ ok: true, value: { account: { sipUri: 'sip:2002@pbx.corp.example' } } });
  });
});

describe('settings through electron-store', () => {
  it('saves the technician’s settings with electron-store, to the same file and format web mode uses', async () => {
    const { fake, shell, dataDir } = await start();
    // Only electron-store registers this channel: the shell opened the settings with it.
    expect(fake.ipcListeners.has('electron-store-get-data')).toBe(true);
    const set = await shell.services.route('settings.setValue', { key: 'focus.action', value: 'voicemail' });
    expect(set.ok).toBe(true);
    expect(await readFile(join(dataDir, 'settings.json'), 'utf8')).toBe('{\n  "focus": {\n    "action": "voicemail"\n  }\n}\n');
  });

  it('writes the file FOCUSLINE_CONFIG names, keeps its $schema line and reports a broken one by name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'focusline-config-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const configPath = join(dir, 'managed.json');
    await writeFile(
      configPath,
      JSON.stringify({ $schema: './settings.schema.json', account: { wsServer: 'wss://pbx.corp.example/ws', sipUri: 'sip:2002@pbx.corp.example' } }),
    );
    const { shell } = await start({ env: { FOCUSLINE_CONFIG: configPath } });
    await shell.services.route('settings.setValue', { key: 'focus.action', value: 'busy' });
    expect(JSON.parse(await readFile(configPath, 'utf8'))).toEqual({
      $schema: './settings.schema.json',
      account: { wsServer: 'wss://pbx.corp.example/ws', sipUri: 'sip:2002@pbx.corp.example' },
      focus: { action: 'busy' },
    });
    await writeFile(configPath, '{ "account": ');
    const broken = await start({ env: { FOCUSLINE_CONFIG: configPath } });
    expect(broken.logs).toContainEqual(expect.stringMatching(/^Settings problem: .*managed\.json is not valid JSON/));
    expect(await readFile(configPath, 'utf8')).toBe('{ "account": ');
  });
});

describe('web security', () => {
  it('answers every contract command over IPC, for our page only', async () => {
    const { fake } = await start();
    expect([...fake.invokeHandlers.keys()].sort()).toEqual(COMMAND_NAMES.map(channelFor).sort());
    const handler = fake.invokeHandlers.get(channelFor('app.info'));
    await expect(handler?.({ senderFrame: { url: RENDERER_URL } }, {})).resolves.toMatchObject({
      ok: true,
      value: { mode: 'electron', version: '0.0.0-test' },
    });
    await expect(handler?.({ senderFrame: { url: 'https://evil.example/' } }, {})).resolves.toMatchObject({ ok: false });
  });

  it('denies every new window; opens https externally, dials tel:, drops file:', async () => {
    const { fake, events, rendererReady } = await start();
    only(fake.windows).finishLoad();
    await rendererReady();
    const open = only(fake.windows).webContents.windowOpenHandler;
    expect(open?.({ url: 'https://docs.example.com/' })).toEqual({ action: 'deny' });
    expect(open?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(open?.({ url: 'tel:+15550100' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(fake.electron.shell.openExternal).toHaveBeenCalled());
    expect(fake.electron.shell.openExternal.mock.calls).toEqual([['https://docs.example.com/']]);
    expect(events).toEqual([{ name: 'phone.dial', payload: { target: '+15550100' } }]);
  });

  it('stops navigation away from our origin but not within it', async () => {
    const { fake } = await start();
    const contents = only(fake.windows).webContents;
    const away = fakeEvent();
    contents.emit('will-navigate', away, 'https://evil.example/phish');
    expect(away.defaultPrevented).toBe(true);
    const within = fakeEvent();
    contents.emit('will-navigate', within, 'app://focusline/index.html#/history');
    expect(within.defaultPrevented).toBe(false);
    const webview = fakeEvent();
    contents.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
  });

  it.each([
    ['media', RENDERER_URL, 'app://focusline', true],
    ['notifications', RENDERER_URL, 'app://focusline', true],
    ['speaker-selection', RENDERER_URL, 'app://focusline', true],
    ['geolocation', RENDERER_URL, 'app://focusline', false],
    ['openExternal', RENDERER_URL, 'app://focusline', false],
    ['clipboard-read', RENDERER_URL, 'app://focusline', false],
    ['media', 'https://evil.example/', 'https://evil.example', false],
    ['notifications', 'file:///tmp/x.html', 'file://', false],
  ])('permission %s for %s: allowed=%s', async (permission, url, origin, allowed) => {
    const { fake } = await start();
    const granted = vi.fn();
    fake.permissions.request?.({}, permission, granted, { requestingUrl: url });
    expect(granted).toHaveBeenCalledExactlyOnceWith(allowed);
    expect(fake.permissions.check?.({}, permission, origin)).toBe(allowed);
  });
});
