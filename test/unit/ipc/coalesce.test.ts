import { describe, expect, it, vi } from 'vitest';
import { coalesce } from '../../../src-main/ipc/coalesce.js';

describe('coalesce', () => {
  it('turns a burst into one run after the window', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const c = coalesce(fn, 250);
    for (let i = 0; i < 100; i++) c.request();
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(250);
    expect(fn).toHaveBeenCalledOnce();
    c.request();
    vi.advanceTimersByTime(250);
    expect(fn).toHaveBeenCalledTimes(2);
    vi.useRealTimers();
  });

  it('flush runs a pending request now; cancel drops it', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const c = coalesce(fn, 250);
    c.request();
    c.flush();
    expect(fn).toHaveBeenCalledOnce();
    c.request();
    c.cancel();
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledOnce();
    vi.useRealTimers();
  });
});
