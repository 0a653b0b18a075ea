import type { PresenceState } from '../../src-shared/vocabulary.js';

/** The word for each presence state, as the coworker list shows it. */
export const PRESENCE_LABELS: Record<PresenceState, string> = {
  unknown: 'Unknown',
  available: 'Available',
  'on-call': 'On a call',
  ringing: 'Ringing',
  focused: 'Focused',
  dnd: 'Do not disturb',
  offline: 'Offline',
};

/**
 * Notes that only say the state again, in Focusline's words or a PBX's
 * (Asterisk's extension-state notes): "Ringing · A call is ringing" reads
 * as a stutter, so such a note is not shown.
 */
const SAYS_THE_STATE_AGAIN: Partial<Record<PresenceState, readonly string[]>> = {
  available: ['ready', 'online'],
  'on-call': ['on the phone', 'on hold', 'busy'],
  ringing: ['a call is ringing'],
  dnd: ['dnd', 'busy'],
  offline: ['unavailable', 'away'],
};

/** The note worth showing beside a state: '' when there is none or it only repeats the state. */
export function presenceNote(state: PresenceState, note: string): string {
  const said = note.trim().toLowerCase();
  if (said === '' || said === PRESENCE_LABELS[state].toLowerCase()) return '';
  return SAYS_THE_STATE_AGAIN[state]?.includes(said) ? '' : note.trim();
}
