import { z } from 'zod';
import { parseAccelerator, type HotkeyAction } from '../../src-shared/hotkeys/accelerator.js';
import { setting } from './setting-spec.js';
import { OptionalPolicyUrl } from './value-schemas.js';

/**
 * The desktop conventions techs expect (issue #13): headset buttons, media
 * keys, global hotkeys, links from other apps and auto-update. Kept apart
 * from schema.ts so the rooms that use them (app/electron-*, the renderer's
 * Settings) read one short list; schema.ts spreads it into the registry.
 */

/** An Electron accelerator, normalised ("ctrl+shift+a" → "Control+Shift+A"); empty: no hotkey. */
const Accelerator = z
  .string()
  .max(64)
  .transform((value, ctx) => {
    const parsed = parseAccelerator(value);
    if (parsed.ok) return parsed.accelerator;
    ctx.addIssue({ code: 'custom', message: `must be a key combination such as Ctrl+Alt+A, or empty: it ${parsed.message}` });
    return z.NEVER;
  });

/** A USB device as vendor:product in hex, e.g. 0b0e:245e. */
const HidDeviceId = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^([0-9a-f]{4}:[0-9a-f]{4})?$/, 'must be vendor:product in hex, e.g. 0b0e:245e (or empty)');

export const desktopSettings = {
  'headset.device': setting(
    'user-only',
    HidDeviceId,
    '',
    'The headset whose buttons answer calls, as vendor:product in hex (chosen in Settings → Headset, beside the audio devices). Only this telephony device may be opened. Empty: none.',
  ),
  'headset.buttons': setting('lockable', z.boolean(), true, "Let the chosen headset's buttons answer, hang up, mute and hold calls, and light its LEDs."),
  'hotkeys.mediaKeys': setting('lockable', z.boolean(), false, 'The Play/Pause media key answers a ringing call and hangs up the current one.'),
  'hotkeys.answer': setting('lockable', Accelerator, '', 'Global hotkey that answers the ringing call, e.g. CommandOrControl+Alt+A. Empty: none.'),
  'hotkeys.hangup': setting('lockable', Accelerator, '', 'Global hotkey that hangs up the current call. Empty: none.'),
  'hotkeys.mute': setting('lockable', Accelerator, '', 'Global hotkey that mutes or unmutes the current call. Empty: none.'),
  'hotkeys.toggleDnd': setting('lockable', Accelerator, '', 'Global hotkey that turns do-not-disturb on (for an hour) or off. Empty: none.'),
  'hotkeys.createTicket': setting(
    'lockable',
    Accelerator,
    '',
    'Global hotkey for "Create ticket instead" on the newest held-back call to follow up. Empty: none.',
  ),
  // Policy only: a link is what any web page or email can fire, so only the organization may waive the question.
  'links.trusted': setting(
    'policy-only',
    z.boolean(),
    false,
    'Act on links from other apps at once: dial tel:, sip: and callto: links, and run focusline:// commands. Off: Focusline shows what the link asks and waits for the technician.',
  ),
  'updates.url': setting(
    'policy-only',
    OptionalPolicyUrl,
    '',
    'Where updates are published (electron-builder generic provider: the folder holding latest.yml), https. Empty: no automatic updates.',
  ),
  'updates.channel': setting(
    'policy-only',
    z.enum(['latest', 'beta', 'alpha']),
    'latest',
    'The update channel: latest, beta or alpha (latest.yml, beta.yml, alpha.yml).',
  ),
} as const;

export const HOTKEY_SETTING: Record<HotkeyAction, `hotkeys.${HotkeyAction}`> = {
  answer: 'hotkeys.answer',
  hangup: 'hotkeys.hangup',
  mute: 'hotkeys.mute',
  toggleDnd: 'hotkeys.toggleDnd',
  createTicket: 'hotkeys.createTicket',
};
