import { resolve } from 'node:path';
import { messageOf } from '../../src-shared/errors.js';
import { parseFocusLink } from '../focus/focus-commands.js';
import type { AppPort, ShellOptions } from './shell-ports.js';
import type { LinkInbox } from './link-inbox.js';
import { APP_LINK_SCHEME, DIAL_SCHEMES, type LinkAction } from './protocol-links.js';
import type { Services } from './services.js';

// OS links in the Electron shell: tel:/sip:/callto: dial, focusline:// runs a focus command (docs/local-api.md).

export function takeLink(link: LinkAction | null, inbox: LinkInbox): void {
  if (link) inbox.push(link);
}

/**
 * A link from another app only asks: any web page or document can carry one.
 * A dial link goes to the window, which shows the number and asks before
 * dialling; a focusline:// link (docs/local-api.md) is kept in main and the
 * window shows what it would do and runs it only on the tech's yes. Policy's
 * links.trusted (policy only) makes both act at once.
 */
export function actOnLink(services: Services, link: LinkAction, log: (m: string) => void): void {
  const trusted = services.settingsValues()['links.trusted'];
  if (link.kind === 'dial') {
    services.bus.emit('phone.dial', trusted ? { target: link.target } : { target: link.target, confirm: true });
    return;
  }
  const parsed = parseFocusLink(link.url);
  if (!parsed.ok) {
    log(`Ignored ${link.url.href}: ${parsed.message}`);
    return;
  }
  if (!trusted) {
    if (!services.offerFocusLink(parsed.command)) log(`Ignored ${link.url.href}: earlier links are still waiting for an answer.`);
    return;
  }
  services.runFocusCommand(parsed.command).catch((err: unknown) => log(`${link.url.href} failed: ${messageOf(err)}`));
}

export function registerProtocolClients(app: AppPort, options: ShellOptions, log: (m: string) => void): void {
  const devArgs = options.defaultApp && options.argv[1] ? [resolve(options.argv[1])] : undefined;
  for (const scheme of [...DIAL_SCHEMES, APP_LINK_SCHEME]) {
    const registered = devArgs ? app.setAsDefaultProtocolClient(scheme, options.execPath, devArgs) : app.setAsDefaultProtocolClient(scheme);
    if (!registered) log(`Could not register Focusline as the handler for ${scheme}: links.`);
  }
}
