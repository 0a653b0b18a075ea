import { useEffect, useRef, useState } from 'react';
import { reportError, useAppStore } from '../state/app-store.js';
import { settleLink, useDesktopStore, type PendingLink } from '../state/desktop-store.js';

/** How long Call (or Run) stays disabled after what it would do changes: a click or Enter meant for the old prompt can't land on a new one. */
export const LINK_CONFIRM_ARM_MS = 750;

/**
 * A link from another app (a web page, an email, a PSA) shows what it asks
 * and acts only when the tech says so: any page can carry a link, and a call
 * placed by mistake costs money and trust. A tel:, sip: or callto: link shows
 * its number; a focusline:// link shows its focus command, which main runs on
 * the answer. Focus starts on Cancel, and Call is armed only after
 * LINK_CONFIRM_ARM_MS, so a keypress already on its way can't accept. A link
 * arriving meanwhile waits its turn (state/desktop-store.ts). Policy's
 * links.trusted skips this (main then acts without asking).
 */
export function LinkConfirm({
  call,
  runFocusLink,
}: {
  call: (target: string) => Promise<unknown>;
  runFocusLink: (id: string, run: boolean) => Promise<{ ran: boolean }>;
}) {
  const link = useDesktopStore((s) => s.pendingLinks[0] ?? null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const [armedFor, setArmedFor] = useState<PendingLink | null>(null);
  useEffect(() => {
    if (!link) return;
    cancelButton.current?.focus();
    const timer = setTimeout(() => setArmedFor(link), LINK_CONFIRM_ARM_MS);
    return () => clearTimeout(timer);
  }, [link]);
  if (!link) return null;
  const armed = armedFor === link;
  const cancel = () => {
    settleLink(link);
    if (link.kind === 'focus') runFocusLink(link.id, false).catch(reportError);
  };
  const accept = () => {
    if (!armed) return;
    settleLink(link);
    if (link.kind === 'dial') {
      call(link.target).catch(reportError);
      return;
    }
    runFocusLink(link.id, true)
      .then((answer) => {
        // Main forgets a link nobody answered within 5 minutes: say so, rather than seem to have run it.
        if (!answer.ran) useAppStore.getState().setNotice('That link waited too long and was not run. Click it again if you still want it.', 'problem');
      })
      .catch(reportError);
  };
  const title = link.kind === 'dial' ? `Call ${link.target}?` : `${link.summary}?`;
  const text =
    link.kind === 'dial'
      ? 'A link in another app asked Focusline to call this number. Check it before you call.'
      : 'A focusline:// link in another app asked Focusline to do this. Run it only if you just clicked such a link.';
  return (
    <div
      className="card link-confirm"
      role="alertdialog"
      aria-labelledby="link-confirm-title"
      aria-describedby="link-confirm-text"
      onKeyDown={(e) => e.key === 'Escape' && cancel()}
      data-testid="link-confirm"
    >
      <h2 id="link-confirm-title">{title}</h2>
      <p id="link-confirm-text" className="hint">
        {text}
      </p>
      <div className="row">
        <button className="primary" onClick={accept} disabled={!armed} data-testid="link-confirm-call">
          {link.kind === 'dial' ? 'Call' : 'Run'}
        </button>
        <button ref={cancelButton} className="secondary" onClick={cancel} data-testid="link-confirm-cancel">
          Cancel
        </button>
      </div>
    </div>
  );
}
