/**
 * Runs tasks one at a time per key, in the order they were queued. Chunks of
 * one message arrive over IPC faster than a write + fsync completes, and two
 * writes to the same file must never interleave; different messages don't wait
 * for each other.
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task);
    // A failed task must not block the next one: the chain continues from a promise that never rejects.
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /** Resolves when everything queued so far (for every key) has settled. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
