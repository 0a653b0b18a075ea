import { concreteChords, HOTKEY_ACTIONS, parseAccelerator } from '../../src-shared/hotkeys/accelerator.js';
import { messageOf } from '../../src-shared/errors.js';
import type { HotkeyStatus } from '../ipc/contract.js';
import { shortcutCommand, type ShortcutAction, type ShortcutGuard } from '../phone/call-shortcuts.js';
import { HOTKEY_SETTING } from '../policy/desktop-settings.js';
import type { SettingsValues } from '../policy/schema.js';
import type { Notify } from './notifications.js';
import type { Services } from './services.js';

/** The slice of Electron's globalShortcut the shell drives. */
export interface GlobalShortcutPort {
  /** False when another app (or the OS) holds the key. */
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

/** Electron's name for the Play/Pause media key. */
export const MEDIA_PLAY_PAUSE = 'MediaPlayPause';

const LABEL: Record<ShortcutAction, string> = {
  answer: 'Answer',
  hangup: 'Hang up',
  mute: 'Mute',
  toggleDnd: 'Do not disturb',
  createTicket: 'Create ticket instead',
  playPause: 'Play/Pause media key',
};

type HotkeyValues = Pick<SettingsValues, 'hotkeys.mediaKeys' | (typeof HOTKEY_SETTING)[keyof typeof HOTKEY_SETTING]>;

/**
 * Which keys to ask the OS for, and what already went wrong before asking:
 * an empty or invalid key is off, a key two actions share goes to the first
 * (CommandOrControl+A and Control+A count as one key).
 */
export function plannedHotkeys(values: HotkeyValues): HotkeyStatus[] {
  const claimed = new Map<string, ShortcutAction>();
  const plan: HotkeyStatus[] = [];
  for (const action of HOTKEY_ACTIONS) {
    const parsed = parseAccelerator(values[HOTKEY_SETTING[action]]);
    const accelerator = parsed.ok ? parsed.accelerator : '';
    if (accelerator === '') {
      plan.push({ action, accelerator: '', state: 'off', message: '' });
      continue;
    }
    // CommandOrControl+A and Control+A are the same key on Windows and Linux: compare what each means on every system.
    const chords = concreteChords(accelerator);
    const owner = chords.map((chord) => claimed.get(chord)).find((a) => a !== undefined);
    if (owner) {
      plan.push({ action, accelerator, state: 'duplicate', message: `${accelerator} is already ${LABEL[owner]}; choose another key for ${LABEL[action]}.` });
      continue;
    }
    for (const chord of chords) claimed.set(chord, action);
    plan.push({ action, accelerator, state: 'registered', message: '' });
  }
  plan.push(
    values['hotkeys.mediaKeys']
      ? { action: 'playPause', accelerator: MEDIA_PLAY_PAUSE, state: 'registered', message: '' }
      : { action: 'playPause', accelerator: '', state: 'off', message: '' },
  );
  return plan;
}

export type HotkeyDeps = {
  shortcuts: GlobalShortcutPort;
  values: () => HotkeyValues;
  onChange: (listener: () => void) => () => void;
  run: (action: ShortcutAction) => void;
  report: (statuses: HotkeyStatus[]) => void;
  log: (message: string) => void;
};

/**
 * Holds the global hotkeys policy and the tech asked for, re-registering
 * whenever settings change, and reports each one's state plainly (Settings →
 * Hotkeys shows it): "Ctrl+Alt+A is taken by another app".
 */
export function startGlobalHotkeys(deps: HotkeyDeps): { statuses: () => HotkeyStatus[]; stop: () => void } {
  let held: string[] = [];
  let statuses: HotkeyStatus[] = [];
  let lastKey = '';
  const release = () => {
    for (const accelerator of held) deps.shortcuts.unregister(accelerator);
    held = [];
  };
  const apply = () => {
    const plan = plannedHotkeys(deps.values());
    const key = JSON.stringify(plan);
    if (key === lastKey) return;
    lastKey = key;
    release();
    statuses = plan.map((entry) => {
      if (entry.state !== 'registered') return entry;
      const action = entry.action;
      let ok: boolean;
      try {
        ok = deps.shortcuts.register(entry.accelerator, () => deps.run(action));
      } catch (error) {
        // Electron throws on an accelerator it can't parse; ours are parsed first, so this is a platform refusing it.
        deps.log(`Could not register ${entry.accelerator}: ${messageOf(error)}`);
        ok = false;
      }
      if (!ok) {
        const message = `${entry.accelerator} is taken by another app or the system, so ${LABEL[action]} has no hotkey; choose another key in Settings → Hotkeys.`;
        deps.log(message);
        return { ...entry, state: 'taken' as const, message };
      }
      held.push(entry.accelerator);
      return entry;
    });
    deps.report(statuses);
  };
  apply();
  const stopFollowing = deps.onChange(apply);
  return {
    statuses: () => statuses,
    stop: () => {
      stopFollowing();
      release();
    },
  };
}

/** Carries out a hotkey (unless the guard takes it for a repeat): the phone or focus command it means, or a quiet note saying why nothing happened. */
export async function runShortcut(services: Services, action: ShortcutAction, notify: Notify, guard: ShortcutGuard): Promise<void> {
  const followUp = services.newestFollowUp();
  const command = shortcutCommand(action, {
    calls: services.calls(),
    focusMode: services.focusView().mode,
    newestFollowUp: followUp ? { id: followUp.id, caller: followUp.callerName || followUp.callerUri } : null,
  });
  // A repeat or a double tap: one press already did what was meant.
  if (!guard.allow(action, command)) return;
  const tell = (body: string) => notify({ title: LABEL[action], body, silent: true });
  switch (command.kind) {
    case 'nothing':
      tell(command.message);
      return;
    case 'phone': {
      const result = await services.route(command.name, command.request);
      if (!result.ok) tell(result.error.message);
      return;
    }
    case 'focus':
      await services.runFocusCommand(command.command);
      return;
    case 'create-ticket': {
      const result = await services.route('callLog.createTicket', { attemptId: command.attemptId });
      if (!result.ok) {
        tell(`No ticket was made for ${command.caller}: ${result.error.message}`);
        return;
      }
      const ticket = (result.value as { ticket: { id: string; summary: string } | null }).ticket;
      tell(
        ticket
          ? `Ticket #${ticket.id} created for ${command.caller}: ${ticket.summary}`
          : `The ticket for ${command.caller} will be sent when the PSA answers (Handoffs).`,
      );
      return;
    }
  }
}
