import type { CommandName, EventName } from './ipc-names.js';
import type { IpcError } from './ws-protocol.js';

/** What a command comes back as over either transport: the technician-facing error text survives the trip. */
export type RouteResult = { ok: true; value: unknown } | { ok: false; error: IpcError };

/**
 * What the Electron preload exposes as `window.focusline`. It forwards only
 * names in the contract (checked in the preload, validated again in main),
 * never a raw ipcRenderer. Results come back as RouteResult so the
 * technician-facing error text survives the trip.
 */
export type PreloadBridge = {
  invoke(name: CommandName, payload: unknown): Promise<RouteResult>;
  on(name: EventName, listener: (payload: unknown) => void): () => void;
};

export const BRIDGE_GLOBAL = 'focusline';
