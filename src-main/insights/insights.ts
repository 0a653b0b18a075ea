import type { ContactAttempt } from '../calls/call-log.js';
import type { InsightsView } from '../ipc/contract.js';
import type { VoicemailMessage } from '../voicemail/voicemail-schema.js';
import { dayKey, daysBetween, nextDay, startOfDay, type DayKey } from './calendar-days.js';

/**
 * The Insights charts, computed from what Focusline has on record. Pure: the
 * call log's attempts, the focus periods and the voicemails of the range go
 * in with `now` and the tech's time zone; every chart's numbers come out.
 * What counts, chart by chart:
 *
 * - Interruptions prevented: attempts that didn't ring (redirected, voicemail,
 *   busy, shown silently), except the block list's rejections, which happen
 *   in any state and protect nothing. By the day of the call.
 * - Time protected in Focus: the focus periods (ticket focus and
 *   do-not-disturb, from leaving "off" to returning to it), cut at midnight
 *   and at `now`, in whole minutes per day.
 * - Callbacks: every call to return (held back, the block list aside, or
 *   rang and missed), by the day of the call. On time: called back by its due
 *   time (calls/callback-due.ts: same business day); late: after it;
 *   overdue: not called back and past due. A call settled another way (a
 *   ticket, a note, dismissed, answered) is no callback.
 * - Voicemail response times: messages left in the range (not empty ones),
 *   from the end of the message to the tech acting on it (called back, a
 *   ticket, a note). Dismissed messages have no response time.
 * - Repeat callers by company: callers the repeat rule flagged at least once
 *   in the range, with all their calls in it. Coworkers are never counted:
 *   neither a caller the decision matched as a coworker nor one the PSA knows
 *   as a member. Callers are named as the PSA or the tickets know them, else
 *   by what their phone sent, else by their number, never by a SIP URI.
 */

export type InsightsRange = { from: DayKey; to: DayKey; timeZone: string };

export type InsightAttempt = Pick<
  ContactAttempt,
  'at' | 'callerKey' | 'callerUri' | 'callerName' | 'rule' | 'action' | 'repeatCaller' | 'handled' | 'handledAt' | 'callbackDueAt' | 'missed'
>;

/** A focus period; `endedAt` null while it still runs. */
export type FocusSpan = { startedAt: number; endedAt: number | null };

export type InsightVoicemail = Pick<VoicemailMessage, 'startedAt' | 'endedAt' | 'state' | 'handled' | 'handledAt'>;

/** Who a caller is, as the PSA or the built-in tickets know them. */
export type KnownCaller = { name: string; company: string | null; coworker: boolean };

export type InsightsInput = {
  range: InsightsRange;
  now: number;
  attempts: readonly InsightAttempt[];
  focus: readonly FocusSpan[];
  voicemails: readonly InsightVoicemail[];
  /** Looks a caller's number up (the PSA's caller index, or the contacts on the built-in tickets). */
  whoIs: (number: string) => KnownCaller | null;
};

const MINUTE_MS = 60_000;
const ANONYMOUS_KEY = 'anonymous';

export function computeInsights(input: InsightsInput): InsightsView {
  const { range } = input;
  const days = new Set(daysBetween(range.from, range.to));
  const attempts = input.attempts.filter((a) => days.has(dayKey(a.at, range.timeZone)));
  return {
    from: range.from,
    to: range.to,
    timeZone: range.timeZone,
    interruptions: interruptionsPrevented(attempts, range),
    focus: timeInFocus(input.focus, range, input.now),
    callbacks: callbacksReturned(attempts, range, input.now),
    voicemail: voicemailResponseTimes(input.voicemails),
    repeatCallers: repeatCallersByCompany(attempts, input.whoIs),
  };
}

/** The attempts Focus held back: every action but ring, the block list aside. */
export function wasPrevented(a: Pick<InsightAttempt, 'action' | 'rule'>): boolean {
  return a.action !== 'ring' && a.rule !== 'blocked';
}

export function interruptionsPrevented(attempts: readonly InsightAttempt[], range: InsightsRange): InsightsView['interruptions'] {
  const rows = new Map(daysBetween(range.from, range.to).map((day) => [day, { day, redirected: 0, voicemail: 0, busy: 0, silent: 0, total: 0 }]));
  for (const a of attempts) {
    if (!wasPrevented(a)) continue;
    const row = rows.get(dayKey(a.at, range.timeZone));
    if (row === undefined) continue;
    if (a.action === 'redirect') row.redirected++;
    else if (a.action === 'voicemail') row.voicemail++;
    else if (a.action === 'reject') row.busy++;
    else row.silent++;
    row.total++;
  }
  const list = [...rows.values()];
  return { rows: list, total: list.reduce((n, r) => n + r.total, 0) };
}

export function timeInFocus(spans: readonly FocusSpan[], range: InsightsRange, now: number): InsightsView['focus'] {
  const rows = daysBetween(range.from, range.to).map((day) => {
    const dayStart = startOfDay(day, range.timeZone);
    const dayEnd = startOfDay(nextDay(day), range.timeZone);
    let ms = 0;
    for (const span of spans) {
      const start = Math.max(span.startedAt, dayStart);
      const end = Math.min(span.endedAt ?? now, dayEnd, now);
      if (end > start) ms += end - start;
    }
    return { day, minutes: Math.round(ms / MINUTE_MS) };
  });
  return { rows, totalMinutes: rows.reduce((n, r) => n + r.minutes, 0) };
}

/** A call someone has to return: held back (the block list aside) or rang unanswered. */
export function needsCallback(a: Pick<InsightAttempt, 'action' | 'rule' | 'missed'>): boolean {
  return wasPrevented(a) || (a.action === 'ring' && a.missed);
}

