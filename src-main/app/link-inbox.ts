import type { LinkAction } from './protocol-links.js';

/**
 * Holds links that arrive before the app can act on them (a tel: or
 * focusline:// link that launched the app, a macOS open-url before ready)
 * and lets them through once the renderer listens. After that, links pass
 * straight on.
 */
export function createLinkInbox() {
  const pending: LinkAction[] = [];
  let deliver: ((link: LinkAction) => void) | undefined;
  return {
    push(link: LinkAction): void {
      if (deliver) deliver(link);
      else pending.push(link);
    },
    open(to: (link: LinkAction) => void): void {
      deliver = to;
      for (const link of pending.splice(0)) to(link);
    },
  };
}

export type LinkInbox = ReturnType<typeof createLinkInbox>;
