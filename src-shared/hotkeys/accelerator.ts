/**
 * Global hotkeys as Electron accelerators ("CommandOrControl+Shift+A").
 * Parsed here, in both processes, so Settings can say what is wrong with a
 * key before it is saved and main registers only what passed. A global
 * hotkey takes the key from every other app, so a plain letter or digit is
 * refused: it needs a modifier, unless it is F1–F24.
 */

/** What a global hotkey can do; each has its policy key `hotkeys.<action>`. */
export const HOTKEY_ACTIONS = ['answer', 'hangup', 'mute', 'toggleDnd', 'createTicket'] as const;
export type HotkeyAction = (typeof HOTKEY_ACTIONS)[number];

const MODIFIERS: Record<string, string> = {
  command: 'Command',
  cmd: 'Command',
  control: 'Control',
  ctrl: 'Control',
  commandorcontrol: 'CommandOrControl',
  cmdorctrl: 'CommandOrControl',
  alt: 'Alt',
  option: 'Alt',
  altgr: 'AltGr',
  shift: 'Shift',
  super: 'Super',
  meta: 'Super',
};

const NAMED_KEYS = [
  'Plus',
  'Space',
  'Tab',
  'Backspace',
  'Delete',
  'Insert',
  'Return',
  'Enter',
  'Up',
  'Down',
  'Left',
  'Right',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'Escape',
  'Esc',
  'PrintScreen',
  'num0',
  'num1',
  'num2',
  'num3',
  'num4',
  'num5',
  'num6',
  'num7',
  'num8',
  'num9',
  'numdec',
  'numadd',
  'numsub',
  'nummult',
  'numdiv',
] as const;
const NAMED_BY_LOWER = new Map<string, string>(NAMED_KEYS.map((k) => [k.toLowerCase(), k]));
const PUNCTUATION = new Set([
  ')',
  '!',
  '@',
  '#',
  '$',
  '%',
  '^',
  '&',
  '*',
  '(',
  ':',
  ';',
  '<',
  '=',
  '>',
  '?',
  '[',
  ']',
  '\\',
  '{',
  '}',
  '|',
  '~',
  '`',
  '_',
  "'",
  '"',
  ',',
  '-',
  '.',
  '/',
]);

/** The order modifiers are written in, so "Shift+Ctrl+A" and "Ctrl+Shift+A" come out the same. */
const MODIFIER_ORDER = ['CommandOrControl', 'Command', 'Control', 'Alt', 'AltGr', 'Shift', 'Super'] as const;
/** Modifiers that make a chord no app types by itself; Shift and AltGr only pick another character. */
const COMMAND_MODIFIERS = new Set(['CommandOrControl', 'Command', 'Control', 'Alt', 'Super']);

/**
 * Chords the system or nearly every app owns: taking them globally would
 * break copy and paste, closing windows, switching apps or locking the
 * screen. Written as concreteChords writes them.
 */
const SYSTEM_CHORDS = new Set(
  [
    ...['C', 'V', 'X', 'Z', 'A', 'Y'].flatMap((k) => [`Control+${k}`, `Command+${k}`]),
    'Command+Q',
    'Command+W',
    'Command+H',
    'Command+M',
    'Command+Tab',
    'Command+Space',
    'Control+Space',
    'Control+Escape',
    'Control+Shift+Escape',
    'Control+Alt+Delete',
    'Alt+F4',
    'Alt+Tab',
    'Alt+Shift+Tab',
    'Alt+Space',
    'Alt+Escape',
    'Super+L',
    'Super+D',
    'Super+E',
    'Super+R',
    'Super+Tab',
    'Super+Space',
  ].map((chord) => chord.toLowerCase()),
);

function ordered(modifiers: readonly string[]): string[] {
  return [...new Set(modifiers)].sort((a, b) => MODIFIER_ORDER.indexOf(a as never) - MODIFIER_ORDER.indexOf(b as never));
}

