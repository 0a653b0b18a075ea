/**
 * When to try a handoff again. Pure, so it is tested with plain tables; the
 * outbox passes its own random source so tests can pin the jitter.
 */
export type BackoffPolicy = {
  /** Ceiling of the first retry's delay. */
  baseMs: number;
  /** Growth of the ceiling per failed attempt. */
  factor: number;
  /** No wait is ever longer than this, Retry-After included. */
  capMs: number;
};

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, factor: 2, capMs: 15 * 60_000 };

/**
 * Delay before the next try after `failedAttempts` failures (1 = the first
 * one failed). Full jitter (a uniform pick in [0, ceiling)) spreads out the
 * retries of many techs whose PSA came back at the same moment. A server's
 * Retry-After wins when present: it knows its rate limit better than we do,
 * but we still cap it so a bogus value can't park a handoff for days.
 */
export function backoffDelayMs(failedAttempts: number, random: () => number, retryAfterMs?: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return Math.min(Math.ceil(retryAfterMs), policy.capMs);
  }
  const exponent = Math.max(0, failedAttempts - 1);
  // Math.min before the power would overflow to Infinity on long outages.
  const ceiling = Math.min(policy.capMs, policy.baseMs * policy.factor ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/**
 * An HTTP Retry-After value (delta-seconds or an HTTP date) as milliseconds
 * from `now`, for adapters to fill `retryAfterMs`. Undefined when absent or
 * unreadable, so the outbox falls back to its own backoff.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
