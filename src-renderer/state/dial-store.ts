import { create } from 'zustand';

/**
 * The Phone tab's one keypad: the number being typed, and whether the keys
 * send tones to a live call instead. Kept in a store so that keys typed
 * anywhere on the tab and a call card's "Keypad" button reach the same pad.
 */
export type DialState = {
  target: string;
  /** 'tones': the keys go to the live call; 'dial': they make a new number even during a call. */
  mode: 'tones' | 'dial';
  /** The tones sent to the current call, shown in the pad's field. */
  tones: string;
  setTarget(target: string): void;
  setMode(mode: 'tones' | 'dial'): void;
  addTone(tone: string): void;
  clearTones(): void;
};

export const useDialStore = create<DialState>((set) => ({
  target: '',
  mode: 'tones',
  tones: '',
  setTarget: (target) => set({ target }),
  setMode: (mode) => set({ mode }),
  addTone: (tone) => set((s) => ({ tones: (s.tones + tone).slice(-32) })),
  clearTones: () => set({ tones: '' }),
}));

/** The pad's element id: a call card's "Keypad" button moves focus there. */
export const DIAL_PAD_ID = 'dial-pad';