/**
 * The keys an accelerator stands for on any system, lower-cased: CommandOrControl
 * is Control on Windows and Linux and Command on macOS, so
 * "CommandOrControl+Alt+A" is both "control+alt+a" and "command+alt+a".
 * Two hotkeys clash when these overlap.
 */
const KEY_ALIASES: Readonly<Record<string, string>> = { esc: 'Escape', return: 'Enter' };

export function concreteChords(accelerator: string): string[] {
  if (accelerator === '') return [];
  const parts = accelerator.split('+');
  // "Control+Plus" never contains a bare "+" after parsing, so splitting is safe here.
  const spelled = parts.pop() ?? '';
  // Two spellings, one key: Ctrl+Shift+Esc is Task Manager as surely as Ctrl+Shift+Escape.
  const key = KEY_ALIASES[spelled.toLowerCase()] ?? spelled;
  const variants = parts.includes('CommandOrControl')
    ? [parts.map((p) => (p === 'CommandOrControl' ? 'Control' : p)), parts.map((p) => (p === 'CommandOrControl' ? 'Command' : p))]
    : [parts];
  return [...new Set(variants.map((mods) => [...ordered(mods), key].join('+').toLowerCase()))];
}

export type ParsedAccelerator = { ok: true; accelerator: string } | { ok: false; message: string };

export const MAX_ACCELERATOR_LENGTH = 64;

/** "ctrl+shift+a" → "Control+Shift+A"; '' stays '' (no hotkey). */
export function parseAccelerator(raw: string): ParsedAccelerator {
  const text = raw.trim();
  if (text === '') return { ok: true, accelerator: '' };
  if (text.length > MAX_ACCELERATOR_LENGTH) return { ok: false, message: `is longer than ${MAX_ACCELERATOR_LENGTH} characters` };
  const parts = text.split('+').map((p) => p.trim());
  // "Ctrl++" means Ctrl and the plus key.
  if (text.endsWith('++')) parts.splice(parts.length - 2, 2, 'Plus');
  const key = parts.pop() ?? '';
  const modifiers: string[] = [];
  for (const part of parts) {
    const modifier = MODIFIERS[part.toLowerCase()];
    if (!modifier) return { ok: false, message: `"${part.slice(0, 20)}" is not a modifier: use Ctrl, Alt, Shift, Super or CommandOrControl` };
    if (modifiers.includes(modifier)) return { ok: false, message: `names ${modifier} twice` };
    modifiers.push(modifier);
  }
  const keyName = keyNameOf(key);
  if (!keyName)
    return { ok: false, message: `"${key.slice(0, 20)}" is not a key Focusline can listen for (use a letter, digit, F1–F24 or a named key such as Space)` };
  const functionKey = /^F([1-9]|1\d|2[0-4])$/.test(keyName);
  if (!functionKey && !modifiers.some((m) => COMMAND_MODIFIERS.has(m)))
    return {
      ok: false,
      message:
        modifiers.length === 0
          ? 'needs a modifier such as Ctrl or Alt: on its own it would take that key from every other app'
          : 'needs Ctrl, Alt, Super or Command: with only Shift or AltGr it is a character people type in every other app',
    };
  const accelerator = [...ordered(modifiers), keyName].join('+');
  if (concreteChords(accelerator).some((chord) => SYSTEM_CHORDS.has(chord)))
    return { ok: false, message: `is a shortcut the system or nearly every app uses (copy, paste, close, switch apps, lock); choose another` };
  return { ok: true, accelerator };
}

function keyNameOf(key: string): string | null {
  if (/^[A-Za-z0-9]$/.test(key)) return key.toUpperCase();
  if (/^f([1-9]|1\d|2[0-4])$/i.test(key)) return key.toUpperCase();
  if (PUNCTUATION.has(key)) return key;
  return NAMED_BY_LOWER.get(key.toLowerCase()) ?? null;
}
