import type { CommandName, EventName } from './contract.js';
import type { RouteResult } from './router.js';

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
