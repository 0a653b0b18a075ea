import { messageOf } from '../../src-shared/errors.js';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClientFrameSchema, IPC_WS_PATH, MAX_FRAME_BYTES, type ServerFrame } from '../../src-shared/ipc/ws-protocol.js';
import { handleLocalApi, LOCAL_API_PREFIX } from './local-api.js';
import { rendererHeaders, resolveInsideRoot } from './renderer-files.js';
import type { Services } from './services.js';

export type WebHostOptions = {
  services: Services;
  rendererDir: string;
  port?: number;
  /** Fixed token for tests; random otherwise. */
  token?: string;
};

export type WebHost = {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
};

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];
/**
 * Web mode: the same main services, reached from a browser tab over a
 * loopback WebSocket. Defences: loopback bind only; a random token on the
 * socket; Host and Origin must name this loopback port, which defeats DNS
 * rebinding from a web page on some other origin.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('hex');
  const server = createServer((req, res) => {
    if (req.url?.startsWith(LOCAL_API_PREFIX) && isAllowedHost(req.headers.host, port)) {
      void handleLocalApi(req, res, { token, runner: options.services, tokensMatch, isOurOrigin: (o) => isAllowedOrigin(o, port) });
      return;
    }
    void serveStatic(req, res, options.rendererDir, () => port);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const mediaSockets: MediaSockets = new Map();
  server.on('upgrade', (req, socket, head) => {
    const refusal = refuseUpgrade(req, port, token);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachClient(ws, options.services, mediaSockets));
  });
  await listen(server, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () => closeAll(server, wss),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function closeAll(server: Server, wss: WebSocketServer): Promise<void> {
  for (const client of wss.clients) client.terminate();
  wss.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  return LOOPBACK_HOSTS.some((h) => hostHeader === `${h}:${port}`);
}

export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  // Scripts on this machine connect without an Origin; the token still guards them.
  if (origin === undefined) return true;
  return LOOPBACK_HOSTS.some((h) => origin === `http://${h}:${port}`);
}

export function tokensMatch(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuseUpgrade(req: IncomingMessage, port: number, token: string): string | undefined {
  if (!isAllowedHost(req.headers.host, port)) return '421 Misdirected Request';
  if (!isAllowedOrigin(req.headers.origin, port)) return '403 Forbidden';
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
  if (url.pathname !== IPC_WS_PATH) return '404 Not Found';
  if (!tokensMatch(url.searchParams.get('token'), token)) return '401 Unauthorized';
  return undefined;
}

/** Which socket carries each media endpoint: a tab that reconnects before its old socket's close arrives keeps media. */
type MediaSockets = Map<string, SocketState>;

function attachClient(ws: WebSocket, services: Services, mediaSockets: MediaSockets): void {
  const send = (frame: ServerFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  /** The media endpoint this tab attached, so main knows the calls' audio left with it. */
  const socket: SocketState = { endpoint: undefined };
  const unsubscribe = services.bus.subscribe((name, payload) => {
    // A call's SDP goes only to the tab that carries media, never to every tab.
    if (name === 'media.request' && endpointOf(payload) !== socket.endpoint) return;
    send({ t: 'event', name, payload });
  });
  ws.on('close', () => {
    unsubscribe();
    const endpoint = socket.endpoint;
    if (endpoint === undefined || mediaSockets.get(endpoint) !== socket) return;
    mediaSockets.delete(endpoint);
    services.mediaGone(endpoint);
  });
  // A socket error (a frame over maxPayload, a broken peer) closes that socket
  // only; ws emits it as 'error', which would end the host if nobody listened.
  ws.on('error', (error) => services.log(`web host: closed a socket: ${messageOf(error)}`));
  ws.on('message', (data) => {
    handleFrame(String(data), services, send, socket, mediaSockets).catch((error: unknown) => services.log(`web host: a frame failed: ${messageOf(error)}`));
  });
}

type SocketState = { endpoint: string | undefined };

async function handleFrame(text: string, services: Services, send: (f: ServerFrame) => void, socket: SocketState, mediaSockets: MediaSockets): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    services.log('web host: dropped a frame that is not JSON');
    return;
  }
  const frame = ClientFrameSchema.safeParse(json);
  if (!frame.success) {
    services.log('web host: dropped a frame that does not match the protocol');
    return;
  }
  // Only the tab that attached as a media endpoint may answer for it.
  if (frame.data.name === 'media.reply' && (socket.endpoint === undefined || endpointOf(frame.data.payload) !== socket.endpoint)) {
    send({ t: 'result', id: frame.data.id, ok: false, error: { code: 'forbidden', message: 'This tab does not carry the calls’ audio.' } });
    return;
  }
  // A tab attaching as the media endpoint owns its requests from this moment: main asks it for fresh media for
  // the live calls while the attach is still being handled, so the socket must already be the one they go to.
  const attaching = frame.data.name === 'media.attach' ? endpointOf(frame.data.payload) : undefined;
  const before = socket.endpoint;
  if (attaching !== undefined) {
    if (before !== undefined && before !== attaching && mediaSockets.get(before) === socket) mediaSockets.delete(before);
    socket.endpoint = attaching;
    mediaSockets.set(attaching, socket);
  }
  const result = await services.route(frame.data.name, frame.data.payload);
  if (attaching !== undefined && !result.ok && mediaSockets.get(attaching) === socket) {
    mediaSockets.delete(attaching);
    socket.endpoint = before;
  }
  send(result.ok ? { t: 'result', id: frame.data.id, ok: true, value: result.value } : { t: 'result', id: frame.data.id, ok: false, error: result.error });
}

function endpointOf(payload: unknown): string | undefined {
  const endpoint = (payload as { endpoint?: unknown } | null)?.endpoint;
  return typeof endpoint === 'string' ? endpoint : undefined;
}

async function serveStatic(req: IncomingMessage, res: ServerResponse, rootDir: string, port: () => number): Promise<void> {
  if (!isAllowedHost(req.headers.host, port())) {
    res.writeHead(421).end('Misdirected request');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const path = resolveInsideRoot(rootDir, new URL(req.url ?? '/', 'http://x').pathname);
  if (!path) {
    res.writeHead(404).end('Not found');
    return;
  }
  try {
    const body = await readFile(path);
    res.writeHead(200, {
      ...rendererHeaders(path),
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': path.endsWith('.html') ? 'no-store' : 'max-age=3600',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(404).end('Not found');
  }
}
