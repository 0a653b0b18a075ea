import type { FocuslineApi } from '../../src-main/ipc/contract.js';
import {
  headsetIntents,
  isLedEcho,
  ledReports,
  ledStates,
  readButtons,
  type ButtonStates,
  type HeadsetIntent,
  type SentLeds,
} from '../../src-shared/headset/headset-calls.js';
import { layoutFromCollections, TELEPHONY_PAGE, type HidCollectionLike, type TelephonyLayout } from '../../src-shared/headset/hid-report-descriptor.js';
import { messageOf } from '../../src-shared/errors.js';
import { useAppStore } from '../state/app-store.js';
import { usePhoneStore } from '../state/phone-store.js';

/**
 * The headset's buttons and LEDs over WebHID. The page owns HID in Electron
 * (navigator.hid), so this runs in the window: it opens the headset the tech
 * picked in Settings → Audio (policy key headset.device), turns its input
 * reports into phone commands (src-shared/headset/headset-calls.ts) and
 * sends the LED reports whenever the calls change. Main's permission rules
 * (app/hid-permissions.ts) let it open nothing else.
 */

// WebHID is not in TypeScript's DOM library yet: the parts used here.
export type HidDeviceLike = EventTarget & {
  readonly opened: boolean;
  readonly vendorId: number;
  readonly productId: number;
  readonly productName: string;
  readonly collections: readonly HidCollectionLike[];
  open(): Promise<void>;
  close(): Promise<void>;
  sendReport(reportId: number, data: Uint8Array<ArrayBuffer>): Promise<void>;
};
type HidInputReportEvent = Event & { reportId: number; data: DataView; device: HidDeviceLike };
export type HidLike = EventTarget & {
  getDevices(): Promise<HidDeviceLike[]>;
  requestDevice(options: { filters: Array<{ usagePage: number }> }): Promise<HidDeviceLike[]>;
};

export function webHid(): HidLike | null {
  const hid = (navigator as Navigator & { hid?: HidLike }).hid;
  return hid ?? null;
}

/** vendor:product in hex, as headset.device holds it. */
export function deviceKey(device: Pick<HidDeviceLike, 'vendorId' | 'productId'>): string {
  const hex = (n: number) => (n & 0xffff).toString(16).padStart(4, '0');
  return `${hex(device.vendorId)}:${hex(device.productId)}`;
}

/** Settings → Audio's "Choose headset": the browser (or Electron's main) offers telephony devices only. */
export async function chooseHeadset(hid: HidLike | null = webHid()): Promise<HidDeviceLike | null> {
  if (!hid) throw new Error('This window has no WebHID (Focusline desktop app, or Chrome/Edge in web mode), so headset buttons are not available here.');
  const [device] = await hid.requestDevice({ filters: [{ usagePage: TELEPHONY_PAGE }] });
  return device ?? null;
}

function policyValue<T>(key: string, fallback: T): T {
  const text = useAppStore.getState().policy.entries.find((e) => e.key === key)?.value;
  if (text === undefined) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** One open headset: reports in, LEDs out. */
class HeadsetLink {
  private previous: ButtonStates | null = null;
  private lastLeds = '';
  /** What the LEDs were last set to, and when: a report repeating it soon after is the headset's echo (isLedEcho). */
  private sent: SentLeds | null = null;
  private readonly stopLeds: () => void;
  constructor(
    readonly device: HidDeviceLike,
    private readonly layout: TelephonyLayout,
    private readonly act: (intent: HeadsetIntent) => void,
    private readonly now: () => number,
  ) {
    device.addEventListener('inputreport', this.onReport);
    this.stopLeds = usePhoneStore.subscribe(() => this.showLeds());
    this.showLeds();
  }

  private readonly onReport = (event: Event) => {
    const report = event as HidInputReportEvent;
    const data = new Uint8Array(report.data.buffer, report.data.byteOffset, report.data.byteLength);
    const next = readButtons(this.layout, report.reportId, data);
    if (!next) return;
    const echo = isLedEcho(this.sent, next, this.now());
    if (!echo) for (const intent of headsetIntents(this.layout, this.previous, next, usePhoneStore.getState().calls)) this.act(intent);
    this.previous = { ...this.previous, ...next };
  };

  private showLeds(): void {
    const leds = ledStates(usePhoneStore.getState().calls);
    const reports = ledReports(this.layout, leds);
    const key = JSON.stringify(reports.map((r) => [r.reportId, [...r.data]]));
    if (key === this.lastLeds) return;
    this.lastLeds = key;
    if (reports.length > 0) this.sent = { leds, at: this.now() };
    for (const report of reports) void this.device.sendReport(report.reportId, Uint8Array.from(report.data)).catch(() => {});
  }

  async close(): Promise<void> {
    this.stopLeds();
    this.device.removeEventListener('inputreport', this.onReport);
    await this.device.close().catch(() => {});
  }
}

/** Follows headset.device and headset.buttons: opens the chosen headset when it is granted and plugged in, closes it otherwise. */
export function startHeadset(api: FocuslineApi, hid: HidLike | null = webHid(), now: () => number = () => performance.now()): () => void {
  if (!hid) return () => {};
  let link: HeadsetLink | null = null;
  let wanted = '';
  let busy = Promise.resolve();
  const act = (intent: HeadsetIntent) => {
    const run =
      intent.kind === 'answer'
        ? api.invoke('phone.answer', { callId: intent.callId })
        : intent.kind === 'hangup'
          ? api.invoke('phone.hangup', { callId: intent.callId })
          : intent.kind === 'mute'
            ? api.invoke('phone.mute', { callId: intent.callId, muted: intent.muted })
            : api.invoke('phone.hold', { callId: intent.callId, hold: intent.hold });
    run.catch((e: unknown) => useAppStore.getState().setNotice(`Headset: ${messageOf(e)}`));
  };
  const follow = () => {
    const key = policyValue('headset.buttons', true) ? policyValue('headset.device', '') : '';
    if (key === wanted && (link !== null || key === '')) return;
    wanted = key;
    busy = busy.then(async () => {
      await link?.close();
      link = null;
      if (wanted === '') return;
      const device = (await hid.getDevices()).find((d) => deviceKey(d) === wanted);
      if (!device) return;
      const layout = layoutFromCollections(device.collections);
      if (!layout.telephony) return;
      if (!device.opened) await device.open();
      link = new HeadsetLink(device, layout, act, now);
    });
    busy = busy.catch((e: unknown) => useAppStore.getState().setNotice(`Could not open the headset: ${messageOf(e)}. Unplug it and plug it in again.`));
  };
  const stopPolicy = useAppStore.subscribe((state, before) => {
    if (state.policy !== before.policy) follow();
  });
  const replugged = () => {
    wanted = '\u0000';
    follow();
  };
  hid.addEventListener('connect', replugged);
  hid.addEventListener('disconnect', replugged);
  follow();
  return () => {
    stopPolicy();
    hid.removeEventListener('connect', replugged);
    hid.removeEventListener('disconnect', replugged);
    void link?.close();
  };
}
