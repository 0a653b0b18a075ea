import { useEffect, useRef } from 'react';
import { reportError } from '../state/app-store.js';
import { useDesktopStore } from '../state/desktop-store.js';

/**
 * A tel:, sip: or callto: link from another app (a web page, an email, a
 * PSA) shows its number and dials only when the tech says so: any page can
 * carry a link, and a call placed by mistake costs money and trust. Policy's
 * links.trusted skips this (main then sends the number without asking).
 */
export function LinkConfirm({ call }: { call: (target: string) => Promise<unknown> }) {
  const target = useDesktopStore((s) => s.pendingDial);
  const callButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (target) callButton.current?.focus();
  }, [target]);
  if (!target) return null;
  const close = () => useDesktopStore.getState().set({ pendingDial: null });
  const dial = () => {
    close();
    call(target).catch(reportError);
  };
  return (
    <div
      className="card link-confirm"
      role="alertdialog"
      aria-labelledby="link-confirm-title"
      aria-describedby="link-confirm-text"
      onKeyDown={(e) => e.key === 'Escape' && close()}
      data-testid="link-confirm"
    >
      <h2 id="link-confirm-title">Call {target}?</h2>
      <p id="link-confirm-text" className="hint">
        A link in another app asked Focusline to call this number. Check it before you call.
      </p>
      <div className="row">
        <button ref={callButton} className="primary" onClick={dial} data-testid="link-confirm-call">
          Call
        </button>
        <button className="secondary" onClick={close} data-testid="link-confirm-cancel">
          Cancel
        </button>
      </div>
    </div>
  );
}
