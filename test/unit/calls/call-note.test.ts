import { describe, expect, it } from 'vitest';
import { callNoteText } from '../../../src-main/calls/call-note.js';
import type { HistoryEntry } from '../../../src-main/ipc/contract.js';

const local = (h: number, m: number, s = 0) => new Date(2026, 11, 7, h, m, s).toISOString();

const entry: HistoryEntry = {
  id: 'abc@host',
  direction: 'incoming',
  remoteUri: 'sip:+15550101@pbx.example.com',
  remoteName: 'Jane Doe',
  startedAt: local(14, 1, 50),
  answeredAt: local(14, 2, 0),
  endedAt: local(14, 9, 12),
  outcome: 'answered',
  reason: '',
};

describe('the note a call leaves on its ticket', () => {
  it('says who, when, how long, then the summary', () => {
    expect(callNoteText(entry, '  Printer jams on tray 2; replaced the roller. ')).toBe(
      'Phone call from Jane Doe (+15550101), 2026-12-07 14:02–14:09 (7 min 12 s).\n\nPrinter jams on tray 2; replaced the roller.',
    );
  });

  it('a call the tech made, with no name and no summary', () => {
    expect(callNoteText({ ...entry, direction: 'outgoing', remoteName: '', endedAt: local(14, 2, 40) }, '')).toBe(
      'Phone call to +15550101, 2026-12-07 14:02–14:02 (40 s).',
    );
  });

  it('a name that is only the number is not repeated', () => {
    expect(callNoteText({ ...entry, remoteName: '+15550101' }, '')).toMatch(/^Phone call from \+15550101, /);
  });
});
