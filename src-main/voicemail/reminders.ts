import type { Clock } from '../../src-shared/time/clock.js';
import { isWithinBusinessHours, validateBusinessHours, wallClock } from '../focus/schedule.js';
import type { BusinessHours } from '../focus/types.js';
import { toBusinessHours } from '../policy/business-hours.js';
import type { SettingsValues } from '../policy/schema.js';
import { isTimeZone } from '../policy/value-schemas.js';

/**
 * Reminders of unhandled voicemail and callbacks, on the policy's schedule
 * (reminders.schedule): the procedure asks techs to check voicemail
 * regularly and return every call the same day.
 *
 * The schedule is a list of local times in the business hours' time zone:
 * 'odd-hours' is every odd hour on the hour (…, 09:00, 11:00, …), 'off' is
 * none, or explicit times ("09:30, 13:00, 16:30"). A time counts only within
 * the working day: inside business hours, or exactly at a range's end (so
 * 09:00–17:00 reminds at 9, 11, 13, 15 and 17, the last chance to return a
 * call the same day). Without business hours the working day is Monday to
 * Friday, 09:00–17:00. Invalid business hours (policy refuses them, so only
 * by mistake) get the same default, never a crash.
 */
const MINUTE_MS = 60_000;
const MINUTES_PER_DAY = 24 * 60;
/** Far enough for a weekly schedule plus a DST shift; beyond it, a schedule never fires. */
const SEARCH_DAYS = 8;
const DEFAULT_WEEKLY: BusinessHours['weekly'] = Object.fromEntries([1, 2, 3, 4, 5].map((day) => [day, [{ start: '09:00', end: '17:00' }]]));

export class InvalidReminderScheduleError extends Error {
  constructor(readonly schedule: string) {
    super(`The reminder schedule "${schedule}" can't be read: use odd-hours, off, or times like "09:30, 13:00, 16:30" (reminders.schedule).`);
    this.name = 'InvalidReminderScheduleError';
  }
}

/** The schedule's times as minutes after local midnight, sorted, without repeats. */
export function scheduleMinutes(schedule: string): number[] {
  const text = schedule.trim();
  if (text === 'off') return [];
  if (text === 'odd-hours') return Array.from({ length: 12 }, (_, i) => (2 * i + 1) * 60);
  const minutes = text.split(',').map((part) => {
    const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(part.trim());
    if (match === null) throw new InvalidReminderScheduleError(schedule);
    return Number(match[1]) * 60 + Number(match[2]);
  });
  return [...new Set(minutes)].sort((a, b) => a - b);
}

/** The working day reminders keep to: the business hours, else Monday–Friday 09:00–17:00, in the business hours' zone. */
export function reminderHours(
  values: Pick<SettingsValues, 'hours.timeZone' | 'hours.weekly'>,
  systemTimeZone: string = Intl.DateTimeFormat().resolvedOptions().timeZone,
): BusinessHours {
  return toBusinessHours(values, systemTimeZone) ?? { timeZone: values['hours.timeZone'] || systemTimeZone, weekly: DEFAULT_WEEKLY };
}

/** null: the default working day in the computer's zone (reminderHours keeps hours.timeZone; prefer it). */
function usableHours(hours: BusinessHours | null): BusinessHours {
  const system = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (hours === null) return { timeZone: system, weekly: DEFAULT_WEEKLY };
  if (validateBusinessHours(hours).length === 0) return hours;
  return { timeZone: isTimeZone(hours.timeZone) ? hours.timeZone : system, weekly: DEFAULT_WEEKLY };
}

/** Inside business hours, or at the very end of a range (ranges are [start, end) in schedule.ts). */
function isWorkingTime(hours: BusinessHours, at: number): boolean {
  return isWithinBusinessHours(hours, new Date(at)) || isWithinBusinessHours(hours, new Date(at - MINUTE_MS));
}

/** The first scheduled time strictly after `now` within the working day; null when the schedule never fires. */
export function nextReminderAt(now: Date, schedule: string, hours: BusinessHours | null): Date | null {
  const slots = scheduleMinutes(schedule);
  if (slots.length === 0) return null;
  const working = usableHours(hours);
  const minuteStart = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  const localNow = wallClock(working.timeZone, new Date(minuteStart)).minutes;
  for (let day = 0; day <= SEARCH_DAYS; day++) {
    let best: number | null = null;
    for (const slot of slots) {
      const guess = minuteStart + (day * MINUTES_PER_DAY + slot - localNow) * MINUTE_MS;
      const at = instantOf(working.timeZone, guess, slot);
      if (at === null || at <= now.getTime() || !isWorkingTime(working, at)) continue;
      if (best === null || at < best) best = at;
    }
    if (best !== null) return new Date(best);
  }
  return null;
}

/**
 * The instant near `guess` when the wall clock in `timeZone` reads `slot`.
 * The guess assumes no offset change; a DST switch in between is corrected
 * by reading the wall clock again. null for a time the clock skips (02:30 on
 * a spring-forward night).
 */
