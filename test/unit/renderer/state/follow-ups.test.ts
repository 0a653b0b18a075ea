import { describe, expect, it } from 'vitest';
import type { AttemptView } from '../../../../src-main/ipc/contract.js';
import { groupFollowUps } from '../../../../src-renderer/state/follow-ups.js';

let n = 0;
function attempt(callerNumber: string, patch: Partial<AttemptView> = {}): AttemptView {
  n += 1;
  return {
    id: `a${n}`,
    callId: `c${n}`,
    at: new Date(Date.UTC(2026, 11, 7, 10, 60 - n)).toISOString(),
    callerUri: `sip:${callerNumber}@pbx`,
    callerNumber,
    callerName: '',
    action: 'redirect',
    target: 'sip:sam@pbx',
    rule: 'focus',
    reason: 'Sent to the service manager: you are focused on #1001.',
    ticketId: '1001',
    repeatCaller: false,
    handled: null,
    missed: false,
    callbackDueAt: null,
    ...patch,
  };
}

describe('one follow-up row per caller', () => {
  it('groups a repeated caller into one row, newest first, and keeps others apart', () => {
    const jane = [attempt('+15550101'), attempt('+1 555 0101', { repeatCaller: true }), attempt('+15550101')];
    const bob = attempt('+15550102');
    const groups = groupFollowUps([jane[0]!, bob, jane[1]!, jane[2]!], new Set());
    expect(groups.map((g) => [g.newest.id, g.attempts.length, g.repeat])).toEqual([
      [jane[0]!.id, 3, true],
      [bob.id, 1, false],
    ]);
  });

  it('never groups withheld callers: they need not be one person', () => {
    const groups = groupFollowUps([attempt('Withheld number'), attempt('Withheld number')], new Set());
    expect(groups).toHaveLength(2);
  });

  it('leaves out a call still live on the phone (it shows in the calls panel)', () => {
    const live = attempt('+15550103', { action: 'silent' });
    const older = attempt('+15550103');
    const groups = groupFollowUps([live, older], new Set([live.callId]));
    expect(groups.map((g) => g.attempts.map((a) => a.id))).toEqual([[older.id]]);
  });

  it('takes the earliest callback due time of the caller’s calls', () => {
    const groups = groupFollowUps(
      [attempt('+15550104', { callbackDueAt: '2026-12-07T17:00:00.000Z' }), attempt('+15550104', { callbackDueAt: '2026-12-07T12:00:00.000Z' })],
      new Set(),
    );
    expect(groups[0]?.dueAt).toBe('2026-12-07T12:00:00.000Z');
  });
});
