import { create } from 'zustand';
import type { HistoryEntry, SettingsView } from '../../src-main/ipc/contract.js';

export type AppState = {
  settings: SettingsView | null;
  history: HistoryEntry[];
  /** A message for the tech about something they just tried, e.g. a call that could not start. */
  notice: string;
  setSettings(settings: SettingsView): void;
  setHistory(history: HistoryEntry[]): void;
  setNotice(message: string): void;
};

export const useAppStore = create<AppState>((set) => ({
  settings: null,
  history: [],
  notice: '',
  setSettings: (settings) => set({ settings }),
  setHistory: (history) => set({ history }),
  setNotice: (notice) => set({ notice }),
}));
