/**
 * The telephony part of a HID report descriptor (USB HID 1.11 §6.2.2), read
 * into the fields Focusline uses: the buttons a headset sends on the
 * Telephony page (0x0B) and the LEDs it takes on the LED page (0x08).
 *
 * Two producers give the same layout: `layoutFromDescriptor` reads the raw
 * descriptor bytes (what a headset publishes, and what the tests hold), and
 * `layoutFromCollections` reads the collections WebHID has already parsed
 * (navigator.hid gives no raw bytes). Pure: no DOM, no Node.
 */

export const TELEPHONY_PAGE = 0x0b;
export const LED_PAGE = 0x08;

/** Telephony page usages a headset sends (HID Usage Tables 1.4 §14). */
export const TELEPHONY_USAGES = { hookSwitch: 0x20, flash: 0x21, phoneMute: 0x2f } as const;
/** LED page usages Focusline drives (HID Usage Tables 1.4 §11). */
export const LED_USAGES = { mute: 0x09, offHook: 0x17, ring: 0x18, hold: 0x20 } as const;

export type HeadsetButton = keyof typeof TELEPHONY_USAGES;
export type HeadsetLed = keyof typeof LED_USAGES;

/**
 * One 1-bit-or-wider field of a report. `momentary`: a button that springs
 * back, so each 0→1 edge is one press; else the value is a latching state.
 * A field is momentary when it is Relative, or Absolute with a preferred
 * state (the control returns to rest by itself: HID 1.11 §6.2.2.5, bit 5 of
 * the Input/Output item clear, WebHID's `hasPreferredState`). Only Absolute
 * with No Preferred State (bit 5 set) is a latching switch whose value is the
 * state, such as a hook switch that stays off-hook while the boom is down.
 */
export type ReportField = { reportId: number; bitOffset: number; bitSize: number; momentary: boolean };

/** Bit 5 of an Input/Output/Feature item: the control has no state it returns to by itself. */
const NO_PREFERRED_STATE = 0x20;

/** The rule above, on the two flags that decide it. */
export function isMomentary(flags: { relative: boolean; noPreferredState: boolean }): boolean {
  return flags.relative || !flags.noPreferredState;
}

export type TelephonyLayout = {
  /** Whether any top-level collection is on the Telephony page (what Electron's permission handler checks too). */
  telephony: boolean;
  buttons: Partial<Record<HeadsetButton, ReportField>>;
  leds: Partial<Record<HeadsetLed, ReportField>>;
  /** Payload length in bytes of each output report that carries an LED (the report id is not counted). */
  outputReportBytes: Record<number, number>;
};

type Globals = { usagePage: number; reportSize: number; reportCount: number; reportId: number };

const MAIN_INPUT = 0x8;
const MAIN_OUTPUT = 0x9;
const MAIN_FEATURE = 0xb;
const MAIN_COLLECTION = 0xa;
const MAIN_END_COLLECTION = 0xc;
/** A descriptor longer than this is not a headset's; reading stops rather than spinning on garbage. */
const MAX_DESCRIPTOR_BYTES = 8192;

function emptyLayout(): TelephonyLayout {
  return { telephony: false, buttons: {}, leds: {}, outputReportBytes: {} };
}

const BUTTON_BY_USAGE = new Map<number, HeadsetButton>(Object.entries(TELEPHONY_USAGES).map(([k, v]) => [v, k as HeadsetButton]));
const LED_BY_USAGE = new Map<number, HeadsetLed>(Object.entries(LED_USAGES).map(([k, v]) => [v, k as HeadsetLed]));

/** Reads a report descriptor's short items. Long items (0xFE) are skipped; a truncated item ends the read. */
export function layoutFromDescriptor(bytes: Uint8Array): TelephonyLayout {
  const layout = emptyLayout();
  const bitsUsed = { input: new Map<number, number>(), output: new Map<number, number>(), feature: new Map<number, number>() };
  let globals: Globals = { usagePage: 0, reportSize: 0, reportCount: 0, reportId: 0 };
  const stack: Globals[] = [];
  let usages: number[] = [];
  let usageMin: number | null = null;
  let depth = 0;
  const end = Math.min(bytes.length, MAX_DESCRIPTOR_BYTES);
  let at = 0;
  while (at < end) {
    const prefix = bytes[at] ?? 0;
    if (prefix === 0xfe) {
      at += 3 + (bytes[at + 1] ?? 0);
      continue;
    }
    const size = [0, 1, 2, 4][prefix & 0x3] ?? 0;
    if (at + 1 + size > end) break;
    let data = 0;
    for (let i = 0; i < size; i++) data |= (bytes[at + 1 + i] ?? 0) << (8 * i);
    data >>>= 0;
    const type = (prefix >> 2) & 0x3;
    const tag = prefix >> 4;
    at += 1 + size;
    if (type === 1) {
      // Global items.
      if (tag === 0x0) globals = { ...globals, usagePage: data };
      else if (tag === 0x7) globals = { ...globals, reportSize: data };
      else if (tag === 0x8) globals = { ...globals, reportId: data };
      else if (tag === 0x9) globals = { ...globals, reportCount: data };
      else if (tag === 0xa) stack.push({ ...globals });
      else if (tag === 0xb) globals = stack.pop() ?? globals;
      continue;
    }
    if (type === 2) {
      // Local items: a 4-byte usage carries its own page in the high half.
      const full = size === 4 ? data : ((globals.usagePage << 16) | data) >>> 0;
      if (tag === 0x0) usages.push(full);
      else if (tag === 0x1) usageMin = full;
      else if (tag === 0x2 && usageMin !== null) {
        for (let u = usageMin; u <= full && usages.length < 256; u++) usages.push(u);
        usageMin = null;
      }
      continue;
    }
    if (type === 0) {
      if (tag === MAIN_COLLECTION) {
        if (depth === 0 && ((usages[0] ?? 0) >>> 16 === TELEPHONY_PAGE || globals.usagePage === TELEPHONY_PAGE)) layout.telephony = true;
        depth++;
      } else if (tag === MAIN_END_COLLECTION) {
        depth = Math.max(0, depth - 1);
      } else if (tag === MAIN_INPUT || tag === MAIN_OUTPUT || tag === MAIN_FEATURE) {
        const kind = tag === MAIN_INPUT ? 'input' : tag === MAIN_OUTPUT ? 'output' : 'feature';
        const used = bitsUsed[kind];
        const start = used.get(globals.reportId) ?? 0;
        const constant = (data & 0x1) !== 0;
        const variable = (data & 0x2) !== 0;
        const momentary = isMomentary({ relative: (data & 0x4) !== 0, noPreferredState: (data & NO_PREFERRED_STATE) !== 0 });
        if (!constant && variable) {
          for (let i = 0; i < globals.reportCount; i++) {
            // With fewer usages than fields, the last usage repeats (HID 1.11 §6.2.2.8).
            const usage = usages[Math.min(i, usages.length - 1)];
            if (usage === undefined) break;
            const field: ReportField = { reportId: globals.reportId, bitOffset: start + i * globals.reportSize, bitSize: globals.reportSize, momentary };
            place(layout, kind, usage, field);
          }
        }
        used.set(globals.reportId, start + globals.reportSize * globals.reportCount);
      }
      usages = [];
      usageMin = null;
    }
  }
  for (const [reportId, bits] of bitsUsed.output) {
    if (Object.values(layout.leds).some((f) => f.reportId === reportId)) layout.outputReportBytes[reportId] = Math.ceil(bits / 8);
  }
  return layout;
}

