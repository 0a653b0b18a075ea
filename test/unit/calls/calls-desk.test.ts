// The calls desk as main's phone uses it, in-process: a decision and its
// call-log row, the row of a call the phone rang without a decision, and
// what became of a call once the phone says it ended.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { CallerFields } from '../../../src-shared/sip/caller-fields.js';
import { CallLog } from '../../../src-main/calls/call-log.js';
import { createCallsDesk } from '../../../src-main/calls/calls-desk.js';
import { CallHistory } from '../../../src-main/calls/history.js';
import type { FocusState } from '../../../src-main/focus/types.js';
import type { EventName, HistoryEntry } from '../../../src-main/ipc/contract.js';
import { EventBus } from '../../../src-main/ipc/event-bus.js';
import { defaultValues, type SettingsValues } from '../../../src-main/policy/schema.js';
import { openDatabase } from '../../../src-main/storage/database.js';
import { ManualClock } from '../focus/manual-clock.js';

const call = (callId: string): CallerFields => ({
  callId,
  fromUri: 'sip:+15550199@pbx',
  fromUser: '+15550199',
  displayName: '',
  assertedIdentity: null,
  toUri: 'sip:tech1@pbx',
});

async function desk(options: { focus?: FocusState } = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'fl-calls-desk-'));
  const clock = new ManualClock('2026-11-23T10:30:00Z');
  const callLog = new CallLog(openDatabase(dataDir));
  const history = new CallHistory(dataDir);
  await history.load();
  const bus = new EventBus();
  const events: EventName[] = [];
  bus.subscribe((name) => events.push(name));
  let focus: FocusState = options.focus ?? { mode: 'off' };
  const values: SettingsValues = { ...defaultValues(), 'focus.action': 'redirect', 'focus.redirectTarget': 'sip:manager@pbx' };
  const attempts = { held: vi.fn(), rang: vi.fn(), calledBack: vi.fn() };
  const calls = createCallsDesk({
    clock,
    callLog,
    history,
    focusState: () => focus,
    settings: () => values,
    psaCoworkers: () => [],
    attempts,
    bus,
    log: () => {},
  });
  const setFocus = (next: FocusState) => {
    focus = next;
  };
  return { calls, callLog, history, events, attempts, clock, setFocus, dataDir };
}

const dnd = (clock: ManualClock): FocusState => ({ mode: 'dnd', until: null, since: clock.now() });

const ended = (id: string, outcome: HistoryEntry['outcome'], answeredAt: string | null = null): HistoryEntry => ({
  id,
  direction: 'incoming',
  remoteUri: 'sip:+15550199@pbx',
  remoteName: '',
  startedAt: '2026-11-23T10:30:00.000Z',
  answeredAt,
  endedAt: '2026-11-23T10:31:00.000Z',
  outcome,
  reason: '',
});

describe('the calls desk', () => {
  it('decides in-process and queues the row; logged() resolves once it is on disk', async () => {
    const { calls, dataDir } = await desk();
    const decision = calls.screen(call('c1@pbx'), []);
    expect(decision).toMatchObject({ action: 'ring', rule: 'ring' });
    const onDisk = () => new CallLog(openDatabase(dataDir)).forCall('c1@pbx');
    expect(onDisk()).toBeUndefined();
    await calls.logged();
    expect(onDisk()).toMatchObject({ action: 'ring', rule: 'ring' });
  });

  it('a held-back call is announced as suppressed and handed to the PSA logging', async () => {
    const { calls, events, attempts, clock, setFocus } = await desk();
    setFocus(dnd(clock));
    const decision = calls.screen(call('c2@pbx'), []);
    expect(decision).toMatchObject({ action: 'redirect', target: 'sip:manager@pbx' });
    expect(events).toContain('calls.suppressed');
    expect(attempts.held).toHaveBeenCalledWith(expect.objectContaining({ id: decision.attemptId ?? 'no attempt id', callerNumber: '+15550199' }), 'redirect');
  });

  it('a call the phone rang without a decision is logged as rung by fallback', async () => {
    const { calls, callLog } = await desk();
    calls.recordFallback(call('late@pbx'), 'Focusline could not decide');
    expect(callLog.list(5).map((a) => [a.callId, a.action, a.rule, a.reason])).toEqual([['late@pbx', 'ring', 'fallback', 'Focusline could not decide']]);
  });

  it('corrects a decision that was logged before the phone fell back to ringing', async () => {
    const { calls, callLog, clock, setFocus } = await desk();
    setFocus(dnd(clock));
    calls.screen(call('late@pbx'), []);
    expect(callLog.list(1)[0]?.action).not.toBe('ring');
    calls.recordFallback(call('late@pbx'), 'Focusline could not decide');
    expect(callLog.list(5).map((a) => [a.action, a.rule])).toEqual([['ring', 'fallback']]);
  });

  it('a rung call that ended unanswered becomes a callback; an answered one is settled as answered', async () => {
    const { calls, callLog, history, attempts } = await desk();
    calls.screen(call('missed@pbx'), []);
    calls.screen(call('answered@pbx'), []);
    calls.callEnded(ended('missed@pbx', 'missed'));
    calls.callEnded(ended('answered@pbx', 'answered', '2026-11-23T10:30:05.000Z'));
    expect(callLog.forCall('missed@pbx')).toMatchObject({ missed: true, handled: null });
    expect(callLog.forCall('answered@pbx')).toMatchObject({ handled: 'answered' });
    expect(callLog.unhandled(10).map((a) => a.callId)).toEqual(['missed@pbx']);
    expect(attempts.rang.mock.calls.map(([a, outcome]) => [(a as { id: string }).id, outcome])).toEqual([
      [callLog.forCall('missed@pbx')?.id, 'missed'],
      [callLog.forCall('answered@pbx')?.id, 'answered'],
    ]);
    // Both are in the history (written in the background; their order is the order the appends finish).
    await vi.waitFor(
      () =>
        expect(
          history
            .list(10)
            .map((e) => e.id)
            .sort(),
        ).toEqual(['answered@pbx', 'missed@pbx']),
      { timeout: 5_000 },
    );
  });

  it('a held-back call’s end leaves its attempt as it was decided', async () => {
    const { calls, callLog, attempts, clock, setFocus } = await desk();
    setFocus(dnd(clock));
    calls.screen(call('held@pbx'), []);
    calls.callEnded(ended('held@pbx', 'redirected'));
    expect(callLog.forCall('held@pbx')).toMatchObject({ action: 'redirect', handled: null, missed: false });
    expect(attempts.rang).not.toHaveBeenCalled();
  });
});
