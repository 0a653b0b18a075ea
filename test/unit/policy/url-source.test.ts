import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRetryAfter, UrlPolicySource } from '../../../src-main/policy/sources/url-source.js';
import { createPolicySources } from '../../../src-main/policy/sources/create-sources.js';
import { PolicyService } from '../../../src-main/policy/policy-service.js';
import { UserSettings } from '../../../src-main/policy/user-settings.js';
import type { Timers } from '../../../src-main/policy/timers.js';
import { InMemorySecretStore } from '../in-memory-secret-store.js';

type Mode = 'ok' | 'error' | 'busy' | 'bad-json' | 'wrong-shape' | 'hang';

/** A policy server on 127.0.0.1 that honours If-None-Match like a real one. */
async function policyServer() {
  const state = {
    mode: 'ok' as Mode,
    etag: '"v1"',
    body: { managed: { 'focus.action': 'busy' }, recommended: { numbers: { defaultRegion: 'GB' } } } as unknown,
  };
  const requests: (string | undefined)[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.headers['if-none-match']);
    if (state.mode === 'hang') return;
    if (state.mode === 'error') return void res.writeHead(500).end('boom');
    if (state.mode === 'busy') return void res.writeHead(429, { 'retry-after': '120' }).end();
    if (state.mode === 'bad-json') return void res.writeHead(200, { 'content-type': 'application/json', etag: '"broken"' }).end('{"managed": {');
    if (state.mode === 'wrong-shape') return void res.writeHead(200, { etag: '"shape"' }).end(JSON.stringify({ 'focus.action': 'busy' }));
    if (req.headers['if-none-match'] === state.etag) return void res.writeHead(304, { etag: state.etag }).end();
    res.writeHead(200, { 'content-type': 'application/json', etag: state.etag }).end(JSON.stringify(state.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/focusline-policy.json`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { state, requests, url, close };
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** Timers the test fires by hand; it records what was scheduled. */
function manualTimers() {
  const pending: { ms: number; run: () => void }[] = [];
  const timers: Timers = {
    after(ms, run) {
      const entry = { ms, run };
      pending.push(entry);
      return () => {
        const at = pending.indexOf(entry);
        if (at >= 0) pending.splice(at, 1);
      };
    },
    every: () => () => {},
  };
  return { timers, pending, lastDelay: () => pending.at(-1)?.ms };
}

async function cachePath() {
  return join(await mkdtemp(join(tmpdir(), 'fl-url-policy-')), 'policy-cache.json');
}

const NOW = Date.parse('2026-03-02T09:00:00Z');

async function source(url: string, options: { cache?: string; timeoutMs?: number } = {}) {
  const timers = manualTimers();
  const s = new UrlPolicySource({
    cachePath: options.cache ?? (await cachePath()),
    timers: timers.timers,
    clock: { now: () => NOW },
    timeoutMs: options.timeoutMs ?? 2000,
  });
  await s.configure({ url, pollSeconds: 60 });
  return { source: s, ...timers };
}

describe('the policy URL source', () => {
  it('fetches the document, then asks with If-None-Match and keeps it on 304', async () => {
    const server = await policyServer();
    const { source: s, lastDelay } = await source(server.url);
    expect(lastDelay()).toBe(0); // the first fetch is immediate
    expect(await s.refresh()).toBe(true);
    expect(await s.read()).toEqual({
      enforced: [{ origin: server.url, values: { 'focus.action': 'busy' } }],
      recommended: [{ origin: server.url, values: { 'numbers.defaultRegion': 'GB' } }],
      problems: [],
    });
    expect(lastDelay()).toBe(60_000);
    expect(await s.refresh()).toBe(false);
    expect(server.requests).toEqual([undefined, '"v1"']);
    expect((await s.read()).enforced[0]?.values).toEqual({ 'focus.action': 'busy' });

    server.state.body = { managed: { 'focus.action': 'silent' } };
    server.state.etag = '"v2"';
    expect(await s.refresh()).toBe(true);
    expect((await s.read()).enforced[0]?.values).toEqual({ 'focus.action': 'silent' });
  });

  it.each([
    ['error', /HTTP 500/],
    ['bad-json', /not valid JSON/],
    ['wrong-shape', /must be a JSON object \{"managed"/],
  ] as const)('keeps the last good document when the server answers %s, and says so', async (mode, message) => {
    const server = await policyServer();
    const { source: s, lastDelay } = await source(server.url);
    await s.refresh();
    server.state.mode = mode;
    expect(await s.refresh()).toBe(true);
    const read = await s.read();
    expect(read.enforced[0]?.values).toEqual({ 'focus.action': 'busy' });
    expect(read.problems).toEqual([{ origin: server.url, message: expect.stringMatching(message) }]);
    expect(read.problems[0]?.message).toContain('Using the copy fetched 2026-03-02T09:00:00.000Z');
    expect(lastDelay()).toBe(60_000);
    server.state.mode = 'ok';
    await s.refresh();
    expect((await s.read()).problems).toEqual([]);
  });

  it('honours Retry-After on 429', async () => {
    const server = await policyServer();
    server.state.mode = 'busy';
    const { source: s, lastDelay } = await source(server.url);
    await s.refresh();
    expect(lastDelay()).toBe(120_000);
    expect((await s.read()).problems[0]?.message).toMatch(/busy \(HTTP 429\).*120 s.*No copy/);
  });

  it('gives up on a server that does not answer in time', async () => {
    const server = await policyServer();
    server.state.mode = 'hang';
    const { source: s } = await source(server.url, { timeoutMs: 200 });
    await s.refresh();
    expect((await s.read()).problems[0]?.message).toMatch(/did not answer in time/);
  });

  it('starts offline from the cached document, and revalidates it with its ETag', async () => {
    const server = await policyServer();
    const cache = await cachePath();
    const first = await source(server.url, { cache });
    await first.source.refresh();
    expect(JSON.parse(await readFile(cache, 'utf8'))).toMatchObject({ url: server.url, etag: '"v1"', fetchedAt: NOW });

    const online = await source(server.url, { cache });
    expect((await online.source.read()).enforced[0]?.values).toEqual({ 'focus.action': 'busy' }); // before any fetch
    await online.source.refresh();
    expect(server.requests.at(-1)).toBe('"v1"');

    await server.close();
    const offline = await source(server.url, { cache });
    await offline.source.refresh();
    const read = await offline.source.read();
    expect(read.enforced[0]?.values).toEqual({ 'focus.action': 'busy' });
    expect(read.problems[0]?.message).toMatch(/Couldn't fetch the policy: ECONNREFUSED.*Using the copy/);
  });

  it('ignores a cached document from another URL', async () => {
    const server = await policyServer();
    const cache = await cachePath();
    await (await source(server.url, { cache })).source.refresh();
    const other = await source('https://policy.example.com/other.json', { cache });
    expect((await other.source.read()).enforced).toEqual([]);
  });

  it('refuses policy.url inside the document, and a plain-http URL to another host', async () => {
    const server = await policyServer();
    server.state.body = { managed: { 'policy.url': 'https://elsewhere.example/p.json', 'focus.busyCode': 480 } };
    const { source: s } = await source(server.url);
    await s.refresh();
    const read = await s.read();
    expect(read.enforced[0]?.values).toEqual({ 'focus.busyCode': 480 });
    expect(read.problems).toEqual([{ origin: server.url, key: 'policy.url', message: expect.stringContaining("can't be set by the policy document") }]);

    const { source: http, pending } = await source('http://policy.example.com/p.json');
    expect(pending).toEqual([]);
    expect((await http.read()).problems[0]?.message).toMatch(/https/);
  });

  it('tells its watcher when a scheduled poll changed something, and stops polling when unwatched', async () => {
    const server = await policyServer();
    const { source: s, pending } = await source(server.url);
    const changed = vi.fn();
    const stop = s.watch(changed);
    pending.shift()?.run();
    await vi.waitFor(() => expect(changed).toHaveBeenCalledTimes(1), { timeout: 2000, interval: 10 });
    expect(pending.map((p) => p.ms)).toEqual([60_000]);
    stop();
    expect(pending).toEqual([]);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and caps them', () => {
    expect(parseRetryAfter('30', NOW)).toBe(30_000);
    expect(parseRetryAfter(new Date(NOW + 90_000).toUTCString(), NOW)).toBe(90_000);
    expect(parseRetryAfter('999999999', NOW)).toBe(86_400_000);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
  });
});

describe('policy from a URL named by the policy folder, end to end', () => {
  it('applies the document below the folder’s own policy', async () => {
    const server = await policyServer();
    server.state.body = { managed: { 'focus.action': 'busy', 'focus.busyCode': 486 }, recommended: { 'hours.timeZone': 'Europe/Berlin' } };
    const root = await mkdtemp(join(tmpdir(), 'fl-policy-e2e-'));
    await mkdir(join(root, 'policies', 'managed'), { recursive: true });
    await writeFile(join(root, 'policies', 'managed', '00-url.json'), JSON.stringify({ policy: { url: server.url, pollSeconds: 30 }, 'focus.busyCode': 480 }));
    const sources = createPolicySources({ platform: 'linux', env: { FOCUSLINE_POLICY_DIR: join(root, 'policies') }, dataDir: root });
    const userSettings = new UserSettings(join(root, 'settings.json'), new InMemorySecretStore());
    const service = new PolicyService({ sources, userSettings, debounceMs: 10 });
    try {
      await service.start();
      await vi.waitFor(() => expect(service.current().values['focus.action']).toBe('busy'), { timeout: 3000, interval: 20 });
      expect(service.current().values['focus.busyCode']).toBe(480);
      expect(service.current().provenance['hours.timeZone']).toEqual({ source: 'recommended', origin: server.url });
      expect(JSON.parse(await readFile(join(root, 'policy-cache.json'), 'utf8')).url).toBe(server.url);
    } finally {
      service.stop();
    }
  });
});

describe('redirects from the policy URL', () => {
  /** A server on `host` that counts requests and answers by path: /to?url redirects there, /loop redirects to itself, else the document. */
  async function redirectingServer(host: string) {
    const hits: string[] = [];
    const server: Server = createServer((req, res) => {
      hits.push(req.url ?? '');
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/to') return void res.writeHead(302, { location: url.searchParams.get('url') ?? '/' }).end();
      if (url.pathname === '/loop') return void res.writeHead(307, { location: '/loop' }).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ managed: { 'focus.action': 'busy' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    servers.push(server);
    return { hits, base: `http://${host}:${(server.address() as AddressInfo).port}` };
  }

  it('checks the target before following: a redirect to a forbidden address is never requested', async () => {
    const policy = await redirectingServer('127.0.0.1');
    // 127.0.0.2 is this computer too, but not an address policy.url may name over http, so nothing may reach it.
    const forbidden = await redirectingServer('127.0.0.2');
    const url = `${policy.base}/to?url=${encodeURIComponent(`${forbidden.base}/policy.json`)}`;
    const { source: s } = await source(url);
    await s.refresh();
    expect(forbidden.hits).toEqual([]);
    const read = await s.read();
    expect(read.enforced).toEqual([]);
    expect(read.problems).toEqual([{ origin: url, message: expect.stringContaining(`redirected to ${forbidden.base}, which is not an https:// address`) }]);
  });

  it('follows a redirect to an allowed address', async () => {
    const policy = await redirectingServer('127.0.0.1');
    const url = `${policy.base}/to?url=${encodeURIComponent('/moved/policy.json')}`;
    const { source: s } = await source(url);
    await s.refresh();
    expect(policy.hits).toEqual(['/to?url=%2Fmoved%2Fpolicy.json', '/moved/policy.json']);
    expect((await s.read()).enforced[0]?.values).toEqual({ 'focus.action': 'busy' });
  });

  it('stops after a bounded number of hops', async () => {
    const policy = await redirectingServer('127.0.0.1');
    const { source: s } = await source(`${policy.base}/loop`);
    await s.refresh();
    expect(policy.hits).toHaveLength(6);
    expect((await s.read()).problems[0]?.message).toMatch(/redirected more than 5 times/);
  });
});
