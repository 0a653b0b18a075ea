import { useEffect } from 'react';
import type { CallerMatchView, FocuslineApi } from '../../src-main/ipc/contract.js';
import { useAppStore } from '../state/app-store.js';
import { ExternalLink } from './ExternalLink.js';

/** Looks the caller up once per call or attempt (`popKey`) and keeps the answer in the store. */
export function useCallerPop(api: FocuslineApi, popKey: string, number: string, attemptId?: string): CallerMatchView | undefined {
  const pop = useAppStore((s) => s.pops[popKey]);
  // With the built-in ticket store, the contacts on Focusline's own tickets name callers.
  const connected = useAppStore((s) => s.psa?.state === 'connected' || s.psa?.state === 'local');
  useEffect(() => {
    if (pop || !connected || !number || number === 'Withheld number') return;
    let live = true;
    api
      .invoke('calls.lookup', { number, ...(attemptId ? { attemptId } : {}) })
      .then((found) => {
        if (live) useAppStore.getState().set({ pops: { ...useAppStore.getState().pops, [popKey]: found } });
      })
      .catch(() => undefined); // the pop is a nicety; the call goes on without it
    return () => {
      live = false;
    };
  }, [api, popKey, number, attemptId, connected, pop]);
  return pop;
}

/** The screen pop: who is calling, their company, and that company's open tickets. */
export function CallerCard({ pop }: { pop: CallerMatchView | undefined }) {
  if (!pop) return null;
  if (!pop.person && !pop.company) {
    return (
      <div className="caller-card unknown" data-testid="caller-card" data-via={pop.via}>
        {pop.error ? (
          <span className="hint">{pop.error}</span>
        ) : (
          <span className="hint">
            {pop.via === 'local' ? 'Not a contact on any ticket in Focusline.' : `Not in the PSA${pop.timedOut ? ' (the PSA was too slow to ask)' : ''}.`}
          </span>
        )}
      </div>
    );
  }
  return (
    <div className="caller-card" data-testid="caller-card" data-via={pop.via}>
      <div>
        {pop.person && (
          <strong data-testid="caller-name">
            {pop.person.name}
            {pop.person.kind === 'member' ? ' (coworker)' : ''}
          </strong>
        )}
        {pop.company && <span data-testid="caller-company"> · {pop.company.name}</span>}
      </div>
      {pop.openTickets.length > 0 && (
        <ul className="caller-tickets" aria-label="Open tickets">
          {pop.openTickets.slice(0, 5).map((t) => (
            <li key={t.id} data-testid="caller-ticket" data-ticket-id={t.id}>
              {t.url ? <ExternalLink href={t.url}>#{t.id}</ExternalLink> : `#${t.id}`} {t.summary} <small>({t.status})</small>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
