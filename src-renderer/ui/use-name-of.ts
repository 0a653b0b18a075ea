import { useMemo } from 'react';
import { useAppStore } from '../state/app-store.js';
import { addressOf, type NameOf } from './call-words.js';

/** Names for redirect targets: the coworkers Focusline knows (the service manager is usually one of them). */
export function useNameOf(): NameOf {
  const coworkers = useAppStore((s) => s.escalation?.coworkers);
  return useMemo(() => {
    const names = new Map((coworkers ?? []).map((c) => [addressOf(c.target), c.name.split(/\s+/)[0] ?? c.name]));
    // A coworker listed by extension ("2002") is the same person as sip:2002@pbx.
    return (target: string) => names.get(addressOf(target)) ?? names.get(addressOf(target).split('@')[0] ?? '') ?? null;
  }, [coworkers]);
}
