import { describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallLog, type NewContactAttempt } from '../../../src-main/calls/call-log.js';
import { openDatabase } from '../../../src-main/storage/database.js';

const attempt = (id: string, at: number, extra: Partial<NewContactAttempt> = {}): NewContactAttempt => ({
  id,
  at,
  callId: `${id}@pbx`,
  callerUri: 'sip:+15550199@pbx',
  callerKey: '+15550199',
  callerName: '',
  rule: 'focus',
  action: 'redirect',
  target: 'sip:manager@pbx',
  reason: 'Sent to the service manager',
  ticketId: '1042',
  repeatCaller: false,
  matchedName: '',
  callbackDueAt: at + 3_600_000,
  ...extra,
});

async function dir() {
  return mkdtemp(join(tmpdir(), 'fl-calllog-'));
}

describe('call log', () => {
  it('keeps every attempt across a restart, newest first', async () => {
    const d = await dir();
    const a = new CallLog(openDatabase(d));
    a.record(attempt('one', 1000));
    a.record(attempt('two', 2000, { repeatCaller: true }));
    const b = new CallLog(openDatabase(d));
    expect(b.list(10).map((x) => [x.id, x.repeatCaller])).toEqual([
      ['two', true],
      ['one', false],
    ]);
  });

  it('counts a caller’s attempts inside a window only', async () => {
    const log = new CallLog(openDatabase(await dir()));
    for (const at of [1000, 5000, 9000]) log.record(attempt(`a${at}`, at));
    log.record(attempt('other', 6000, { callerKey: '+15550101' }));
    expect(log.attemptTimes('+15550199', 5000)).toEqual([5000, 9000]);
  });

  it('lists unhandled suppressed calls until the tech deals with them; rung calls are not open items', async () => {
    const log = new CallLog(openDatabase(await dir()));
    log.record(attempt('s1', 1000));
    log.record(attempt('r1', 2000, { action: 'ring', rule: 'coworker' }));
    log.record(attempt('s2', 3000, { action: 'voicemail' }));
    expect(log.unhandled(10).map((x) => x.id)).toEqual(['s2', 's1']);
    const handled = log.markHandled('s1', 'dismissed', 4000);
    expect(handled).toMatchObject({ handled: 'dismissed', handledAt: 4000 });
    expect(log.unhandled(10).map((x) => x.id)).toEqual(['s2']);
    expect(log.inRange(1000, 3000).map((x) => x.id)).toEqual(['s1', 'r1']);
  });

  it('reports callers flagged as repeat callers, with all their attempts in the period', async () => {
    const log = new CallLog(openDatabase(await dir()));
    log.record(attempt('a1', 1000));
    log.record(attempt('a2', 2000));
    log.record(attempt('a3', 3000, { repeatCaller: true }));
    log.record(attempt('b1', 2500, { callerKey: '+15550101', action: 'ring' }));
    expect(log.repeatCallers(0, 10_000)).toEqual([{ callerKey: '+15550199', callerName: '', attempts: 3, suppressed: 3, firstAt: 1000, lastAt: 3000 }]);
    expect(log.repeatCallers(3500, 10_000)).toEqual([]);
  });

  it('a rung call becomes a callback to do only once it is missed', async () => {
    const log = new CallLog(openDatabase(await dir()));
    log.record(attempt('r1', 1000, { action: 'ring', rule: 'ring', callId: 'abc@pbx' }));
    expect(log.unhandled(10)).toEqual([]);
    const row = log.forCall('abc@pbx');
    expect(row?.id).toBe('r1');
    log.markMissed('r1');
    expect(log.unhandled(10).map((x) => [x.id, x.missed])).toEqual([['r1', true]]);
  });
});
