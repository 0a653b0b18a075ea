import { describe, expect, it } from 'vitest';
import { historyOutcome, toHistoryEntry } from '../../../src-main/phone/history-entry.js';
import { HistoryEntrySchema, type CallView } from '../../../src-main/ipc/contract.js';

const base: CallView = {
  id: 'abc@host',
  direction: 'incoming',
  remoteUri: 'sip:2002@pbx',
  remoteName: 'Jane',
  // The view as it stood when the call ended: an incoming call that was never answered was still ringing.
  state: 'ringing',
  silent: false,
  subject: null,
  transfer: null,
  muted: false,
  startedAt: Date.parse('2026-11-23T10:00:00Z'),
  answeredAt: null,
  heldSince: null,
  reason: '',
};

describe('call history outcome', () => {
  it('answered wins over everything', () => {
    expect(historyOutcome({ ...base, answeredAt: base.startedAt + 5000 }, 'declined')).toBe('answered');
  });
  it('an unanswered incoming call is missed unless the tech or policy handled it', () => {
    expect(historyOutcome(base, undefined)).toBe('missed');
    expect(historyOutcome(base, 'declined')).toBe('declined');
    expect(historyOutcome(base, 'redirected')).toBe('redirected');
  });
  it('an outgoing call that got a final error failed; our own cancel is cancelled', () => {
    expect(historyOutcome({ ...base, direction: 'outgoing', reason: '486 Busy Here' }, undefined)).toBe('failed');
    expect(historyOutcome({ ...base, direction: 'outgoing', reason: '487 Request Terminated' }, undefined)).toBe('cancelled');
    expect(historyOutcome({ ...base, direction: 'outgoing', reason: '180 Ringing' }, undefined)).toBe('cancelled');
  });
  it('builds an entry the contract accepts', () => {
    const entry = toHistoryEntry({ ...base, answeredAt: base.startedAt + 2000 }, undefined, new Date(base.startedAt + 62_000));
    expect(HistoryEntrySchema.parse(entry)).toEqual(entry);
    expect(entry.answeredAt).toBe('2026-11-23T10:00:02.000Z');
    expect(entry.endedAt).toBe('2026-11-23T10:01:02.000Z');
  });
});
