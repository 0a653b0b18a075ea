import { describe, expect, it } from 'vitest';
import { appendFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallHistory } from '../../../src-main/calls/history.js';
import type { HistoryEntry } from '../../../src-main/ipc/contract.js';

const entry = (id: string): HistoryEntry => ({
  id,
  direction: 'incoming',
  remoteUri: 'sip:2002@pbx',
  remoteName: '',
  startedAt: '2026-11-23T10:00:00.000Z',
  answeredAt: null,
  endedAt: '2026-11-23T10:00:20.000Z',
  outcome: 'missed',
  reason: '',
});

describe('call history', () => {
  it('survives a restart, newest first', async () => {
    const d = await mkdtemp(join(tmpdir(), 'fl-hist-'));
    const a = new CallHistory(d);
    await a.load();
    await a.record(entry('one'));
    await a.record(entry('two'));
    const b = new CallHistory(d);
    await b.load();
    expect(b.list(10).map((e) => e.id)).toEqual(['two', 'one']);
  });

  it('skips a half-written or damaged line and keeps the rest', async () => {
    const d = await mkdtemp(join(tmpdir(), 'fl-hist-'));
    const a = new CallHistory(d);
    await a.record(entry('one'));
    await appendFile(a.path, '{"id":"torn","direc\n');
    await appendFile(a.path, JSON.stringify({ ...entry('bad'), outcome: 'exploded' }) + '\n');
    await a.record(entry('two'));
    const b = new CallHistory(d);
    await b.load();
    expect(b.list(10).map((e) => e.id)).toEqual(['two', 'one']);
    expect(b.skippedLines).toBe(2);
  });
});
