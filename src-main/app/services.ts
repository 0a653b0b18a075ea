import { join } from 'node:path';
import { CallHistory } from '../calls/history.js';
import { decide } from '../focus/decide.js';
import { EventBus } from '../ipc/event-bus.js';
import { createRouter, type CommandHandlers } from '../ipc/router.js';
import type { PhoneStatus } from '../ipc/contract.js';
import { UserSettings } from '../policy/user-settings.js';
import type { SecretStore } from '../storage/secret-store.js';

export type ServiceOptions = {
  mode: 'electron' | 'web';
  version: string;
  dataDir: string;
  /** FOCUSLINE_CONFIG, when set; otherwise settings.json in the data folder. */
  configPath?: string | undefined;
  secrets: SecretStore;
  log?: (message: string) => void;
};

export type PhoneStatusListener = (status: PhoneStatus) => void;

/**
 * The composition root for main's services. Electron and web mode both build
 * the app through here, so they run the same code behind the same contract.
 */
export async function createServices(options: ServiceOptions) {
  const log = options.log ?? ((m: string) => console.log(`[focusline] ${m}`));
  const settings = new UserSettings(options.configPath ?? join(options.dataDir, 'settings.json'), options.secrets, log);
  await settings.load();
  if (settings.problem) log(`Settings problem: ${settings.problem.message}`);
  const history = new CallHistory(options.dataDir);
  await history.load();
  if (history.skippedLines > 0) log(`Skipped ${history.skippedLines} damaged line(s) in ${history.path}.`);

  const bus = new EventBus();
  const statusListeners = new Set<PhoneStatusListener>();
  const rendererReadyListeners = new Set<() => void>();
  let phoneStatus: PhoneStatus = { registration: 'offline', detail: '', activeCalls: 0, ringing: false };

  const handlers: CommandHandlers = {
    'app.info': () => ({ version: options.version, mode: options.mode, platform: process.platform }),
    'app.rendererReady': () => {
      for (const listener of rendererReadyListeners) listener();
      return { ok: true as const };
    },
    'settings.get': () => settings.view(),
    'settings.saveAccount': async ({ account, password }) => {
      await settings.saveAccount(account, password);
      const view = await settings.view();
      bus.emit('settings.changed', view);
      return view;
    },
    'settings.saveDevices': async ({ devices }) => {
      await settings.saveDevices(devices);
      const view = await settings.view();
      bus.emit('settings.changed', view);
      return view;
    },
    'phone.credentials': async () => {
      const account = settings.settings.account;
      if (!account) return null;
      const { password: _never, ...publicAccount } = account;
      return {
        account: publicAccount,
        password: (await settings.password()) ?? '',
        iceServers: settings.settings.iceServers,
        userAgentString: `Focusline/${options.version}`,
      };
    },
    'phone.reportStatus': ({ status }) => {
      phoneStatus = status;
      for (const listener of statusListeners) listener(status);
      return { ok: true as const };
    },
    'calls.decide': ({ call }) => decide(call, {}),
    'history.record': async ({ entry }) => {
      await history.record(entry);
      bus.emit('history.changed', { entries: history.list(200) });
      return { ok: true as const };
    },
    'history.list': ({ limit }) => ({ entries: history.list(limit) }),
  };

  return {
    route: createRouter(handlers, log),
    bus,
    settings,
    history,
    get phoneStatus() {
      return phoneStatus;
    },
    onPhoneStatus(listener: PhoneStatusListener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    onRendererReady(listener: () => void) {
      rendererReadyListeners.add(listener);
      return () => rendererReadyListeners.delete(listener);
    },
    log,
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
