import { describe, expect, it } from 'vitest';
import { parseAccelerator } from '../../../../src-shared/hotkeys/accelerator.js';

describe('global hotkeys as Electron accelerators', () => {
  it.each([
    ['', ''],
    ['ctrl+alt+a', 'Control+Alt+A'],
    ['CmdOrCtrl+Shift+1', 'CommandOrControl+Shift+1'],
    ['  Alt + F4 ', 'Alt+F4'],
    ['F13', 'F13'],
    ['Option+Space', 'Alt+Space'],
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
  ])('%j is refused: %s', (raw, message) => {
    expect(parseAccelerator(raw)).toEqual({ ok: false, message });
  });
});
