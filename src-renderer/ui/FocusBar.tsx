import { useState } from 'react';
import type { FocuslineApi } from '../../src-main/ipc/contract.js';
import { reportError, useAppStore } from '../state/app-store.js';
import { formatTime } from './format.js';

const DND_CHOICES = [
  { label: '30 minutes', minutes: 30 },
  { label: '1 hour', minutes: 60 },
  { label: '2 hours', minutes: 120 },
] as const;

/** Where focus stands, and the controls to end it or take do-not-disturb by hand. */
export function FocusBar({ api }: { api: FocuslineApi }) {
  const focus = useAppStore((s) => s.focus);
  const [menu, setMenu] = useState(false);
  const [untilTime, setUntilTime] = useState('');
  const dnd = (request: { minutes?: number; until?: string }) => {
    setMenu(false);
    api.invoke('focus.dnd', request).catch(reportError);
  };
  const untilToday = () => {
    const [h, m] = untilTime.split(':').map(Number);
    if (h === undefined || m === undefined || Number.isNaN(h) || Number.isNaN(m)) return;
    const at = new Date();
    at.setHours(h, m, 0, 0);
    if (at.getTime() <= Date.now()) at.setDate(at.getDate() + 1);
    dnd({ until: at.toISOString() });
  };
  return (
    <section className={`focusbar focus-${focus.mode}`} data-testid="focus" data-mode={focus.mode} aria-live="polite">
      <span className="label" data-testid="focus-label">
        {focus.label}
        {focus.mode === 'dnd' && focus.until && ` (until ${formatTime(focus.until)})`}
      </span>
      {focus.mode !== 'off' ? (
        <button onClick={() => api.invoke('focus.stop', {}).catch(reportError)} data-testid="focus-stop">
          {focus.mode === 'ticket' ? 'Stop work' : 'End do-not-disturb'}
        </button>
      ) : (
        <div className="dnd">
          <button onClick={() => setMenu((m) => !m)} aria-expanded={menu} data-testid="dnd-menu">
            Do not disturb ▾
          </button>
          {menu && (
            <div className="menu" role="menu">
              {DND_CHOICES.map((c) => (
                <button role="menuitem" key={c.minutes} onClick={() => dnd({ minutes: c.minutes })} data-testid={`dnd-${c.minutes}`}>
                  {c.label}
                </button>
              ))}
              <label className="until">
                Until
                <input type="time" value={untilTime} onChange={(e) => setUntilTime(e.target.value)} aria-label="Do not disturb until" />
                <button onClick={untilToday} disabled={!untilTime}>
                  Set
                </button>
              </label>
              <button role="menuitem" onClick={() => dnd({})} data-testid="dnd-off">
                Until I turn it off
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
