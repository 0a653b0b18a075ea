import type { AttemptFacts } from '../calls/call-log.js';
import type { InsightsView } from '../ipc/contract.js';
import type { VoicemailMessage } from '../voicemail/voicemail-schema.js';
import { DayIndex, dayKey, type DayKey } from './calendar-days.js';

/**
 * The Insights charts, computed from what Focusline has on record. Pure: the
 * call log's attempts, the focus periods and the voicemails of the range go
 * in with `now` and the tech's time zone; every chart's numbers come out.
 * What counts, chart by chart:
 *
 * - Interruptions prevented: attempts Focus held back (redirected, voicemail,
 *   busy, shown silently), except the block list's rejections, which happen
 *   in any state and protect nothing, and the after-hours rule's, which
 *   happen whether or not the tech is focused. By the day of the call.
 * - Time protected in Focus: the focus periods (ticket focus and
 *   do-not-disturb, from leaving "off" to returning to it), cut at midnight
 *   and at `now`, in whole minutes per day.
 * - Callbacks: one per caller per day, not per attempt (Maria calling three
 *   times in ten minutes wants one call back). A caller's day counts when
 *   they made a call to return (held back, the block list aside, or rang and
 *   missed) that wasn't settled another way (a ticket, a note, dismissed). It
 *   is returned by the first connected callback (an attempt of theirs marked
 *   called back) or answered call with them after their last such call:
 *   on time by the first call's due time (calls/callback-due.ts: same
 *   business day), late after it; overdue when not returned and past due.
 * - Voicemail response times: messages left in the range (not empty ones),
 *   from the end of the message to the tech acting on it (called back, a
 *   ticket, a note), on the message or on its call (a voicemail called back
 *   from "To follow up" marks the call). Dismissed messages have no response
 *   time.
 * - Repeat callers by company: callers the repeat rule flagged at least once
 *   in the range, with all their calls in it. Coworkers' calls are never
 *   counted, decided per attempt: the decision matched a coworker (rule
 *   `coworker`), or the PSA knows the number as a member and the call came
 *   from our own or a trusted host (numbers/caller-host.ts; anyone on the
 *   internet can send a member's number from elsewhere). Callers are named as the PSA or the tickets know them, else
 *   by what their phone sent, else by their number, never by a SIP URI.
 */

export type InsightsRange = { from: DayKey; to: DayKey; timeZone: string };

export type InsightAttempt = AttemptFacts;

/** A focus period; `endedAt` null while it still runs. */
export type FocusSpan = { startedAt: number; endedAt: number | null };

export type InsightVoicemail = Pick<VoicemailMessage, 'startedAt' | 'endedAt' | 'state' | 'handled' | 'handledAt'> & {
  /** The call the message was left on (its attempt in the call log), if known. */
  attemptId?: string | null;
};

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
  /** When focus time started being kept (FocusPeriods.recordingSince); null or undefined: always. */
  focusRecordedSince?: number | null;
  /** Voicemails are in `voicemails` from this day on (retention deleted older handled ones); null: the whole range. */
  voicemailRetention?: { countedFrom: DayKey | null; retentionDays: number };
  /** Whether a stored caller URI's host may claim our people (our own SIP domain or a trusted host). */
  hostTrusted: (callerUri: string) => boolean;
};

const MINUTE_MS = 60_000;
const ANONYMOUS_KEY = 'anonymous';

export function computeInsights(input: InsightsInput): InsightsView {
  const { range } = input;
  const days = new DayIndex(range);
  const attempts = input.attempts.filter((a) => days.indexOf(a.at) >= 0);
  return {
    from: range.from,
    to: range.to,
    timeZone: range.timeZone,
    interruptions: interruptionsPrevented(attempts, days),
    focus: { ...timeInFocus(input.focus, days, input.now), recordedFrom: recordedFrom(days, input.focusRecordedSince ?? null, range.timeZone) },
    // Returns may come after the range (a call on its last day returned the next morning).
    callbacks: callbacksReturned(attempts, days, input.now, input.attempts),
    voicemail: {
      ...voicemailResponseTimes(input.voicemails, input.attempts),
      countedFrom: input.voicemailRetention?.countedFrom ?? null,
      retentionDays: input.voicemailRetention?.retentionDays ?? 0,
    },
    repeatCallers: repeatCallersByCompany(attempts, input.whoIs, input.hostTrusted),
  };
}

