/** A way to stop something started: a timer, a watcher. */
export type Cancel = () => void;

/**
 * The timer port, so tests can drive polling and debouncing and so every
 * timer the policy subsystem starts has one way to be stopped.
 */
export interface Timers {
  after(ms: number, run: () => void): Cancel;
  every(ms: number, run: () => void): Cancel;
}

export interface Clock {
  now(): number;
}

// unref: a pending policy poll must never keep web mode's process alive on its own.
export const systemTimers: Timers = {
  after(ms, run) {
    const handle = setTimeout(run, ms);
    handle.unref();
    return () => clearTimeout(handle);
  },
  every(ms, run) {
    const handle = setInterval(run, ms);
    handle.unref();
    return () => clearInterval(handle);
  },
};

export const systemClock: Clock = { now: () => Date.now() };
