import type { MediaMethod, MediaRequest } from '../ipc/contract.js';

/** How main reaches the window's media: the event bus, narrowed to the one event this needs. */
export type MediaSend = (request: MediaRequest) => void;

export class MediaUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaUnavailableError';
  }
}

type Pending = { resolve: (result: Record<string, unknown>) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout>; callId: string };

/**
 * Main's line to the window that plays and records the calls' audio (the
 * media endpoint). A window attaches with a random endpoint id when it
 * starts and after every reconnect; the newest one owns media. Requests are
 * answered by that endpoint within a deadline, or fail: a SIP session whose
 * media request fails ends cleanly (sip.js answers 480 or sends BYE) instead
 * of hanging. When the endpoint leaves (its socket or window closed), every
 * pending request fails at once.
 */
export class MediaBridge {
  private endpoint: string | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly attachListeners = new Set<(endpoint: string | undefined) => void>();

  constructor(private readonly send: MediaSend) {}

  get connected(): boolean {
    return this.endpoint !== undefined;
  }

  /** The window that carries media now, if any. */
  get endpointId(): string | undefined {
    return this.endpoint;
  }

  /** A window offers to carry media; it replaces any earlier one (whose pending requests fail). */
  attach(endpoint: string): void {
    if (this.endpoint !== undefined && this.endpoint !== endpoint)
      this.failAll(new MediaUnavailableError('Another Focusline window took over the calls’ audio.'));
    this.endpoint = endpoint;
    for (const listener of this.attachListeners) listener(endpoint);
  }

  /** The window's socket or renderer went away. Only the owner's leaving matters. */
  detach(endpoint?: string): void {
    if (endpoint !== undefined && endpoint !== this.endpoint) return;
    if (this.endpoint === undefined) return;
    this.endpoint = undefined;
    this.failAll(new MediaUnavailableError('The Focusline window closed.'));
    for (const listener of this.attachListeners) listener(undefined);
  }

  onAttachChange(listener: (endpoint: string | undefined) => void): () => void {
    this.attachListeners.add(listener);
    return () => this.attachListeners.delete(listener);
  }

  /** Asks the media endpoint and waits for its answer, at most `timeoutMs`. */
  request(callId: string, method: MediaMethod, args: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
    const endpoint = this.endpoint;
    if (endpoint === undefined) return Promise.reject(new MediaUnavailableError('No Focusline window is open to carry the call’s audio.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new MediaUnavailableError(`The Focusline window did not answer ${method} within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, callId });
      this.send({ endpoint, id, callId, method, args });
    });
  }

  /** Fire and forget (DTMF, close): true when a window is there to get it. */
  notify(callId: string, method: MediaMethod, args: Record<string, unknown>): boolean {
    if (this.endpoint === undefined) return false;
    this.send({ endpoint: this.endpoint, id: 0, callId, method, args });
    return true;
  }

  /** The endpoint's answer. Replies from a window that no longer owns media are ignored. */
  reply(endpoint: string, id: number, outcome: { ok: true; result: Record<string, unknown> } | { ok: false; error: string }): void {
    if (endpoint !== this.endpoint) return;
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (outcome.ok) pending.resolve(outcome.result);
    else pending.reject(new Error(outcome.error));
  }

  /** Fails what is pending for one call (it ended: a late answer would act on a dead session). */
  abandon(callId: string): void {
    for (const [id, pending] of this.pending) {
      if (pending.callId !== callId) continue;
      this.pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(new MediaUnavailableError('The call ended.'));
    }
  }

  close(): void {
    this.failAll(new MediaUnavailableError('Focusline is closing.'));
    this.endpoint = undefined;
  }

  private failAll(error: Error): void {
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }
}
