import { messageOf } from '../../src-shared/errors.js';
import type { UpdateStatus } from '../ipc/contract.js';

/**
 * Auto-update from the feed policy names (electron-builder's generic
 * provider: a folder with latest.yml and the installers, hosted by the MSP).
 * electron-updater checks, downloads and verifies the file's sha512 against
 * latest.yml, and refuses a file that doesn't match; this module decides
 * when, and never restarts the app while a call is up or ringing, or while
 * Focusline's voicemail is recording a caller: "Restart to update" then waits
 * and restarts once that is over.
 *
 * States: off (no updates.url) → idle → checking → (idle | downloading) →
 * ready (downloaded, "Restart to update" in the tray) → waiting (asked to
 * restart during a call) → restart. Any failure → error, retried at the next
 * check; a tampered download is one such failure.
 */

/** The slice of electron-updater's AppUpdater used here (app/electron-ports.ts hands in the real one). */
export interface UpdaterPort {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  setFeedURL(options: { provider: 'generic'; url: string; channel: string }): void;
  /** With autoDownload, the result carries the download's promise; its failure is also an 'error' event. */
  checkForUpdates(): Promise<{ downloadPromise?: Promise<unknown> | null } | null>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-available' | 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'update-not-available', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export type UpdateFeed = { url: string; channel: string };

/** Four hours between checks: a day's updates reach everyone by lunch without hammering the MSP's server. */
export const CHECK_EVERY_MS = 4 * 60 * 60 * 1000;

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
  log: (message: string) => void;
  /** Timers are injected so tests drive checks themselves. */
  every: (ms: number, run: () => void) => () => void;
};

export type AutoUpdate = {
  status(): UpdateStatus;
  /** Checks the feed now (and downloads what it finds). Resolves when the check is done, not the download. */
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
  let stopTimer: (() => void) | undefined;
  let stopWaiting: (() => void) | undefined;
  // Read through a function: events change the state while a check is awaited, which TypeScript's narrowing can't see.
  const stateNow = (): UpdateStatus['state'] => status.state;
  const set = (next: UpdateStatus) => {
    status = next;
    deps.report(status);
  };

  const ensureUpdater = (): UpdaterPort => {
    if (updater) return updater;
    const made = deps.updater();
    // The download starts by itself; installing waits for the tray's "Restart to update" or the next quit.
    made.autoDownload = true;
    made.autoInstallOnAppQuit = true;
    made.allowDowngrade = false;
    made.on('update-available', (info) => set({ state: 'downloading', version: info.version, message: `Downloading Focusline ${info.version}…` }));
    made.on('update-not-available', () => {
      if (status.state === 'checking') set({ state: 'idle', version: null, message: 'Focusline is up to date.' });
    });
    made.on('update-downloaded', (info) => {
      if (status.state === 'waiting') return;
      set({ state: 'ready', version: info.version, message: `Focusline ${info.version} is ready: restart to update.` });
    });
    made.on('error', (error) => {
      const message = updateErrorMessage(error);
      deps.log(`Update: ${messageOf(error)}`);
      set({ state: 'error', version: status.version, message });
    });
    updater = made;
    return made;
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
      ensureUpdater().setFeedURL({ provider: 'generic', url: feed.url, channel: feed.channel });
      configured = key;
    }
    return true;
  };

  const check = async (): Promise<void> => {
    if (status.state === 'ready' || status.state === 'waiting' || status.state === 'downloading' || status.state === 'checking') return;
    if (!configure()) return;
    set({ state: 'checking', version: null, message: 'Checking for updates…' });
    try {
      const result = await ensureUpdater().checkForUpdates();
      // The 'error' event reports a failed download (a tampered file among them); the promise must not also reject unheard.
      result?.downloadPromise?.catch(() => {});
      // An updater that isn't active (not packaged, or not an AppImage on Linux) answers null without an event.
      if (stateNow() === 'checking') set({ state: 'idle', version: null, message: 'Focusline is up to date.' });
    } catch (error) {
      if (stateNow() !== 'error') set({ state: 'error', version: null, message: updateErrorMessage(error) });
    }
  };

  const restartNow = () => {
    stopWaiting?.();
    stopWaiting = undefined;
    deps.log(`Restarting to install Focusline ${status.version ?? 'update'}.`);
    deps.beforeRestart();
    // Silent: no installer wizard on Windows; run the app again afterwards everywhere.
    ensureUpdater().quitAndInstall(true, true);
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
    },
  };
}
