// The Insights charts' numbers from the seeded call log (test/fixtures/insights):
// each expectation is worked out by hand from the seed's comments.
import { describe, expect, it } from 'vitest';
import { computeInsights, type InsightVoicemail, type KnownCaller } from '../../../src-main/insights/insights.js';
import { ATTEMPTS, FOCUS_PERIODS, FROM, KNOWN_CALLERS, TIME_ZONE, TO, VOICEMAILS, seed, toContactAttempt } from '../../fixtures/insights/seeded-call-log.js';

const DANA = '+13125550111'; // a PSA member calling from a number the decision didn't know as a coworker
const NOW = Date.parse('2026-03-10T12:00-05:00');
const RUNNING_SINCE = Date.parse('2026-03-09T23:00-05:00');

const known = new Map<string, KnownCaller>([
  ...KNOWN_CALLERS.map((k): [string, KnownCaller] => [k.number, { name: k.contactName, company: k.company, coworker: false }]),
  [DANA, { name: 'Dana Reyes', company: 'Our MSP', coworker: true }],
]);

const voicemails: InsightVoicemail[] = VOICEMAILS.map((v) => ({
  startedAt: v.startedAt,
  endedAt: v.endedAt,
  state: 'empty' in v ? 'empty' : 'complete',
  handled: v.handled,
  handledAt: v.handledAt,
}));

const insights = (extra: ReturnType<typeof seed>[] = []) =>
  computeInsights({
    range: { from: FROM, to: TO, timeZone: TIME_ZONE },
    now: NOW,
    attempts: [...ATTEMPTS, ...extra].map(toContactAttempt),
    focus: [...FOCUS_PERIODS.map((p) => ({ startedAt: p.started, endedAt: p.ended })), { startedAt: RUNNING_SINCE, endedAt: null }],
    voicemails,
    whoIs: (number) => known.get(number) ?? null,
  });

describe('Insights from the seeded call log', () => {
  const view = insights();

  it('interruptions prevented per day: what was done instead, the block list and rung calls aside', () => {
    expect(view.interruptions.rows).toEqual([
      { day: '2026-03-07', redirected: 2, voicemail: 1, busy: 0, silent: 0, total: 3 },
      { day: '2026-03-08', redirected: 0, voicemail: 0, busy: 1, silent: 0, total: 1 },
      { day: '2026-03-09', redirected: 1, voicemail: 0, busy: 0, silent: 1, total: 2 },
    ]);
    expect(view.interruptions.total).toBe(6);
  });

  it('time protected in Focus per day: cut at midnight (a 23-hour day included) and at now for the running period', () => {
    expect(view.focus.rows).toEqual([
      { day: '2026-03-07', minutes: 360 },
      { day: '2026-03-08', minutes: 180 },
      { day: '2026-03-09', minutes: 60 },
    ]);
    expect(view.focus.totalMinutes).toBe(600);
  });

  it('callbacks per day of the call: on time, late, overdue; dismissed, blocked and withheld callers are no callbacks', () => {
    expect(view.callbacks.rows).toEqual([
      { day: '2026-03-07', onTime: 1, late: 1, overdue: 1 },
      { day: '2026-03-08', onTime: 0, late: 0, overdue: 1 },
      { day: '2026-03-09', onTime: 1, late: 0, overdue: 0 },
    ]);
    expect(view.callbacks.totals).toEqual({ onTime: 2, late: 1, overdue: 2 });
  });

  it('voicemail response times: from the end of the message to the tech acting on it', () => {
    expect(view.voicemail.buckets).toEqual([
      { label: 'Under 15 min', count: 1 },
      { label: '15–60 min', count: 1 },
      { label: '1–4 hours', count: 1 },
      { label: '4–24 hours', count: 1 },
      { label: 'Over a day', count: 1 },
      { label: 'Not answered yet', count: 1 },
    ]);
    expect(view.voicemail).toMatchObject({ received: 7, answered: 5, waiting: 1, dismissed: 1, medianMinutes: 120 });
  });

  it('repeat callers by company, named as the tickets know them; coworkers and the day before never counted', () => {
    expect(view.repeatCallers.rows).toEqual([
      {
        company: 'Contoso Dental',
        label: 'Contoso Dental',
        calls: 3,
        heldBack: 3,
        callers: [{ name: 'Maria Lopez', number: '+13125550142', calls: 3, heldBack: 3, lastAt: '2026-03-07T15:10:00.000Z' }],
      },
      {
        company: 'Fabrikam',
        label: 'Fabrikam',
        calls: 2,
        heldBack: 2,
        callers: [
          { name: '+14155550100', number: '+14155550100', calls: 1, heldBack: 1, lastAt: '2026-03-09T04:30:00.000Z' },
          { name: 'Lee Park', number: '+14155550101', calls: 1, heldBack: 1, lastAt: '2026-03-09T05:30:00.000Z' },
        ],
      },
      {
        company: null,
        label: 'Reception',
        calls: 1,
        heldBack: 0,
        callers: [{ name: 'Reception', number: '+16465550199', calls: 1, heldBack: 0, lastAt: '2026-03-09T13:00:00.000Z' }],
      },
    ]);
  });

  it('a caller the PSA knows as a member is never a repeat caller, whatever rule the call met', () => {
    const dana = [1, 2, 3].map((i) => seed(`d${i}`, Date.parse(`2026-03-09T1${i}:00-05:00`), DANA, { repeatCaller: i > 1 }));
    const rows = insights(dana).repeatCallers.rows;
    expect(rows.map((r) => r.label)).toEqual(['Contoso Dental', 'Fabrikam', 'Reception']);
  });

  it('empty charts are empty days, not missing ones', () => {
    const empty = computeInsights({
      range: { from: '2026-03-01', to: '2026-03-02', timeZone: 'UTC' },
      now: NOW,
      attempts: [],
      focus: [],
      voicemails: [],
      whoIs: () => null,
    });
    expect(empty.interruptions.rows.map((r) => [r.day, r.total])).toEqual([
      ['2026-03-01', 0],
      ['2026-03-02', 0],
    ]);
    expect(empty.voicemail.medianMinutes).toBeNull();
    expect(empty.repeatCallers.rows).toEqual([]);
  });
});
