/**
 * Runs `fn` at most once per `ms`, after the latest request: a burst of calls
 * (a call storm, a queue draining) becomes one list pushed to the UI instead
 * of hundreds, each one serialised, validated and rendered.
 */
export function coalesce(fn: () => void, ms: number): { request(): void; flush(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    timer = undefined;
    fn();
  };
  return {
    request() {
      if (timer === undefined) timer = setTimeout(run, ms);
    },
    flush() {
      if (timer === undefined) return;
      clearTimeout(timer);
      run();
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
