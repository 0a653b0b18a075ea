import { useEffect, useState } from 'react';

/** The time, re-read every `everyMs` while `active`: call timers (each second), due and overdue callbacks (each minute). */
export function useNow(active = true, everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [active, everyMs]);
  return now;
}
