import { describe, expect, it } from 'vitest';
import { compileBusinessHours, InvalidBusinessHoursError, isWithinBusinessHours, validateBusinessHours, wallClock } from '../../../src-main/focus/schedule.js';
import type { BusinessHours } from '../../../src-main/focus/types.js';

const nineToFive = { start: '09:00', end: '17:00' };
const weekdays = (timeZone: string): BusinessHours => ({
  timeZone,
  weekly: { 1: [nineToFive], 2: [nineToFive], 3: [nineToFive], 4: [nineToFive], 5: [nineToFive] },
});

const within = (hours: BusinessHours, iso: string) => isWithinBusinessHours(hours, new Date(iso));

describe('isWithinBusinessHours', () => {
  describe('weekdays 09:00–17:00 in New York', () => {
    const ny = weekdays('America/New_York');
    it.each([
      ['2026-03-10T13:00:00Z', 'Tue 09:00 EDT: start is inside', true],
      ['2026-03-10T12:59:00Z', 'Tue 08:59 EDT', false],
      ['2026-03-10T20:59:00Z', 'Tue 16:59 EDT', true],
      ['2026-03-10T21:00:00Z', 'Tue 17:00 EDT: end is outside', false],
      ['2026-03-14T15:00:00Z', 'Saturday 11:00: no ranges', false],
      ['2026-03-16T03:00:00Z', 'Sunday 23:00 local although Monday in UTC', false],
    ])('%s (%s) → %s', (iso, _local, expected) => {
      expect(within(ny, iso)).toBe(expected);
    });
  });

  describe('a DST switch in America/New_York (2026-03-08 spring forward, 2026-11-01 fall back)', () => {
    const ny = weekdays('America/New_York');
    it.each([
      ['2026-03-06T13:30:00Z', 'Fri 08:30 EST: before the switch 13:30Z is before opening', false],
      ['2026-03-09T13:30:00Z', 'Mon 09:30 EDT: after the switch the same 13:30Z is open', true],
      ['2026-03-06T21:30:00Z', 'Fri 16:30 EST: open', true],
      ['2026-03-09T21:30:00Z', 'Mon 17:30 EDT: closed', false],
      ['2026-10-30T13:30:00Z', 'Fri 09:30 EDT', true],
      ['2026-11-02T13:30:00Z', 'Mon 08:30 EST', false],
    ])('%s (%s) → %s', (iso, _local, expected) => {
      expect(within(ny, iso)).toBe(expected);
    });

    it('follows the wall clock through the skipped hour on the switch night', () => {
      const sundayEarly: BusinessHours = { timeZone: 'America/New_York', weekly: { 0: [{ start: '01:00', end: '04:00' }] } };
      expect(within(sundayEarly, '2026-03-08T06:30:00Z')).toBe(true); // 01:30 EST
      expect(within(sundayEarly, '2026-03-08T07:30:00Z')).toBe(true); // 03:30 EDT, one real hour later
      expect(within(sundayEarly, '2026-03-08T08:00:00Z')).toBe(false); // 04:00 EDT
    });

    it('counts the repeated hour as inside both times on the fall-back night', () => {
      const oneToTwo: BusinessHours = { timeZone: 'America/New_York', weekly: { 0: [{ start: '01:00', end: '02:00' }] } };
      expect(within(oneToTwo, '2026-11-01T05:30:00Z')).toBe(true); // 01:30 EDT
      expect(within(oneToTwo, '2026-11-01T06:30:00Z')).toBe(true); // 01:30 EST
      expect(within(oneToTwo, '2026-11-01T07:30:00Z')).toBe(false); // 02:30 EST
    });

    it('ends an overnight range at its local time on the switch morning', () => {
      const saturdayNight: BusinessHours = { timeZone: 'America/New_York', weekly: { 6: [{ start: '22:00', end: '06:00' }] } };
      expect(within(saturdayNight, '2026-03-08T09:30:00Z')).toBe(true); // Sun 05:30 EDT
      expect(within(saturdayNight, '2026-03-08T10:30:00Z')).toBe(false); // Sun 06:30 EDT (a fixed -05:00 would say 05:30)
    });
  });

  describe('a DST switch in Europe/Berlin (2026-03-29 and 2026-10-25)', () => {
    const berlin = weekdays('Europe/Berlin');
    it.each([
      ['2026-03-27T07:30:00Z', 'Fri 08:30 CET', false],
      ['2026-03-30T07:30:00Z', 'Mon 09:30 CEST', true],
      ['2026-03-27T15:30:00Z', 'Fri 16:30 CET', true],
      ['2026-03-30T15:30:00Z', 'Mon 17:30 CEST', false],
      ['2026-10-23T07:30:00Z', 'Fri 09:30 CEST', true],
      ['2026-10-26T07:30:00Z', 'Mon 08:30 CET', false],
    ])('%s (%s) → %s', (iso, _local, expected) => {
      expect(within(berlin, iso)).toBe(expected);
    });

    it('reads the repeated 02:xx hour on the fall-back night both times', () => {
      const twoToThree: BusinessHours = { timeZone: 'Europe/Berlin', weekly: { 0: [{ start: '02:00', end: '03:00' }] } };
      expect(within(twoToThree, '2026-10-25T00:30:00Z')).toBe(true); // 02:30 CEST
      expect(within(twoToThree, '2026-10-25T01:30:00Z')).toBe(true); // 02:30 CET
    });
  });

  describe('a support desk open 22:00–06:00 Monday to Friday nights', () => {
    const night = { start: '22:00', end: '06:00' };
    const desk: BusinessHours = { timeZone: 'Europe/Berlin', weekly: { 1: [night], 2: [night], 3: [night], 4: [night], 5: [night] } };
    it.each([
      ['2026-06-01T20:00:00Z', 'Mon 22:00', true],
      ['2026-06-01T19:59:00Z', 'Mon 21:59', false],
      ['2026-06-02T01:00:00Z', 'Tue 03:00, Monday night', true],
      ['2026-06-02T04:00:00Z', 'Tue 06:00', false],
      ['2026-06-01T01:00:00Z', 'Mon 03:00: Sunday night is closed', false],
      ['2026-06-06T03:59:00Z', 'Sat 05:59: Friday night runs into Saturday', true],
      ['2026-06-06T20:30:00Z', 'Sat 22:30', false],
    ])('%s (%s) → %s', (iso, _local, expected) => {
      expect(within(desk, iso)).toBe(expected);
    });
  });

  it('runs a Saturday overnight range into Sunday', () => {
    const sat: BusinessHours = { timeZone: 'UTC', weekly: { 6: [{ start: '20:00', end: '02:00' }] } };
    expect(within(sat, '2026-06-07T01:59:00Z')).toBe(true);
    expect(within(sat, '2026-06-07T02:00:00Z')).toBe(false);
  });

  it('takes 00:00–24:00 as the whole day', () => {
    const allSunday: BusinessHours = { timeZone: 'UTC', weekly: { 0: [{ start: '00:00', end: '24:00' }] } };
    expect(within(allSunday, '2026-06-07T00:00:00Z')).toBe(true);
    expect(within(allSunday, '2026-06-07T23:59:00Z')).toBe(true);
    expect(within(allSunday, '2026-06-08T00:00:00Z')).toBe(false);
  });

  it('handles half-hour offsets (Asia/Kolkata)', () => {
    const india = weekdays('Asia/Kolkata');
    expect(within(india, '2026-06-01T03:30:00Z')).toBe(true); // Mon 09:00 IST
    expect(within(india, '2026-06-01T03:29:00Z')).toBe(false);
  });

  it('uses several ranges a day (a lunch break)', () => {
    const split: BusinessHours = {
      timeZone: 'UTC',
      weekly: {
        1: [
          { start: '08:00', end: '12:00' },
          { start: '13:00', end: '17:00' },
        ],
      },
    };
    expect(within(split, '2026-06-01T12:30:00Z')).toBe(false);
    expect(within(split, '2026-06-01T13:30:00Z')).toBe(true);
  });

  it('throws a clear error for an invalid schedule', () => {
    const bad: BusinessHours = { timeZone: 'Mars/Olympus_Mons', weekly: { 1: [nineToFive] } };
    expect(() => within(bad, '2026-06-01T12:00:00Z')).toThrow(InvalidBusinessHoursError);
    expect(() => compileBusinessHours(bad)).toThrow(/"Mars\/Olympus_Mons" is not a time zone; use an IANA name such as America\/New_York/);
  });
});

