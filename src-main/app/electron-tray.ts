import { join } from 'node:path';
import type { PhoneStatus } from '../ipc/contract.js';
import type { ShellPorts, TrayPort } from './shell-ports.js';
import type { Services } from './services.js';
import { trayIconFile, trayMenuTemplate, trayStateFor, trayTooltip, type TrayActions, type TrayFocus } from './tray-menu.js';

/** The tray follows the phone (registered, in call…) and focus ("Focused: #1042 Acme: printer down"). */
export function followPhoneStatus(createTray: ShellPorts['createTray'], services: Services, assetsDir: string, actions: TrayActions): TrayPort {
  const iconFor = (status: PhoneStatus, focus: TrayFocus) => join(assetsDir, trayIconFile(trayStateFor(status, focus)));
  const tray = createTray(iconFor(services.phoneStatus, services.focusView()));
  const show = () => {
    const status = services.phoneStatus;
    const focus = services.focusView();
    tray.setImage(iconFor(status, focus));
    tray.setToolTip(trayTooltip(status, focus));
    tray.setMenu(trayMenuTemplate(status, actions, focus));
  };
  show();
  services.onPhoneStatus(show);
  services.onFocus(show);
  tray.onClick(actions.open);
  return tray;
}
