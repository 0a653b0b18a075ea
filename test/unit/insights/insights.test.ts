// The Insights charts' numbers from the seeded call log (test/fixtures/insights):
// each expectation is worked out by hand from the seed's comments.
import { describe, expect, it, vi } from 'vitest';
import { computeInsights, type InsightVoicemail, type KnownCaller } from '../../../src-main/insights/insights.js';
import { ATTEMPTS, FOCUS_PERIODS, FROM, KNOWN_CALLERS, TIME_ZONE, TO, VOICEMAILS, seed, toContactAttempt } from '../../fixtures/insights/seeded-call-log.js';

const DANA = '+13125550111';
const MARIA_N = '+13125550142'; // a PSA member calling from a number the decision didn't know as a coworker
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
    hostTrusted: (uri) => uri.endsWith('@pbx.example'),
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

  it('callbacks per caller per day: Maria’s three calls returned by one callback after the last; dismissed, blocked and withheld callers are no callbacks', () => {
    expect(view.callbacks.rows).toEqual([
      { day: '2026-03-07', onTime: 1, late: 0, overdue: 0 },
      { day: '2026-03-08', onTime: 0, late: 0, overdue: 1 },
      { day: '2026-03-09', onTime: 1, late: 0, overdue: 0 },
    ]);
    expect(view.callbacks.totals).toEqual({ onTime: 1 + 1, late: 0, overdue: 1 });
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
      hostTrusted: () => true,
    });
    expect(empty.interruptions.rows.map((r) => [r.day, r.total])).toEqual([
      ['2026-03-01', 0],
      ['2026-03-02', 0],
    ]);
    expect(empty.voicemail.medianMinutes).toBeNull();
    expect(empty.repeatCallers.rows).toEqual([]);
  });

  it('places a year of calls in their days without asking Intl per call (main runs the phone meanwhile)', () => {
    const formats = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    try {
      const start = Date.parse('2026-01-01T00:00-06:00');
      const calls = Array.from({ length: 20_000 }, (_, i) => toContactAttempt(seed(`y${i}`, start + i * 1_500_000, '+13125550142', {})));
      const year = computeInsights({
        range: { from: '2026-01-01', to: '2026-12-31', timeZone: TIME_ZONE },
        now: NOW,
        attempts: calls,
        focus: [],
        voicemails: [],
        whoIs: () => null,
        hostTrusted: () => true,
      });
      expect(year.interruptions.total).toBe(calls.filter((c) => c.action !== 'ring').length);
      // About three per day to find where each day starts; none per call.
      expect(formats.mock.calls.length).toBeLessThan(4 * 366);
    } finally {
      formats.mockRestore();
    }
  });
});

describe('Insights, one rule at a time', () => {
  const CST = (local: string) => Date.parse(`${local}-06:00`);
  const day = (attempts: ReturnType<typeof seed>[], more: Partial<Parameters<typeof computeInsights>[0]> = {}) =>
    computeInsights({
      range: { from: '2026-03-07', to: '2026-03-07', timeZone: TIME_ZONE },
      now: NOW,
      attempts: attempts.map(toContactAttempt),
      focus: [],
      voicemails: [],
      whoIs: (number) => known.get(number) ?? null,
      hostTrusted: (uri) => uri.endsWith('@pbx.example'),
      ...more,
    });
  const due = CST('2026-03-07T17:00');

  it.each([
    [
      'a callback before her last call leaves her waiting (overdue)',
      [
        seed('m1', CST('2026-03-07T09:00'), MARIA_N, { handled: 'called-back', handledAt: CST('2026-03-07T09:30'), callbackDueAt: due }),
        seed('m2', CST('2026-03-07T11:00'), MARIA_N, { callbackDueAt: due }),
      ],
      { onTime: 0, late: 0, overdue: 1 },
    ],
    [
      'a call of hers answered after her last held call returns them all, by the first call’s due time',
      [
        seed('m1', CST('2026-03-07T09:00'), MARIA_N, { callbackDueAt: due }),
        seed('m2', CST('2026-03-07T09:05'), MARIA_N, { callbackDueAt: due }),
        seed('m3', CST('2026-03-07T18:00'), MARIA_N, { rule: 'ring', action: 'ring', handled: 'answered', handledAt: CST('2026-03-07T18:00') }),
      ],
      { onTime: 0, late: 1, overdue: 0 },
    ],
    [
      'a call settled with a ticket owes no callback',
      [seed('m1', CST('2026-03-07T09:00'), MARIA_N, { handled: 'ticket-created', handledAt: CST('2026-03-07T09:10'), callbackDueAt: due })],
      { onTime: 0, late: 0, overdue: 0 },
    ],
  ])('callbacks: %s', (_, attempts, totals) => {
    expect(day(attempts).callbacks.totals).toEqual(totals);
  });

  it('after-hours calls are no interruption Focus prevented, but still calls to return', () => {
    const view = day([seed('n1', CST('2026-03-07T20:00'), MARIA_N, { rule: 'after-hours', action: 'voicemail', callbackDueAt: CST('2026-03-09T17:00') })]);
    expect(view.interruptions.total).toBe(0);
    expect(view.callbacks.totals).toEqual({ onTime: 0, late: 0, overdue: 1 });
  });

  it('a voicemail called back from "To follow up" (its call marked, not the message) has a response time', () => {
    const call = seed('v1', CST('2026-03-07T09:00'), MARIA_N, {
      rule: 'dnd',
      action: 'voicemail',
      handled: 'called-back',
      handledAt: CST('2026-03-07T09:31'),
    });
    const message: InsightVoicemail = {
      startedAt: CST('2026-03-07T09:00'),
      endedAt: CST('2026-03-07T09:01'),
      state: 'complete',
      handled: null,
      handledAt: null,
      attemptId: 'v1',
    };
    expect(day([call], { voicemails: [message] }).voicemail).toMatchObject({ received: 1, answered: 1, waiting: 0, medianMinutes: 30 });
  });

  it('a PSA member’s number counts as a coworker only from our own or a trusted host', () => {
    const from = (host: string, i: number) => ({
      ...toContactAttempt(seed(`d${i}`, CST(`2026-03-07T1${i}:00`), DANA, { repeatCaller: i > 1 })),
      callerUri: `sip:${DANA}@${host}`,
    });
    const ours = computeInsights({ ...baseDay, attempts: [1, 2, 3].map((i) => from('pbx.example', i)) });
    expect(ours.repeatCallers.rows).toEqual([]);
    const spoofed = computeInsights({ ...baseDay, attempts: [1, 2, 3].map((i) => from('evil.example', i)) });
    expect(spoofed.repeatCallers.rows.map((r) => [r.label, r.calls])).toEqual([[DANA, 3]]);
  });

  const baseDay = {
    range: { from: '2026-03-07', to: '2026-03-07', timeZone: TIME_ZONE },
    now: NOW,
    focus: [],
    voicemails: [],
    whoIs: (number: string) => known.get(number) ?? null,
    hostTrusted: (uri: string) => uri.endsWith('@pbx.example'),
  };
});
