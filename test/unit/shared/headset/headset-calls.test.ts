import { describe, expect, it } from 'vitest';
import {
  isTelephonyDevice,
  layoutFromCollections,
  layoutFromDescriptor,
  type HidCollectionLike,
} from '../../../../src-shared/headset/hid-report-descriptor.js';
import { headsetIntents, isLedEcho, LED_ECHO_MS, ledReports, ledStates, readButtons, type HeadsetCall } from '../../../../src-shared/headset/headset-calls.js';
import { BOOT_KEYBOARD, GIGASET_DONGLE_TELEPHONY, JLAB_JH5003_TELEPHONY, POLY_BT700_TELEPHONY } from '../../../fixtures/headsets/descriptors.js';

const ringing: HeadsetCall = { id: 'c1', state: 'ringing', muted: false, direction: 'incoming' };
const active: HeadsetCall = { id: 'c1', state: 'active', muted: false, direction: 'incoming' };
const activeMuted: HeadsetCall = { ...active, muted: true };
const held: HeadsetCall = { ...active, state: 'held' };

describe('reading report descriptors of real headsets', () => {
  it('JLab JH5003: hook switch, mute and flash in report 0x0B (momentary), six LEDs in one byte of the same id', () => {
    const layout = layoutFromDescriptor(JLAB_JH5003_TELEPHONY);
    expect(layout.telephony).toBe(true);
    expect(layout.buttons).toEqual({
      hookSwitch: { reportId: 0x0b, bitOffset: 0, bitSize: 1, momentary: true },
      phoneMute: { reportId: 0x0b, bitOffset: 1, bitSize: 1, momentary: true },
      flash: { reportId: 0x0b, bitOffset: 3, bitSize: 1, momentary: true },
    });
    expect(layout.leds).toEqual({
      offHook: { reportId: 0x0b, bitOffset: 0, bitSize: 1, momentary: false },
      mute: { reportId: 0x0b, bitOffset: 1, bitSize: 1, momentary: false },
      ring: { reportId: 0x0b, bitOffset: 2, bitSize: 1, momentary: false },
      hold: { reportId: 0x0b, bitOffset: 5, bitSize: 1, momentary: false },
    });
    expect(layout.outputReportBytes).toEqual({ 0x0b: 1 });
  });

  it('Poly BT700: a latching hook switch, a momentary mute, and nothing read from its consumer-keys collection', () => {
    const layout = layoutFromDescriptor(POLY_BT700_TELEPHONY);
    expect(layout.buttons.hookSwitch).toEqual({ reportId: 1, bitOffset: 0, bitSize: 1, momentary: false });
    expect(layout.buttons.phoneMute).toEqual({ reportId: 1, bitOffset: 1, bitSize: 1, momentary: true });
    // Flash is Absolute with a preferred state (0x81 0x02): a button that springs back, so momentary.
    expect(layout.buttons.flash).toEqual({ reportId: 1, bitOffset: 2, bitSize: 1, momentary: true });
    expect(layout.leds).toMatchObject({ mute: { bitOffset: 0 }, offHook: { bitOffset: 1 }, ring: { bitOffset: 2 }, hold: { bitOffset: 3 } });
    expect(layout.outputReportBytes).toEqual({ 1: 1 });
  });

  it("Gigaset dongle: Gigaset's published bit table, two-byte output report", () => {
    const layout = layoutFromDescriptor(GIGASET_DONGLE_TELEPHONY);
    expect(layout.buttons).toMatchObject({ hookSwitch: { reportId: 2, bitOffset: 0 }, phoneMute: { bitOffset: 3 }, flash: { bitOffset: 4 } });
    expect(layout.leds).toMatchObject({ offHook: { bitOffset: 0 }, mute: { bitOffset: 1 }, ring: { bitOffset: 2 }, hold: { bitOffset: 3 } });
    expect(layout.outputReportBytes).toEqual({ 2: 2 });
  });

  it('a keyboard is no headset, though it has LEDs', () => {
    const layout = layoutFromDescriptor(BOOT_KEYBOARD);
    expect(layout).toEqual({ telephony: false, buttons: {}, leds: {}, outputReportBytes: {} });
  });

  it('stops at a truncated item instead of reading past the end', () => {
    const cut = JLAB_JH5003_TELEPHONY.slice(0, 19);
    expect(() => layoutFromDescriptor(cut)).not.toThrow();
    expect(layoutFromDescriptor(cut).buttons).toEqual({});
  });

  it("WebHID's parsed collections give the same layout as the descriptor bytes", () => {
    // How Chromium presents the JLab descriptor in HIDDevice.collections (usages are page << 16 | id).
    const u = (page: number, id: number) => (page << 16) | id;
    const collections: HidCollectionLike[] = [
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
              { usages: [u(0x0b, 0x07), u(0x09, 0x01)], reportSize: 1, reportCount: 1, isAbsolute: true },
              { usages: [], reportSize: 1, reportCount: 2, isConstant: true, isArray: true },
            ],
          },
        ],
        outputReports: [
          {
            reportId: 0x0b,
            items: [
              {
                usages: [u(8, 0x17), u(8, 0x09), u(8, 0x18), u(8, 0x21), u(8, 0x2a), u(8, 0x20)],
                reportSize: 1,
                reportCount: 6,
                isAbsolute: true,
                hasPreferredState: false,
              },
              { usages: [], reportSize: 1, reportCount: 2, isConstant: true, isArray: true },
            ],
          },
        ],
      },
    ];
    expect(layoutFromCollections(collections)).toEqual(layoutFromDescriptor(JLAB_JH5003_TELEPHONY));
    expect(isTelephonyDevice(collections)).toBe(true);
    expect(isTelephonyDevice([{ usagePage: 0x01 }])).toBe(false);
  });
});

