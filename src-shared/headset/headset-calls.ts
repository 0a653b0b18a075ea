import type { HeadsetButton, HeadsetLed, ReportField, TelephonyLayout } from './hid-report-descriptor.js';

/**
 * What a headset's buttons mean for the calls, and what its LEDs should show.
 * Pure: the renderer feeds it WebHID input reports and the phone's calls, and
 * sends the output reports it builds.
 *
 * A momentary field (Relative, or Absolute with a preferred state: see
 * ReportField) is a button that springs back: each 0→1 edge is one press, so
 * the hook switch answers a ringing call or hangs up, and Phone Mute toggles;
 * the release does nothing. Only an Absolute field with No Preferred State
 * is a latching state: the hook switch at 1 means the headset went off-hook
 * (answer), back to 0 means on-hook (hang up), and mute at 1 means muted. Flash (0x21) puts the call on
 * hold or takes it off. Only a change is acted on, and only when it disagrees
 * with the call: the LEDs we send make a latching headset report the state we
 * are already in, which must not answer or hang up anything.
 */

export type HeadsetCall = { id: string; state: 'ringing' | 'dialing' | 'early' | 'active' | 'held'; muted: boolean; direction?: 'incoming' | 'outgoing' };

export type HeadsetIntent =
  | { kind: 'answer'; callId: string }
  | { kind: 'hangup'; callId: string }
  | { kind: 'mute'; callId: string; muted: boolean }
  | { kind: 'hold'; callId: string; hold: boolean };

export type ButtonStates = Partial<Record<HeadsetButton, number>>;

/** Reads the telephony buttons out of one input report (WebHID gives the id apart from the data). */
export function readButtons(layout: TelephonyLayout, reportId: number, data: Uint8Array): ButtonStates | null {
  const states: ButtonStates = {};
  let found = false;
  for (const [button, field] of Object.entries(layout.buttons) as Array<[HeadsetButton, ReportField]>) {
    if (field.reportId !== reportId) continue;
    states[button] = readBits(data, field.bitOffset, field.bitSize);
    found = true;
  }
  return found ? states : null;
}

/** The call a button acts on: a ringing incoming call first (answering it is what a tech means), else the live one. */
function ringingCall(calls: readonly HeadsetCall[]): HeadsetCall | undefined {
  return calls.find((c) => c.state === 'ringing' && c.direction !== 'outgoing');
}
function liveCall(calls: readonly HeadsetCall[]): HeadsetCall | undefined {
  return calls.find((c) => c.state === 'active') ?? calls.find((c) => c.state === 'dialing' || c.state === 'early') ?? calls.find((c) => c.state === 'held');
}

/**
 * The intents one input report carries, given the previous report's states.
 * `previous` is null for the first report after opening the device: its
 * states are taken as they are, never as presses.
 */
export function headsetIntents(layout: TelephonyLayout, previous: ButtonStates | null, next: ButtonStates, calls: readonly HeadsetCall[]): HeadsetIntent[] {
  if (previous === null) return [];
  const intents: HeadsetIntent[] = [];
  const changed = (button: HeadsetButton) => next[button] !== undefined && previous[button] !== undefined && next[button] !== previous[button];
  const pressed = (button: HeadsetButton) => changed(button) && (previous[button] ?? 0) === 0 && (next[button] ?? 0) !== 0;
  const ringing = ringingCall(calls);
  const live = liveCall(calls);

  const hook = layout.buttons.hookSwitch;
  if (hook && changed('hookSwitch')) {
    const offHook = (next.hookSwitch ?? 0) !== 0;
    if (hook.momentary) {
      if (pressed('hookSwitch')) {
        if (ringing && !live) intents.push({ kind: 'answer', callId: ringing.id });
        else if (live) intents.push({ kind: 'hangup', callId: live.id });
      }
    } else if (offHook && ringing && !live) intents.push({ kind: 'answer', callId: ringing.id });
    else if (!offHook && live) intents.push({ kind: 'hangup', callId: live.id });
  }

  const mute = layout.buttons.phoneMute;
  const talking = calls.find((c) => c.state === 'active');
  if (mute && talking && changed('phoneMute')) {
    if (mute.momentary) {
      if (pressed('phoneMute')) intents.push({ kind: 'mute', callId: talking.id, muted: !talking.muted });
    } else {
      const muted = (next.phoneMute ?? 0) !== 0;
      if (muted !== talking.muted) intents.push({ kind: 'mute', callId: talking.id, muted });
    }
  }

  if (layout.buttons.flash && pressed('flash')) {
    const target = calls.find((c) => c.state === 'active') ?? calls.find((c) => c.state === 'held');
    if (target) intents.push({ kind: 'hold', callId: target.id, hold: target.state !== 'held' });
  }
  return intents;
}

