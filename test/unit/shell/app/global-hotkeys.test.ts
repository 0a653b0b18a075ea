import { describe, expect, it } from 'vitest';
import { plannedHotkeys } from '../../../../src-main/app/global-hotkeys.js';

const none = {
  'hotkeys.mediaKeys': false,
  'hotkeys.answer': '',
  'hotkeys.hangup': '',
  'hotkeys.mute': '',
  'hotkeys.toggleDnd': '',
  'hotkeys.createTicket': '',
};

describe('which global hotkeys to ask the OS for', () => {
  it('CommandOrControl+Alt+A and Ctrl+Alt+A are one key: the second action is told so', () => {
    const plan = plannedHotkeys({ ...none, 'hotkeys.answer': 'CmdOrCtrl+Alt+A', 'hotkeys.hangup': 'Ctrl+Alt+A' });
    expect(plan.find((p) => p.action === 'hangup')).toEqual({
      action: 'hangup',
      accelerator: 'Control+Alt+A',
      state: 'duplicate',
      message: 'Control+Alt+A is already Answer; choose another key for Hang up.',
    });
  });

  it('the same modifiers in another order are the same key', () => {
    const plan = plannedHotkeys({ ...none, 'hotkeys.answer': 'Shift+Alt+A', 'hotkeys.mute': 'alt+shift+a' });
    expect(plan.find((p) => p.action === 'mute')?.state).toBe('duplicate');
  });

  it('a system chord is not asked for', () => {
    const plan = plannedHotkeys({ ...none, 'hotkeys.answer': 'Ctrl+C' });
    expect(plan.find((p) => p.action === 'answer')?.state).toBe('off');
  });
});
