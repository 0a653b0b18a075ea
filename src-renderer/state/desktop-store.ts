import { create } from 'zustand';
import type { DesktopStatus } from '../../src-main/ipc/contract.js';

/**
 * What the desktop conventions (issue #13) put in front of the tech: a number
 * from another app's link waiting for "Call", a request from main to show the
 * follow-up list, and the shell's hotkeys and update state. Written only by
 * session.ts (from main's events) and by the dialogs that settle them.
 */
export type DesktopState = {
  /** A tel:/sip:/callto: link from another app: shown, and dialled only when the tech says Call. */
  pendingDial: string | null;
  /** main asked to show the follow-up list (a notification or the tray was clicked); `at` makes each request new. */
  showFollowUps: { attemptId: string | null; at: number } | null;
  desktop: DesktopStatus | null;
  set(patch: Partial<Omit<DesktopState, 'set'>>): void;
};

export const useDesktopStore = create<DesktopState>((set) => ({
  pendingDial: null,
  showFollowUps: null,
  desktop: null,
  set: (patch) => set(patch),
}));
