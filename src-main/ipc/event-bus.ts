import { events, type EventName, type EventPayload } from './contract.js';

export type EventListener = (name: EventName, payload: unknown) => void;

/**
 * Main's outbox of events to every connected renderer (Electron windows and
 * web-mode sockets alike). Payloads are checked against the contract on the
 * way out so a bug in main can't push a shape the renderer doesn't expect.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    const checked = events[name].parse(payload);
    for (const listener of this.listeners) listener(name, checked);
  }
}