describe('validateBusinessHours', () => {
  it('accepts a good schedule', () => {
    expect(validateBusinessHours(weekdays('America/New_York'))).toEqual([]);
    expect(validateBusinessHours({ timeZone: 'UTC', weekly: { 0: [{ start: '0:00', end: '24:00' }] } })).toEqual([]);
  });

  it('names every problem', () => {
    const weekly = {
      1: [
        { start: '9am', end: '17:00' },
        { start: '10:00', end: '25:00' },
        { start: '12:00', end: '12:00' },
      ],
      7: [nineToFive],
    };
    expect(validateBusinessHours({ timeZone: '', weekly } as BusinessHours)).toEqual([
      '"" is not a time zone; use an IANA name such as America/New_York or Europe/Berlin',
      'Monday: start "9am" is not a time like 09:00',
      'Monday: end "25:00" is not a time like 17:00 (or 24:00)',
      'Monday: 12:00–12:00 starts when it ends; for the whole day use 00:00–24:00',
      '"7" is not a weekday; use 0 (Sunday) to 6 (Saturday)',
    ]);
  });

  it('refuses 24:00 as a start and 00:00–00:00', () => {
    expect(validateBusinessHours({ timeZone: 'UTC', weekly: { 2: [{ start: '24:00', end: '02:00' }] } })).toEqual([
      'Tuesday: start "24:00" is not a time like 09:00',
    ]);
    expect(validateBusinessHours({ timeZone: 'UTC', weekly: { 2: [{ start: '00:00', end: '00:00' }] } })).toHaveLength(1);
  });
});

describe('wallClock', () => {
  it('reads weekday and minute in the zone', () => {
    expect(wallClock('America/New_York', new Date('2026-03-09T13:30:00Z'))).toEqual({ weekday: 1, minutes: 9 * 60 + 30 });
    expect(wallClock('Europe/Berlin', new Date('2026-03-29T22:15:00Z'))).toEqual({ weekday: 1, minutes: 15 });
  });
});
