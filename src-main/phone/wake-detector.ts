/**
 * In a browser tab there is no power-resume event, but a sleeping laptop
 * stops the clock for timers: a tick that arrives far later than scheduled
 * means the machine slept, so the phone should reconnect at once.
 */
export const WAKE_CHECK_MS = 5000;
export const WAKE_GAP_MS = 15000;

export function isWakeGap(expectedMs: number, actualMs: number): boolean {
  return actualMs - expectedMs > WAKE_GAP_MS;
}

export function watchForWake(onWake: () => void, now: () => number = Date.now): () => void {
  let last = now();
  const timer = setInterval(() => {
    const t = now();
    if (isWakeGap(last + WAKE_CHECK_MS, t)) onWake();
    last = t;
  }, WAKE_CHECK_MS);
  return () => clearInterval(timer);
}