function place(layout: TelephonyLayout, kind: 'input' | 'output' | 'feature', usage: number, field: ReportField): void {
  const page = usage >>> 16;
  const id = usage & 0xffff;
  if (kind === 'input' && page === TELEPHONY_PAGE) {
    const button = BUTTON_BY_USAGE.get(id);
    if (button && !layout.buttons[button]) layout.buttons[button] = field;
  } else if (kind === 'output' && page === LED_PAGE) {
    const led = LED_BY_USAGE.get(id);
    if (led && !layout.leds[led]) layout.leds[led] = field;
  }
}

/** WebHID's parsed collections (HIDCollectionInfo), the parts read here. */
export type HidReportItemLike = {
  usages?: readonly number[];
  usageMinimum?: number;
  usageMaximum?: number;
  reportSize?: number;
  reportCount?: number;
  isConstant?: boolean;
  isArray?: boolean;
  isAbsolute?: boolean;
  isRange?: boolean;
  /** WebHID's inverse of the item's No Preferred State bit; absent means the default (a preferred state). */
  hasPreferredState?: boolean;
};
export type HidReportInfoLike = { reportId?: number; items?: readonly HidReportItemLike[] };
export type HidCollectionLike = {
  usagePage?: number;
  usage?: number;
  inputReports?: readonly HidReportInfoLike[];
  outputReports?: readonly HidReportInfoLike[];
  children?: readonly HidCollectionLike[];
};

/** The same layout from WebHID's collections: items are in report order, so offsets add up as in the descriptor. */
export function layoutFromCollections(collections: readonly HidCollectionLike[]): TelephonyLayout {
  const layout = emptyLayout();
  layout.telephony = collections.some((c) => c.usagePage === TELEPHONY_PAGE);
  const outputBits = new Map<number, number>();
  const walk = (collection: HidCollectionLike) => {
    for (const [kind, reports] of [
      ['input', collection.inputReports],
      ['output', collection.outputReports],
    ] as const) {
      for (const report of reports ?? []) {
        const reportId = report.reportId ?? 0;
        let offset = 0;
        for (const item of report.items ?? []) {
          const size = item.reportSize ?? 0;
          const count = item.reportCount ?? 0;
          const usages =
            item.isRange && item.usageMinimum !== undefined && item.usageMaximum !== undefined
              ? range(item.usageMinimum, item.usageMaximum)
              : (item.usages ?? []);
          if (!item.isConstant && !item.isArray) {
            for (let i = 0; i < count; i++) {
              const usage = usages[Math.min(i, usages.length - 1)];
              if (usage === undefined) break;
              place(layout, kind, usage, {
                reportId,
                bitOffset: offset + i * size,
                bitSize: size,
                momentary: isMomentary({ relative: item.isAbsolute === false, noPreferredState: item.hasPreferredState === false }),
              });
            }
          }
          offset += size * count;
        }
        // A report's items can be spread over a collection and its children: the longest reading is its length.
        if (kind === 'output') outputBits.set(reportId, Math.max(outputBits.get(reportId) ?? 0, offset));
      }
    }
    for (const child of collection.children ?? []) walk(child);
  };
  for (const collection of collections) walk(collection);
  for (const [reportId, bits] of outputBits) {
    if (Object.values(layout.leds).some((f) => f.reportId === reportId)) layout.outputReportBytes[reportId] = Math.ceil(bits / 8);
  }
  return layout;
}

function range(min: number, max: number): number[] {
  const out: number[] = [];
  for (let u = min; u <= max && out.length < 256; u++) out.push(u);
  return out;
}

/** Whether a device (as Electron's select-hid-device or WebHID describes it) is a telephony headset. */
export function isTelephonyDevice(collections: readonly { usagePage?: number }[] | undefined): boolean {
  return (collections ?? []).some((c) => c.usagePage === TELEPHONY_PAGE);
}
