import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isAppUrl } from '../../../../src-main/app/app-origin.js';
import { createServices, type Services } from '../../../../src-main/app/services.js';
import { SettingsViewSchema } from '../../../../src-main/ipc/contract.js';
import { COMMAND_NAMES, channelFor } from '../../../../src-shared/ipc/ipc-names.js';
import { attachElectronTransport, type EventWindow } from '../../../../src-main/ipc/electron-transport.js';
import type { RouteResult } from '../../../../src-main/ipc/router.js';
import { createFakeElectron, FakeBrowserWindow, type FakeElectron } from '../fake-electron.js';
import { MemorySecretStore } from '../memory-secret-store.js';

const OURS = 'app://focusline/index.html';

let dataDir: string;
let services: Services;
let fake: FakeElectron;
let logs: string[];
let windows: EventWindow[];
let detach: () => void;
let route: ReturnType<typeof vi.fn<Services['route']>>;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'focusline-transport-'));
  logs = [];
  services = await createServices({ mode: 'electron', version: '9.9.9', dataDir, secrets: new MemorySecretStore(), log: (m) => logs.push(m) });
  route = vi.fn(services.route);
  fake = createFakeElectron();
  windows = [];
  detach = attachElectronTransport({
    ipcMain: fake.electron.ipcMain,
    services: { route, bus: services.bus, log: services.log },
    isAllowedSender: isAppUrl,
    windows: () => windows,
  });
});

afterEach(async () => {
  detach();
  await rm(dataDir, { recursive: true, force: true });
});

async function invokeFrom(url: string | null, name: string, payload: unknown): Promise<RouteResult> {
  const handler = fake.invokeHandlers.get(channelFor(name as never));
  if (!handler) throw new Error(`no handler for ${name}`);
  return (await handler({ senderFrame: url === null ? null : { url } }, payload)) as RouteResult;
}

function windowShowing(url: string): FakeBrowserWindow {
  const window = new FakeBrowserWindow({});
  window.webContents.url = url;
  windows.push(window);
  return window;
}

describe('the Electron IPC transport', () => {
  it('registers one handler per contract command, on its focusline: channel', () => {
    expect([...fake.invokeHandlers.keys()].sort()).toEqual(COMMAND_NAMES.map(channelFor).sort());
  });

  it.each([
    'https://evil.example/',
    'file:///home/tech/Downloads/page.html',
    'app://elsewhere/index.html',
    'app://focusline.evil.example/index.html',
    'http://127.0.0.1:5173/',
    '',
  ])('refuses a command from the frame %j before the router sees it', async (url) => {
    const result = await invokeFrom(url, 'settings.get', {});
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('Refused') } });
    expect(route).not.toHaveBeenCalled();
    expect(logs.some((line) => line.includes('refused "settings.get"'))).toBe(true);
  });

  it('refuses a sender whose frame is gone', async () => {
    const result = await invokeFrom(null, 'settings.get', {});
    expect(result.ok).toBe(false);
    expect(route).not.toHaveBeenCalled();
  });

  it('passes our own page through to the router: settings.get round-trips', async () => {
    const result = await invokeFrom(OURS, 'settings.get', {});
    expect(result.ok).toBe(true);
    const view = SettingsViewSchema.parse(result.ok && result.value);
    expect(view).toMatchObject({ account: null, hasPassword: false, secretStorage: { kind: 'os-keychain' } });
  });

  it('saves an account over IPC and never sends the password back', async () => {
    const account = { wsServer: 'wss://pbx.example.com:8089/ws', sipUri: 'sip:1001@pbx.example.com', authUser: '', displayName: 'Tech' };
    const saved = await invokeFrom(`${OURS}#/settings`, 'settings.saveAccount', { account, password: 'hunter2' });
    expect(saved.ok).toBe(true);
    const again = await invokeFrom(OURS, 'settings.get', {});
    expect(again.ok && again.value).toMatchObject({ account: { sipUri: 'sip:1001@pbx.example.com' }, hasPassword: true });
    expect(JSON.stringify(again)).not.toContain('hunter2');
  });

  it('lets the router refuse an invalid payload from our page', async () => {
    const result = await invokeFrom(OURS, 'history.list', { limit: 'lots' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    const extra = await invokeFrom(OURS, 'settings.get', { sneaky: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('pushes bus events to windows showing our page only', () => {
    const ours = windowShowing(OURS);
    const foreign = windowShowing('https://evil.example/');
    const closed = windowShowing(OURS);
    closed.destroyed = true;
    services.bus.emit('phone.dial', { target: '+15550100' });
    expect(ours.webContents.send).toHaveBeenCalledExactlyOnceWith('focusline:phone.dial', { target: '+15550100' });
    expect(foreign.webContents.send).not.toHaveBeenCalled();
    expect(closed.webContents.send).not.toHaveBeenCalled();
  });

  it('detaches: handlers removed and events no longer forwarded', () => {
    const ours = windowShowing(OURS);
    detach();
    expect(fake.invokeHandlers.size).toBe(0);
    services.bus.emit('phone.dial', { target: '+15550100' });
    expect(ours.webContents.send).not.toHaveBeenCalled();
    detach = () => {};
  });
});