describe('buttons to call intents', () => {
  const jlab = layoutFromDescriptor(JLAB_JH5003_TELEPHONY);
  const poly = layoutFromDescriptor(POLY_BT700_TELEPHONY);
  const gigaset = layoutFromDescriptor(GIGASET_DONGLE_TELEPHONY);
  /** Feeds recorded input reports through, as the renderer does, and collects what they ask for. */
  const play = (layout: typeof jlab, reportId: number, reports: number[][], calls: HeadsetCall[]) => {
    let previous = readButtons(layout, reportId, Uint8Array.from(reports[0] ?? []));
    const intents = [];
    for (const bytes of reports.slice(1)) {
      const next = readButtons(layout, reportId, Uint8Array.from(bytes));
      if (!next) continue;
      intents.push(...headsetIntents(layout, previous, next, calls));
      previous = next;
    }
    return intents;
  };

  it.each([
    ['JLab (momentary hook): press answers a ringing call', jlab, 0x0b, [[0x00], [0x01], [0x00]], [ringing], [{ kind: 'answer', callId: 'c1' }]],
    ['JLab: press during a call hangs up', jlab, 0x0b, [[0x00], [0x01], [0x00]], [active], [{ kind: 'hangup', callId: 'c1' }]],
    ['JLab: mute press mutes, the release does nothing', jlab, 0x0b, [[0x00], [0x02], [0x00]], [active], [{ kind: 'mute', callId: 'c1', muted: true }]],
    ['JLab: mute press on a muted call unmutes', jlab, 0x0b, [[0x00], [0x02], [0x00]], [activeMuted], [{ kind: 'mute', callId: 'c1', muted: false }]],
    ['JLab: flash holds the call', jlab, 0x0b, [[0x00], [0x08], [0x00]], [active], [{ kind: 'hold', callId: 'c1', hold: true }]],
    ['JLab: flash on a held call resumes it', jlab, 0x0b, [[0x00], [0x08], [0x00]], [held], [{ kind: 'hold', callId: 'c1', hold: false }]],
    ['Poly (latching hook): off-hook answers', poly, 1, [[0x00], [0x01]], [ringing], [{ kind: 'answer', callId: 'c1' }]],
    ['Poly: back on-hook hangs up', poly, 1, [[0x01], [0x00]], [active], [{ kind: 'hangup', callId: 'c1' }]],
    ['Poly: staying off-hook during the call does nothing', poly, 1, [[0x01], [0x01], [0x01]], [active], []],
    ['Poly: going off-hook with nothing ringing does nothing', poly, 1, [[0x00], [0x01]], [], []],
    ['Poly: off-hook echo of our own answer does nothing', poly, 1, [[0x00], [0x01]], [active], []],
    [
      'Gigaset (Absolute with a preferred state: a button): mute press mutes',
      gigaset,
      2,
      [
        [0x01, 0x00],
        [0x09, 0x00],
        [0x01, 0x00],
      ],
      [active],
      [{ kind: 'mute', callId: 'c1', muted: true }],
    ],
    [
      'Gigaset: mute press on a muted call unmutes',
      gigaset,
      2,
      [
        [0x01, 0x00],
        [0x09, 0x00],
        [0x01, 0x00],
      ],
      [activeMuted],
      [{ kind: 'mute', callId: 'c1', muted: false }],
    ],
    ['a report of another id is ignored', jlab, 0x0b, [[0x00]], [ringing], []],
  ] as const)('%s', (_name, layout, reportId, reports, calls, expected) => {
    expect(
      play(
        layout,
        reportId,
        reports.map((r) => [...r]),
        [...calls],
      ),
    ).toEqual(expected);
  });

  it('the first report after opening the device is a state, never a press', () => {
    const first = readButtons(jlab, 0x0b, Uint8Array.from([0x01]));
    expect(first).toEqual({ hookSwitch: 1, phoneMute: 0, flash: 0 });
    expect(headsetIntents(jlab, null, first ?? {}, [ringing])).toEqual([]);
  });

  it('an outgoing call that rings at the far end is not answered by the hook', () => {
    expect(play(jlab, 0x0b, [[0x00], [0x01]], [{ id: 'o1', state: 'ringing', muted: false, direction: 'outgoing' }])).toEqual([]);
  });
});

