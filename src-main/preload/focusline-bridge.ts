import type { PreloadBridge } from '../../src-shared/ipc/bridge.js';
import { channelFor, isCommandName, isEventName } from '../../src-shared/ipc/ipc-names.js';
import type { RouteResult } from '../ipc/router.js';
import { messageOf } from '../../src-shared/errors.js';

type IpcListener = (event: unknown, payload: unknown) => void;

/** The slice of Electron's ipcRenderer the bridge forwards to. */
export interface IpcRendererLike {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

/**
 * Builds what the preload exposes as `window.focusline`. The renderer is
 * untrusted, so names are checked here (and again in main) and ipcRenderer
 * itself never crosses the bridge: listeners get the payload, not the event,
 * because the event carries `sender` (the raw ipcRenderer).
 */
export function createPreloadBridge(ipc: IpcRendererLike): PreloadBridge {
  return {
    invoke: (name, payload) => invokeListed(ipc, name, payload),
    on: (name, listener) => subscribeListed(ipc, name, listener),
  };
}

async function invokeListed(ipc: IpcRendererLike, name: unknown, payload: unknown): Promise<RouteResult> {
  if (!isCommandName(name)) {
    return { ok: false, error: { code: 'unknown-command', message: `Unknown command "${String(name)}".` } };
  }
  try {
    // Main answers every contract channel with a RouteResult (electron-transport.ts).
    return (await ipc.invoke(channelFor(name), payload)) as RouteResult;
  } catch (err) {
    const message = messageOf(err);
    return { ok: false, error: { code: 'failed', message: `Focusline's main process did not answer: ${message}` } };
  }
}

function subscribeListed(ipc: IpcRendererLike, name: unknown, listener: (payload: unknown) => void): () => void {
  if (!isEventName(name)) throw new Error(`Unknown event "${String(name)}".`);
  if (typeof listener !== 'function') throw new TypeError('The event listener must be a function.');
  const channel = channelFor(name);
  const forward: IpcListener = (_event, payload) => listener(payload);
  ipc.on(channel, forward);
  return () => {
    ipc.removeListener(channel, forward);
  };
}
