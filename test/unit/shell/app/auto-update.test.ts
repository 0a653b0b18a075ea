import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startAutoUpdate, type AutoUpdateDeps, type UpdaterPort } from '../../../../src-main/app/auto-update.js';
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

type Harness = { statuses: UpdateStatus[]; blocker: { now: string | null; changed(): void }; deps: AutoUpdateDeps; restarts: number };

function harness(updater: () => UpdaterPort, url: string): Harness {
  const statuses: UpdateStatus[] = [];
  const blockerListeners = new Set<() => void>();
  const h: Harness = {
    statuses,
    restarts: 0,
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
      log: () => {},
      every: () => () => {},
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

  it('points electron-updater at the generic feed and channel policy names', async () => {
    const fake = Object.assign(new EventEmitter(), {
      autoDownload: false,
      autoInstallOnAppQuit: false,
      allowDowngrade: true,
      setFeedURL: vi.fn(),
      checkForUpdates: vi.fn(async () => null),
      quitAndInstall: vi.fn(),
    });
    const h = harness(() => fake, 'https://updates.msp.example/focusline/');
    h.deps.feed = () => ({ url: 'https://updates.msp.example/focusline/', channel: 'beta' });
    const updates = startAutoUpdate(h.deps);
    expect(fake.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://updates.msp.example/focusline/', channel: 'beta' });
    expect(fake).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: true, allowDowngrade: false });
    // An updater that is not active (not packaged) answers null without events: up to date, not stuck on checking.
    await updates.check();
    expect(updates.status().state).toBe('idle');
    updates.stop();
  });
});
