import type { EventBus } from './event-bus.js';
import { COMMAND_NAMES, channelFor } from '../../src-shared/ipc/ipc-names.js';
import type { RouteResult, Router } from './router.js';

/** What Electron's IpcMainInvokeEvent tells us about who asked. */
export type InvokeEventLike = { readonly senderFrame: { readonly url: string } | null };

export type InvokeHandler = (event: InvokeEventLike, payload: unknown) => Promise<RouteResult>;

/** The slice of Electron's ipcMain the transport needs. */
export interface IpcMainLike {
  handle(channel: string, handler: InvokeHandler): void;
  removeHandler(channel: string): void;
}

/** A window that may receive events; only windows showing our own page do. */
export interface EventWindow {
  isDestroyed(): boolean;
  readonly webContents: { getURL(): string; send(channel: string, payload: unknown): void };
}

export type ElectronTransportOptions = {
  ipcMain: IpcMainLike;
  services: { route: Router; bus: EventBus; log: (message: string) => void };
  isAllowedSender: (url: string) => boolean;
  windows: () => readonly EventWindow[];
};

/**
 * Carries the contract over Electron IPC: one handler per command, each
 * refusing senders that aren't our renderer before the router sees anything,
 * and every bus event pushed to each live window. Returns a detach function.
 */
export function attachElectronTransport(options: ElectronTransportOptions): () => void {
  for (const name of COMMAND_NAMES) {
    options.ipcMain.handle(channelFor(name), (event, payload) => routeFromSender(options, name, event, payload));
  }
  const unsubscribe = options.services.bus.subscribe((name, payload) => broadcast(options, channelFor(name), payload));
  return () => {
    unsubscribe();
    for (const name of COMMAND_NAMES) options.ipcMain.removeHandler(channelFor(name));
  };
}

async function routeFromSender(options: ElectronTransportOptions, name: string, event: InvokeEventLike, payload: unknown): Promise<RouteResult> {
  const url = event.senderFrame?.url ?? '';
  if (!options.isAllowedSender(url)) {
    options.services.log(`IPC: refused "${name}" from a frame that is not Focusline's own page (${url || 'no frame'}).`);
    return { ok: false, error: { code: 'forbidden', message: 'Refused: this request did not come from the Focusline window.' } };
  }
  return options.services.route(name, payload);
}

function broadcast(options: ElectronTransportOptions, channel: string, payload: unknown): void {
  for (const window of options.windows()) {
    if (window.isDestroyed() || !options.isAllowedSender(window.webContents.getURL())) continue;
    window.webContents.send(channel, payload);
  }
}
