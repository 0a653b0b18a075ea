import { describe, expect, it } from 'vitest';
import { DayIndex, dayCount, dayKey, daysBetween, isDayKey, isTimeZone, nextDay, startOfDay } from '../../../src-main/insights/calendar-days.js';

describe('calendar days in the tech’s time zone', () => {
  it.each([
    ['2026-03-07T05:59:59Z', 'America/Chicago', '2026-03-06'],
    ['2026-03-07T06:00:00Z', 'America/Chicago', '2026-03-07'],
    ['2026-03-09T04:59:59Z', 'America/Chicago', '2026-03-08'],
    ['2026-03-09T05:00:00Z', 'America/Chicago', '2026-03-09'],
    ['2026-03-08T23:30:00Z', 'Asia/Kolkata', '2026-03-09'],
    ['2026-12-31T23:59:59Z', 'UTC', '2026-12-31'],
  ])('%s in %s is %s', (iso, zone, day) => {
    expect(dayKey(Date.parse(iso), zone)).toBe(day);
  });

  it.each([
    ['2026-03-07', 'America/Chicago', '2026-03-07T06:00:00.000Z'],
    ['2026-03-08', 'America/Chicago', '2026-03-08T06:00:00.000Z'], // the day clocks go forward starts in CST
    ['2026-03-09', 'America/Chicago', '2026-03-09T05:00:00.000Z'],
    ['2026-11-01', 'America/Chicago', '2026-11-01T05:00:00.000Z'], // the day clocks go back starts in CDT
    ['2026-03-29', 'Europe/Berlin', '2026-03-28T23:00:00.000Z'],
    ['2026-03-09', 'Asia/Kolkata', '2026-03-08T18:30:00.000Z'],
  ])('%s starts in %s at %s', (day, zone, iso) => {
    expect(new Date(startOfDay(day, zone)).toISOString()).toBe(iso);
  });

  it('lists the days of a range, both ends included, across a month end', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(daysBetween('2026-03-02', '2026-03-01')).toEqual([]);
    expect(dayCount('2026-01-01', '2026-12-31')).toBe(365);
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
  });

  it.each([
    ['2026-02-28', true],
    ['2026-02-29', false],
    ['2026-3-01', false],
    ['yesterday', false],
  ])('%s is a day: %s', (text, ok) => {
    expect(isDayKey(text)).toBe(ok);
  });

  it('knows real time zones and refuses made-up ones', () => {
    expect(isTimeZone('America/Chicago')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it.each(['America/Chicago', 'Europe/Berlin', 'Asia/Kolkata', 'UTC'])('DayIndex places every half hour of March in %s on the day dayKey says', (zone) => {
    const days = new DayIndex({ from: '2026-03-01', to: '2026-03-31', timeZone: zone });
    const first = startOfDay('2026-03-01', zone);
    const end = startOfDay('2026-04-01', zone);
    expect(days.dayOf(first - 1)).toBeUndefined();
    expect(days.dayOf(end)).toBeUndefined();
    for (let ms = first; ms < end; ms += 30 * 60_000) expect(days.dayOf(ms)).toBe(dayKey(ms, zone));
  });
});
