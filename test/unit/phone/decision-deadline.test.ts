import { describe, expect, it, vi } from 'vitest';
import type { Decision } from '../../../src-main/ipc/contract.js';
import { decideWithin } from '../../../src-renderer/phone/decision-deadline.js';

const redirect: Decision = { action: 'redirect', target: 'sip:manager@pbx', rule: 'focus', repeatCaller: false, reason: 'focused' };

describe('deciding within 250 ms', () => {
  it('uses main’s answer when it comes in time', async () => {
    const onFallback = vi.fn();
    expect(await decideWithin(async () => redirect, 250, onFallback)).toBe(redirect);
    expect(onFallback).not.toHaveBeenCalled();
  });

  it('rings, and says why, when main is too slow', async () => {
    vi.useFakeTimers();
    const onFallback = vi.fn();
    const slow = new Promise<Decision>(() => {});
    const decided = decideWithin(() => slow, 250, onFallback);
    await vi.advanceTimersByTimeAsync(249);
    expect(onFallback).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(await decided).toMatchObject({ action: 'ring', rule: 'fallback' });
    expect(onFallback).toHaveBeenCalledWith('Focusline did not decide within 250 ms, so the call rang to be safe.');
    vi.useRealTimers();
  });

  it('rings when asking fails outright', async () => {
    const onFallback = vi.fn();
    const d = await decideWithin(() => Promise.reject(new Error('Lost the connection to the Focusline host.')), 250, onFallback);
    expect(d).toMatchObject({ action: 'ring', rule: 'fallback' });
    expect(onFallback.mock.calls[0]?.[0]).toMatch(/Lost the connection/);
  });
});
