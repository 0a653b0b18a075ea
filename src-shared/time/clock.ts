/**
 * Time, as the focus session sees it. Injected so that tests move time by
 * hand and never sleep; system-clock.ts is the real one.
 */
export interface Clock {
  now(): Date;
  /** Calls `fn` once at `at` (at once if `at` has passed). Returns a function that cancels it. */
  setTimer(at: Date, fn: () => void): () => void;
}
