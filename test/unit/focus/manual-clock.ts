import type { Clock } from '../../../src-shared/time/clock.js';

/** A Clock that moves only when the test says so; due timers fire in time order. */
export class ManualClock implements Clock {
  private current: number;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 0;

  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimer(at: Date, fn: () => void): () => void {
    const id = this.nextId++;
    this.timers.set(id, { at: at.getTime(), fn });
    return () => this.timers.delete(id);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.current = Math.max(this.current, due[1].at);
      due[1].fn();
    }
    this.current = target;
  }

  /** Like a computer waking from sleep: time jumps first, then the timers that came due fire, late. */
  wakeAfter(ms: number): void {
    this.current += ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= this.current).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      due[1].fn();
    }
  }

  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000);
  }
}