/** The attempts held back: every action but ring, the block list aside. */
export function wasPrevented(a: Pick<InsightAttempt, 'action' | 'rule'>): boolean {
  return a.action !== 'ring' && a.rule !== 'blocked';
}

/** Held back because the tech was focused: the after-hours rule holds calls back whether or not they are. */
export function heldByFocus(a: Pick<InsightAttempt, 'action' | 'rule'>): boolean {
  return wasPrevented(a) && a.rule !== 'after-hours';
}

export function interruptionsPrevented(attempts: readonly InsightAttempt[], days: DayIndex): InsightsView['interruptions'] {
  const rows = days.days.map((day) => ({ day, redirected: 0, voicemail: 0, busy: 0, silent: 0, total: 0 }));
  for (const a of attempts) {
    if (!heldByFocus(a)) continue;
    const row = rows[days.indexOf(a.at)];
    if (row === undefined) continue;
    if (a.action === 'redirect') row.redirected++;
    else if (a.action === 'voicemail') row.voicemail++;
    else if (a.action === 'reject') row.busy++;
    else row.silent++;
    row.total++;
  }
  return { rows, total: rows.reduce((n, r) => n + r.total, 0) };
}

/** The day focus time is on record from, when that is after the range's start (earlier days show 0 for want of a record). */
function recordedFrom(days: DayIndex, since: number | null, timeZone: string): DayKey | null {
  if (since === null || since <= days.startOf(0)) return null;
  return days.dayOf(since) ?? dayKey(since, timeZone);
}

