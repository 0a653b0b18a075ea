/**
 * Runs `fn` at once, then at most once per `ms` while requests keep coming
 * (the last request is never dropped): a single change reaches the UI
 * immediately, and a burst (a call storm, a queue draining) becomes a few
 * pushes instead of hundreds, each one serialised, validated and rendered.
 */
/** How often at most a list is pushed to the UI while it keeps changing. */
export const UI_PUSH_MS = 250;

export function coalesce(fn: () => void, ms: number = UI_PUSH_MS): { request(): void; flush(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending = false;
  const windowEnds = () => {
    timer = undefined;
    if (!pending) return;
    pending = false;
    fn();
    timer = setTimeout(windowEnds, ms);
  };
  return {
    request() {
      if (timer !== undefined) {
        pending = true;
        return;
      }
      fn();
      timer = setTimeout(windowEnds, ms);
    },
    flush() {
      if (!pending) return;
      pending = false;
      fn();
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      pending = false;
    },
  };
}
