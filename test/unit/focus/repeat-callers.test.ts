import { describe, expect, it } from 'vitest';
import { RepeatCallerWindow } from '../../../src-main/focus/repeat-callers.js';

const T0 = new Date('2026-06-01T14:00:00Z').getTime();
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

describe('RepeatCallerWindow', () => {
  it('returns the attempts within the window, boundary included, oldest first', () => {
    const w = new RepeatCallerWindow({ retainMinutes: 60 });
    for (const m of [0, 5, 9, 10]) w.record('+15550101234', at(m));
    expect(w.attemptsWithin('+15550101234', at(15), 10)).toEqual([at(5), at(9), at(10)]);
    expect(w.attemptsWithin('+15550109999', at(15), 10)).toEqual([]);
  });

  it('ignores attempts after `now`', () => {
    const w = new RepeatCallerWindow({ retainMinutes: 60 });
    w.record('k', at(10));
    expect(w.attemptsWithin('k', at(5), 30)).toEqual([]);
  });

  it('keeps callers apart', () => {
    const w = new RepeatCallerWindow({ retainMinutes: 60 });
    w.record('a', at(0));
    w.record('b', at(1));
    expect(w.attemptsWithin('a', at(2), 10)).toEqual([at(0)]);
  });

  it('prunes attempts older than the retention when the caller calls again', () => {
    const w = new RepeatCallerWindow({ retainMinutes: 30 });
    w.record('k', at(0));
    w.record('k', at(31));
    expect(w.attemptsWithin('k', at(31), 1000)).toEqual([at(31)]);
  });

  it('forgets callers with nothing recent on a sweep', () => {
    const w = new RepeatCallerWindow({ retainMinutes: 30 });
    w.record('old', at(0));
    w.record('new', at(40));
    w.sweep(at(40));
    expect(w.size).toBe(1);
    expect(w.attemptsWithin('old', at(40), 1000)).toEqual([]);
  });

  it('sweeps by itself as records pile up, so memory stays bounded', () => {
    const w = new RepeatCallerWindow({ retainMinutes: 1, maxCallers: 1_000_000 });
    for (let i = 0; i < 5000; i++) w.record(`+1555${String(i).padStart(7, '0')}`, at(i));
    expect(w.size).toBeLessThanOrEqual(1024);
  });

  it('forgets the caller heard from least recently beyond maxCallers', () => {
    const w = new RepeatCallerWindow({ retainMinutes: 60, maxCallers: 2 });
    w.record('a', at(0));
    w.record('b', at(1));
    w.record('a', at(2));
    w.record('c', at(3));
    expect(w.size).toBe(2);
    expect(w.attemptsWithin('b', at(3), 60)).toEqual([]);
    expect(w.attemptsWithin('a', at(3), 60)).toEqual([at(0), at(2)]);
  });

  it('keeps only the newest maxAttemptsPerCaller', () => {
    const w = new RepeatCallerWindow({ retainMinutes: 60, maxAttemptsPerCaller: 3 });
    for (let m = 0; m < 6; m++) w.record('k', at(m));
    expect(w.attemptsWithin('k', at(6), 60)).toEqual([at(3), at(4), at(5)]);
  });

  it('seeds from the call log in any order', () => {
    const w = new RepeatCallerWindow({ retainMinutes: 60 });
    w.seed([
      { key: 'k', at: at(7) },
      { key: 'k', at: at(2) },
      { key: 'j', at: at(3) },
      { key: 'k', at: at(5) },
    ]);
    expect(w.attemptsWithin('k', at(10), 60)).toEqual([at(2), at(5), at(7)]);
  });
});
