import { useAppStore } from '../state/app-store.js';

/** A policy value as the UI reads it (entries carry JSON text); `fallback` until policy has loaded. */
export function usePolicyValue<T>(key: string, fallback: T): T {
  const text = useAppStore((s) => s.policy.entries.find((e) => e.key === key)?.value);
  if (text === undefined) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
