import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RENDERER_URL } from '../../../../src-main/app/app-origin.js';
import { startElectronShell, type Shell } from '../../../../src-main/app/electron-shell.js';
import type { EventName } from '../../../../src-main/ipc/contract.js';
import { commands } from '../../../../src-main/ipc/contract.js';
import { SHORTCUT_DEBOUNCE_MS } from '../../../../src-main/phone/call-shortcuts.js';
import { createFakeElectron, type FakeElectron, type FakeElectronOptions } from '../fake-electron.js';

/**
 * Issue #13 in the Electron shell, with Electron faked (test/unit/shell/fake-electron.ts):
 * global hotkeys and the media key from policy, the headset's device
 * permissions, held-back-call notifications with actions, the tray's badge,
 * and auto-update's tray item. (The updater itself runs for real against a
 * local feed in auto-update.test.ts; here it is a fake behind the port.)
 */

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Booted = { fake: FakeElectron; shell: Shell; events: Array<{ name: EventName; payload: unknown }>; logs: string[]; updater: FakeUpdater };

/** Moves the wall clock on (only Date is faked: the shell's timers and I/O run for real). */
function laterBy(ms: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  cleanups.push(async () => {
    vi.useRealTimers();
  });
  vi.setSystemTime(Date.now() + ms);
}

class FakeUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  allowDowngrade = true;
  readonly setFeedURL = vi.fn();
  readonly checkForUpdates = vi.fn(async () => null);
  readonly downloadUpdate = vi.fn(async () => []);
  readonly quitAndInstall = vi.fn();
}

