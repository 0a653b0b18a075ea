// The Insights query's edge: policy can turn it off, and a range main can't read says what to fix.
import { describe, expect, it } from 'vitest';
import { createInsightsDesk } from '../../../src-main/insights/insights-desk.js';
import { ManualClock } from '../focus/manual-clock.js';

const desk = (visible: boolean) =>
  createInsightsDesk({
    clock: new ManualClock(new Date('2026-03-10T12:00:00Z')),
    settings: () => ({ 'insights.visible': visible, 'account.sipUri': 'sip:tech1@pbx.example', 'numbers.trustedHosts': [], 'voicemail.retentionDays': 90 }),
    callLog: { factsInRange: () => [] },
    focusPeriods: {
      between: () => [
        { startedAt: Date.parse('2026-03-09T10:00:00Z'), endedAt: Date.parse('2026-03-09T11:00:00Z'), ticketId: null },
        { startedAt: Date.parse('2026-03-10T11:30:00Z'), endedAt: null, ticketId: null },
      ],
      recordingSince: () => Date.parse('2026-03-09T09:00:00Z'),
    },
    voicemails: { between: () => [] },
    whoIs: () => null,
  }).handlers['insights.get'];

describe('insights.get', () => {
  it('says from which day focus time is on record when that is inside the range', async () => {
    expect((await desk(true)({ from: '2026-03-01', to: '2026-03-10', timeZone: 'UTC' })).focus.recordedFrom).toBe('2026-03-09');
    expect((await desk(true)({ from: '2026-03-10', to: '2026-03-10', timeZone: 'UTC' })).focus.recordedFrom).toBeNull();
  });

  it('counts the focus period running now (its row has no end yet) up to now', async () => {
    const view = await desk(true)({ from: '2026-03-09', to: '2026-03-10', timeZone: 'UTC' });
    expect(view.focus.rows).toEqual([
      { day: '2026-03-09', minutes: 60 },
      { day: '2026-03-10', minutes: 30 },
    ]);
  });

  it('counts voicemails only from the first whole day retention still keeps, and says from when', async () => {
    const asked: [number, number][] = [];
    const handler = createInsightsDesk({
      clock: new ManualClock(new Date('2026-03-10T12:00:00Z')),
      settings: () => ({ 'insights.visible': true, 'account.sipUri': '', 'numbers.trustedHosts': [], 'voicemail.retentionDays': 1 }),
      callLog: { factsInRange: () => [] },
      focusPeriods: { between: () => [], recordingSince: () => null },
      voicemails: {
        between: (from, to) => {
          asked.push([from, to]);
          return [];
        },
      },
      whoIs: () => null,
    }).handlers['insights.get'];
    const view = await handler({ from: '2026-03-01', to: '2026-03-10', timeZone: 'UTC' });
    expect(view.voicemail).toMatchObject({ countedFrom: '2026-03-10', retentionDays: 1 });
    expect(asked).toEqual([[Date.parse('2026-03-10T00:00:00Z'), Date.parse('2026-03-11T00:00:00Z')]]);
    expect((await handler({ from: '2026-03-09', to: '2026-03-10', timeZone: 'UTC' })).voicemail.countedFrom).toBe('2026-03-10');
  });

  it.each([
    [false, '2026-03-01', '2026-03-07', 'UTC', /turned off by your organization/],
    [true, '2026-03-07', '2026-03-01', 'UTC', /ends \(2026-03-01\) before it starts/],
    [true, '2025-01-01', '2026-03-01', 'UTC', /at most 366 days/],
    [true, '2026-02-30', '2026-03-01', 'UTC', /two days like/],
    [true, '2026-03-01', '2026-03-07', 'Mars/Olympus', /isn't a time zone/],
  ])('visible %s, %s to %s in %s: refused, saying what to fix', async (visible, from, to, timeZone, message) => {
    await expect(async () => desk(visible)({ from, to, timeZone })).rejects.toThrow(message);
  });
});
