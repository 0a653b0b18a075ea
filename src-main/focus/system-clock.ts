import type { Clock } from '../../src-shared/time/clock.js';

/**
 * Node's setTimeout overflows past 2^31-1 ms (about 24.8 days) and then fires
 * at once, so a long do-not-disturb would end immediately. Long timers are
 * chained in steps below the limit, re-aiming at the wall-clock instant each
 * time.
 */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(at, fn) {
    let handle: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      const remaining = at.getTime() - Date.now();
      if (remaining > MAX_TIMEOUT_MS) handle = setTimeout(arm, MAX_TIMEOUT_MS);
      else handle = setTimeout(fn, Math.max(0, remaining));
    };
    arm();
    return () => clearTimeout(handle);
  },
};
