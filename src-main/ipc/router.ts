import { commands, isCommandName, type CommandName, type CommandRequestParsed, type CommandResponse } from './contract.js';
import type { RouteResult } from '../../src-shared/ipc/bridge.js';
import { messageOf } from '../../src-shared/errors.js';

export type { RouteResult };

export type CommandHandlers = {
  [K in CommandName]: (request: CommandRequestParsed<K>) => Promise<CommandResponse<K>> | CommandResponse<K>;
};

/** Logs failures somewhere a developer can find them; injected so tests stay quiet. */
export type RouterLog = (message: string) => void;

/**
 * Validates a command arriving from either transport and runs its handler.
 * Anything the renderer sends is untrusted: an unknown name or a payload that
 * doesn't match the contract is refused before any handler sees it.
 */
export function createRouter(handlers: CommandHandlers, log: RouterLog = () => {}) {
  return async function route(name: string, payload: unknown): Promise<RouteResult> {
    if (!isCommandName(name)) {
      return { ok: false, error: { code: 'unknown-command', message: `Unknown command "${name}".` } };
    }
    const parsed = commands[name].request.safeParse(payload ?? {});
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
      return { ok: false, error: { code: 'invalid-request', message: detail } };
    }
    try {
      const handler = handlers[name] as (req: unknown) => unknown;
      const value = await handler(parsed.data);
      return { ok: true, value };
    } catch (err) {
      const message = messageOf(err);
      log(`command ${name} failed: ${message}`);
      return { ok: false, error: { code: 'failed', message } };
    }
  };
}

export type Router = ReturnType<typeof createRouter>;
