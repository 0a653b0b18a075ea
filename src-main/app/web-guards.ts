import { parseLink } from './protocol-links.js';
import { openExternalUrl, type OpenExternal } from './external-links.js';
import { messageOf } from '../../src-shared/errors.js';

type PreventableEvent = { preventDefault(): void };

/** The slice of Electron's webContents the guards hook into. */
export interface GuardedWebContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
}

export type GuardOptions = {
  isOurUrl: (url: string) => boolean;
  openExternal: OpenExternal;
  /** A tel:/sip:/callto: link clicked inside the app dials here instead of bouncing through the OS. */
  dial: (target: string) => void;
  log: (message: string) => void;
};

/** No new windows, no navigation off our origin, no <webview>. */
export function guardWebContents(contents: GuardedWebContents, options: GuardOptions): void {
  contents.setWindowOpenHandler(({ url }) => {
    routeOpenRequest(url, options);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (options.isOurUrl(url)) return;
    event.preventDefault();
    routeOpenRequest(url, options);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function routeOpenRequest(url: string, options: GuardOptions): void {
  const link = parseLink(url);
  if (link?.kind === 'dial') {
    options.dial(link.target);
    return;
  }
  void openExternalUrl(url, options.openExternal).then(
    (opened) => opened || options.log(`Refused to open ${url.slice(0, 200)}: not an https, mailto, sip or tel link.`),
    (err: unknown) => options.log(`Could not open ${url.slice(0, 200)}: ${messageOf(err)}`),
  );
}

export const ALLOWED_PERMISSIONS: readonly string[] = ['media', 'notifications', 'speaker-selection'];

/** A softphone needs the microphone, notifications and output-device choice; nothing else, and only for our page. */
export function isPermissionAllowed(permission: string, requestingUrl: string, isOurUrl: (url: string) => boolean): boolean {
  return ALLOWED_PERMISSIONS.includes(permission) && isOurUrl(requestingUrl);
}

/** The slice of Electron's Session the permission handlers need. */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string, requestingOrigin: string) => boolean): void;
}

/**
 * Checked, never requested: `hid` lets our page use navigator.hid at all;
 * which device it may open is decided per device (app/hid-permissions.ts:
 * telephony headsets only, the one the tech picked).
 */
export const CHECK_ONLY_PERMISSIONS: readonly string[] = ['hid'];

export function installPermissionHandlers(session: PermissionSession, isOurUrl: (url: string) => boolean): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl ?? '', isOurUrl));
  });
  session.setPermissionCheckHandler(
    (_contents, permission, requestingOrigin) =>
      isPermissionAllowed(permission, requestingOrigin, isOurUrl) || (CHECK_ONLY_PERMISSIONS.includes(permission) && isOurUrl(requestingOrigin)),
  );
}
