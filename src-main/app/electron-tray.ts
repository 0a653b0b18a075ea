import { join } from 'node:path';
import type { PhoneStatus } from '../ipc/contract.js';
import type { ShellPorts, TrayPort } from './shell-ports.js';
import type { Services } from './services.js';
import { trayIconFile, trayMenuTemplate, trayStateFor, trayTooltip, type TrayActions, type TrayExtras, type TrayFocus } from './tray-menu.js';

export type TrayFinish = {
  platform: NodeJS.Platform;
  /** Follow-ups and the update, as they are now. */
  extras: () => TrayExtras;
  /** Subscribes to changes of either; returns the unsubscribe. */
  onExtras: (listener: () => void) => () => void;
  /** The dock/launcher badge (macOS, Unity launchers): the number of calls to follow up. */
  setBadgeCount: (count: number) => void;
};

const PLAIN: TrayFinish = { platform: 'linux', extras: () => ({ followUps: 0, update: null }), onExtras: () => () => {}, setBadgeCount: () => {} };

/** The tray follows the phone (registered, in call…), focus ("Focused: #1042 Acme: printer down"), follow-ups and a ready update. */
export function followPhoneStatus(
  createTray: ShellPorts['createTray'],
  services: Services,
  assetsDir: string,
  actions: TrayActions,
  finish: TrayFinish = PLAIN,
): TrayPort {
  const iconFor = (status: PhoneStatus, focus: TrayFocus) => join(assetsDir, trayIconFile(trayStateFor(status, focus), finish.platform));
  const tray = createTray(iconFor(services.phoneStatus, services.focusView()));
  let badge = -1;
  const show = () => {
    const status = services.phoneStatus;
    const focus = services.focusView();
    const extras = finish.extras();
    tray.setImage(iconFor(status, focus));
    tray.setToolTip(trayTooltip(status, focus, extras));
    tray.setMenu(trayMenuTemplate(status, actions, focus, extras));
    if (extras.followUps !== badge) {
      badge = extras.followUps;
      finish.setBadgeCount(badge);
    }
  };
  show();
  services.onPhoneStatus(show);
  services.onFocus(show);
  finish.onExtras(show);
  tray.onClick(actions.open);
  return tray;
}
