import { describe, expect, it } from 'vitest';
import { callbackDueAt, endOfLocalDay } from '../../../src-main/calls/callback-due.js';
import type { BusinessHours } from '../../../src-main/focus/types.js';

// Mon–Fri 08:00–12:00 and 13:00–17:00 in New York (UTC−5 in December, UTC−4 in July).
const HOURS: BusinessHours = {
  timeZone: 'America/New_York',
  weekly: Object.fromEntries(
    [1, 2, 3, 4, 5].map((d) => [
      d,
      [
        { start: '08:00', end: '12:00' },
        { start: '13:00', end: '17:00' },
      ],
    ]),
  ),
};
const due = (iso: string, hours: BusinessHours | null = HOURS) => new Date(callbackDueAt(new Date(iso), hours)).toISOString();

describe('callbacks are due the same business day', () => {
  it.each([
    ['during the morning: by the day’s last hour (17:00 local)', '2026-12-07T14:30:00Z', '2026-12-07T22:00:00.000Z'],
    ['at lunch: still today, by 17:00', '2026-12-07T17:30:00Z', '2026-12-07T22:00:00.000Z'],
    ['before opening: today, by 17:00', '2026-12-07T11:00:00Z', '2026-12-07T22:00:00.000Z'],
    ['after the day’s last hour: the next morning (first hour, 09:00)', '2026-12-07T23:10:00Z', '2026-12-08T14:00:00.000Z'],
    ['exactly at closing: the next morning', '2026-12-07T22:00:00Z', '2026-12-08T14:00:00.000Z'],
    ['Friday evening: Monday morning', '2026-12-11T23:00:00Z', '2026-12-14T14:00:00.000Z'],
    ['on Saturday: Monday morning', '2026-12-12T15:00:00Z', '2026-12-14T14:00:00.000Z'],
    ['in summer time (UTC−4): by 17:00 local', '2026-07-06T14:00:00Z', '2026-07-06T21:00:00.000Z'],
  ])('%s', (_what, at, expected) => {
    expect(due(at)).toBe(expected);
  });

  it('without business hours: by the end of today, local time', () => {
    const at = new Date('2026-12-07T14:30:00Z');
    expect(callbackDueAt(at, null)).toBe(endOfLocalDay(at));
  });

  it('a schedule that can’t be used falls back to the end of today, never throws', () => {
    const at = new Date('2026-12-07T14:30:00Z');
    expect(callbackDueAt(at, { timeZone: 'Mars/Olympus', weekly: {} })).toBe(endOfLocalDay(at));
    expect(callbackDueAt(at, { timeZone: 'UTC', weekly: {} })).toBe(endOfLocalDay(at));
  });
});
