import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF, parseRetryAfter } from '../../../../src-shared/retry/backoff.js';

const top = () => 0.999_999;
const half = () => 0.5;

describe('backoff', () => {
  it('starts at 2 s and doubles the ceiling per failed attempt', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, top))).toEqual([1_999, 3_999, 7_999, 15_999, 31_999]);
  });

  it('never waits longer than 15 minutes, however long the outage (no overflow)', () => {
    expect(backoffDelayMs(10, top)).toBe(899_999);
    expect(backoffDelayMs(5_000, top)).toBe(899_999);
    expect(DEFAULT_BACKOFF.capMs).toBe(900_000);
  });

  it('uses full jitter: a uniform pick between 0 and the ceiling', () => {
    expect(backoffDelayMs(3, () => 0)).toBe(0);
    expect(backoffDelayMs(3, half)).toBe(4_000);
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelayMs(4, Math.random)));
    expect(seen.size).toBeGreaterThan(10);
    for (const ms of seen) expect(ms).toBeLessThan(16_000);
  });

  it('lets Retry-After win over its own schedule, capped at 15 minutes', () => {
    expect(backoffDelayMs(1, top, 30_000)).toBe(30_000);
    expect(backoffDelayMs(9, top, 0)).toBe(0);
    expect(backoffDelayMs(1, top, 7_200_000)).toBe(900_000);
  });

  it('ignores a nonsensical Retry-After and falls back to its own backoff', () => {
    expect(backoffDelayMs(1, half, Number.NaN)).toBe(1_000);
    expect(backoffDelayMs(1, half, -5)).toBe(1_000);
  });

  it('honours a custom policy', () => {
    expect(backoffDelayMs(3, top, undefined, { baseMs: 10, factor: 3, capMs: 50 })).toBe(49);
  });
});

describe('Retry-After header', () => {
  const now = new Date('2025-03-04T10:00:00Z');
  it('reads delta-seconds and HTTP dates as milliseconds from now', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Tue, 04 Mar 2025 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 04 Mar 2025 09:00:00 GMT', now)).toBe(0);
  });
  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
