import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallView, FocuslineApi, PhoneView, PolicyView } from '../../../src-main/ipc/contract.js';
import { startHeadset, type HidDeviceLike, type HidLike } from '../../../src-renderer/media/headset.js';
import { useAppStore } from '../../../src-renderer/state/app-store.js';
import { usePhoneStore } from '../../../src-renderer/state/phone-store.js';
import type { HidCollectionLike } from '../../../src-shared/headset/hid-report-descriptor.js';

/**
 * The window's side of the headset: WebHID (navigator.hid) faked with the
 * JLab JH5003's collections as Chromium presents them; the phone's calls and
 * policy from the stores session.ts fills.
 */

const u = (page: number, id: number) => (page << 16) | id;
const JLAB_COLLECTIONS: HidCollectionLike[] = [
  {
    usagePage: 0x0b,
    usage: 0x05,
    inputReports: [
      {
        reportId: 0x0b,
        items: [
          { usages: [u(0x0b, 0x20)], reportSize: 1, reportCount: 1, isAbsolute: false },
          { usages: [u(0x0b, 0x2f)], reportSize: 1, reportCount: 1, isAbsolute: false },
          { usages: [u(0x0b, 0x24), u(0x0b, 0x21), u(0x0b, 0x26)], reportSize: 1, reportCount: 3, isAbsolute: false },
          { usages: [u(0x09, 0x01)], reportSize: 1, reportCount: 1, isAbsolute: true },
          { usages: [], reportSize: 1, reportCount: 2, isConstant: true },
        ],
      },
    ],
    outputReports: [
      {
        reportId: 0x0b,
        items: [
          { usages: [u(8, 0x17), u(8, 0x09), u(8, 0x18), u(8, 0x21), u(8, 0x2a), u(8, 0x20)], reportSize: 1, reportCount: 6, isAbsolute: true },
          { usages: [], reportSize: 1, reportCount: 2, isConstant: true },
        ],
      },
    ],
  },
];

class FakeDevice extends EventTarget implements HidDeviceLike {
  opened = false;
  readonly vendorId = 0x0b0e;
  readonly productId = 0x245e;
  readonly productName = 'JLab JH5003';
  readonly collections = JLAB_COLLECTIONS;
  readonly sent: Array<[number, number[]]> = [];
  async open() {
    this.opened = true;
  }
  async close() {
    this.opened = false;
  }
  async sendReport(reportId: number, data: Uint8Array) {
    this.sent.push([reportId, [...data]]);
  }
  press(byte: number) {
    const event = Object.assign(new Event('inputreport'), { reportId: 0x0b, data: new DataView(Uint8Array.from([byte]).buffer), device: this });
    this.dispatchEvent(event);
  }
}

class FakeHid extends EventTarget implements HidLike {
  constructor(readonly devices: FakeDevice[]) {
    super();
  }
  async getDevices() {
    return this.devices;
  }
  async requestDevice() {
    return this.devices;
  }
}

const policy = (values: Record<string, unknown>): PolicyView => ({
  entries: Object.entries(values).map(([key, value]) => ({ key, description: '', value: JSON.stringify(value), source: 'user', origin: '', locked: false })),
  problems: [],
});
const call = (state: CallView['state'], extra: Partial<CallView> = {}): CallView => ({
  id: 'c1',
  direction: 'incoming',
  remoteUri: 'sip:+15550100@pbx',
  remoteName: '',
  state,
  silent: false,
  muted: false,
  startedAt: 0,
  answeredAt: null,
  heldSince: null,
  reason: '',
  subject: null,
  transfer: null,
  ...extra,
});
const phone = (calls: CallView[]): PhoneView => ({ registration: 'registered', detail: '', calls, mwi: null, notice: null, mediaEndpoint: null });

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  useAppStore.getState().set({ policy: { entries: [], problems: [] } });
  usePhoneStore.getState().setPhone(phone([]));
});

function fakeApi() {
  const invoke = vi.fn(async (_name: string, _request: unknown) => ({ ok: true }));
  return { api: { invoke, on: () => () => {} } as unknown as FocuslineApi, invoke };
}

describe('the headset in the window', () => {
  it('opens the chosen headset, answers with its hook button and lights its LEDs as the call goes', async () => {
    const device = new FakeDevice();
    const { api, invoke } = fakeApi();
    useAppStore.getState().set({ policy: policy({ 'headset.device': '0b0e:245e', 'headset.buttons': true }) });
    usePhoneStore.getState().setPhone(phone([call('ringing')]));
    stops.push(startHeadset(api, new FakeHid([device])));
    await vi.waitFor(() => expect(device.opened).toBe(true));
    // Ring LED (bit 2) while it rings.
    expect(device.sent.at(-1)).toEqual([0x0b, [0b100]]);
    device.press(0x00);
    device.press(0x01);
    expect(invoke).toHaveBeenCalledWith('phone.answer', { callId: 'c1' });
    usePhoneStore.getState().setPhone(phone([call('active')]));
    expect(device.sent.at(-1)).toEqual([0x0b, [0b001]]);
    device.press(0x00);
    device.press(0x02);
    expect(invoke).toHaveBeenLastCalledWith('phone.mute', { callId: 'c1', muted: true });
    usePhoneStore.getState().setPhone(phone([call('active', { muted: true })]));
    expect(device.sent.at(-1)).toEqual([0x0b, [0b011]]);
    usePhoneStore.getState().setPhone(phone([]));
    expect(device.sent.at(-1)).toEqual([0x0b, [0]]);
  });

  it("ignores the headset echoing the LEDs just sent, so a late echo doesn't hang up the call it answered", async () => {
    const device = new FakeDevice();
    const { api, invoke } = fakeApi();
    let now = 10_000;
    useAppStore.getState().set({ policy: policy({ 'headset.device': '0b0e:245e', 'headset.buttons': true }) });
    usePhoneStore.getState().setPhone(phone([call('ringing')]));
    stops.push(startHeadset(api, new FakeHid([device]), () => now));
    await vi.waitFor(() => expect(device.opened).toBe(true));
    now += 2000;
    device.press(0x00);
    device.press(0x01);
    expect(invoke).toHaveBeenCalledExactlyOnceWith('phone.answer', { callId: 'c1' });
    device.press(0x00);
    // Answered: the off-hook LED goes out to the headset, and a Bluetooth headset reports it back as a fresh 0→1 hook edge.
    usePhoneStore.getState().setPhone(phone([call('active')]));
    expect(device.sent.at(-1)).toEqual([0x0b, [0b001]]);
    now += 400;
    device.press(0x01);
    expect(invoke).toHaveBeenCalledTimes(1);
    // Later, a press is a press again.
    device.press(0x00);
    now += 1000;
    device.press(0x01);
    expect(invoke).toHaveBeenLastCalledWith('phone.hangup', { callId: 'c1' });
  });

  it('leaves a headset alone that was not chosen, or when policy turns the buttons off', async () => {
    const device = new FakeDevice();
    const { api, invoke } = fakeApi();
    useAppStore.getState().set({ policy: policy({ 'headset.device': '047f:c056', 'headset.buttons': true }) });
    stops.push(startHeadset(api, new FakeHid([device])));
    useAppStore.getState().set({ policy: policy({ 'headset.device': '0b0e:245e', 'headset.buttons': false }) });
    await new Promise((resolve) => setTimeout(resolve, 0));
    device.press(0x00);
    device.press(0x01);
    expect(device.opened).toBe(false);
    expect(invoke).not.toHaveBeenCalled();
  });
});
