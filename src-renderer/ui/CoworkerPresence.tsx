import { useEffect, useState } from 'react';
import type { FocuslineApi, PresenceView } from '../../src-main/ipc/contract.js';
import { PRESENCE_LABELS, presenceNote } from './presence-words.js';

/**
 * Who is there, from the PBX's presence server (main's presence desk): the
 * tech's own state as coworkers see it, then the service manager and the
 * coworkers, each with their state and note. Shown only when policy turns
 * presence on. Self-contained: it asks main once and
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
  if (!view?.enabled) return null;
  const ownNote = presenceNote(view.own.state, view.own.note);
  return (
    <section className="presence" aria-label="Coworkers" data-testid="presence">
      <ul>
        <li data-testid="presence-own" data-state={view.own.state} title="What your coworkers see">
          <span className={`presence-dot presence-${view.own.state}`} aria-hidden="true" />
          <strong>You</strong> <span data-testid="presence-state">{PRESENCE_LABELS[view.own.state]}</span>
          {ownNote && <small data-testid="presence-note"> · {ownNote}</small>}
        </li>
        {view.people.map((p) => {
          const note = presenceNote(p.state, p.note);
          return (
            <li key={p.uri} data-testid="presence-person" data-uri={p.uri} data-state={p.state} data-role={p.role} title={p.uri}>
              <span className={`presence-dot presence-${p.state}`} aria-hidden="true" />
              <strong>{p.name}</strong> <span data-testid="presence-state">{PRESENCE_LABELS[p.state]}</span>
              {note && <small data-testid="presence-note"> · {note}</small>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
