import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createServices } from '../../../src-main/app/services.js';
import { startWebHost, type WebHost } from '../../../src-main/app/web-host.js';
import { resolveInsideRoot } from '../../../src-main/app/renderer-files.js';
import { parsePort, parseWebToken } from '../../../src-main/app/web-args.js';
import { InMemorySecretStore } from '../in-memory-secret-store.js';

let host: WebHost;
let rendererDir: string;
let services: Awaited<ReturnType<typeof createServices>>;

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'fl-host-'));
  rendererDir = join(dataDir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Focusline</title>');
  await writeFile(join(dataDir, 'outside.txt'), 'secret');
  services = await createServices({
    mode: 'web',
    version: '1.0.0',
    dataDir,
    secrets: new InMemorySecretStore(),
    log: () => {},
    env: { FOCUSLINE_POLICY_DIR: join(dataDir, 'no-policy') },
  });
  host = await startWebHost({ services, rendererDir });
});
afterAll(() => host.close());

type Outcome = { opened: true; ws: WebSocket } | { opened: false; status: number };

function connect(opts: { token?: string; host?: string; origin?: string }): Promise<Outcome> {
  const url = `ws://127.0.0.1:${host.port}/ipc${opts.token === undefined ? '' : `?token=${opts.token}`}`;
  const headers: Record<string, string> = {};
  if (opts.origin) headers.Origin = opts.origin;
  const ws = new WebSocket(url, { headers, ...(opts.host ? { headers: { ...headers, Host: opts.host } } : {}) });
  return new Promise((resolve) => {
    ws.on('open', () => resolve({ opened: true, ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode ?? 0 }));
    ws.on('error', () => resolve({ opened: false, status: -1 }));
  });
}

function get(path: string, hostHeader = `127.0.0.1:${host.port}`): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers: { Host: hostHeader } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web host', () => {
  it('prints a loopback URL that carries the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token).toMatch(/^[0-9a-f]{48}$/);
  });

  it('refuses a socket without the token', async () => {
    expect(await connect({})).toEqual({ opened: false, status: 401 });
    expect(await connect({ token: 'wrong' })).toEqual({ opened: false, status: 401 });
  });

  it('refuses a socket from another origin even with the token (DNS rebinding, CSRF)', async () => {
    expect(await connect({ token: host.token, origin: 'http://evil.example' })).toEqual({ opened: false, status: 403 });
  });

  it('refuses a Host header that is not this loopback port', async () => {
    expect(await connect({ token: host.token, host: `evil.example:${host.port}` })).toEqual({ opened: false, status: 421 });
    expect((await get('/', 'rebind.evil.example')).status).toBe(421);
  });

  it('answers contract commands over the socket with the right token and origin', async () => {
    const outcome = await connect({ token: host.token, origin: `http://127.0.0.1:${host.port}` });
    expect(outcome.opened).toBe(true);
    if (!outcome.opened) return;
    const reply = new Promise<unknown>((resolve) => outcome.ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    outcome.ws.send(JSON.stringify({ t: 'call', id: 7, name: 'app.info', payload: {} }));
    expect(await reply).toEqual({ t: 'result', id: 7, ok: true, value: { version: '1.0.0', mode: 'web', platform: process.platform } });
    outcome.ws.close();
  });

  it('lives through a frame over the size limit: that socket is closed with 1009, the next one is answered', async () => {
    const big = await connect({ token: host.token, origin: `http://127.0.0.1:${host.port}` });
    expect(big.opened).toBe(true);
    if (!big.opened) return;
    const closed = new Promise<number>((resolve) => big.ws.once('close', (code) => resolve(code)));
    big.ws.on('error', () => {});
    // A greeting longer than about 8 s, sent whole, used to kill the host (ws emits 'error' with nobody listening).
    big.ws.send(JSON.stringify({ t: 'call', id: 1, name: 'greetings.save', payload: { data: 'A'.repeat(1_200_000) } }));
    expect(await closed).toBe(1009);
    const next = await connect({ token: host.token, origin: `http://127.0.0.1:${host.port}` });
    expect(next.opened).toBe(true);
    if (!next.opened) return;
    const reply = new Promise<unknown>((resolve) => next.ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    next.ws.send(JSON.stringify({ t: 'call', id: 2, name: 'app.info', payload: {} }));
    expect(await reply).toMatchObject({ t: 'result', id: 2, ok: true });
    next.ws.close();
  });

  it('serves the UI with a strict CSP and never a file outside it', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(String(index.headers['content-security-policy'])).toContain("script-src 'self'");
    expect((await get('/../outside.txt')).status).toBe(404);
    expect((await get('/%2e%2e/outside.txt')).status).toBe(404);
    expect(resolveInsideRoot(rendererDir, '/..%2foutside.txt')).toBeUndefined();
    expect(resolveInsideRoot(rendererDir, '/a%00b')).toBeUndefined();
  });
});

