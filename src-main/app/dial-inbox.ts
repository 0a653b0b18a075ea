/**
 * Holds dial targets that arrive before the renderer can take them (a tel:
 * link that launched the app, a macOS open-url before ready) and lets them
 * through once the window has loaded. After that, targets pass straight on.
 */
export function createDialInbox() {
  const pending: string[] = [];
  let deliver: ((target: string) => void) | undefined;
  return {
    push(target: string): void {
      if (deliver) deliver(target);
      else pending.push(target);
    },
    open(to: (target: string) => void): void {
      deliver = to;
      for (const target of pending.splice(0)) to(target);
    },
  };
}

export type DialInbox = ReturnType<typeof createDialInbox>;
