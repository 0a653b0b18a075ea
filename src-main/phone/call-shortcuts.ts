import type { FocusCommand } from '../focus/focus-commands.js';
import type { CallView } from '../ipc/contract.js';

/**
 * What a global hotkey or the Play/Pause media key does, decided from the
 * calls, focus and the follow-up list at the moment it is pressed. Pure, so
 * the choice of call is table-tested; the Electron shell only carries it out
 * (app/global-hotkeys.ts).
 */

export type ShortcutAction = 'answer' | 'hangup' | 'mute' | 'toggleDnd' | 'createTicket' | 'playPause';

export type ShortcutContext = {
  calls: readonly Pick<CallView, 'id' | 'state' | 'muted' | 'direction'>[];
  focusMode: 'off' | 'ticket' | 'dnd';
  /** The newest held-back or missed call nobody has dealt with. */
  newestFollowUp: { id: string; caller: string } | null;
};

export type ShortcutCommand =
  | { kind: 'phone'; name: 'phone.answer' | 'phone.hangup'; request: { callId: string } }
  | { kind: 'phone'; name: 'phone.mute'; request: { callId: string; muted: boolean } }
  | { kind: 'focus'; command: FocusCommand }
  | { kind: 'create-ticket'; attemptId: string; caller: string }
  /** Nothing to act on: said plainly (a quiet notification), never an error. */
  | { kind: 'nothing'; message: string };

/** One hour, like the tray's "Do not disturb for 1 hour". */
export const HOTKEY_DND_MINUTES = 60;

export function shortcutCommand(action: ShortcutAction, context: ShortcutContext): ShortcutCommand {
  const ringing = context.calls.find((c) => c.state === 'ringing' && c.direction === 'incoming');
  const current =
    context.calls.find((c) => c.state === 'active') ??
    context.calls.find((c) => c.state === 'dialing' || c.state === 'early') ??
    context.calls.find((c) => c.state === 'held');
  switch (action) {
    case 'answer':
      return ringing ? { kind: 'phone', name: 'phone.answer', request: { callId: ringing.id } } : { kind: 'nothing', message: 'No call is ringing.' };
    case 'hangup':
      return current ? { kind: 'phone', name: 'phone.hangup', request: { callId: current.id } } : { kind: 'nothing', message: 'There is no call to hang up.' };
    case 'mute': {
      const talking = context.calls.find((c) => c.state === 'active');
      return talking
        ? { kind: 'phone', name: 'phone.mute', request: { callId: talking.id, muted: !talking.muted } }
        : { kind: 'nothing', message: 'There is no call to mute.' };
    }
    case 'playPause':
      // A ringing call is answered even during another call (call waiting): that is what a headset's one button does too.
      if (ringing) return { kind: 'phone', name: 'phone.answer', request: { callId: ringing.id } };
      if (current) return { kind: 'phone', name: 'phone.hangup', request: { callId: current.id } };
      return { kind: 'nothing', message: 'No call is ringing or up.' };
    case 'toggleDnd':
      return context.focusMode === 'dnd'
        ? { kind: 'focus', command: { kind: 'dnd-stop' } }
        : { kind: 'focus', command: { kind: 'dnd-start', minutes: HOTKEY_DND_MINUTES } };
    case 'createTicket':
      return context.newestFollowUp
        ? { kind: 'create-ticket', attemptId: context.newestFollowUp.id, caller: context.newestFollowUp.caller }
        : { kind: 'nothing', message: 'There is no held-back call to make a ticket of.' };
  }
}

/** A key's auto-repeat or a bouncing media key: the same action again within this long is one press. */
export const SHORTCUT_DEBOUNCE_MS = 500;
/** After answering, a hang-up of that same call this soon is the answer's key pressed twice (Play/Pause is a toggle), not a wish to hang up. */
export const HANGUP_AFTER_ANSWER_MS = 1500;

/**
 * Hotkeys and the media key are stateless toggles, repeated by the OS and by
 * Bluetooth stacks: a held key or a double tap must not answer and then hang
 * up. The guard turns away a repeat of the same action within
 * SHORTCUT_DEBOUNCE_MS, and a hang-up (from Hang up or Play/Pause) of the
 * call answered less than HANGUP_AFTER_ANSWER_MS ago. Pure but for the
 * injected clock; the shell keeps one for all keys.
 */
export function createShortcutGuard(now: () => number) {
  const lastPress = new Map<ShortcutAction, number>();
  let answered: { callId: string; at: number } | null = null;
  return {
    /** Whether this press, and the command it decided on, should run; remembers it either way. */
    allow(action: ShortcutAction, command: ShortcutCommand): boolean {
      const at = now();
      const previous = lastPress.get(action);
      lastPress.set(action, at);
      if (previous !== undefined && at - previous < SHORTCUT_DEBOUNCE_MS) return false;
      if (command.kind !== 'phone') return true;
      if (command.name === 'phone.answer') {
        answered = { callId: command.request.callId, at };
        return true;
      }
      if (command.name === 'phone.hangup' && answered?.callId === command.request.callId && at - answered.at < HANGUP_AFTER_ANSWER_MS) return false;
      return true;
    },
  };
}

export type ShortcutGuard = ReturnType<typeof createShortcutGuard>;
