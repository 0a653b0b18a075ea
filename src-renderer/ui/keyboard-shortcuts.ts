/**
 * The window's keyboard shortcuts, in one place: the Phone tab's key handler
 * uses them and Settings → Shortcuts lists them, so the two can't drift apart.
 * Alt+letter (matched on the physical key, `code`, so macOS's Option characters
 * don't matter) stays clear of the browser's and the OS's own Ctrl shortcuts.
 * Global hotkeys that work while Focusline is in the background are another matter (the OS registers them).
 */
export const SHORTCUTS = [
  { id: 'answer', keys: 'Alt+A', code: 'KeyA', label: 'Answer the ringing call' },
  { id: 'hangup', keys: 'Alt+H', code: 'KeyH', label: 'Hang up, cancel a call being dialled, or decline a ringing one' },
  { id: 'mute', keys: 'Alt+M', code: 'KeyM', label: 'Mute or unmute the microphone' },
  { id: 'hold', keys: 'Alt+P', code: 'KeyP', label: 'Put the call on hold, or take it back' },
] as const;

export type ShortcutId = (typeof SHORTCUTS)[number]['id'];

/** Keys that need no shortcut: shown in Settings → Shortcuts beside the ones above. */
export const PHONE_TAB_KEYS = [
  { keys: '0–9 * # +', label: 'On the Phone tab: type the number to dial, or send tones during a call' },
  { keys: 'Backspace', label: 'On the Phone tab: delete the last digit' },
  { keys: 'Enter', label: 'On the Phone tab: call the number typed' },
  { keys: '← →', label: 'Move between tabs (after focusing one with Tab)' },
] as const;

export type KeyPress = { key: string; code: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean };

/** Which shortcut a key press is, if any. */
export function shortcutOf(e: KeyPress): ShortcutId | null {
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  return SHORTCUTS.find((s) => s.code === e.code)?.id ?? null;
}

/** A dial-pad key typed without modifiers: a digit, *, #, or + for an international number. */
export function dialKeyOf(e: KeyPress): string | null {
  if (e.altKey || e.ctrlKey || e.metaKey) return null;
  return /^[0-9*#+]$/.test(e.key) ? e.key : null;
}

/** Where typing belongs to the element itself (a text field), so the Phone tab must not take the key. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range'].includes(target.type);
  return false;
}