/**
 * A one-report telephony collection whose hook switch is described by the
 * given Input item flags (HID 1.11 §6.2.2.5): 0x02 Data,Var,Abs (with a
 * preferred state), 0x06 Data,Var,Rel, 0x22 Data,Var,Abs,No Preferred State.
 */
const hookOnly = (inputFlags: number) =>
  Uint8Array.from([
    0x05,
    0x0b,
    0x09,
    0x05,
    0xa1,
    0x01,
    0x85,
    0x03,
    0x15,
    0x00,
    0x25,
    0x01,
    0x75,
    0x01,
    0x95,
    0x01,
    0x09,
    0x20,
    0x81,
    inputFlags,
    0x95,
    0x07,
    0x81,
    0x03,
    0xc0,
  ]);

describe('the No Preferred State flag decides momentary or latching', () => {
  const playHook = (flags: number, reports: number[], calls: HeadsetCall[]) => {
    const layout = layoutFromDescriptor(hookOnly(flags));
    let previous = readButtons(layout, 3, Uint8Array.from([reports[0] ?? 0]));
    const intents = [];
    for (const byte of reports.slice(1)) {
      const next = readButtons(layout, 3, Uint8Array.from([byte])) ?? {};
      intents.push(...headsetIntents(layout, previous, next, calls));
      previous = next;
      // The phone follows: an answered call is up for the next report.
      if (intents.at(-1)?.kind === 'answer') calls = [active];
    }
    return intents;
  };

  it.each([
    ['Relative (0x06)', 0x06, true],
    ['Absolute with a preferred state (0x02)', 0x02, true],
    ['Absolute, No Preferred State (0x22)', 0x22, false],
    ['Relative and No Preferred State (0x26)', 0x26, true],
  ] as const)('%s: momentary %s', (_name, flags, momentary) => {
    expect(layoutFromDescriptor(hookOnly(flags)).buttons.hookSwitch).toEqual({ reportId: 3, bitOffset: 0, bitSize: 1, momentary });
  });

  it('Absolute with a preferred state: press answers, and the release does not hang up', () => {
    expect(playHook(0x02, [0, 1, 0], [ringing])).toEqual([{ kind: 'answer', callId: 'c1' }]);
  });

  it('Relative: press answers, the release does nothing', () => {
    expect(playHook(0x06, [0, 1, 0], [ringing])).toEqual([{ kind: 'answer', callId: 'c1' }]);
  });

  it('Absolute, No Preferred State: off-hook answers and back on-hook hangs up', () => {
    expect(playHook(0x22, [0, 1, 0], [ringing])).toEqual([
      { kind: 'answer', callId: 'c1' },
      { kind: 'hangup', callId: 'c1' },
    ]);
  });

  it("WebHID's hasPreferredState gives the same answer as the descriptor bit", () => {
    const u = (id: number) => (0x0b << 16) | id;
    const withItem = (item: { isAbsolute: boolean; hasPreferredState?: boolean }): HidCollectionLike[] => [
      { usagePage: 0x0b, inputReports: [{ reportId: 3, items: [{ usages: [u(0x20)], reportSize: 1, reportCount: 1, ...item }] }] },
    ];
    expect(layoutFromCollections(withItem({ isAbsolute: true, hasPreferredState: true })).buttons.hookSwitch?.momentary).toBe(true);
    expect(layoutFromCollections(withItem({ isAbsolute: true })).buttons.hookSwitch?.momentary).toBe(true);
    expect(layoutFromCollections(withItem({ isAbsolute: true, hasPreferredState: false })).buttons.hookSwitch?.momentary).toBe(false);
    expect(layoutFromCollections(withItem({ isAbsolute: false, hasPreferredState: false })).buttons.hookSwitch?.momentary).toBe(true);
  });

  it('an output report split over a collection and its child is as long as its longest reading', () => {
    const led = (id: number) => (0x08 << 16) | id;
    const layout = layoutFromCollections([
      {
        usagePage: 0x0b,
        outputReports: [
          {
            reportId: 4,
            items: [
              { usages: [led(0x17)], reportSize: 1, reportCount: 1, isAbsolute: true },
              { reportSize: 1, reportCount: 15, isConstant: true },
            ],
          },
        ],
        children: [{ usagePage: 0x08, outputReports: [{ reportId: 4, items: [{ usages: [led(0x09)], reportSize: 1, reportCount: 1, isAbsolute: true }] }] }],
      },
    ]);
    expect(layout.outputReportBytes).toEqual({ 4: 2 });
  });
});

