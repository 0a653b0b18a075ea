import { useEffect, useRef } from 'react';
import { useDesktopStore } from '../state/desktop-store.js';

/**
 * main asked to show the follow-up list (a held-back-call notification or the
 * tray's "3 calls to follow up" was clicked): switch to the Phone tab and
 * bring the call's row into view, marked so the eye finds it.
 */
export function useFollowUpRequests(showPhoneTab: () => void): void {
  const request = useDesktopStore((s) => s.showFollowUps);
  // The caller passes a new function each render; only a new request should act.
  const show = useRef(showPhoneTab);
  show.current = showPhoneTab;
  useEffect(() => {
    if (!request) return;
    show.current();
    // After the tab has rendered its list.
    const frame = requestAnimationFrame(() => {
      const selector = request.attemptId ? `[data-testid="quiet-call"][data-attempt-id="${CSS.escape(request.attemptId)}"]` : 'section.quiet';
      const row = document.querySelector<HTMLElement>(selector);
      if (!row) return;
      row.scrollIntoView({ block: 'center' });
      row.classList.add('highlight');
      row.setAttribute('tabindex', '-1');
      row.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [request]);
}
