import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BRIDGE_GLOBAL, type PreloadBridge } from '../../../../src-shared/ipc/bridge.js';
import { COMMAND_NAMES, EVENT_NAMES, type CommandName, type EventName } from '../../../../src-shared/ipc/ipc-names.js';
import { createFakeElectron, type FakeElectron } from '../fake-electron.js';

let fake: FakeElectron;
let bridge: PreloadBridge;

beforeEach(async () => {
  fake = createFakeElectron();
  vi.resetModules();
  vi.doMock('electron', () => fake.module);
  await import('../../../../src-main/preload/index.js');
  bridge = fake.exposedInMainWorld.get(BRIDGE_GLOBAL) as PreloadBridge;
});

describe('the preload', () => {
  it('exposes window.focusline once, with invoke and on only: no raw ipcRenderer', () => {
    expect(fake.electron.contextBridge.exposeInMainWorld).toHaveBeenCalledOnce();
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    for (const value of Object.values(bridge)) expect(value).not.toBe(fake.electron.ipcRenderer);
  });

  it.each([...COMMAND_NAMES])('forwards the contract command %s to its channel and returns main’s answer', async (name) => {
    const result = await bridge.invoke(name, { any: 'payload' });
    expect(fake.electron.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith(`focusline:${name}`, { any: 'payload' });
    expect(result).toEqual({ ok: true, value: 'from main' });
  });

  it.each(['shell.openExternal', 'settings', 'constructor', '__proto__', 'focusline:settings.get', ''])(
    'refuses the unknown command %j without touching IPC',
    async (name) => {
      const result = await bridge.invoke(name as CommandName, {});
      expect(result).toEqual({ ok: false, error: { code: 'unknown-command', message: expect.any(String) } });
      expect(fake.electron.ipcRenderer.invoke).not.toHaveBeenCalled();
    },
  );

  it('turns a failed IPC call into a failed result instead of a bare rejection', async () => {
    fake.electron.ipcRenderer.invoke.mockRejectedValueOnce(new Error("No handler registered for 'focusline:app.info'"));
    const result = await bridge.invoke('app.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'failed', message: expect.stringContaining('No handler registered') } });
  });

  it.each([...EVENT_NAMES])('delivers only the payload of the contract event %s, and unsubscribes', (name) => {
    const received: unknown[][] = [];
    const off = bridge.on(name, (...args: unknown[]) => received.push(args));
    const ipcEvent = { sender: fake.electron.ipcRenderer, senderId: 0 };
    fake.electron.ipcRenderer.emit(`focusline:${name}`, ipcEvent, { n: 1 });
    expect(received).toEqual([[{ n: 1 }]]);
    off();
    fake.electron.ipcRenderer.emit(`focusline:${name}`, ipcEvent, { n: 2 });
    expect(received).toHaveLength(1);
    expect(fake.electron.ipcRenderer.listenerCount(`focusline:${name}`)).toBe(0);
  });

  it.each(['ELECTRON_BROWSER_REQUIRE', 'settings', 'focusline:phone.dial', '__proto__'])('refuses to subscribe to %j', (name) => {
    expect(() => bridge.on(name as EventName, () => {})).toThrow(/Unknown event/);
    expect(fake.electron.ipcRenderer.eventNames()).toEqual([]);
  });
});