async function boot(options: { managed?: Record<string, unknown>; platform?: NodeJS.Platform; electron?: FakeElectronOptions } = {}): Promise<Booted> {
  const dataDir = await mkdtemp(join(tmpdir(), 'focusline-desktop-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const policyDir = join(dataDir, 'policy');
  await mkdir(join(policyDir, 'managed'), { recursive: true });
  await writeFile(join(policyDir, 'managed', '10-desktop.json'), JSON.stringify(options.managed ?? {}));
  const fake = createFakeElectron(options.electron);
  vi.resetModules();
  vi.doMock('electron', () => fake.module);
  const { createElectronPorts } = await import('../../../../src-main/app/electron-ports.js');
  const updater = new FakeUpdater();
  const logs: string[] = [];
  const shell = await startElectronShell(
    { ...createElectronPorts(), createUpdater: () => updater, every: () => () => {} },
    {
      env: { FOCUSLINE_DATA_DIR: join(dataDir, 'data'), FOCUSLINE_POLICY_DIR: policyDir },
      argv: ['/opt/Focusline/focusline'],
      mainDir: '/opt/Focusline/resources/app.asar/out/main',
      resourcesPath: '/opt/Focusline/resources',
      defaultApp: false,
      execPath: '/opt/Focusline/focusline',
      platform: options.platform ?? 'linux',
      version: '0.0.0-test',
      log: (m) => logs.push(m),
    },
  );
  if (!shell) throw new Error('expected the single-instance lock');
  cleanups.push(() => shell.services.close());
  const events: Booted['events'] = [];
  shell.services.bus.subscribe((name, payload) => events.push({ name, payload }));
  return { fake, shell, events, logs, updater };
}

const desktop = async (shell: Shell) => {
  const result = await shell.services.route('app.desktop', {});
  if (!result.ok) throw new Error(result.error.message);
  return commands['app.desktop'].response.parse(result.value);
};

/** A call Focus holds back (do-not-disturb makes it silent), as the phone screens an INVITE. */
async function heldBackCall(shell: Shell, callId = 'c1') {
  if (shell.services.focusView().mode !== 'dnd') await shell.services.runFocusCommand({ kind: 'dnd-start', minutes: 30 });
  shell.services.screenCall({
    callId,
    fromUri: 'sip:+15550101@pbx',
    fromUser: '+15550101',
    displayName: 'Jane Doe',
    assertedIdentity: null,
    toUri: 'sip:tech@pbx',
  });
  await shell.services.callLog.written();
}

describe('global hotkeys', () => {
  it('registers what policy sets and says plainly which keys it could not have', async () => {
    const { fake, shell } = await boot({
      managed: {
        'hotkeys.answer': 'ctrl+alt+a',
        'hotkeys.hangup': 'Control+Alt+A',
        'hotkeys.mute': 'Ctrl+Alt+M',
        'hotkeys.toggleDnd': 'Ctrl+Alt+D',
        'hotkeys.mediaKeys': true,
      },
      electron: { takenKeys: ['Control+Alt+M'] },
    });
    const status = await desktop(shell);
    expect(status.available).toBe(true);
    expect(status.hotkeys).toEqual([
      { action: 'answer', accelerator: 'Control+Alt+A', state: 'registered', message: '' },
      { action: 'hangup', accelerator: 'Control+Alt+A', state: 'duplicate', message: 'Control+Alt+A is already Answer; choose another key for Hang up.' },
      {
        action: 'mute',
        accelerator: 'Control+Alt+M',
        state: 'taken',
        message: 'Control+Alt+M is taken by another app or the system, so Mute has no hotkey; choose another key in Settings → Hotkeys.',
      },
      { action: 'toggleDnd', accelerator: 'Control+Alt+D', state: 'registered', message: '' },
      { action: 'createTicket', accelerator: '', state: 'off', message: '' },
      { action: 'playPause', accelerator: 'MediaPlayPause', state: 'registered', message: '' },
    ]);
    expect([...fake.shortcuts.keys()].sort()).toEqual(['Control+Alt+A', 'Control+Alt+D', 'MediaPlayPause']);
  });

  it('toggles do-not-disturb from anywhere, and says so when a key has nothing to act on', async () => {
    const { fake, shell } = await boot({ managed: { 'hotkeys.toggleDnd': 'Ctrl+Alt+D', 'hotkeys.mediaKeys': true } });
    fake.press('Control+Alt+D');
    await vi.waitFor(() => expect(shell.services.focusView().mode).toBe('dnd'));
    // At once again is the same press (phone/call-shortcuts.ts's guard); a moment later, a new one.
    fake.press('Control+Alt+D');
    expect(shell.services.focusView().mode).toBe('dnd');
    laterBy(SHORTCUT_DEBOUNCE_MS);
    fake.press('Control+Alt+D');
    await vi.waitFor(() => expect(shell.services.focusView().mode).toBe('off'));
    fake.press('MediaPlayPause');
    await vi.waitFor(() =>
      expect(fake.notifications.at(-1)?.options).toEqual({ title: 'Play/Pause media key', body: 'No call is ringing or up.', silent: true }),
    );
  });

  it('"Create ticket instead" for the newest held-back call', async () => {
    const { fake, shell } = await boot({ managed: { 'hotkeys.createTicket': 'Ctrl+Alt+T' } });
    await heldBackCall(shell);
    fake.press('Control+Alt+T');
    await vi.waitFor(() => expect(fake.notifications.at(-1)?.options.body).toMatch(/^Ticket #\d+ created for Jane Doe: /));
    expect(shell.services.newestFollowUp()).toBeNull();
    laterBy(SHORTCUT_DEBOUNCE_MS);
    fake.press('Control+Alt+T');
    await vi.waitFor(() => expect(fake.notifications.at(-1)?.options.body).toBe('There is no held-back call to make a ticket of.'));
  });

  it('the tech sets a hotkey in Settings unless policy locks it; changes take effect at once', async () => {
    const { fake, shell } = await boot({ managed: { 'hotkeys.answer': 'Ctrl+Alt+A' } });
    const locked = await shell.services.route('settings.setValue', { key: 'hotkeys.answer', value: 'Ctrl+Alt+X' });
    expect(locked.ok).toBe(false);
    const set = await shell.services.route('settings.setValue', { key: 'hotkeys.mute', value: 'alt+shift+m' });
    expect(set.ok).toBe(true);
    await vi.waitFor(() => expect(fake.shortcuts.has('Alt+Shift+M')).toBe(true));
    const cleared = await shell.services.route('settings.setValue', { key: 'hotkeys.mute', value: '' });
    expect(cleared.ok).toBe(true);
    await vi.waitFor(() => expect(fake.shortcuts.has('Alt+Shift+M')).toBe(false));
    const bad = await shell.services.route('settings.setValue', { key: 'hotkeys.mute', value: 'm' });
    expect(bad).toMatchObject({ ok: false });
    expect(bad.ok ? '' : bad.error.message).toMatch(/needs a modifier such as Ctrl or Alt/);
  });

  it('gives the keys back when the app quits', async () => {
    const { fake } = await boot({ managed: { 'hotkeys.answer': 'Ctrl+Alt+A' } });
    expect(fake.shortcuts.size).toBe(1);
    fake.electron.app.emit('will-quit');
    expect(fake.shortcuts.size).toBe(0);
  });
});

describe('the headset: WebHID device permissions', () => {
  const jabra = { deviceId: 'hid-1', vendorId: 0x0b0e, productId: 0x245e, name: 'Jabra Evolve2 65', collections: [{ usagePage: 0x0c }, { usagePage: 0x0b }] };
  const poly = { deviceId: 'hid-2', vendorId: 0x047f, productId: 0xc056, name: 'Poly BT700', collections: [{ usagePage: 0x0b }] };
  const keyboard = { deviceId: 'hid-3', vendorId: 0x046d, productId: 0xc31c, name: 'Keyboard', collections: [{ usagePage: 0x01 }] };

  it('lets our page use WebHID, and offers it telephony devices only', async () => {
    const { fake } = await boot();
    expect(fake.permissions.check?.(null, 'hid', 'app://focusline')).toBe(true);
    expect(fake.permissions.check?.(null, 'hid', 'https://evil.example')).toBe(false);
    const pick = (deviceList: Array<typeof jabra>, url = RENDERER_URL) => {
      const callback = vi.fn();
      const event = { preventDefault: vi.fn() };
      fake.hid.select?.(event, { deviceList, frame: { url } }, callback);
      expect(event.preventDefault).toHaveBeenCalled();
      return callback.mock.calls[0]?.[0];
    };
    expect(pick([keyboard, jabra])).toBe('hid-1');
    expect(pick([keyboard])).toBeUndefined();
    expect(pick([jabra], 'https://evil.example/')).toBeUndefined();
  });

  it('offers nothing when Electron cannot say which frame asked', async () => {
    const { fake } = await boot();
    for (const frame of [null, undefined, {}]) {
      const callback = vi.fn();
      fake.hid.select?.({ preventDefault: () => {} }, { deviceList: [jabra], frame }, callback);
      expect(callback).toHaveBeenCalledOnce();
      expect(callback.mock.calls[0]?.[0]).toBeUndefined();
    }
  });

  it('keeps a grant for the headset the tech picked in Settings → Audio, and for nothing else', async () => {
    const { fake, shell } = await boot();
    const allowed = (device: typeof jabra, origin = 'app://focusline') => fake.hid.devicePermission?.({ deviceType: 'hid', origin, device });
    expect(allowed(jabra)).toBe(false);
    expect((await shell.services.route('settings.setValue', { key: 'headset.device', value: '0B0E:245E' })).ok).toBe(true);
    expect(allowed(jabra)).toBe(true);
    expect(allowed(poly)).toBe(false);
    expect(allowed({ ...keyboard, vendorId: 0x0b0e, productId: 0x245e })).toBe(false);
    expect(allowed(jabra, 'https://evil.example')).toBe(false);
    expect(fake.hid.devicePermission?.({ deviceType: 'usb', origin: 'app://focusline', device: jabra })).toBe(false);
    // "Choose another headset…" with two plugged in offers the other one; with only the chosen one, that one.
    const pickWith = (deviceList: Array<typeof jabra>) => {
      const callback = vi.fn();
      fake.hid.select?.({ preventDefault: () => {} }, { deviceList, frame: { url: RENDERER_URL } }, callback);
      return callback.mock.calls[0]?.[0];
    };
    expect(pickWith([jabra, keyboard, poly])).toBe('hid-2');
    expect(pickWith([poly, jabra])).toBe('hid-2');
    expect(pickWith([keyboard, jabra])).toBe('hid-1');
  });
});

describe('held-back calls', () => {
  it('macOS and Windows: a quiet notification with Create ticket and Call back', async () => {
    const { fake, shell } = await boot({ platform: 'darwin' });
    await heldBackCall(shell);
    const shown = fake.notifications.find((n) => n.options.title === 'Held back: Jane Doe (+15550101)');
    expect(shown?.options).toMatchObject({
      silent: true,
      actions: [
        { type: 'button', text: 'Create ticket' },
        { type: 'button', text: 'Call back' },
      ],
    });
    shown?.emit('action', { actionIndex: 0 }, 0);
    await vi.waitFor(() => expect(fake.notifications.at(-1)?.options.title).toMatch(/^Ticket #\d+ created$/));
    expect(shell.services.newestFollowUp()).toBeNull();
  });

  it('Call back dials the caller as a callback of that call (no account here: said plainly)', async () => {
    const { fake, shell } = await boot({ platform: 'win32' });
    await heldBackCall(shell);
    const shown = fake.notifications.find((n) => n.options.title.startsWith('Held back:'));
    shown?.emit('action', { actionIndex: 1 });
    await vi.waitFor(() => expect(fake.notifications.at(-1)?.options.title).toBe('Could not call back'));
  });

  it('Linux: no buttons; a click opens the window at the call’s row', async () => {
    const { fake, shell, events } = await boot({ platform: 'linux' });
    await heldBackCall(shell);
    const shown = fake.notifications.find((n) => n.options.title.startsWith('Held back:'));
    expect(shown?.options.actions).toBeUndefined();
    const attemptId = shell.services.newestFollowUp()?.id;
    shown?.emit('click');
    expect(fake.windows[0]?.visible).toBe(true);
    expect(events.filter((e) => e.name === 'app.show')).toEqual([{ name: 'app.show', payload: { view: 'follow-ups', attemptId } }]);
  });

  it('a storm of held-back calls shows one notification at a time: each new one takes the last one’s place', async () => {
    const { fake, shell } = await boot({ platform: 'darwin' });
    for (let i = 0; i < 5; i++) await heldBackCall(shell, `storm-${i}`);
    const heldBack = fake.notifications.filter((n) => n.options.title.startsWith('Held back:'));
    expect(heldBack).toHaveLength(5);
    expect(heldBack.filter((n) => !n.closed)).toHaveLength(1);
    expect(heldBack.at(-1)?.closed).toBe(false);
  });

  it('stays quiet while the window is in front: the follow-up list shows it', async () => {
    const { fake, shell } = await boot({ platform: 'darwin' });
    const window = fake.windows[0];
    if (!window) throw new Error('no window');
    window.show();
    window.focused = true;
    await heldBackCall(shell);
    expect(fake.notifications.filter((n) => n.options.title.startsWith('Held back:'))).toEqual([]);
  });

  it('counts on the badge and in the tray', async () => {
    const { fake, shell } = await boot({ platform: 'darwin' });
    await heldBackCall(shell, 'c1');
    await heldBackCall(shell, 'c2');
    await vi.waitFor(() => expect(fake.electron.app.badgeCount).toBe(2));
    const tray = fake.trays[0];
    // No account here, so the phone is offline; macOS gets the template image.
    expect(tray?.image).toMatch(/tray-offlineTemplate\.png$/);
    expect(tray?.tooltip).toContain('2 calls to follow up');
    tray?.clickMenu('2 calls to follow up');
    expect(fake.windows[0]?.visible).toBe(true);
  });
});

describe('auto-update in the shell', () => {
  it('follows policy’s feed, puts "Restart to update" in the tray, and lets the window close to install', async () => {
    const { fake, updater } = await boot({ managed: { 'updates.url': 'https://updates.msp.example/focusline/', 'updates.channel': 'beta' } });
    expect(updater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://updates.msp.example/focusline/', channel: 'beta' });
    expect(updater.checkForUpdates).toHaveBeenCalled();
    updater.emit('update-available', { version: '1.2.0' });
    updater.emit('update-downloaded', { version: '1.2.0' });
    const tray = fake.trays[0];
    tray?.clickMenu('Restart to update (1.2.0)');
    expect(updater.quitAndInstall).toHaveBeenCalledWith(true, true);
    // quitAndInstall closes the windows before before-quit; ours must close, not hide.
    fake.windows[0]?.close();
    expect(fake.windows[0]?.destroyed).toBe(true);
  });
});
