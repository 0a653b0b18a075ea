import type { CommandHandlers } from '../ipc/router.js';

type Handlers = Pick<CommandHandlers, 'app.info' | 'app.rendererReady'>;

/** The app's own commands: what it is, and the renderer saying it listens (the shell then delivers links it held). */
export function createAppCommands(info: { version: string; mode: 'electron' | 'web' }) {
  const rendererReady = new Set<() => void>();
  const handlers: Handlers = {
    'app.info': () => ({ version: info.version, mode: info.mode, platform: process.platform }),
    'app.rendererReady': () => {
      for (const listener of rendererReady) listener();
      return { ok: true as const };
    },
  };
  return {
    handlers,
    onRendererReady(listener: () => void): () => void {
      rendererReady.add(listener);
      return () => rendererReady.delete(listener);
    },
  };
}
