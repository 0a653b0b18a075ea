import { messageOf } from '../../src-shared/errors.js';
import type { UpdateStatus } from '../ipc/contract.js';
import { isAllowedPolicyUrl } from '../policy/value-schemas.js';

/**
 * Auto-update from the feed policy names (electron-builder's generic
 * provider: a folder with latest.yml and the installers, hosted by the MSP).
 * electron-updater checks, downloads and verifies the file's sha512 against
 * latest.yml, and refuses a file that doesn't match; this module decides
 * when, and never restarts the app while a call is up or ringing, or while
 * Focusline's voicemail is recording a caller: "Restart to update" then waits
 * and restarts once that is over.
 *
 * Authenticity: the sha512 only proves the file is the one latest.yml names,
 * and latest.yml comes over the same connection, so everything rests on
 * that connection. Hence: nothing downloads by itself (autoDownload off);
 * before a download every file latest.yml names must resolve to https; any
 * plain-http request in the updater's own session (a redirect among them) is
 * cancelled; and on Windows the installer's Authenticode signature is checked
 * against the publisher electron-builder wrote into app-update.yml
 * (win.signtoolOptions.publisherName), and with no publisher there Focusline
 * refuses to update at all rather than install an unsigned file. Plain http
 * is accepted only when the feed itself is http on this computer (tests, a
 * local mirror): there is no network between.
 *
 * States: off (no updates.url) → idle → checking → (idle | error: refused |
 * downloading) → ready (downloaded, "Restart to update" in the tray) →
 * waiting (asked to restart during a call) → restart. Any failure → error,
 * retried at the next check; a tampered download is one such failure, and so
 * is a download that makes no progress for DOWNLOAD_STALL_MS (cancelled, so
 * the next check downloads afresh).
 */

/** The parts of electron-updater's UpdateInfo (latest.yml) checked here. */
export type UpdateInfoLike = { version: string; files?: ReadonlyArray<{ url: string }>; path?: string };

/** electron-updater's CancellationToken, the part used: a stalled download is cancelled so the next one starts afresh. */
export interface UpdateCancellation {
  cancel(): void;
}