export function timeInFocus(spans: readonly FocusSpan[], days: DayIndex, now: number): Omit<InsightsView['focus'], 'recordedFrom'> {
  const rows = days.days.map((day, i) => {
    const dayStart = days.startOf(i);
    const dayEnd = days.endOf(i);
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

/** How a call to return was settled without a callback. */
const SETTLED_OTHERWISE = new Set<InsightAttempt['handled']>(['ticket-created', 'note-added', 'dismissed', 'answered']);

/** When the tech and this caller spoke: a connected callback (handledAt), or a call that rang and was answered. */
function returnTimes(attempts: readonly InsightAttempt[]): Map<string, number[]> {
  const times = new Map<string, number[]>();
  const add = (key: string, at: number) => {
    const list = times.get(key);
    if (list === undefined) times.set(key, [at]);
    else list.push(at);
  };
  for (const a of attempts) {
    if (a.handled === 'called-back' && a.handledAt !== null) add(a.callerKey, a.handledAt);
    if (a.action === 'ring' && !a.missed && a.rule !== 'blocked') add(a.callerKey, a.at);
  }
  return times;
}

export function callbacksReturned(
  attempts: readonly InsightAttempt[],
  days: DayIndex,
  now: number,
  everything: readonly InsightAttempt[] = attempts,
): InsightsView['callbacks'] {
  const rows = days.days.map((day) => ({ day, onTime: 0, late: 0, overdue: 0 }));
  // One callback owed per caller per day: from their first call's due time, returned after their last call.
  const owed = new Map<string, { day: number; callerKey: string; due: number; last: number }>();
  for (const a of attempts) {
    if (!needsCallback(a) || a.callerKey === ANONYMOUS_KEY || SETTLED_OTHERWISE.has(a.handled)) continue;
    const i = days.indexOf(a.at);
    if (i < 0) continue;
    // An attempt from before due times were kept is due by the end of its day.
    const due = a.callbackDueAt ?? days.endOf(i) - 1;
    const key = `${i}\u0000${a.callerKey}`;
    const o = owed.get(key);
    if (o === undefined) owed.set(key, { day: i, callerKey: a.callerKey, due, last: a.at });
    else {
      o.due = Math.min(o.due, due);
      o.last = Math.max(o.last, a.at);
    }
  }
  const returns = returnTimes(everything);
  for (const o of owed.values()) {
    const row = rows[o.day];
    if (row === undefined) continue;
    let returnedAt = Number.POSITIVE_INFINITY;
    for (const t of returns.get(o.callerKey) ?? []) if (t > o.last && t < returnedAt) returnedAt = t;
    if (Number.isFinite(returnedAt)) {
      if (returnedAt <= o.due) row.onTime++;
      else row.late++;
    } else if (o.due < now) row.overdue++;
  }
  const list = rows;
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

export function voicemailResponseTimes(
  messages: readonly InsightVoicemail[],
  attempts: readonly InsightAttempt[] = [],
): Omit<InsightsView['voicemail'], 'countedFrom' | 'retentionDays'> {
  const counts = RESPONSE_BUCKETS.map(() => 0);
  const minutes: number[] = [];
  const calls = new Map(attempts.map((a) => [a.id, a]));
  let received = 0;
  let waiting = 0;
  let dismissed = 0;
  for (const message of messages) {
    if (message.state === 'recording' || message.state === 'empty') continue;
    received++;
    // Called back from "To follow up", the call is marked and not the message: its answer is the message's.
    const call = message.handled === null && message.attemptId ? calls.get(message.attemptId) : undefined;
    const m = call && call.handled !== null && call.handledAt !== null ? { ...message, handled: call.handled, handledAt: call.handledAt } : message;
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

type CallerTally = { key: string; number: string; displayName: string; flagged: boolean; calls: number; heldBack: number; lastAt: number };

export function repeatCallersByCompany(
  attempts: readonly InsightAttempt[],
  whoIs: InsightsInput['whoIs'],
  hostTrusted: InsightsInput['hostTrusted'],
): InsightsView['repeatCallers'] {
  const byCaller = new Map<string, CallerTally>();
  const known = new Map<string, KnownCaller | null>();
  const knownAs = (number: string) => {
    if (!known.has(number)) known.set(number, whoIs(number));
    return known.get(number) ?? null;
  };
  for (const a of attempts) {
    if (a.callerKey === ANONYMOUS_KEY) continue;
    // A coworker's call, decided per call: the decision said so, or a member's number from a host that may claim it.
    if (a.rule === 'coworker') continue;
    if (knownAs(readableNumber(a.callerUri, a.callerKey))?.coworker && hostTrusted(a.callerUri)) continue;
    let t = byCaller.get(a.callerKey);
    if (t === undefined) {
      t = {
        key: a.callerKey,
        number: readableNumber(a.callerUri, a.callerKey),
        displayName: '',
        flagged: false,
        calls: 0,
        heldBack: 0,
        lastAt: a.at,
      };
      byCaller.set(a.callerKey, t);
    }
    t.calls++;
    if (a.action !== 'ring') t.heldBack++;
    if (a.repeatCaller) t.flagged = true;
    if (a.at >= t.lastAt) {
      t.lastAt = a.at;
      if (a.callerName.trim() !== '' && a.callerName !== t.number) t.displayName = a.callerName.trim();
    }
  }
  const groups = new Map<string, InsightsView['repeatCallers']['rows'][number]>();
  for (const t of byCaller.values()) {
    if (!t.flagged) continue;
    const who = knownAs(t.number);
    // A member's number sent from an untrusted host: not our coworker, and not to be named as them either.
    const person = who?.coworker ? null : who;
    const name = person?.name || t.displayName || t.number;
    const company = person?.company?.trim() || null;
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
