import { isTelephonyDevice } from '../../src-shared/headset/hid-report-descriptor.js';

/**
 * Which HID devices the window may open: telephony headsets only (usage
 * page 0x0B), and of those only the one the tech picked in Settings → Audio.
 * WebHID runs in the page (navigator.hid); Electron asks main through the
 * session, which has no chooser of its own, so these rules are the chooser.
 */

/** What Electron tells us about a HID device (Electron.HIDDevice). */
export type HidDeviceInfo = { deviceId: string; vendorId: number; productId: number; name?: string; collections?: ReadonlyArray<{ usagePage?: number }> };

/** vendor:product in hex, as policy's headset.device holds it: 0b0e:245e. */
export function hidDeviceKey(device: Pick<HidDeviceInfo, 'vendorId' | 'productId'>): string {
  const hex = (n: number) => (n & 0xffff).toString(16).padStart(4, '0');
  return `${hex(device.vendorId)}:${hex(device.productId)}`;
}

/**
 * The device to grant when the page asks to pick a headset (Settings'
 * "Choose headset…", the only place the window asks): telephony devices
 * only, never a keyboard, mouse or security key. With none chosen yet, the
 * first; when one is chosen and others are plugged in, the next one after it,
 * so "Choose another headset…" steps through them.
 */
export function pickHeadset(devices: readonly HidDeviceInfo[], chosen: string): HidDeviceInfo | null {
  const headsets = devices.filter((d) => isTelephonyDevice(d.collections));
  const at = headsets.findIndex((d) => hidDeviceKey(d) === chosen);
  if (at < 0) return headsets[0] ?? null;
  const others = headsets.filter((d) => hidDeviceKey(d) !== chosen);
  if (others.length === 0) return headsets[at] ?? null;
  return headsets.slice(at + 1).find((d) => hidDeviceKey(d) !== chosen) ?? others[0] ?? null;
}

/** A stored grant holds only for the chosen headset, for our own page. */
export function isHeadsetGrantAllowed(
  details: { deviceType: string; origin: string; device: unknown },
  chosen: string,
  isOurUrl: (url: string) => boolean,
): boolean {
  if (details.deviceType !== 'hid' || !isOurUrl(details.origin) || chosen === '') return false;
  const device = details.device as Partial<HidDeviceInfo>;
  if (typeof device.vendorId !== 'number' || typeof device.productId !== 'number') return false;
  return isTelephonyDevice(device.collections) && hidDeviceKey({ vendorId: device.vendorId, productId: device.productId }) === chosen;
}

/** The slice of Electron's Session the HID rules need. */
export interface HidSession {
  setDevicePermissionHandler(handler: (details: { deviceType: 'hid' | 'serial' | 'usb'; origin: string; device: unknown }) => boolean): void;
  on(
    event: 'select-hid-device',
    listener: (
      event: { preventDefault(): void },
      details: { deviceList: HidDeviceInfo[]; frame?: { url?: string } | null },
      callback: (deviceId?: string | null) => void,
    ) => void,
  ): unknown;
}

export function installHidPermissions(
  session: HidSession,
  options: { isOurUrl: (url: string) => boolean; chosenHeadset: () => string; log: (m: string) => void },
): void {
  session.setDevicePermissionHandler((details) => isHeadsetGrantAllowed(details, options.chosenHeadset(), options.isOurUrl));
  session.on('select-hid-device', (event, details, callback) => {
    event.preventDefault();
    // No frame (it went away, or Electron could not say which asked) is no proof the page is ours: offer nothing.
    const url = details.frame?.url;
    if (url === undefined || !options.isOurUrl(url)) {
      callback();
      return;
    }
    const headset = pickHeadset(details.deviceList, options.chosenHeadset());
    if (!headset) options.log('No telephony headset is plugged in (none of the HID devices offers the Telephony usage page).');
    callback(headset?.deviceId);
  });
}
