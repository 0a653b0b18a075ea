import { useEffect, useState } from 'react';
import type { FocuslineApi, PresenceView } from '../../src-main/ipc/contract.js';
import type { PresenceState } from '../../src-shared/vocabulary.js';

const LABELS: Record<PresenceState, string> = {
  unknown: 'Unknown',
  available: 'Available',
  'on-call': 'On a call',
  ringing: 'Ringing',
  focused: 'Focused',
  dnd: 'Do not disturb',
  offline: 'Offline',
};

/**
 * Who is there, from the PBX's presence server (main's presence desk): the
 * service manager and the coworkers, each with their state and note. Shown
 * only when policy turns presence on. Self-contained: it asks main once and
 * follows `presence.changed`; a reconnect pushes a fresh view.
 */
export function CoworkerPresence({ api }: { api: FocuslineApi }) {
  const [view, setView] = useState<PresenceView | null>(null);
  useEffect(() => {
    let live = true;
    const stop = api.on('presence.changed', (next) => setView(next));
    api
      .invoke('presence.get', {})
      .then((next) => {
        if (live) setView((current) => current ?? next);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      stop();
    };
  }, [api]);
  if (!view?.enabled || view.people.length === 0) return null;
  return (
    <section className="presence" aria-label="Coworkers" data-testid="presence">
      <ul>
        {view.people.map((p) => (
          <li key={p.uri} data-testid="presence-person" data-uri={p.uri} data-state={p.state} data-role={p.role} title={p.uri}>
            <span className={`presence-dot presence-${p.state}`} aria-hidden="true" />
            <strong>{p.name}</strong> <span data-testid="presence-state">{LABELS[p.state]}</span>
            {p.note && p.note !== LABELS[p.state] && <small data-testid="presence-note"> · {p.note}</small>}
          </li>
        ))}
      </ul>
    </section>
  );
}