export function callbacksReturned(attempts: readonly InsightAttempt[], range: InsightsRange, now: number): InsightsView['callbacks'] {
  const rows = new Map(daysBetween(range.from, range.to).map((day) => [day, { day, onTime: 0, late: 0, overdue: 0 }]));
  for (const a of attempts) {
    if (!needsCallback(a) || a.callerKey === ANONYMOUS_KEY) continue;
    const day = dayKey(a.at, range.timeZone);
    const row = rows.get(day);
    if (row === undefined) continue;
    // An attempt from before due times were kept is due by the end of its day.
    const due = a.callbackDueAt ?? startOfDay(nextDay(day), range.timeZone) - 1;
    if (a.handled === 'called-back') {
      if ((a.handledAt ?? Number.POSITIVE_INFINITY) <= due) row.onTime++;
      else row.late++;
    } else if (a.handled === null && due < now) row.overdue++;
  }
  const list = [...rows.values()];
  const totals = list.reduce((t, r) => ({ onTime: t.onTime + r.onTime, late: t.late + r.late, overdue: t.overdue + r.overdue }), {
    onTime: 0,
    late: 0,
    overdue: 0,
  });
  return { rows: list, totals };
}

/** The response-time buckets, in minutes (upper bound excluded), and what the chart calls them. */
export const RESPONSE_BUCKETS: readonly { label: string; below: number }[] = [
  { label: 'Under 15 min', below: 15 },
  { label: '15–60 min', below: 60 },
  { label: '1–4 hours', below: 240 },
  { label: '4–24 hours', below: 1440 },
  { label: 'Over a day', below: Number.POSITIVE_INFINITY },
];
export const NOT_ANSWERED_LABEL = 'Not answered yet';

export function voicemailResponseTimes(messages: readonly InsightVoicemail[]): InsightsView['voicemail'] {
  const counts = RESPONSE_BUCKETS.map(() => 0);
  const minutes: number[] = [];
  let received = 0;
  let waiting = 0;
  let dismissed = 0;
  for (const m of messages) {
    if (m.state === 'recording' || m.state === 'empty') continue;
    received++;
    if (m.handled === null || m.handledAt === null) {
      waiting++;
      continue;
    }
    if (m.handled === 'dismissed') {
      dismissed++;
      continue;
    }
    const took = Math.max(0, m.handledAt - (m.endedAt ?? m.startedAt)) / MINUTE_MS;
    minutes.push(took);
    const bucket = RESPONSE_BUCKETS.findIndex((b) => took < b.below);
    counts[bucket] = (counts[bucket] ?? 0) + 1;
  }
  return {
    buckets: [...RESPONSE_BUCKETS.map((b, i) => ({ label: b.label, count: counts[i] ?? 0 })), { label: NOT_ANSWERED_LABEL, count: waiting }],
    received,
    answered: minutes.length,
    waiting,
    dismissed,
    medianMinutes: median(minutes),
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const m = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round(m * 10) / 10;
}

type CallerTally = { key: string; number: string; displayName: string; flagged: boolean; coworker: boolean; calls: number; heldBack: number; lastAt: number };

export function repeatCallersByCompany(attempts: readonly InsightAttempt[], whoIs: InsightsInput['whoIs']): InsightsView['repeatCallers'] {
  const byCaller = new Map<string, CallerTally>();
  for (const a of attempts) {
    if (a.callerKey === ANONYMOUS_KEY) continue;
    let t = byCaller.get(a.callerKey);
    if (t === undefined) {
      t = {
        key: a.callerKey,
        number: readableNumber(a.callerUri, a.callerKey),
        displayName: '',
        flagged: false,
        coworker: false,
        calls: 0,
        heldBack: 0,
        lastAt: a.at,
      };
      byCaller.set(a.callerKey, t);
    }
    t.calls++;
    if (a.action !== 'ring') t.heldBack++;
    if (a.repeatCaller) t.flagged = true;
    if (a.rule === 'coworker') t.coworker = true;
    if (a.at >= t.lastAt) {
      t.lastAt = a.at;
      if (a.callerName.trim() !== '' && a.callerName !== t.number) t.displayName = a.callerName.trim();
    }
  }
  const groups = new Map<string, InsightsView['repeatCallers']['rows'][number]>();
  for (const t of byCaller.values()) {
    if (!t.flagged || t.coworker) continue;
    const known = whoIs(t.number);
    if (known?.coworker) continue;
    const name = known?.name || t.displayName || t.number;
    const company = known?.company?.trim() || null;
    const groupKey = company === null ? `caller:${t.key}` : `company:${company.toLowerCase()}`;
    let group = groups.get(groupKey);
    if (group === undefined) {
      group = { company, label: company ?? name, calls: 0, heldBack: 0, callers: [] };
      groups.set(groupKey, group);
    }
    group.calls += t.calls;
    group.heldBack += t.heldBack;
    group.callers.push({ name, number: t.number, calls: t.calls, heldBack: t.heldBack, lastAt: new Date(t.lastAt).toISOString() });
  }
  const rows = [...groups.values()];
  for (const row of rows) row.callers.sort((a, b) => b.calls - a.calls || a.name.localeCompare(b.name));
  rows.sort((a, b) => b.calls - a.calls || a.label.localeCompare(b.label));
  return { rows };
}

/** What a person reads as the caller's number: the URI's user part ("+15550142"), or the key when the URI has none. */
export function readableNumber(callerUri: string, callerKey: string): string {
  const m = /^(?:sips?|tel):([^@;?]+)/i.exec(callerUri.trim());
  return m?.[1] ?? callerKey;
}
