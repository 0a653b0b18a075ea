/**
 * Recent contact attempts per caller key, for the repeat-caller rule. The
 * service seeds it from the call log at start, asks it for
 * `attemptsWithin(key, now, repeatLookbackMinutes(rules))` before deciding,
 * then records the call it just decided.
 *
 * Memory is bounded three ways, so a flood of distinct spoofed numbers can't
 * grow it: attempts older than `retainMinutes` are pruned, each caller keeps
 * at most `maxAttemptsPerCaller` (the newest), and past `maxCallers` the
 * caller heard from least recently is forgotten first.
 */
export type RepeatCallerLimits = {
  /** Keep attempts this long: at least the longest window anyone asks about. */
  retainMinutes: number;
  maxCallers?: number;
  maxAttemptsPerCaller?: number;
};

export type RecordedAttempt = { key: string; at: Date };

const MINUTE_MS = 60_000;
/** Sweep every caller for expired attempts once per this many records. */
const SWEEP_EVERY = 1024;

export class RepeatCallerWindow {
  /** Attempt times (ms) per key, ascending; Map order = least recently recorded first. */
  private readonly byKey = new Map<string, number[]>();
  private readonly retainMs: number;
  private readonly maxCallers: number;
  private readonly maxAttemptsPerCaller: number;
  private recordsSinceSweep = 0;

  constructor(limits: RepeatCallerLimits) {
    this.retainMs = Math.max(0, limits.retainMinutes) * MINUTE_MS;
    this.maxCallers = limits.maxCallers ?? 10_000;
    this.maxAttemptsPerCaller = limits.maxAttemptsPerCaller ?? 100;
  }

  /** How many callers are remembered. */
  get size(): number {
    return this.byKey.size;
  }

  record(key: string, at: Date): void {
    const times = this.byKey.get(key) ?? [];
    this.byKey.delete(key); // re-inserted below: now the most recently heard from
    insertSorted(times, at.getTime());
    const kept = dropBefore(times, at.getTime() - this.retainMs).slice(-this.maxAttemptsPerCaller);
    this.byKey.set(key, kept);
    this.evictBeyondLimit();
    if (++this.recordsSinceSweep >= SWEEP_EVERY) this.sweep(at);
  }

  /** Loads earlier attempts, e.g. from the call log at start. */
  seed(attempts: Iterable<RecordedAttempt>): void {
    for (const attempt of attempts) this.record(attempt.key, attempt.at);
  }

  /** This caller's attempts in [now - minutes, now], oldest first. */
  attemptsWithin(key: string, now: Date, minutes: number): Date[] {
    const from = now.getTime() - minutes * MINUTE_MS;
    const to = now.getTime();
    return (this.byKey.get(key) ?? []).filter((t) => t >= from && t <= to).map((t) => new Date(t));
  }

  /** Forgets attempts older than the retention as of `now`; callers left with none are forgotten. */
  sweep(now: Date): void {
    this.recordsSinceSweep = 0;
    const cutoff = now.getTime() - this.retainMs;
    for (const [key, times] of this.byKey) {
      const kept = dropBefore(times, cutoff);
      if (kept.length === 0) this.byKey.delete(key);
      else if (kept.length !== times.length) this.byKey.set(key, kept);
    }
  }

  private evictBeyondLimit(): void {
    for (const key of this.byKey.keys()) {
      if (this.byKey.size <= this.maxCallers) return;
      this.byKey.delete(key);
    }
  }
}

/** Attempts usually arrive in order, so this is an append; the call log may replay them otherwise. */
function insertSorted(times: number[], t: number): void {
  let i = times.length;
  while (i > 0 && (times[i - 1] ?? 0) > t) i--;
  times.splice(i, 0, t);
}

function dropBefore(times: number[], cutoff: number): number[] {
  const first = times.findIndex((t) => t >= cutoff);
  return first === -1 ? [] : first === 0 ? times : times.slice(first);
}