export type LedStates = Record<HeadsetLed, boolean>;

/** What the headset's lights show for these calls: off-hook while any call is up, ring while one rings, mute and hold for the live call. */
export function ledStates(calls: readonly HeadsetCall[]): LedStates {
  const live = liveCall(calls);
  return {
    offHook: live !== undefined,
    ring: ringingCall(calls) !== undefined,
    mute: live?.state === 'active' ? live.muted : false,
    hold: live?.state === 'held',
  };
}

/** How long after sending LEDs an input report that merely repeats them is taken for the headset's echo. */
export const LED_ECHO_MS = 1000;

export type SentLeds = { leds: LedStates; at: number };

/**
 * Whether an input report is the headset echoing the LEDs we just sent:
 * Bluetooth and DECT headsets report their hook and mute state back after an
 * output report, late and sometimes as a fresh 0→1 edge, which would read as
 * a press and hang up the call just answered. Within LED_ECHO_MS of sending,
 * a report whose hook switch and mute (those it carries, at least one) equal
 * the off-hook and mute LEDs we sent is the echo: nothing is acted on.
 */
export function isLedEcho(sent: SentLeds | null, next: ButtonStates, now: number): boolean {
  if (sent === null || now - sent.at > LED_ECHO_MS || now < sent.at) return false;
  const pairs: Array<[number | undefined, boolean]> = [
    [next.hookSwitch, sent.leds.offHook],
    [next.phoneMute, sent.leds.mute],
  ];
  const carried = pairs.filter(([value]) => value !== undefined);
  return carried.length > 0 && carried.every(([value, led]) => (value !== 0) === led);
}

export type OutputReport = { reportId: number; data: Uint8Array };

/** The output reports that set these LEDs, one per report id the LEDs live in; other bits in those reports stay 0. */
export function ledReports(layout: TelephonyLayout, leds: LedStates): OutputReport[] {
  const reports = new Map<number, Uint8Array>();
  for (const [led, field] of Object.entries(layout.leds) as Array<[HeadsetLed, ReportField]>) {
    let data = reports.get(field.reportId);
    if (!data) {
      data = new Uint8Array(layout.outputReportBytes[field.reportId] ?? Math.ceil((field.bitOffset + field.bitSize) / 8));
      reports.set(field.reportId, data);
    }
    writeBits(data, field.bitOffset, field.bitSize, leds[led] ? 1 : 0);
  }
  return [...reports].map(([reportId, data]) => ({ reportId, data }));
}

function readBits(data: Uint8Array, offset: number, size: number): number {
  let value = 0;
  for (let i = 0; i < size && i < 32; i++) {
    const bit = offset + i;
    const byte = data[bit >> 3];
    if (byte === undefined) break;
    if ((byte >> (bit & 7)) & 1) value |= 1 << i;
  }
  return value >>> 0;
}

function writeBits(data: Uint8Array, offset: number, size: number, value: number): void {
  for (let i = 0; i < size && i < 32; i++) {
    const bit = offset + i;
    const index = bit >> 3;
    if (index >= data.length) return;
    const mask = 1 << (bit & 7);
    const current = data[index] ?? 0;
    data[index] = (value >> i) & 1 ? current | mask : current & ~mask;
  }
}
