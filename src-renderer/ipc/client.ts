import type { CommandName, CommandRequest, CommandResponse, EventName, EventPayload, FocuslineApi } from '../../src-main/ipc/contract.js';
import { BRIDGE_GLOBAL, type PreloadBridge, type RouteResult } from '../../src-shared/ipc/bridge.js';
import { IPC_WS_PATH, type ServerFrame } from '../../src-shared/ipc/ws-protocol.js';

type Listener = (payload: unknown) => void;

function unwrap<T>(result: RouteResult): T {
  if (result.ok) return result.value as T;
  throw new Error(result.error.message);
}

/** Electron: the preload bridge. */
function fromBridge(bridge: PreloadBridge): FocuslineApi {
  return {
    async invoke<K extends CommandName>(name: K, request: CommandRequest<K>) {
      return unwrap<CommandResponse<K>>(await bridge.invoke(name, request));
    },
    on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void) {
      return bridge.on(name, listener as Listener);
    },
  };
}

const TOKEN_KEY = 'focusline.token';

/** Takes the token out of the address bar so it isn't left in history or screenshots. */
function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  const stored = sessionStorage.getItem(TOKEN_KEY);
  if (!stored) throw new Error('This page was opened without its access token. Open the URL that "npm run start:web" printed.');
  return stored;
}

/** Web mode: a WebSocket to the loopback host, reopened if the host restarts. */
class WebSocketApi implements FocuslineApi {
  private socket: WebSocket | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: RouteResult) => void }>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private opened: Promise<void> | undefined;
  private attempts = 0;

  constructor(
    private readonly url: string,
    /** Told when the host answers again after it was lost, and when it is lost. */
    private readonly onHost: (connected: boolean) => void,
  ) {}

  connect(): Promise<void> {
    if (this.opened) return this.opened;
    this.opened = new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url);
      this.socket = ws;
      ws.onopen = () => {
        this.attempts = 0;
        this.onHost(true);
        resolve();
      };
      ws.onmessage = (e) => this.onFrame(String(e.data));
      ws.onclose = () => {
        this.opened = undefined;
        this.onHost(false);
        this.failPending();
        reject(new Error('The Focusline host closed the connection. Is "npm run start:web" still running?'));
        this.scheduleReconnect();
      };
    });
    return this.opened;
  }

  async invoke<K extends CommandName>(name: K, request: CommandRequest<K>): Promise<CommandResponse<K>> {
    await this.connect();
    const id = this.nextId++;
    const result = new Promise<RouteResult>((resolve) => this.pending.set(id, { resolve }));
    this.socket!.send(JSON.stringify({ t: 'call', id, name, payload: request }));
    return unwrap<CommandResponse<K>>(await result);
  }

  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void {
    const set = this.listeners.get(name) ?? new Set<Listener>();
    set.add(listener as Listener);
    this.listeners.set(name, set);
    return () => set.delete(listener as Listener);
  }

  private onFrame(text: string): void {
    const frame = JSON.parse(text) as ServerFrame;
    if (frame.t === 'event') {
      for (const l of this.listeners.get(frame.name) ?? []) l(frame.payload);
      return;
    }
    const waiter = this.pending.get(frame.id);
    this.pending.delete(frame.id);
    waiter?.resolve(frame.ok ? { ok: true, value: frame.value } : { ok: false, error: frame.error });
  }

  private failPending(): void {
    for (const [, waiter] of this.pending) {
      waiter.resolve({ ok: false, error: { code: 'failed', message: 'Lost the connection to the Focusline host.' } });
    }
    this.pending.clear();
  }

  private scheduleReconnect(): void {
    const delay = Math.min(10_000, 250 * 2 ** Math.min(this.attempts++, 6));
    setTimeout(() => void this.connect().catch(() => {}), delay);
  }
}

/**
 * The contract over the preload (Electron) or web mode's socket. `onHost`
 * hears when web mode's host is lost and when it answers again (the page
 * outlives a stopped or restarted `npm run start:web`); in Electron main and
 * window live and die together, so it is never called there.
 */
export async function connectIpc(onHost: (connected: boolean) => void = () => {}): Promise<FocuslineApi> {
  const bridge = (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL] as PreloadBridge | undefined;
  if (bridge) return fromBridge(bridge);
  const token = takeToken();
  const api = new WebSocketApi(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${IPC_WS_PATH}?token=${encodeURIComponent(token)}`, onHost);
  await api.connect();
  return api;
}
