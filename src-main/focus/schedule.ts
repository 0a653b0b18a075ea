import type { BusinessHours } from './types.js';

/**
 * Business hours: is this instant inside them? Ranges are wall-clock times in
 * the schedule's IANA time zone, read with Intl (no extra dependencies), so
 * DST needs no special handling: 09:00–17:00 means 09:00–17:00 local on
 * either side of the switch. On the spring-forward night a range that starts
 * in the skipped hour simply begins when the clock reaches it; on the
 * fall-back night the repeated hour is inside a range both times.
 *
 * A range is [start, end): 09:00–17:00 includes 09:00 and 16:59, not 17:00.
 * "24:00" may end a range (a whole day is 00:00–24:00). A range whose end is
 * before its start crosses midnight and belongs to the day it starts on:
 * Monday 22:00–06:00 covers Monday night into Tuesday 06:00. start = end is
 * refused as ambiguous (empty or all day?).
 */
export type ScheduleProblem = string;

export class InvalidBusinessHoursError extends Error {
  constructor(readonly problems: readonly ScheduleProblem[]) {
    super(`The business hours can't be used: ${problems.join('; ')}. Fix them in the hours.weekly and hours.timeZone settings.`);
    this.name = 'InvalidBusinessHoursError';
  }
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const MINUTES_PER_DAY = 24 * 60;
const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** Everything wrong with a schedule, in words a manager can act on; empty when it is usable. */
export function validateBusinessHours(hours: BusinessHours): ScheduleProblem[] {
  const problems: ScheduleProblem[] = [];
  if (!isKnownTimeZone(hours.timeZone)) {
    problems.push(`"${hours.timeZone}" is not a time zone; use an IANA name such as America/New_York or Europe/Berlin`);
  }
  for (const [day, ranges] of Object.entries(hours.weekly)) {
    const name = DAY_NAMES[Number(day)];
    if (name === undefined || !/^[0-6]$/.test(day)) {
      problems.push(`"${day}" is not a weekday; use 0 (Sunday) to 6 (Saturday)`);
      continue;
    }
    for (const range of ranges ?? []) problems.push(...rangeProblems(name, range));
  }
  return problems;
}

export function isWithinBusinessHours(hours: BusinessHours, at: Date): boolean {
  const compiled = compileBusinessHours(hours);
  const local = wallClock(compiled.timeZone, at);
  return compiled.byWeekday[local.weekday]?.some(([start, end]) => local.minutes >= start && local.minutes < end) ?? false;
}

type Minutes = [start: number, end: number];
type CompiledHours = { timeZone: string; byWeekday: Minutes[][] };

// Compiling is cheap but Intl.DateTimeFormat construction is not (~20 µs);
// both are cached, by schedule object and by time zone.
const compiledCache = new WeakMap<BusinessHours, CompiledHours>();

/** Validates and prepares a schedule; throws InvalidBusinessHoursError with every problem. */
export function compileBusinessHours(hours: BusinessHours): CompiledHours {
  const cached = compiledCache.get(hours);
  if (cached !== undefined) return cached;
  const problems = validateBusinessHours(hours);
  if (problems.length > 0) throw new InvalidBusinessHoursError(problems);
  const byWeekday: Minutes[][] = DAY_NAMES.map(() => []);
  for (const [day, ranges] of Object.entries(hours.weekly)) {
    for (const range of ranges ?? []) addRange(byWeekday, Number(day), minutesOf(range.start), minutesOf(range.end));
  }
  const compiled = { timeZone: hours.timeZone, byWeekday };
  compiledCache.set(hours, compiled);
  return compiled;
}

function addRange(byWeekday: Minutes[][], day: number, start: number, end: number): void {
  if (end > start) {
    byWeekday[day]?.push([start, end]);
    return;
  }
  byWeekday[day]?.push([start, MINUTES_PER_DAY]);
  if (end > 0) byWeekday[(day + 1) % 7]?.push([0, end]);
}

function rangeProblems(day: string, range: { start: string; end: string }): ScheduleProblem[] {
  const problems: ScheduleProblem[] = [];
  if (!TIME.test(range.start)) problems.push(`${day}: start "${range.start}" is not a time like 09:00`);
  if (!TIME.test(range.end) && range.end !== '24:00') problems.push(`${day}: end "${range.end}" is not a time like 17:00 (or 24:00)`);
  if (problems.length === 0 && minutesOf(range.start) === minutesOf(range.end)) {
    problems.push(`${day}: ${range.start}–${range.end} starts when it ends; for the whole day use 00:00–24:00`);
  }
  return problems;
}

function minutesOf(time: string): number {
  const [h, m] = time.split(':');
  return Number(h) * 60 + Number(m);
}

function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

type WallClock = { weekday: number; minutes: number };

// Reading the wall clock through Intl costs ~4 µs. Every zone in use today is
// offset from UTC by whole minutes, so within one UTC minute the local minute
// can't change: remember the last answer per zone, keyed by that minute.
const lastReading = new Map<string, { utcMinute: number; reading: WallClock }>();

/** The weekday (0 = Sunday) and minute of the day on the wall clock in `timeZone` at `at`. */
export function wallClock(timeZone: string, at: Date): WallClock {
  const utcMinute = Math.floor(at.getTime() / 60_000);
  const last = lastReading.get(timeZone);
  if (last?.utcMinute === utcMinute) return last.reading;
  const reading = readWallClock(timeZone, at);
  lastReading.set(timeZone, { utcMinute, reading });
  return reading;
}

function readWallClock(timeZone: string, at: Date): WallClock {
  let weekday = 0;
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { weekday, minutes: hour * 60 + minute };
}
