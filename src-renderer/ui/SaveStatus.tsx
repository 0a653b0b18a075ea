import { Check, CircleAlert, LoaderCircle } from 'lucide-react';
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { messageOf } from '../../src-shared/errors.js';

type Track = <T>(saving: Promise<T>) => Promise<T>;

const TrackContext = createContext<Track>((saving) => saving);

/** Reports a save in this settings section's "Saved" line; outside a section it just passes the promise on. */
export function useTrackSave(): Track {
  return useContext(TrackContext);
}

type State = { state: 'idle' | 'saving' | 'saved' | 'failed'; message: string };

/**
 * A settings section's one "Saving… / Saved / Not saved" line: every change in
 * the section reports through it, so a tech never wonders whether a choice took.
 */
export function SaveScope({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<State>({ state: 'idle', message: '' });
  const latest = useRef(0);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const track = useCallback<Track>((saving) => {
    const n = ++latest.current;
    setStatus({ state: 'saving', message: '' });
    saving.then(
      () => mounted.current && n === latest.current && setStatus({ state: 'saved', message: '' }),
      (err: unknown) => mounted.current && n === latest.current && setStatus({ state: 'failed', message: messageOf(err) }),
    );
    return saving;
  }, []);
  return (
    <TrackContext.Provider value={track}>
      <p className={`save-status save-${status.state}`} aria-live="polite" data-testid="save-status" data-state={status.state}>
        {status.state === 'saving' && (
          <>
            <LoaderCircle size={16} aria-hidden="true" />
            Saving…
          </>
        )}
        {status.state === 'saved' && (
          <>
            <Check size={16} aria-hidden="true" />
            Saved
          </>
        )}
        {status.state === 'failed' && (
          <>
            <CircleAlert size={16} aria-hidden="true" />
            Not saved: {status.message}
          </>
        )}
      </p>
      {children}
    </TrackContext.Provider>
  );
}
