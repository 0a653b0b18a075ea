// A script's view of web mode: the same /ipc WebSocket and contract the UI
// uses, from Node, for tests that drive the host without a browser (the
// outbox crash test, the click-to-ticket bench).
import WebSocket from 'ws';
import type { CommandName, CommandRequest, CommandResponse, EventName, EventPayload } from '../../src-main/ipc/contract.js';
import { ServerFrameSchema } from '../../src-shared/ipc/ws-protocol.js';

export type IpcClient = {
  invoke<K extends CommandName>(name: K, request: CommandRequest<K>): Promise<CommandResponse<K>>;
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
  close(): void;
};

export async function connectIpc(base: string, token: string): Promise<IpcClient> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ipc?token=${token}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  ws.on('message', (data: Buffer) => {
    const frame = ServerFrameSchema.parse(JSON.parse(data.toString()));
    if (frame.t === 'event') {
      for (const listener of listeners.get(frame.name) ?? []) listener(frame.payload);
      return;
    }
    const waiter = pending.get(frame.id);
    pending.delete(frame.id);
    if (frame.ok) waiter?.resolve(frame.value);
    else waiter?.reject(new Error(`${frame.error.code}: ${frame.error.message}`));
  });
  ws.on('close', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('The Focusline host closed the connection.'));
    pending.clear();
  });
  return {
    invoke: (name, request) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ t: 'call', id, name, payload: request }));
      }),
    on: (name, listener) => {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
    close: () => ws.close(),
  };
}
