import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src-shared/time/clock.js';
import type { BusinessHours } from '../../../src-main/focus/types.js';
import {
  InvalidReminderScheduleError,
  nextReminderAt,
  ReminderScheduler,
  reminderHours,
  scheduleMinutes,
  type Reminder,
} from '../../../src-main/voicemail/reminders.js';
import { ManualClock } from '../focus/manual-clock.js';

const WEEKDAYS_9_TO_5_UTC: BusinessHours = {
  timeZone: 'UTC',
  weekly: {
    1: [{ start: '09:00', end: '17:00' }],
    2: [{ start: '09:00', end: '17:00' }],
    3: [{ start: '09:00', end: '17:00' }],
    4: [{ start: '09:00', end: '17:00' }],
    5: [{ start: '09:00', end: '17:00' }],
  },
};
// 2025-06-02 is a Monday.
const MONDAY = '2025-06-02';

const next = (now: string, schedule: string, hours: BusinessHours | null = WEEKDAYS_9_TO_5_UTC) =>
  nextReminderAt(new Date(now), schedule, hours)?.toISOString() ?? null;

/** Every reminder time from `from` for `days`, by stepping nextReminderAt. */
function slotsFrom(from: string, schedule: string, hours: BusinessHours, days = 1): string[] {
  const end = new Date(from).getTime() + days * 24 * 3600_000;
  const out: string[] = [];
  let at = nextReminderAt(new Date(from), schedule, hours);
  while (at !== null && at.getTime() < end && out.length < 100) {
    out.push(at.toISOString().slice(11, 16));
    at = nextReminderAt(at, schedule, hours);
  }
  return out;
}

describe('the reminder schedule', () => {
  it('reads odd-hours, off and a list of times', () => {
    expect(scheduleMinutes('odd-hours')).toEqual([60, 180, 300, 420, 540, 660, 780, 900, 1020, 1140, 1260, 1380]);
    expect(scheduleMinutes('off')).toEqual([]);
    expect(scheduleMinutes('16:30, 9:05,16:30')).toEqual([545, 990]);
    expect(() => scheduleMinutes('hourly')).toThrow(InvalidReminderScheduleError);
    expect(() => scheduleMinutes('09:00, 25:00')).toThrow(/reminders\.schedule/);
  });

  it('odd-hours: 9, 11, 13, 15 and 17 on a 09:00–17:00 day, the closing hour included', () => {
    expect(slotsFrom(`${MONDAY}T00:00:00Z`, 'odd-hours', WEEKDAYS_9_TO_5_UTC)).toEqual(['09:00', '11:00', '13:00', '15:00', '17:00']);
  });

  it('follows the business hours: a lunch break, and a night shift across midnight', () => {
    const split: BusinessHours = {
      timeZone: 'UTC',
      weekly: {
        1: [
          { start: '07:30', end: '11:00' },
          { start: '12:00', end: '16:00' },
        ],
      },
    };
    expect(slotsFrom(`${MONDAY}T00:00:00Z`, 'odd-hours', split)).toEqual(['09:00', '11:00', '13:00', '15:00']);
    const night: BusinessHours = { timeZone: 'UTC', weekly: { 1: [{ start: '22:00', end: '06:00' }] } };
    expect(slotsFrom(`${MONDAY}T12:00:00Z`, 'odd-hours', night)).toEqual(['23:00', '01:00', '03:00', '05:00']);
  });

  it('takes the next time strictly after now, skipping nights and weekends', () => {
    expect(next(`${MONDAY}T08:00:00Z`, 'odd-hours')).toBe(`${MONDAY}T09:00:00.000Z`);
    expect(next(`${MONDAY}T09:00:00Z`, 'odd-hours')).toBe(`${MONDAY}T11:00:00.000Z`);
    expect(next(`${MONDAY}T10:59:59.999Z`, 'odd-hours')).toBe(`${MONDAY}T11:00:00.000Z`);
    expect(next(`${MONDAY}T17:00:00Z`, 'odd-hours')).toBe('2025-06-03T09:00:00.000Z');
    expect(next('2025-06-06T17:00:00Z', 'odd-hours')).toBe('2025-06-09T09:00:00.000Z');
  });

  it('explicit times count only within the working day', () => {
    expect(slotsFrom(`${MONDAY}T00:00:00Z`, '07:00, 09:30, 12:00, 17:00, 17:30', WEEKDAYS_9_TO_5_UTC)).toEqual(['09:30', '12:00', '17:00']);
  });

  it("'off', or times that never fall in the working day, never remind", () => {
    expect(next(`${MONDAY}T08:00:00Z`, 'off')).toBeNull();
    expect(next(`${MONDAY}T08:00:00Z`, '06:00, 20:00')).toBeNull();
  });

  it("without business hours: Monday to Friday, 09:00–17:00 in the hours' time zone", () => {
    const hours = reminderHours({ 'hours.timeZone': 'Europe/Berlin', 'hours.weekly': null }, 'UTC');
    expect(hours.timeZone).toBe('Europe/Berlin');
    // 07:00 in Berlin (summer, UTC+2): the first reminder is 09:00 Berlin.
    expect(next(`${MONDAY}T05:00:00Z`, 'odd-hours', hours)).toBe(`${MONDAY}T07:00:00.000Z`);
    expect(next('2025-06-07T05:00:00Z', 'odd-hours', hours)).toBe('2025-06-09T07:00:00.000Z');
  });

  it('keeps local time across a DST change', () => {
    const newYork = reminderHours({
      'hours.timeZone': 'America/New_York',
      'hours.weekly': { mon: [{ start: '09:00', end: '17:00' }], fri: [{ start: '09:00', end: '17:00' }] },
    });
    // Friday 7 March 2025 17:30 EST; clocks spring forward on Sunday the 9th.
    expect(next('2025-03-07T22:30:00Z', 'odd-hours', newYork)).toBe('2025-03-10T13:00:00.000Z');
    expect(next('2025-03-07T13:00:00Z', 'odd-hours', newYork)).toBe('2025-03-07T14:00:00.000Z');
    // 02:30 doesn't exist on the spring-forward night: that day has no such reminder.
    const allDay: BusinessHours = {
      timeZone: 'America/New_York',
      weekly: Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((d) => [d, [{ start: '00:00', end: '24:00' }]])),
    };
    expect(next('2025-03-09T05:00:00Z', '02:30', allDay)).toBe('2025-03-10T06:30:00.000Z');
  });

  it('falls back to the default working day for invalid business hours instead of failing', () => {
    const broken: BusinessHours = { timeZone: 'UTC', weekly: { 1: [{ start: '9am', end: '17:00' }] } };
    expect(next(`${MONDAY}T08:00:00Z`, 'odd-hours', broken)).toBe(`${MONDAY}T09:00:00.000Z`);
  });
});