describe('--port', () => {
  it('parses both spellings and refuses nonsense', () => {
    expect(parsePort(['--port', '8123'])).toBe(8123);
    expect(parsePort(['--port=0'])).toBe(0);
    expect(parsePort([])).toBeUndefined();
    expect(() => parsePort(['--port', 'http'])).toThrow(/--port must be a number/);
  });
});

describe('FOCUSLINE_WEB_TOKEN', () => {
  it('takes a long hex token, and refuses one as easy to guess as a password', () => {
    expect(parseWebToken(undefined)).toBeUndefined();
    expect(parseWebToken('  ')).toBeUndefined();
    expect(parseWebToken('AB'.repeat(16))).toBe('ab'.repeat(16));
    expect(() => parseWebToken('secret')).toThrow(/at least 32 hex characters/);
    expect(() => parseWebToken('g'.repeat(40))).toThrow(/at least 32 hex characters/);
  });
});

describe('web host: the calls’ media belongs to one tab', () => {
  type Frame = { t: string; name?: string; id?: number; ok?: boolean; error?: { code: string } };
  const open = async () => {
    const outcome = await connect({ token: host.token });
    if (!outcome.opened) throw new Error(`socket refused: ${outcome.status}`);
    const frames: Frame[] = [];
    outcome.ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString()) as Frame));
    let nextId = 1;
    const invoke = async (name: string, payload: unknown) => {
      const id = nextId++;
      outcome.ws.send(JSON.stringify({ t: 'call', id, name, payload }));
      await expect.poll(() => frames.some((f) => f.t === 'result' && f.id === id)).toBe(true);
      return frames.find((f) => f.t === 'result' && f.id === id)!;
    };
    return { ws: outcome.ws, frames, invoke };
  };

  it('sends a call’s media requests only to the tab that attached, takes replies only from it, and lets go when it closes', async () => {
    const owner = await open();
    const other = await open();
    expect((await owner.invoke('media.attach', { endpoint: 'endpoint-owner-1' })).ok).toBe(true);
    services.bus.emit('media.request', { endpoint: 'endpoint-owner-1', id: 0, callId: 'call-1', method: 'close', args: {} });
    await expect.poll(() => owner.frames.some((f) => f.t === 'event' && f.name === 'media.request')).toBe(true);
    expect(other.frames.some((f) => f.t === 'event' && f.name === 'media.request')).toBe(false);
    const spoofed = await other.invoke('media.reply', { endpoint: 'endpoint-owner-1', id: 1, ok: true, result: {} });
    expect(spoofed).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await owner.invoke('media.reply', { endpoint: 'endpoint-owner-1', id: 1, ok: true, result: {} })).ok).toBe(true);
    const mediaEndpoint = async () => ((await services.route('phone.get', {})) as { value: { mediaEndpoint: string | null } }).value.mediaEndpoint;
    expect(await mediaEndpoint()).toBe('endpoint-owner-1');
    owner.ws.close();
    await expect.poll(mediaEndpoint).toBeNull();
    other.ws.close();
  });
});