describe('LEDs follow the call', () => {
  it.each([
    ['idle', [], { offHook: false, ring: false, mute: false, hold: false }],
    ['ringing', [ringing], { offHook: false, ring: true, mute: false, hold: false }],
    ['in a call', [active], { offHook: true, ring: false, mute: false, hold: false }],
    ['muted', [activeMuted], { offHook: true, ring: false, mute: true, hold: false }],
    ['held', [held], { offHook: true, ring: false, mute: false, hold: true }],
    ['a second call rings during one', [active, { ...ringing, id: 'c2' }], { offHook: true, ring: true, mute: false, hold: false }],
  ] as const)('%s', (_name, calls, expected) => {
    expect(ledStates([...calls])).toEqual(expected);
  });

  it('builds the output report each headset reads', () => {
    const muted = ledStates([activeMuted]);
    expect(ledReports(layoutFromDescriptor(JLAB_JH5003_TELEPHONY), muted)).toEqual([{ reportId: 0x0b, data: Uint8Array.from([0b011]) }]);
    expect(ledReports(layoutFromDescriptor(POLY_BT700_TELEPHONY), muted)).toEqual([{ reportId: 1, data: Uint8Array.from([0b011]) }]);
    expect(ledReports(layoutFromDescriptor(GIGASET_DONGLE_TELEPHONY), ledStates([held]))).toEqual([{ reportId: 2, data: Uint8Array.from([0b1001, 0]) }]);
    expect(ledReports(layoutFromDescriptor(JLAB_JH5003_TELEPHONY), ledStates([ringing]))).toEqual([{ reportId: 0x0b, data: Uint8Array.from([0b100]) }]);
  });

  it('a device without LEDs gets no report', () => {
    expect(ledReports(layoutFromDescriptor(BOOT_KEYBOARD), ledStates([active]))).toEqual([]);
  });
});

describe("the headset's echo of our LEDs", () => {
  const inCall = { leds: ledStates([active]), at: 1000 };
  it.each([
    ['hook and mute as sent, soon after', inCall, { hookSwitch: 1, phoneMute: 0 }, 1500, true],
    ['only the hook, as sent', inCall, { hookSwitch: 1 }, 1500, true],
    ['hook differs from the off-hook LED', inCall, { hookSwitch: 0, phoneMute: 0 }, 1500, false],
    ['mute differs from the mute LED', inCall, { hookSwitch: 1, phoneMute: 1 }, 1500, false],
    ['as sent, but later than the echo window', inCall, { hookSwitch: 1, phoneMute: 0 }, 1000 + LED_ECHO_MS + 1, false],
    ['nothing sent yet', null, { hookSwitch: 1 }, 1500, false],
    ['a report with neither hook nor mute', inCall, { flash: 1 }, 1500, false],
  ] as const)('%s: echo %s', (_name, sent, next, now, echo) => {
    expect(isLedEcho(sent, next, now)).toBe(echo);
  });
});
