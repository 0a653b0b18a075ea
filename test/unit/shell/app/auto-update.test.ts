import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DOWNLOAD_STALL_MS,
  NO_WINDOWS_PUBLISHER,
  publishersFromUpdateConfig,
  startAutoUpdate,
  updateFilesProblem,
  type AutoUpdateDeps,
  type UpdateInfoLike,
  type UpdaterPort,
} from '../../../../src-main/app/auto-update.js';
import type { UpdateStatus } from '../../../../src-main/ipc/contract.js';
import type * as ElectronUpdater from 'electron-updater';

/**
 * Auto-update's logic (app/auto-update.ts) driving the REAL electron-updater
 * against a local feed on 127.0.0.1 (latest.yml and an AppImage), with only
 * the `electron` module faked: electron-updater is CommonJS and requires
 * `electron` itself, so the fake goes into Node's require cache (vi.mock
 * reaches only ESM imports). It stands in for what the Electron binary
 * would give: app (version, name, paths, quit) and net.request, which is
 * Node's http.request here (Electron's has the same ClientRequest shape).
 * Downloading, the sha512 check against latest.yml and refusing a tampered
 * file are electron-updater's own code. Installing (quitAndInstall) is
 * replaced by a spy: it would replace this process's AppImage.
 */

const require = createRequire(import.meta.url);
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Feed = { url: string; setFile(bytes: Buffer, advertised?: Buffer): void; requests: string[] };

let server: Server;
let feed: Feed;

beforeAll(async () => {
  let file: Buffer = Buffer.alloc(0);
  let advertised: Buffer = Buffer.alloc(0);
  const requests: string[] = [];
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url?.startsWith('/latest-linux.yml')) {
      const sha512 = createHash('sha512').update(advertised).digest('base64');
      res.writeHead(200, { 'content-type': 'text/yaml' });
      res.end(
        [
          'version: 1.2.0',
          'files:',
          '  - url: Focusline-1.2.0.AppImage',
          `    sha512: ${sha512}`,
          `    size: ${advertised.length}`,
          'path: Focusline-1.2.0.AppImage',
          `sha512: ${sha512}`,
          "releaseDate: '2026-12-01T10:00:00.000Z'",
          '',
        ].join('\n'),
      );
      return;
    }
    if (req.url?.startsWith('/Focusline-1.2.0.AppImage')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.length) });
      res.end(file);
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  feed = {
    url: `http://127.0.0.1:${address.port}/`,
    requests,
    setFile(bytes, advertisedBytes = bytes) {
      file = bytes;
      advertised = advertisedBytes;
    },
  };
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** A fake `electron` for electron-updater's CommonJS require. */
function fakeElectronForUpdater(userData: string) {
  const app = Object.assign(new EventEmitter(), {
    isPackaged: true,
    getVersion: () => '1.1.0',
    getName: () => 'Focusline',
    getPath: (name: string) => (name === 'userData' ? userData : userData),
    getAppPath: () => userData,
    whenReady: () => Promise.resolve(),
    quit: vi.fn(),
    relaunch: vi.fn(),
  });
  return {
    app,
    session: { fromPartition: () => ({}) },
    // Electron's net.request has http.request's shape: a ClientRequest emitting 'response' with an IncomingMessage.
    net: { request: (options: Record<string, unknown>) => httpRequest(options) },
  };
}

