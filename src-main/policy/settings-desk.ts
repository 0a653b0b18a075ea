import { messageOf } from '../../src-shared/errors.js';
import type { EventBus } from '../ipc/event-bus.js';
import type { CommandHandlers } from '../ipc/router.js';
import type { PolicyService } from './policy-service.js';
import type { UserSettings } from './user-settings.js';

export type SettingsDeskPorts = {
  policy: PolicyService;
  userSettings: UserSettings;
  bus: EventBus;
  log: (message: string) => void;
  /** The tech saved the account (a new password changes no policy value): the phone logs in again. */
  accountSaved?: () => void;
};

type Handlers = Pick<CommandHandlers, 'settings.get' | 'settings.saveAccount' | 'settings.saveDevices' | 'settings.setValue' | 'policy.get'>;

/**
 * The policy room's desk: the technician's own settings (account, devices,
 * any unlocked value) and the Policy view, with `settings.changed` and
 * `policy.changed` whenever policy or the tech changes something.
 */
export function createSettingsDesk(ports: SettingsDeskPorts) {
  const { policy, userSettings, bus, log } = ports;

  /**
   * After the tech saved settings: resolve them again and tell every window,
   * even when no effective value changed (a new password alone must make
   * the phone log in again).
   */
  const settingsSaved = async () => {
    await policy.reload();
    const view = await policy.settingsView();
    bus.emit('settings.changed', view);
    return view;
  };

  const stopFollowing = policy.onChange(() => {
    bus.emit('policy.changed', policy.policyView());
    policy
      .settingsView()
      .then((view) => bus.emit('settings.changed', view))
      .catch((error: unknown) => log(`Settings view: ${messageOf(error)}`));
  });

  const handlers: Handlers = {
    'settings.get': () => policy.settingsView(),
    'settings.saveAccount': async ({ account, password }) => {
      if (policy.isLocked('account.wsServer') && account.wsServer !== policy.current().values['account.wsServer']) {
        throw new Error('The server is managed by your organization, so it can’t be changed here.');
      }
      await userSettings.saveAccount(account, password);
      const view = await settingsSaved();
      ports.accountSaved?.();
      return view;
    },
    'settings.saveDevices': async ({ devices }) => {
      await userSettings.saveDevices(devices);
      return settingsSaved();
    },
    'settings.setValue': async ({ key, value }) => {
      await policy.setUserValue(key, value);
      return policy.policyView();
    },
    'policy.get': () => policy.policyView(),
  };

  return { handlers, close: stopFollowing };
}
