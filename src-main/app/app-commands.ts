import type { DesktopStatus } from '../ipc/contract.js';
import type { EventBus } from '../ipc/event-bus.js';
import type { CommandHandlers } from '../ipc/router.js';

type Handlers = Pick<CommandHandlers, 'app.info' | 'app.rendererReady' | 'app.desktop'>;

/** Web mode, and the desktop app before its shell has registered anything. */
const NO_DESKTOP: DesktopStatus = { available: false, hotkeys: [], update: { state: 'off', version: null, message: '' } };

/**
 * The app's own commands: what it is, the renderer saying it listens (the
 * shell then delivers links it held), and the desktop shell's hotkeys and
 * update state, which the shell reports here as they change.
 */
export function createAppCommands(info: { version: string; mode: 'electron' | 'web' }, bus?: Pick<EventBus, 'emit'>) {
  const rendererReady = new Set<() => void>();
  let desktop: DesktopStatus = NO_DESKTOP;
  const handlers: Handlers = {
    'app.info': () => ({ version: info.version, mode: info.mode, platform: process.platform }),
    'app.rendererReady': () => {
      for (const listener of rendererReady) listener();
      return { ok: true as const };
    },
    'app.desktop': () => desktop,
  };
  return {
    handlers,
    onRendererReady(listener: () => void): () => void {
      rendererReady.add(listener);
      return () => rendererReady.delete(listener);
    },
    /** The shell reports its hotkeys or update state; the window's Settings follows. */
    reportDesktop(change: Partial<Omit<DesktopStatus, 'available'>>): void {
      desktop = { ...desktop, ...change, available: true };
      bus?.emit('app.desktopChanged', desktop);
    },
  };
}