async function realUpdater(): Promise<UpdaterPort & { quitAndInstall: ReturnType<typeof vi.fn> }> {
  const dir = await mkdtemp(join(tmpdir(), 'focusline-update-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const electronPath = require.resolve('electron');
  const previous = require.cache[electronPath];
  const fake = fakeElectronForUpdater(join(dir, 'userData'));
  require.cache[electronPath] = { id: electronPath, filename: electronPath, loaded: true, exports: fake } as unknown as NodeJS.Module;
  cleanups.push(() => {
    if (previous) require.cache[electronPath] = previous;
    else delete require.cache[electronPath];
  });
  const env = { APPIMAGE: process.env.APPIMAGE, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
  // The AppImage updater replaces the running AppImage; this is the "running" one.
  process.env.APPIMAGE = join(dir, 'Focusline-1.1.0.AppImage');
  process.env.XDG_CACHE_HOME = join(dir, 'cache');
  await writeFile(process.env.APPIMAGE, 'the running version');
  cleanups.push(() => {
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  // What electron-builder writes into resources/ of a packaged app (publish: generic).
  const configPath = join(dir, 'app-update.yml');
  await writeFile(configPath, 'provider: generic\nurl: https://updates.example.invalid/focusline\nupdaterCacheDirName: focusline-updater\n');
  const { AppImageUpdater } = require('electron-updater') as typeof ElectronUpdater;
  const updater = new AppImageUpdater();
  updater.updateConfigPath = configPath;
  updater.logger = null;
  // Blockmaps are an optimisation; the feed publishes none, so download whole files (sha512-checked all the same).
  updater.disableDifferentialDownload = true;
  const quitAndInstall = vi.fn();
  Object.assign(updater, { quitAndInstall });
  return updater as unknown as UpdaterPort & { quitAndInstall: typeof quitAndInstall };
}

type Harness = {
  statuses: UpdateStatus[];
  blocker: { now: string | null; changed(): void };
  deps: AutoUpdateDeps;
  restarts: number;
  restartFailures: number;
  /** The download cancellation tokens handed to electron-updater. */
  cancellations: Array<{ cancelled: boolean }>;
  /** The one-off timers auto-update set, fired by the test. */
  timers: Array<{ ms: number; run: () => void; cleared: boolean }>;
};

function harness(updater: () => UpdaterPort, url: string): Harness {
  const statuses: UpdateStatus[] = [];
  const blockerListeners = new Set<() => void>();
  const h: Harness = {
    statuses,
    restarts: 0,
    restartFailures: 0,
    cancellations: [],
    timers: [],
    blocker: {
      now: null,
      changed: () => {
        for (const listener of blockerListeners) listener();
      },
    },
    deps: {
      updater,
      feed: () => ({ url, channel: 'latest' }),
      onFeedChange: () => () => {},
      restartBlocker: () => h.blocker.now,
      onRestartBlockerChange: (listener) => {
        blockerListeners.add(listener);
        return () => blockerListeners.delete(listener);
      },
      report: (status) => statuses.push(status),
      beforeRestart: () => {
        h.restarts++;
      },
      restartFailed: () => {
        h.restartFailures++;
      },
      platform: 'linux',
      windowsPublishers: async () => [],
      log: () => {},
      every: () => () => {},
      newCancellation: () => {
        const { CancellationToken } = require('electron-updater') as typeof ElectronUpdater;
        const token = new CancellationToken();
        h.cancellations.push(token);
        return token;
      },
      after: (ms, run) => {
        const timer = { ms, run, cleared: false };
        h.timers.push(timer);
        return () => {
          timer.cleared = true;
        };
      },
    },
  };
  return h;
}

const until = async (h: Harness, state: UpdateStatus['state']) =>
  vi.waitFor(() => expect(h.statuses.at(-1)?.state).toBe(state), { timeout: 10_000, interval: 20 });

describe('auto-update against a local feed, with the real electron-updater', () => {
  it('finds 1.2.0, downloads it, checks its sha512 and offers "Restart to update"', async () => {
    feed.setFile(Buffer.from('Focusline 1.2.0 AppImage bytes '.repeat(1000)));
    const updater = await realUpdater();
    const h = harness(() => updater, feed.url);
    const updates = startAutoUpdate(h.deps);
    await updates.check();
    await until(h, 'ready');
    expect(h.statuses.map((s) => s.state)).toEqual(['checking', 'downloading', 'ready']);
    expect(updates.status()).toEqual({ state: 'ready', version: '1.2.0', message: 'Focusline 1.2.0 is ready: restart to update.' });
    expect(feed.requests.some((r) => r.startsWith('/latest-linux.yml'))).toBe(true);
    updates.restartToUpdate();
    expect(updater.quitAndInstall).toHaveBeenCalledWith(true, true);
    expect(h.restarts).toBe(1);
    updates.stop();
  });

  it('refuses a tampered file: its sha512 is not the one latest.yml names, so nothing is offered', async () => {
    const genuine = Buffer.from('Focusline 1.2.0 AppImage bytes '.repeat(1000));
    const tampered = Buffer.from(genuine);
    tampered[100] = 0x58;
    feed.setFile(tampered, genuine);
    const updater = await realUpdater();
    const h = harness(() => updater, feed.url);
    const updates = startAutoUpdate(h.deps);
    await updates.check();
    await until(h, 'error');
    expect(updates.status().message).toMatch(/did not match the checksum its feed published, so it was thrown away and nothing was installed/);
    expect(h.statuses.some((s) => s.state === 'ready')).toBe(false);
    updates.restartToUpdate();
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    // Nothing of the download is kept where an install would pick it up.
    const cache = join(process.env.XDG_CACHE_HOME ?? '', 'focusline-updater');
    const kept = await readdir(cache).catch(() => [] as string[]);
    expect(kept.filter((f) => f.endsWith('.AppImage'))).toEqual([]);
    updates.stop();
  });

  it('defers the restart while a call is active and restarts once it ends', async () => {
    feed.setFile(Buffer.from('Focusline 1.2.0 AppImage bytes '.repeat(500)));
    const updater = await realUpdater();
    const h = harness(() => updater, feed.url);
    const updates = startAutoUpdate(h.deps);
    await updates.check();
    await until(h, 'ready');
    h.blocker.now = 'a call is in progress';
    updates.restartToUpdate();
    expect(updates.status()).toMatchObject({
      state: 'waiting',
      message: 'Not restarting yet: a call is in progress. Focusline restarts to update as soon as that is over.',
    });
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    // The phone's status changes but the call is still up (a second call ends): still waiting.
    h.blocker.changed();
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    h.blocker.now = 'a voicemail is being recorded';
    h.blocker.changed();
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    h.blocker.now = null;
    h.blocker.changed();
    expect(updater.quitAndInstall).toHaveBeenCalledOnce();
    updates.stop();
  });

  it('says plainly when the feed has no such channel', async () => {
    const updater = await realUpdater();
    const h = harness(() => updater, `${feed.url}nothing-here/`);
    const updates = startAutoUpdate(h.deps);
    await updates.check();
    await until(h, 'error');
    expect(updates.status().message).toMatch(/^Could not reach the update feed \(.*\)\. Check updates\.url in policy; Focusline will try again later\.$/s);
    updates.stop();
  });
});

describe('auto-update settings', () => {
  it('is off without an update URL, and never makes an updater', () => {
    const make = vi.fn<() => UpdaterPort>();
    const h = harness(make, '');
    const updates = startAutoUpdate(h.deps);
    expect(updates.status()).toEqual({ state: 'off', version: null, message: 'No update feed is set (policy updates.url).' });
    expect(make).not.toHaveBeenCalled();
    updates.stop();
  });

  it('points electron-updater at the generic feed and channel policy names, and never lets it download by itself', async () => {
    const fake = new FakeUpdater();
    const h = harness(() => fake, 'https://updates.msp.example/focusline/');
    h.deps.feed = () => ({ url: 'https://updates.msp.example/focusline/', channel: 'beta' });
    const updates = startAutoUpdate(h.deps);
    expect(fake.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://updates.msp.example/focusline/', channel: 'beta' });
    expect(fake).toMatchObject({ autoDownload: false, autoInstallOnAppQuit: true, allowDowngrade: false });
    // An updater that is not active (not packaged) answers null without events: up to date, not stuck on checking.
    await updates.check();
    expect(updates.status().state).toBe('idle');
    expect(fake.downloadUpdate).not.toHaveBeenCalled();
    updates.stop();
  });
});

/** electron-updater's surface, driven by hand: checkForUpdates announces `offer` as latest.yml would. */
class FakeUpdater extends EventEmitter {
  autoDownload = true;
  autoInstallOnAppQuit = false;
  allowDowngrade = true;
  offer: UpdateInfoLike | null = null;
  onBeforeRequest: ((details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void) | null = null;
  readonly netSession = {
    webRequest: {
      onBeforeRequest: (filter: { urls: string[] }, listener: NonNullable<FakeUpdater['onBeforeRequest']>) => {
        expect(filter.urls).toEqual(['http://*/*']);
        this.onBeforeRequest = listener;
      },
    },
  };
  readonly setFeedURL = vi.fn();
  readonly checkForUpdates = vi.fn(async () => {
    if (this.offer) this.emit('update-available', this.offer);
    else this.emit('update-not-available');
    return null;
  });
  readonly downloadUpdate = vi.fn(async () => []);
  readonly quitAndInstall = vi.fn();
}

const HTTPS_FEED = 'https://updates.msp.example/focusline/';
const offer = (files: string[], path?: string): UpdateInfoLike => ({ version: '1.2.0', files: files.map((url) => ({ url })), ...(path ? { path } : {}) });

describe('what latest.yml may point the download at', () => {
  it.each([
    ['a file beside latest.yml on an https feed', offer(['Focusline-1.2.0.exe']), HTTPS_FEED, null],
    ['an absolute https URL elsewhere', offer(['https://cdn.msp.example/Focusline-1.2.0.exe']), HTTPS_FEED, null],
    [
      'an absolute http URL',
      offer(['http://cdn.msp.example/Focusline-1.2.0.exe']),
      HTTPS_FEED,
      /http:\/\/cdn\.msp\.example\/Focusline-1\.2\.0\.exe, which is not https/,
    ],
    ['a protocol-relative URL resolves against the https feed', offer(['//cdn.msp.example/F.exe']), HTTPS_FEED, null],
    ['an http `path` beside good files', offer(['Focusline-1.2.0.exe'], 'http://cdn.msp.example/F.exe'), HTTPS_FEED, /not https/],
    ['http on this computer when the feed is http on this computer too', offer(['F.AppImage']), 'http://127.0.0.1:8080/', null],
    ['http on this computer from an https feed', offer(['http://127.0.0.1:8080/F.exe']), HTTPS_FEED, /not https/],
    ['a file: URL', offer(['file:///etc/passwd']), HTTPS_FEED, /not https/],
    ['no files at all', offer([]), HTTPS_FEED, /names no file/],
  ] as const)('%s', (_name, info, feedUrl, expected) => {
    const problem = updateFilesProblem(info, feedUrl);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it('refuses to download an update whose file is on http, and says so', async () => {
    const fake = new FakeUpdater();
    fake.offer = offer(['http://cdn.msp.example/Focusline-1.2.0.exe']);
    const h = harness(() => fake, HTTPS_FEED);
    const updates = startAutoUpdate(h.deps);
    await updates.check();
    expect(fake.downloadUpdate).not.toHaveBeenCalled();
    expect(updates.status()).toMatchObject({ state: 'error', version: '1.2.0' });
    expect(updates.status().message).toMatch(/is not https, so Focusline 1\.2\.0 was not downloaded/);
    updates.stop();
  });

  it('downloads once the files are vetted', async () => {
    const fake = new FakeUpdater();
    fake.offer = offer(['Focusline-1.2.0.exe']);
    const h = harness(() => fake, HTTPS_FEED);
    const updates = startAutoUpdate(h.deps);
    await updates.check();
    expect(fake.downloadUpdate).toHaveBeenCalledOnce();
    expect(updates.status().state).toBe('downloading');
    updates.stop();
  });

  it("cancels every plain-http request in the updater's session, a redirect to http among them", () => {
    const fake = new FakeUpdater();
    const h = harness(() => fake, HTTPS_FEED);
    const updates = startAutoUpdate(h.deps);
    const decide = (url: string) => {
      let cancel: boolean | undefined;
      fake.onBeforeRequest?.({ url }, (response) => {
        cancel = response.cancel;
      });
      return cancel;
    };
    expect(fake.onBeforeRequest).not.toBeNull();
    expect(decide('http://cdn.msp.example/Focusline-1.2.0.exe')).toBe(true);
    expect(decide('http://127.0.0.1:8080/Focusline-1.2.0.exe')).toBe(true);
    updates.stop();
  });
});

describe('Windows installers are checked against a code-signing publisher', () => {
  it('refuses to update at all when the build names no publisher', async () => {
    const fake = new FakeUpdater();
    fake.offer = offer(['Focusline-Setup-1.2.0.exe']);
    const h = harness(() => fake, HTTPS_FEED);
    h.deps.platform = 'win32';
    h.deps.windowsPublishers = async () => [];
    const updates = startAutoUpdate(h.deps);
    await updates.check();
    expect(updates.status()).toEqual({ state: 'error', version: null, message: NO_WINDOWS_PUBLISHER });
    expect(fake.checkForUpdates).not.toHaveBeenCalled();
    expect(fake.downloadUpdate).not.toHaveBeenCalled();
    updates.stop();
  });

  it('updates when app-update.yml names the publisher', async () => {
    const fake = new FakeUpdater();
    fake.offer = offer(['Focusline-Setup-1.2.0.exe']);
    const h = harness(() => fake, HTTPS_FEED);
    h.deps.platform = 'win32';
    h.deps.windowsPublishers = async () => ['Focusline Contributors'];
    const updates = startAutoUpdate(h.deps);
    await updates.check();
    expect(fake.downloadUpdate).toHaveBeenCalledOnce();
    updates.stop();
  });

  it('reads the publishers electron-builder writes into app-update.yml', () => {
    expect(publishersFromUpdateConfig({ provider: 'generic', publisherName: ['A Corp', 'B Ltd'] })).toEqual(['A Corp', 'B Ltd']);
    expect(publishersFromUpdateConfig({ provider: 'generic', publisherName: 'A Corp' })).toEqual(['A Corp']);
    expect(publishersFromUpdateConfig({ provider: 'generic' })).toEqual([]);
    expect(publishersFromUpdateConfig(undefined)).toEqual([]);
  });
});

describe('a failed restart and a stalled download leave updating usable', () => {
  it('a download with no progress is given up, and the next check starts again', async () => {
    const fake = new FakeUpdater();
    fake.offer = offer(['Focusline-1.2.0.AppImage']);
    const h = harness(() => fake, HTTPS_FEED);
    const updates = startAutoUpdate(h.deps);
    await updates.check();
    expect(updates.status().state).toBe('downloading');
    // Progress pushes the watch on; then nothing more arrives.
    fake.emit('download-progress', { percent: 10 });
    const watches = h.timers.filter((t) => t.ms === DOWNLOAD_STALL_MS && !t.cleared);
    expect(watches).toHaveLength(1);
    watches[0]?.run();
    expect(updates.status()).toMatchObject({ state: 'error' });
    // Cancelled: electron-updater would otherwise hand the next downloadUpdate() the stalled promise.
    expect(h.cancellations.map((c) => c.cancelled)).toEqual([true]);
    expect(fake.downloadUpdate).toHaveBeenCalledWith(h.cancellations[0]);
    expect(updates.status().message).toMatch(/stalled, so nothing was installed/);
    await updates.check();
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(2);
    expect(fake.downloadUpdate).toHaveBeenCalledTimes(2);
    updates.stop();
  });

  it('when quitAndInstall throws, the app is no longer marked as quitting and the update stays offered', async () => {
    const fake = new FakeUpdater();
    fake.quitAndInstall.mockImplementation(() => {
      throw new Error('installer missing');
    });
    const h = harness(() => fake, HTTPS_FEED);
    const updates = startAutoUpdate(h.deps);
    fake.emit('update-downloaded', { version: '1.2.0' });
    updates.restartToUpdate();
    expect(h.restarts).toBe(1);
    expect(h.restartFailures).toBe(1);
    expect(updates.status()).toMatchObject({ state: 'ready', version: '1.2.0' });
    updates.stop();
  });

  it('when quitAndInstall reports an error instead of quitting, the same', async () => {
    const fake = new FakeUpdater();
    fake.quitAndInstall.mockImplementation(() => {
      fake.emit('error', new Error("No update filepath provided, can't quit and install"));
    });
    const h = harness(() => fake, HTTPS_FEED);
    const updates = startAutoUpdate(h.deps);
    fake.emit('update-downloaded', { version: '1.2.0' });
    updates.restartToUpdate();
    expect(h.restartFailures).toBe(1);
    expect(updates.status()).toMatchObject({ state: 'ready', version: '1.2.0' });
    updates.stop();
  });
});
