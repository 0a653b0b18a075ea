import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../src-main/focus/system-clock.js';

const DAY_MS = 24 * 60 * 60_000;

describe('systemClock', () => {
  afterEach(() => vi.useRealTimers());

  it('fires a timer 30 days out after 30 days, not at once (setTimeout caps at ~24.8 days)', () => {
    vi.useFakeTimers({ now: new Date('2026-06-01T00:00:00Z') });
    const fn = vi.fn();
    systemClock.setTimer(new Date(Date.now() + 30 * DAY_MS), fn);
    vi.advanceTimersByTime(1000);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30 * DAY_MS - 1001);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('can be cancelled, also while chaining', () => {
    vi.useFakeTimers({ now: new Date('2026-06-01T00:00:00Z') });
    const fn = vi.fn();
    const cancel = systemClock.setTimer(new Date(Date.now() + 30 * DAY_MS), fn);
    vi.advanceTimersByTime(26 * DAY_MS);
    cancel();
    vi.advanceTimersByTime(10 * DAY_MS);
    expect(fn).not.toHaveBeenCalled();
  });

  it('fires at once for a time already past', () => {
    vi.useFakeTimers({ now: new Date('2026-06-01T00:00:00Z') });
    const fn = vi.fn();
    systemClock.setTimer(new Date(Date.now() - 5000), fn);
    vi.advanceTimersByTime(0);
    expect(fn).toHaveBeenCalledOnce();
  });
});
