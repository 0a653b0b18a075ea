import { describe, expect, it } from 'vitest';
import { concreteChords, parseAccelerator } from '../../../../src-shared/hotkeys/accelerator.js';

describe('global hotkeys as Electron accelerators', () => {
  it.each([
    ['', ''],
    ['ctrl+alt+a', 'Control+Alt+A'],
    ['CmdOrCtrl+Shift+1', 'CommandOrControl+Shift+1'],
    ['  Alt + F5 ', 'Alt+F5'],
    ['Shift+Ctrl+A', 'Control+Shift+A'],
    ['super+shift+alt+k', 'Alt+Shift+Super+K'],
    ['Shift+F9', 'Shift+F9'],
    ['F13', 'F13'],
    ['Option+Shift+Space', 'Alt+Shift+Space'],
    ['Ctrl++', 'Control+Plus'],
    ['Super+num5', 'Super+num5'],
  ])('%j is %j', (raw, accelerator) => {
    expect(parseAccelerator(raw)).toEqual({ ok: true, accelerator });
  });

  it.each([
    ['a', 'needs a modifier such as Ctrl or Alt: on its own it would take that key from every other app'],
    ['Space', 'needs a modifier such as Ctrl or Alt: on its own it would take that key from every other app'],
    ['Hyper+A', '"Hyper" is not a modifier: use Ctrl, Alt, Shift, Super or CommandOrControl'],
    ['Ctrl+Ctrl+A', 'names Control twice'],
    ['Ctrl+F25', '"F25" is not a key Focusline can listen for (use a letter, digit, F1–F24 or a named key such as Space)'],
    ['Ctrl+', '"" is not a key Focusline can listen for (use a letter, digit, F1–F24 or a named key such as Space)'],
    ['Ctrl+'.repeat(20) + 'A', 'is longer than 64 characters'],
    ['Shift+A', 'needs Ctrl, Alt, Super or Command: with only Shift or AltGr it is a character people type in every other app'],
    ['AltGr+E', 'needs Ctrl, Alt, Super or Command: with only Shift or AltGr it is a character people type in every other app'],
    ['Shift+AltGr+Space', 'needs Ctrl, Alt, Super or Command: with only Shift or AltGr it is a character people type in every other app'],
  ])('%j is refused: %s', (raw, message) => {
    expect(parseAccelerator(raw)).toEqual({ ok: false, message });
  });

  it.each([
    'Ctrl+C',
    'ctrl+v',
    'CmdOrCtrl+X',
    'Command+Z',
    'Control+A',
    'Alt+F4',
    'Alt+Tab',
    'Super+L',
    'Cmd+Q',
    'Ctrl+Alt+Delete',
    'Alt+Ctrl+Delete',
    'Ctrl+Shift+Esc',
    'Ctrl+Esc',
  ])('%j is a system chord, refused', (raw) => {
    expect(parseAccelerator(raw)).toEqual({
      ok: false,
      message: 'is a shortcut the system or nearly every app uses (copy, paste, close, switch apps, lock); choose another',
    });
  });

  it('spells CommandOrControl out, so it clashes with Control and with Command', () => {
    expect(concreteChords('CommandOrControl+Alt+A')).toEqual(['control+alt+a', 'command+alt+a']);
    expect(concreteChords('Control+Alt+A')).toEqual(['control+alt+a']);
    expect(concreteChords('')).toEqual([]);
  });
});