type World = { count: number; inCall: boolean; focused: boolean };

function harness(options: { start?: string; schedule?: string; hours?: BusinessHours | null; world?: Partial<World>; clock?: Clock & { now(): Date } } = {}) {
  const clock = options.clock ?? new ManualClock(options.start ?? `${MONDAY}T07:00:00Z`);
  const world: World = { count: 1, inCall: false, focused: false, ...options.world };
  const reminders: (Reminder & { at: string })[] = [];
  const scheduler = new ReminderScheduler({
    clock,
    schedule: options.schedule ?? 'odd-hours',
    hours: options.hours === undefined ? WEEKDAYS_9_TO_5_UTC : options.hours,
    unhandledCount: () => world.count,
    inCall: () => world.inCall,
    focused: () => world.focused,
    onRemind: (reminder) => reminders.push({ ...reminder, at: clock.now().toISOString() }),
  });
  const times = () => reminders.map((r) => r.at.slice(5, 16));
  return { clock, world, reminders, scheduler, times };
}

/** Moves a ManualClock to an ISO time. */
function advanceTo(clock: ManualClock, iso: string): void {
  clock.advance(new Date(iso).getTime() - clock.now().getTime());
}

describe('ReminderScheduler', () => {
  it('reminds at odd hours of the working day only while something is unhandled', () => {
    const h = harness();
    h.scheduler.start();
    (h.clock as ManualClock).advanceMinutes(48 * 60);
    expect(h.times()).toEqual([
      '06-02T09:00',
      '06-02T11:00',
      '06-02T13:00',
      '06-02T15:00',
      '06-02T17:00',
      '06-03T09:00',
      '06-03T11:00',
      '06-03T13:00',
      '06-03T15:00',
      '06-03T17:00',
    ]);
    expect(h.reminders[0]).toMatchObject({ count: 1, delayed: false, slot: new Date(`${MONDAY}T09:00:00Z`) });
  });

  it('says nothing while nothing is unhandled, and passes the current count', () => {
    const h = harness({ world: { count: 0 } });
    const clock = h.clock as ManualClock;
    h.scheduler.start();
    advanceTo(clock, `${MONDAY}T12:00:00Z`);
    expect(h.reminders).toEqual([]);
    h.world.count = 3;
    advanceTo(clock, `${MONDAY}T16:00:00Z`);
    h.world.count = 0;
    advanceTo(clock, '2025-06-03T08:00:00Z');
    expect(h.reminders.map((r) => [r.at.slice(11, 16), r.count])).toEqual([
      ['13:00', 3],
      ['15:00', 3],
    ]);
  });

  it('never reminds during a call; the held reminder goes out once when the call ends', () => {
    const h = harness();
    const clock = h.clock as ManualClock;
    h.scheduler.start();
    advanceTo(clock, `${MONDAY}T10:50:00Z`);
    h.world.inCall = true;
    advanceTo(clock, `${MONDAY}T11:20:00Z`);
    expect(h.times()).toEqual(['06-02T09:00']);
    expect(h.scheduler.held).toBe(true);
    h.scheduler.recheck(); // still in the call
    expect(h.times()).toEqual(['06-02T09:00']);
    h.world.inCall = false;
    h.scheduler.recheck();
    h.scheduler.recheck();
    advanceTo(clock, `${MONDAY}T13:30:00Z`);
    expect(h.times()).toEqual(['06-02T09:00', '06-02T11:20', '06-02T13:00']);
    expect(h.reminders[1]).toMatchObject({ delayed: true, slot: new Date(`${MONDAY}T11:00:00Z`) });
  });

  it('drops a held reminder when everything was handled by the time the call ended', () => {
    const h = harness();
    const clock = h.clock as ManualClock;
    h.scheduler.start();
    advanceTo(clock, `${MONDAY}T10:50:00Z`);
    h.world.inCall = true;
    advanceTo(clock, `${MONDAY}T11:20:00Z`);
    h.world.count = 0;
    h.world.inCall = false;
    h.scheduler.recheck();
    expect(h.scheduler.held).toBe(false);
    expect(h.times()).toEqual(['06-02T09:00']);
  });

  it('holds reminders while Focus is on, then reminds once for all the missed times', () => {
    const h = harness();
    const clock = h.clock as ManualClock;
    h.scheduler.start();
    advanceTo(clock, `${MONDAY}T08:30:00Z`);
    h.world.focused = true;
    advanceTo(clock, `${MONDAY}T14:10:00Z`);
    expect(h.reminders).toEqual([]);
    h.world.focused = false;
    h.scheduler.recheck();
    advanceTo(clock, `${MONDAY}T18:00:00Z`);
    expect(h.times()).toEqual(['06-02T14:10', '06-02T15:00', '06-02T17:00']);
    expect(h.reminders[0]).toMatchObject({ delayed: true, slot: new Date(`${MONDAY}T13:00:00Z`) });
  });

  it('skips a scheduled time that comes right after a held reminder went out', () => {
    const h = harness();
    const clock = h.clock as ManualClock;
    h.world.focused = true;
    h.scheduler.start();
    advanceTo(clock, `${MONDAY}T14:50:00Z`);
    h.world.focused = false;
    h.scheduler.recheck();
    advanceTo(clock, `${MONDAY}T18:00:00Z`);
    expect(h.times()).toEqual(['06-02T14:50', '06-02T17:00']);
  });

  it('does not send a held reminder when Focus ends after the working day; the next morning reminds', () => {
    const h = harness();
    const clock = h.clock as ManualClock;
    h.world.focused = true;
    h.scheduler.start();
    advanceTo(clock, `${MONDAY}T18:30:00Z`);
    h.world.focused = false;
    h.scheduler.recheck();
    advanceTo(clock, '2025-06-03T10:00:00Z');
    expect(h.times()).toEqual(['06-03T09:00']);
  });

  it('reminds once, not in a burst, when its timer fires late after the computer slept', () => {
    const clock = new SleepyClock(`${MONDAY}T10:00:00Z`);
    const h = harness({ clock });
    h.scheduler.start();
    clock.wakeAt(`${MONDAY}T16:20:00Z`);
    clock.wakeAt(`${MONDAY}T17:00:00Z`);
    expect(h.times()).toEqual(['06-02T16:20', '06-02T17:00']);
    expect(h.reminders[0]?.slot).toEqual(new Date(`${MONDAY}T11:00:00Z`));
  });

  it('stop cancels everything; off arms no timer; update applies a new schedule', () => {
    const h = harness({ schedule: 'off' });
    const clock = h.clock as ManualClock;
    h.scheduler.start();
    expect(clock.pendingTimers).toBe(0);
    expect(h.scheduler.nextAt).toBeNull();
    advanceTo(clock, `${MONDAY}T10:00:00Z`);
    h.scheduler.update('10:30, 16:00', WEEKDAYS_9_TO_5_UTC);
    expect(h.scheduler.nextAt?.toISOString()).toBe(`${MONDAY}T10:30:00.000Z`);
    expect(clock.pendingTimers).toBe(1);
    advanceTo(clock, `${MONDAY}T12:00:00Z`);
    h.scheduler.stop();
    expect(clock.pendingTimers).toBe(0);
    advanceTo(clock, `${MONDAY}T20:00:00Z`);
    expect(h.times()).toEqual(['06-02T10:30']);
  });
});

/** A clock whose timers fire only when the test wakes it, at the time it wakes: a computer that slept. */
class SleepyClock implements Clock {
  private current: number;
  private timers: { at: number; fn: () => void }[] = [];

  constructor(start: string) {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimer(at: Date, fn: () => void): () => void {
    const timer = { at: at.getTime(), fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  wakeAt(iso: string): void {
    this.current = new Date(iso).getTime();
    const due = this.timers.filter((t) => t.at <= this.current);
    this.timers = this.timers.filter((t) => t.at > this.current);
    for (const timer of due) timer.fn();
  }
}
