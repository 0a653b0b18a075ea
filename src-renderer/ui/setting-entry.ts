import type { FocuslineApi } from '../../src-main/ipc/contract.js';
import { reportError, useAppStore } from '../state/app-store.js';

/** One setting as the UI reads it: its value (JSON-parsed) and whether policy enforces it. */
export function useSettingEntry<T>(key: string, fallback: T): { value: T; locked: boolean } {
  const entry = useAppStore((s) => s.policy.entries.find((e) => e.key === key));
  if (!entry) return { value: fallback, locked: false };
  try {
    return { value: JSON.parse(entry.value) as T, locked: entry.locked };
  } catch {
    return { value: fallback, locked: entry.locked };
  }
}

/** Saves one of the tech's settings; main refuses it (with a message) if policy enforces it. */
export function saveSetting(api: FocuslineApi, key: string, value: unknown): Promise<void> {
  return api.invoke('settings.setValue', { key, value }).then(
    () => undefined,
    (error: unknown) => {
      reportError(error);
    },
  );
}
