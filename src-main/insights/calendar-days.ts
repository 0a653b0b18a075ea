/**
 * Calendar days in the tech's time zone, for the Insights charts: which day
 * a moment falls on, where a day starts, and the days of a range. Pure (Intl
 * only), so a chart's buckets are the same in Electron, web mode and tests,
 * and a day with a DST change is 23 or 25 hours long rather than shifted.
 */

/** "2026-03-08": a calendar day, as the date range and the charts name it. */
export type DayKey = string;

const DAY_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;
const HOUR_MS = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone ("Europe/Berlin", "UTC"); anything else would throw later. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of `ms` in the zone, as a UTC timestamp of the same fields (its offset removed). */
function wallTime(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
}

/** The day `ms` falls on in the zone. */
export function dayKey(ms: number, timeZone: string): DayKey {
  return new Date(wallTime(ms, timeZone)).toISOString().slice(0, 10);
}

export function isDayKey(text: string): boolean {
  const m = DAY_KEY.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/**
 * The first moment of `day` in the zone (ms). Where midnight doesn't exist
 * (a DST jump at 00:00), the first moment that does.
 */
export function startOfDay(day: DayKey, timeZone: string): number {
  const target = Date.parse(`${day}T00:00:00Z`);
  // The zone's offset near that midnight, corrected once for a DST change between the guess and the answer.
  let guess = target - (wallTime(target, timeZone) - target);
  guess = target - (wallTime(guess, timeZone) - guess);
  if (dayKey(guess, timeZone) < day) guess += HOUR_MS; // midnight skipped: the day starts at 01:00
  return guess;
}

/** The day after `day`. */
export function nextDay(day: DayKey): DayKey {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 24 * HOUR_MS).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included (empty when `to` is before `from`). */
export function daysBetween(from: DayKey, to: DayKey): DayKey[] {
  const days: DayKey[] = [];
  for (let d = from; d <= to; d = nextDay(d)) days.push(d);
  return days;
}

/** How many days from `from` to `to`, both included. */
export function dayCount(from: DayKey, to: DayKey): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / (24 * HOUR_MS)) + 1;
}
