import { compileBusinessHours, wallClock } from '../focus/schedule.js';
import type { BusinessHours } from '../focus/types.js';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;
/** After hours, a callback is due within the first hour of the next business day: "first thing in the morning". */
const NEXT_MORNING_GRACE_MINUTES = 60;

/**
 * When a callback for a call at `at` is due: "Return calls same day."
 *
 * - With business hours: by the end of today's last business range, while
 *   it is still ahead; after the day's last hour (or on a closed day), by
 *   the first hour of the next business day.
 * - Without business hours (or with a schedule that can't be used): by the
 *   end of today, local time.
 *
 * Pure: wall-clock minutes in the schedule's time zone, as the ring decision
 * reads them (focus/schedule.ts).
 */
export function callbackDueAt(at: Date, hours: BusinessHours | null): number {
  if (hours === null) return endOfLocalDay(at);
  let compiled;
  try {
    compiled = compileBusinessHours(hours);
  } catch {
    return endOfLocalDay(at);
  }
  const now = wallClock(compiled.timeZone, at);
  const lastEnd = Math.max(0, ...(compiled.byWeekday[now.weekday] ?? []).map(([, end]) => end));
  if (now.minutes < lastEnd) return at.getTime() + (lastEnd - now.minutes) * MINUTE_MS;
  for (let ahead = 1; ahead <= 7; ahead++) {
    const ranges = compiled.byWeekday[(now.weekday + ahead) % 7] ?? [];
    if (ranges.length === 0) continue;
    const firstStart = Math.min(...ranges.map(([start]) => start));
    const minutes = ahead * DAY_MINUTES - now.minutes + firstStart + NEXT_MORNING_GRACE_MINUTES;
    return at.getTime() + minutes * MINUTE_MS;
  }
  return endOfLocalDay(at);
}

/** The end of the day `at` falls on, in this computer's time zone. */
export function endOfLocalDay(at: Date): number {
  const end = new Date(at);
  end.setHours(23, 59, 59, 999);
  return end.getTime();
}
