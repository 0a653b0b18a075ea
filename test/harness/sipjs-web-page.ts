// A bare sip.js WebRTC UA page (sipjs-web-page/) served on 127.0.0.1, plus
// typed calls into it from Node. It is the browser-side floor for benchmarks
// and the WebRTC peer that proves rtpengine media bridging in self-tests.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { freeTcpPort } from './ports.js';

const PAGE_DIR = fileURLToPath(new URL('./sipjs-web-page/', import.meta.url));
// sip.js ships ESM with explicit .js imports, so the browser can load lib/ as is.
const SIPJS_DIR = fileURLToPath(new URL('../../node_modules/sip.js/lib/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

export interface SipjsWebPageServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function serveSipjsWebPage(): Promise<SipjsWebPageServer> {
  const port = await freeTcpPort();
  const server = createServer((request, response) => void serveFile(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return { url: `http://127.0.0.1:${port}/`, port, stop: () => closeServer(server) };
}

function resolvePath(urlPath: string): string | undefined {
  if (urlPath === '/') return join(PAGE_DIR, 'index.html');
  const [root, rest] = urlPath.startsWith('/sipjs/') ? [SIPJS_DIR, urlPath.slice(7)] : [PAGE_DIR, urlPath.slice(1)];
  const path = normalize(join(root, rest));
  return path.startsWith(root) ? path : undefined; // no ../ escapes
}

async function serveFile(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = resolvePath(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
  try {
    if (!path) throw new Error('outside the served folders');
    const body = await readFile(path);
    const extension = path.slice(path.lastIndexOf('.'));
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface WebUaStartOptions {
  wsUrl: string;
  user: string;
  password?: string;
  autoAnswer: boolean;
}

export interface RtpCounters {
  ice: string;
  packetsReceived: number;
  packetsSent: number;
  /** WebRTC totalAudioEnergy received: grows while the far end is heard. */
  energyReceived: number;
  candidates: string[];
}

export interface WebUaState {
  registerCode: number;
  /** Every session state the current session went through. */
  states: string[];
  errors: string[];
  sessionState: string;
  /** REFERs the page accepted and followed. */
  referrals: number;
  /** The user part of the current session's far end. */
  remoteUser: string;
}

// The page script defines window.harnessUa; these are typed doors into it.
interface HarnessWindow {
  harnessUa: {
    start(options: WebUaStartOptions): Promise<number>;
    dial(target: string): Promise<void>;
    hangup(): Promise<void>;
    refer(target: string): Promise<number | string>;
    replaceOwnCall(target: string): Promise<number | string>;
    rtpCounters(): Promise<RtpCounters>;
    state(): WebUaState;
  };
}

/** Starts the page's UA and REGISTERs; resolves with the final REGISTER status code. */
export async function webUaStart(page: Page, options: WebUaStartOptions): Promise<number> {
  await page.waitForFunction(() => 'harnessUa' in window, undefined, { timeout: 10_000 });
  return page.evaluate((o) => (window as unknown as HarnessWindow).harnessUa.start(o), options);
}

export function webUaDial(page: Page, target: string): Promise<void> {
  return page.evaluate((t) => (window as unknown as HarnessWindow).harnessUa.dial(t), target);
}

/** REFER on the page's current call: the far end's status code (or "error: …"). */
export function webUaRefer(page: Page, target: string): Promise<number | string> {
  return page.evaluate((t) => (window as unknown as HarnessWindow).harnessUa.refer(t), target);
}

/** A new INVITE to `target` with Replaces naming the page's current call: the final status (or "error: …"). */
export function webUaReplaceOwnCall(page: Page, target: string): Promise<number | string> {
  return page.evaluate((t) => (window as unknown as HarnessWindow).harnessUa.replaceOwnCall(t), target);
}

export function webUaHangup(page: Page): Promise<void> {
  return page.evaluate(() => (window as unknown as HarnessWindow).harnessUa.hangup());
}

export function webUaRtpCounters(page: Page): Promise<RtpCounters> {
  return page.evaluate(() => (window as unknown as HarnessWindow).harnessUa.rtpCounters());
}

export function webUaState(page: Page): Promise<WebUaState> {
  return page.evaluate(() => (window as unknown as HarnessWindow).harnessUa.state());
}
