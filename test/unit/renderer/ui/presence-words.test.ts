import { describe, expect, it } from 'vitest';
import { presenceNote } from '../../../../src-renderer/ui/presence-words.js';

describe('presenceNote: the note beside a coworker’s state, unless it only repeats it', () => {
  it.each<[Parameters<typeof presenceNote>[0], string, string]>([
    ['ringing', 'A call is ringing', ''],
    ['ringing', 'Ringing', ''],
    ['on-call', 'On a call', ''],
    ['on-call', 'On the phone', ''],
    ['offline', 'Unavailable', ''],
    ['available', '', ''],
    ['focused', 'Focused on a ticket: calls go to the service manager', 'Focused on a ticket: calls go to the service manager'],
    ['dnd', 'Do not disturb until 14:00', 'Do not disturb until 14:00'],
    ['available', 'Back at 3', 'Back at 3'],
  ])('%s with "%s" shows "%s"', (state, note, shown) => {
    expect(presenceNote(state, note)).toBe(shown);
  });
});
