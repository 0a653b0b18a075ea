import { describe, expect, it } from 'vitest';
import { reconnectDelayMs, RECONNECT_STEPS_MS } from '../../../src-main/phone/reconnect-delay.js';
import { isWakeGap } from '../../../src-main/phone/wake-detector.js';

describe('reconnect backoff', () => {
  it('starts fast so a PBX restart heals in about a second', () => {
    expect(reconnectDelayMs(1, () => 0.5)).toBe(500);
    expect(reconnectDelayMs(2, () => 0.5)).toBe(1000);
  });
  it('grows and then stays at the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 50].map((a) => reconnectDelayMs(a, () => 0.5));
    expect(delays).toEqual([...RECONNECT_STEPS_MS, 30000, 30000]);
  });
  it('jitters within ±20 %', () => {
    expect(reconnectDelayMs(4, () => 0)).toBe(3200);
    expect(reconnectDelayMs(4, () => 0.999999)).toBeLessThanOrEqual(4800);
  });
  it('spends under 10 s reaching a server that is back within 5 s', () => {
    let elapsed = 0;
    let attempt = 0;
    while (elapsed < 5000) elapsed += reconnectDelayMs(++attempt, () => 1);
    expect(elapsed).toBeLessThan(10_000);
  });
});

describe('wake detection', () => {
  it('treats a long timer gap as a wake from sleep', () => {
    expect(isWakeGap(5000, 5100)).toBe(false);
    expect(isWakeGap(5000, 60_000)).toBe(true);
  });
});
