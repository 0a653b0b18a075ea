import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesce } from '../../../src-main/ipc/coalesce.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('coalesce', () => {
  it('a single change goes out at once', () => {
    const fn = vi.fn();
    coalesce(fn, 250).request();
    expect(fn).toHaveBeenCalledOnce();
  });

  it('a burst becomes the first push plus one at the end of the window, never losing the last', () => {
    const fn = vi.fn();
    const c = coalesce(fn, 250);
    for (let i = 0; i < 100; i++) c.request();
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(250);
    expect(fn).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(2);
    c.request();
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('flush sends what is pending now; cancel drops it', () => {
    const fn = vi.fn();
    const c = coalesce(fn, 250);
    c.request();
    c.request();
    c.flush();
    expect(fn).toHaveBeenCalledTimes(2);
    c.request();
    c.cancel();
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(2);
  });
});
