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

/**
 * The days of a range with their starts worked out once, so placing a moment
 * in its day is a binary search rather than an Intl call: a year's call log
 * is placed in milliseconds, and main (which runs the phone) is not held up.
 */
export class DayIndex {
  readonly days: readonly DayKey[];
  /** starts[i] is where days[i] begins; the last entry is where the range ends. */
  private readonly starts: readonly number[];

  constructor(range: { from: DayKey; to: DayKey; timeZone: string }) {
    this.days = daysBetween(range.from, range.to);
    this.starts = [...this.days.map((d) => startOfDay(d, range.timeZone)), startOfDay(nextDay(range.to), range.timeZone)];
  }

  /** The index of the day `ms` falls on; -1 outside the range. */
  indexOf(ms: number): number {
    let lo = 0;
    let hi = this.days.length; // the answer is in [lo, hi)
    if (this.days.length === 0 || ms < (this.starts[0] ?? 0) || ms >= (this.starts[hi] ?? 0)) return -1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ms >= (this.starts[mid] ?? 0)) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** The day `ms` falls on; undefined outside the range. */
  dayOf(ms: number): DayKey | undefined {
    return this.days[this.indexOf(ms)];
  }

  startOf(i: number): number {
    return this.starts[i] ?? Number.NaN;
  }

  /** Where day i ends: the next day's start. */
  endOf(i: number): number {
    return this.starts[i + 1] ?? Number.NaN;
  }
}
