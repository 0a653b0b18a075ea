import { create } from 'zustand';
import type { DesktopStatus } from '../../src-main/ipc/contract.js';

/**
 * What the desktop conventions (issue #13) put in front of the tech: a number
 * from another app's link waiting for "Call", a request from main to show the
 * follow-up list, and the shell's hotkeys and update state. Written only by
 * session.ts (from main's events) and by the dialogs that settle them.
 */
/** A link from another app waiting for the tech: a number to call, or a focusline:// command main holds by id. */
export type PendingLink = { kind: 'dial'; target: string } | { kind: 'focus'; id: string; summary: string };

/** At most this many links wait; more are refused (said once), never silently put in place of the one on screen. */
export const MAX_PENDING_LINKS = 3;

export type DesktopState = {
  /** Links from other apps, oldest first: the first is on screen, the rest wait their turn. */
  pendingLinks: PendingLink[];
  /** main asked to show the follow-up list (a notification or the tray was clicked); `at` makes each request new. */
  showFollowUps: { attemptId: string | null; at: number } | null;
  desktop: DesktopStatus | null;
  set(patch: Partial<Omit<DesktopState, 'set'>>): void;
};

export const useDesktopStore = create<DesktopState>((set) => ({
  pendingLinks: [],
  showFollowUps: null,
  desktop: null,
  set: (patch) => set(patch),
}));

/**
 * Queues a link from another app behind the one on screen. The same link
 * twice (a double click) is one prompt. Returns false when it was refused
 * because MAX_PENDING_LINKS already wait.
 */
export function offerLink(link: PendingLink): boolean {
  const { pendingLinks, set } = useDesktopStore.getState();
  const same = (other: PendingLink) => JSON.stringify(other) === JSON.stringify(link);
  if (pendingLinks.some(same)) return true;
  if (pendingLinks.length >= MAX_PENDING_LINKS) return false;
  set({ pendingLinks: [...pendingLinks, link] });
  return true;
}

/** The link on screen is answered: the next one (if any) takes its place. */
export function settleLink(link: PendingLink): void {
  const { pendingLinks, set } = useDesktopStore.getState();
  set({ pendingLinks: pendingLinks.filter((l) => l !== link) });
}
