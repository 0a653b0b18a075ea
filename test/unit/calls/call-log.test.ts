import { describe, expect, it, vi } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallLog, type NewContactAttempt } from '../../../src-main/calls/call-log.js';
import { openDatabase, type Db } from '../../../src-main/storage/database.js';

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
    await a.written();
    const b = new CallLog(openDatabase(d));
    expect(b.list(10).map((x) => [x.id, x.repeatCaller])).toEqual([
      ['two', true],
      ['one', false],
    ]);
  });

  it('reads a range for a report with only the facts a report needs, not the reason texts', async () => {
    const log = new CallLog(openDatabase(await dir()));
    log.record(attempt('early', 1000));
    log.record(attempt('in', 5000, { repeatCaller: true }));
    log.markMissed('in');
    log.markHandled('in', 'called-back', 7000);
    log.record(attempt('late', 9000));
    expect(log.factsInRange(2000, 9000)).toEqual([
      {
        id: 'in',
        at: 5000,
        callerUri: 'sip:+15550199@pbx',
        callerKey: '+15550199',
        callerName: '',
        rule: 'focus',
        action: 'redirect',
        repeatCaller: true,
        handled: 'called-back',
        handledAt: 7000,
        callbackDueAt: 5000 + 3_600_000,
        missed: true,
      },
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

/** Counts the write transactions that reach the database (each one is a WAL commit). */
function countingCommits(db: Db): { commits: () => number } {
  let commits = 0;
  const transaction = db.transaction.bind(db);
  vi.spyOn(db, 'transaction').mockImplementation(((fn: () => unknown) => {
    const run = transaction(fn);
    return Object.assign((...args: unknown[]) => {
      commits++;
      return run(...(args as []));
    }, run);
  }) as unknown as Db['transaction']);
  return { commits: () => commits };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const onDisk = (dir: string) => new CallLog(openDatabase(dir)).list(100).map((a) => a.id);

describe('call log batching', () => {
  it('writes every attempt recorded in one turn in one transaction, at the end of that turn', async () => {
    const d = await dir();
    const db = openDatabase(d);
    const log = new CallLog(db);
    const { commits } = countingCommits(db);
    for (let i = 0; i < 50; i++) log.record(attempt(`burst${i}`, 1000 + i));
    expect(commits()).toBe(0);
    expect(onDisk(d)).toEqual([]);
    await nextTurn();
    expect(commits()).toBe(1);
    expect(onDisk(d)).toHaveLength(50);
    log.record(attempt('later', 5000));
    await log.written();
    expect(commits()).toBe(2);
    expect(onDisk(d)[0]).toBe('later');
  });

  it('the decision’s reads see rows not yet written: attemptTimes and forCall', async () => {
    const d = await dir();
    const log = new CallLog(openDatabase(d));
    log.record(attempt('w1', 1000));
    await log.written();
    log.record(attempt('p1', 3000));
    log.record(attempt('p2', 2000, { callId: 'p2@pbx' }));
    log.record(attempt('x', 2500, { callerKey: '+15550101' }));
    expect(log.attemptTimes('+15550199', 1500)).toEqual([2000, 3000]);
    expect(log.attemptTimes('+15550199', 0)).toEqual([1000, 2000, 3000]);
    expect(log.forCall('p2@pbx')?.id).toBe('p2');
    // Every other read writes what is pending first.
    expect(onDisk(d)).toEqual(['p1', 'x', 'p2', 'w1']);
  });

  it('written() resolves at once when nothing is pending, and only after the rows are on disk otherwise', async () => {
    const d = await dir();
    const log = new CallLog(openDatabase(d));
    await expect(log.written()).resolves.toBeUndefined();
    log.record(attempt('a', 1000));
    let done = false;
    const written = log.written().then(() => {
      done = true;
      return onDisk(d);
    });
    expect(done).toBe(false);
    expect(onDisk(d)).toEqual([]);
    expect(await written).toEqual(['a']);
  });

  it('flush() writes now, without waiting for the end of the turn', async () => {
    const d = await dir();
    const log = new CallLog(openDatabase(d));
    log.record(attempt('a', 1000));
    log.flush();
    expect(onDisk(d)).toEqual(['a']);
    await nextTurn();
    expect(onDisk(d)).toEqual(['a']);
  });

  it('a failed write keeps the rows, says why, and tries again', async () => {
    const d = await dir();
    const db = openDatabase(d);
    const errors: string[] = [];
    const log = new CallLog(db, (m) => errors.push(m));
    db.exec("CREATE TRIGGER full_disk BEFORE INSERT ON contact_attempts BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    log.record(attempt('a', 1000));
    log.record(attempt('b', 2000));
    // The phone is not held up: written() settles even though the write failed.
    await log.written();
    expect(log.lastWriteError).toMatch(/disk is full/);
    expect(errors).toEqual([expect.stringMatching(/Could not write 2 call-log row\(s\); trying again: database or disk is full/)]);
    expect(onDisk(d)).toEqual([]);
    // Still counted for repeat callers while they wait.
    expect(log.attemptTimes('+15550199', 0)).toEqual([1000, 2000]);
    db.exec('DROP TRIGGER full_disk');
    await vi.waitFor(() => expect(onDisk(d)).toEqual(['b', 'a']), { timeout: 3_000, interval: 50 });
    expect(log.lastWriteError).toBeNull();
    // Nothing written twice.
    expect(log.list(10).map((a) => a.id)).toEqual(['b', 'a']);
  });

  it('after a failed write, a read writes the rows, and the next turn’s rows are still written at the end of their turn', async () => {
    const d = await dir();
    const db = openDatabase(d);
    const log = new CallLog(db, () => {});
    db.exec("CREATE TRIGGER full_disk BEFORE INSERT ON contact_attempts BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    log.record(attempt('a', 1000));
    await log.written();
    expect(log.lastWriteError).not.toBeNull();
    db.exec('DROP TRIGGER full_disk');
    expect(log.list(10).map((a) => a.id)).toEqual(['a']);
    log.record(attempt('b', 2000));
    await log.written();
    expect(onDisk(d)).toEqual(['b', 'a']);
  });
});