function instantOf(timeZone: string, guess: number, slot: number): number | null {
  let at = guess;
  for (let attempt = 0; attempt < 3; attempt++) {
    const diff = minutesBetween(wallClock(timeZone, new Date(at)).minutes, slot);
    if (diff === 0) return at;
    at += diff * MINUTE_MS;
  }
  return null;
}

/** The shortest way round the clock from `from` to `to`, in minutes: -720 … 719. */
function minutesBetween(from: number, to: number): number {
  return ((((to - from) % MINUTES_PER_DAY) + MINUTES_PER_DAY + MINUTES_PER_DAY / 2) % MINUTES_PER_DAY) - MINUTES_PER_DAY / 2;
}

export type Reminder = {
  /** Unhandled voicemails and callbacks, when the reminder went out. */
  count: number;
  /** The scheduled time it belongs to. */
  slot: Date;
  /** It was held (a call, or Focus) and went out when that ended. */
  delayed: boolean;
};

export type ReminderSchedulerOptions = {
  clock: Clock;
  schedule: string;
  /** Best from reminderHours(values); null: Monday–Friday 09:00–17:00 in the computer's zone. */
  hours: BusinessHours | null;
  unhandledCount: () => number;
  inCall: () => boolean;
  /** Focus (or do not disturb) is on. */
  focused: () => boolean;
  onRemind: (reminder: Reminder) => void;
};

/**
 * After a held reminder goes out, a scheduled one this soon after it is
 * skipped: Focus ending at 10:55 reminds at 10:55, not again at 11:00.
 */
export const HELD_REMINDER_GAP_MS = 15 * MINUTE_MS;

/**
 * Fires onRemind at each scheduled time while something is unhandled.
 *
 * - Never during a call, and not while Focus is on: the reminder is held,
 *   and goes out once when the call ends or Focus stops (the owner calls
 *   recheck() then). Held reminders don't pile up: several missed times
 *   give one reminder. A reminder is held rather than skipped to the next
 *   time because the next time may be two hours later, or tomorrow, and the
 *   procedure asks for every call to be returned the same day.
 * - A held reminder is dropped if nothing is unhandled any more, or if the
 *   hold ends outside the working day (the next scheduled time reminds).
 * - A timer that fires late (the computer slept) reminds once, if it is
 *   still the working day, and the schedule continues from now.
 */
export class ReminderScheduler {
  private schedule: string;
  private hours: BusinessHours;
  private running = false;
  private cancelTimer: (() => void) | null = null;
  private next: Date | null = null;
  private heldSlot: Date | null = null;
  private lastDelayedAt: number | null = null;

  constructor(private readonly options: ReminderSchedulerOptions) {
    this.schedule = options.schedule;
    this.hours = usableHours(options.hours);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm(this.options.clock.now());
  }

  stop(): void {
    this.running = false;
    this.disarm();
    this.heldSlot = null;
  }

  /** The policy changed: the schedule restarts from now; a held reminder stays held. */
  update(schedule: string, hours: BusinessHours | null): void {
    this.schedule = schedule;
    this.hours = usableHours(hours);
    if (!this.running) return;
    this.disarm();
    this.arm(this.options.clock.now());
  }

  /** Call when a call ends, Focus stops, or the unhandled count changes: a held reminder goes out if nothing holds it now. */
  recheck(): void {
    const slot = this.heldSlot;
    if (!this.running || slot === null) return;
    const count = this.options.unhandledCount();
    if (count <= 0) {
      this.heldSlot = null;
      return;
    }
    if (this.blocked()) return;
    this.heldSlot = null;
    const now = this.options.clock.now().getTime();
    if (!isWorkingTime(this.hours, now)) return;
    this.lastDelayedAt = now;
    this.options.onRemind({ count, slot, delayed: true });
  }

  /** The next scheduled time, or null (stopped, or the schedule never fires). */
  get nextAt(): Date | null {
    return this.next;
  }

  /** A reminder is waiting for a call to end or Focus to stop. */
  get held(): boolean {
    return this.heldSlot !== null;
  }

  private arm(after: Date): void {
    const slot = nextReminderAt(after, this.schedule, this.hours);
    this.next = slot;
    if (slot === null) return;
    this.cancelTimer = this.options.clock.setTimer(slot, () => this.onSlot(slot));
  }

  private disarm(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.next = null;
  }

  private onSlot(slot: Date): void {
    this.cancelTimer = null;
    const now = this.options.clock.now();
    // From the slot, not from now, so a timer that fires a moment early can't fire the same slot twice.
    this.arm(new Date(Math.max(slot.getTime(), now.getTime())));
    const count = this.options.unhandledCount();
    if (count <= 0) {
      this.heldSlot = null;
      return;
    }
    if (this.blocked()) {
      this.heldSlot = slot;
      return;
    }
    this.heldSlot = null;
    if (!isWorkingTime(this.hours, now.getTime())) return;
    if (this.lastDelayedAt !== null && now.getTime() - this.lastDelayedAt < HELD_REMINDER_GAP_MS) return;
    this.options.onRemind({ count, slot, delayed: false });
  }

  private blocked(): boolean {
    return this.options.inCall() || this.options.focused();
  }
}