/** The slice of Electron's Session that lets the updater's requests be vetted (electron-updater's netSession). */
export interface UpdaterSessionPort {
  webRequest?: {
    onBeforeRequest(filter: { urls: string[] }, listener: (details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void): void;
  };
}

/** The slice of electron-updater's AppUpdater used here (app/electron-ports.ts hands in the real one). */
export interface UpdaterPort {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  /** The session electron-updater makes its requests in (a getter that needs Electron; absent in fakes). */
  readonly netSession?: UpdaterSessionPort;
  setFeedURL(options: { provider: 'generic'; url: string; channel: string }): void;
  /** Only checks (autoDownload is off); 'update-available' carries what was found. */
  checkForUpdates(): Promise<unknown>;
  /** Downloads what the last check found; its failure is also an 'error' event, except a cancellation. */
  downloadUpdate(cancellation?: UpdateCancellation): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-available' | 'update-downloaded', listener: (info: UpdateInfoLike) => void): unknown;
  on(event: 'update-not-available', listener: () => void): unknown;
  on(event: 'download-progress', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Whether the updater may fetch this URL: https, or http on this computer when the feed itself is (tests, a local mirror). */
export function isAllowedUpdateUrl(url: string, feedUrl: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:') return true;
  return parsed.protocol === 'http:' && feedUrl.startsWith('http:') && isAllowedPolicyUrl(feedUrl) && isAllowedPolicyUrl(url);
}

/**
 * Why the update latest.yml describes must not be downloaded, or null: each
 * file (and the legacy `path`) is resolved against the feed folder the way
 * electron-updater's generic provider does, and must stay on https.
 */
export function updateFilesProblem(info: UpdateInfoLike, feedUrl: string): string | null {
  const base = feedUrl.endsWith('/') ? feedUrl : `${feedUrl}/`;
  const names = [...(info.files ?? []).map((f) => f.url), ...(info.path ? [info.path] : [])];
  if (names.length === 0) return `The update feed names no file for Focusline ${info.version}, so nothing was downloaded.`;
  for (const name of names) {
    let resolved: string;
    try {
      resolved = new URL(name, base).href;
    } catch {
      return `The update feed names a file Focusline can't read (${name.slice(0, 120)}), so nothing was downloaded.`;
    }
    if (!isAllowedUpdateUrl(resolved, feedUrl))
      return `The update feed points to ${resolved.slice(0, 160)}, which is not https, so Focusline ${info.version} was not downloaded. Ask your IT to publish it on https.`;
  }
  return null;
}

export type UpdateFeed = { url: string; channel: string };

/** Four hours between checks: a day's updates reach everyone by lunch without hammering the MSP's server. */
export const CHECK_EVERY_MS = 4 * 60 * 60 * 1000;
/** A download with no progress for this long is given up, so the next check can start again. */
export const DOWNLOAD_STALL_MS = 10 * 60 * 1000;

export const NO_WINDOWS_PUBLISHER =
  'Updates are off on Windows: this build names no code-signing publisher to check installers against (win.signtoolOptions.publisherName), so no update can be trusted. Ask your IT for a signed build.';

export type AutoUpdateDeps = {
  /** Made on first use: electron-updater reads the app's version and paths when constructed. */
  updater: () => UpdaterPort;
  feed: () => UpdateFeed;
  onFeedChange: (listener: () => void) => () => void;
  /** Why a restart must wait now ("a call is in progress"), or null. */
  restartBlocker: () => string | null;
  onRestartBlockerChange: (listener: () => void) => () => void;
  report: (status: UpdateStatus) => void;
  /** Just before quitAndInstall: it closes the windows before it emits before-quit, and ours only hide unless the app is quitting. */
  beforeRestart: () => void;
  /** quitAndInstall failed (it threw, or reported an error instead of quitting): undo beforeRestart, the app keeps running. */
  restartFailed: () => void;
  platform: NodeJS.Platform;
  /** The publishers Windows installers must be signed by (app-update.yml's publisherName); empty when none. */
  windowsPublishers: () => Promise<readonly string[]>;
  log: (message: string) => void;
  /** Timers are injected so tests drive checks themselves. */
  every: (ms: number, run: () => void) => () => void;
  /** A one-off timer (the download's stall watch). */
  after: (ms: number, run: () => void) => () => void;
  /** A fresh electron-updater CancellationToken for each download. */
  newCancellation: () => UpdateCancellation;
};

export type AutoUpdate = {
  status(): UpdateStatus;
  /** Checks the feed now and downloads what it finds once its files are vetted. Resolves when the check is done, not the download. */
  check(): Promise<void>;
  /** The tray's "Restart to update": restarts now, or once the call (or recording) is over. */
  restartToUpdate(): void;
  stop(): void;
};

/** What a failed check or download says to the tech: what happened, and that nothing was installed. */
export function updateErrorMessage(error: unknown): string {
  const text = messageOf(error);
  if (/sha512 checksum mismatch|checksum mismatch/i.test(text))
    return 'An update was downloaded but did not match the checksum its feed published, so it was thrown away and nothing was installed. Focusline will try again later; tell your IT if this repeats.';
  if (/ERR_UPDATER_LATEST_VERSION_NOT_FOUND|404|ENOTFOUND|ECONNREFUSED|net::/i.test(text))
    return `Could not reach the update feed (${text.slice(0, 160)}). Check updates.url in policy; Focusline will try again later.`;
  return `Updating failed: ${text.slice(0, 300)}. Focusline will try again later.`;
}

export function startAutoUpdate(deps: AutoUpdateDeps): AutoUpdate {
  let status: UpdateStatus = { state: 'off', version: null, message: '' };
  let updater: UpdaterPort | undefined;
  let configured = '';
  let feedUrl = '';
  let found: UpdateInfoLike | null = null;
  let restarting = false;
  let stopTimer: (() => void) | undefined;
  let stopWaiting: (() => void) | undefined;
  let stopStallWatch: (() => void) | undefined;
  let download: UpdateCancellation | undefined;
  // Read through a function: events change the state while a check is awaited, which TypeScript's narrowing can't see.
  const stateNow = (): UpdateStatus['state'] => status.state;
  const foundNow = (): UpdateInfoLike | null => found;
  const set = (next: UpdateStatus) => {
    status = next;
    deps.report(status);
  };
  const fail = (message: string) => {
    stopStallWatch?.();
    stopStallWatch = undefined;
    set({ state: 'error', version: status.version, message });
  };

  /** Restarts the stall watch: called when the download starts and on each progress event. */
  const watchStall = () => {
    stopStallWatch?.();
    stopStallWatch = deps.after(DOWNLOAD_STALL_MS, () => {
      stopStallWatch = undefined;
      if (stateNow() !== 'downloading') return;
      deps.log('Update: the download made no progress, given up until the next check.');
      // electron-updater hands a second downloadUpdate() the stalled one's promise: cancel it, or nothing could ever start again.
      download?.cancel();
      download = undefined;
      fail(`The download of Focusline ${status.version ?? 'update'} stalled, so nothing was installed. Focusline will try again at the next check.`);
    });
  };

  const ensureUpdater = (): UpdaterPort => {
    if (updater) return updater;
    const made = deps.updater();
    // Nothing downloads before its URLs are vetted; installing waits for the tray's "Restart to update" or the next quit.
    made.autoDownload = false;
    made.autoInstallOnAppQuit = true;
    made.allowDowngrade = false;
    refusePlainHttp(made);
    made.on('update-available', (info) => {
      found = info;
    });
    made.on('update-not-available', () => {
      if (status.state === 'checking') set({ state: 'idle', version: null, message: 'Focusline is up to date.' });
    });
    made.on('download-progress', () => {
      if (stateNow() === 'downloading') watchStall();
    });
    made.on('update-downloaded', (info) => {
      stopStallWatch?.();
      stopStallWatch = undefined;
      if (status.state === 'waiting') return;
      set({ state: 'ready', version: info.version, message: `Focusline ${info.version} is ready: restart to update.` });
    });
    made.on('error', (error) => {
      deps.log(`Update: ${messageOf(error)}`);
      if (restarting) {
        // quitAndInstall reports a failed install here and does not quit: the app goes on, the update stays offered.
        restarting = false;
        deps.restartFailed();
        set({
          state: 'ready',
          version: status.version,
          message: `Restarting to update failed: ${messageOf(error).slice(0, 200)}. Try "Restart to update" again later.`,
        });
        return;
      }
      fail(updateErrorMessage(error));
    });
    updater = made;
    return made;
  };

  /** Every plain-http request in the updater's session is cancelled: a redirect to http can't carry the download off TLS. */
  const refusePlainHttp = (made: UpdaterPort) => {
    let webRequest: UpdaterSessionPort['webRequest'];
    try {
      webRequest = made.netSession?.webRequest;
    } catch (error) {
      deps.log(`Update: the updater's session is not available (${messageOf(error)}); relying on the https check of the feed's files.`);
      return;
    }
    webRequest?.onBeforeRequest({ urls: ['http://*/*'] }, (details, callback) => {
      const allowed = isAllowedUpdateUrl(details.url, feedUrl);
      if (!allowed) deps.log(`Update: refused a plain-http request to ${details.url.slice(0, 160)}.`);
      callback({ cancel: !allowed });
    });
  };

  const configure = (): boolean => {
    const feed = deps.feed();
    if (feed.url === '') {
      configured = '';
      if (status.state !== 'ready' && status.state !== 'waiting') set({ state: 'off', version: null, message: 'No update feed is set (policy updates.url).' });
      return false;
    }
    const key = `${feed.url} ${feed.channel}`;
    if (key !== configured) {
      feedUrl = feed.url;
      ensureUpdater().setFeedURL({ provider: 'generic', url: feed.url, channel: feed.channel });
      configured = key;
    }
    return true;
  };

  /** Why this platform must not update now, or null. */
  const platformProblem = async (): Promise<string | null> => {
    if (deps.platform !== 'win32') return null;
    const publishers = await deps.windowsPublishers().catch(() => [] as readonly string[]);
    return publishers.length === 0 ? NO_WINDOWS_PUBLISHER : null;
  };

  const check = async (): Promise<void> => {
    if (status.state === 'ready' || status.state === 'waiting' || status.state === 'downloading' || status.state === 'checking') return;
    if (!configure()) return;
    set({ state: 'checking', version: null, message: 'Checking for updates…' });
    const refused = await platformProblem();
    if (refused !== null) {
      set({ state: 'error', version: null, message: refused });
      return;
    }
    found = null;
    try {
      await ensureUpdater().checkForUpdates();
    } catch (error) {
      if (stateNow() !== 'error') set({ state: 'error', version: null, message: updateErrorMessage(error) });
      return;
    }
    const info = foundNow();
    // An updater that isn't active (not packaged, or not an AppImage on Linux) answers null without an event.
    if (info === null) {
      if (stateNow() === 'checking') set({ state: 'idle', version: null, message: 'Focusline is up to date.' });
      return;
    }
    if (stateNow() !== 'checking') return;
    const problem = updateFilesProblem(info, feedUrl);
    if (problem !== null) {
      deps.log(`Update: ${problem}`);
      set({ state: 'error', version: info.version, message: problem });
      return;
    }
    set({ state: 'downloading', version: info.version, message: `Downloading Focusline ${info.version}…` });
    watchStall();
    // The 'error' event reports a failed download (a tampered file among them); the promise must not also reject unheard.
    download = deps.newCancellation();
    ensureUpdater()
      .downloadUpdate(download)
      .catch(() => {});
  };

  const restartNow = () => {
    stopWaiting?.();
    stopWaiting = undefined;
    deps.log(`Restarting to install Focusline ${status.version ?? 'update'}.`);
    deps.beforeRestart();
    restarting = true;
    try {
      // Silent: no installer wizard on Windows; run the app again afterwards everywhere.
      ensureUpdater().quitAndInstall(true, true);
    } catch (error) {
      restarting = false;
      deps.restartFailed();
      deps.log(`Update: restarting failed: ${messageOf(error)}`);
      set({
        state: 'ready',
        version: status.version,
        message: `Restarting to update failed: ${messageOf(error).slice(0, 200)}. Try "Restart to update" again later.`,
      });
    }
  };

  const restartToUpdate = () => {
    if (status.state !== 'ready' && status.state !== 'waiting') return;
    const blocker = deps.restartBlocker();
    if (blocker === null) {
      restartNow();
      return;
    }
    set({ state: 'waiting', version: status.version, message: `Not restarting yet: ${blocker}. Focusline restarts to update as soon as that is over.` });
    if (!stopWaiting) {
      stopWaiting = deps.onRestartBlockerChange(() => {
        if (status.state === 'waiting' && deps.restartBlocker() === null) restartNow();
      });
    }
  };

  configure();
  const stopFeed = deps.onFeedChange(() => {
    if (configure()) void check();
  });
  stopTimer = deps.every(CHECK_EVERY_MS, () => void check());
  return {
    status: () => status,
    check,
    restartToUpdate,
    stop: () => {
      stopFeed();
      stopTimer?.();
      stopTimer = undefined;
      stopWaiting?.();
      stopStallWatch?.();
    },
  };
}

/** The publishers in app-update.yml (electron-builder writes publisherName there from win.signtoolOptions), as a list. */
export function publishersFromUpdateConfig(config: unknown): string[] {
  if (typeof config !== 'object' || config === null) return [];
  const value = (config as { publisherName?: unknown }).publisherName;
  const list = Array.isArray(value) ? value : [value];
  return list.filter((p): p is string => typeof p === 'string' && p.trim() !== '');
}
