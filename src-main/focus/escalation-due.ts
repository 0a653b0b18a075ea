import type { ActiveTicket, FocusState } from './types.js';

/**
 * The 15-minute rule: "If you can't solve a problem within 15 minutes,
 * escalate it." Decides whether the prompt (ask a coworker, escalate the
 * ticket, transfer to the service manager, or not yet) is due, and when the
 * next one will be. Pure: a snapshot goes in, the prompt and the next time to
 * look again come out; no clock, no timers, no I/O.
 *
 * Rules:
 * 1. `afterMinutes` 0 turns the rule off: nothing is ever due.
 * 2. Two things are timed, each from its own start:
 *    - the work session on the active ticket, from ticket focus's `since`.
 *      Switching tickets, Stop work or a break ends the session, and the next
 *      session (on any ticket, the same one included) starts a new count;
 *    - each answered call, active or on hold, from its `answeredAt`: one
 *      call about a problem. Ringing and dialling calls are not timed; a
 *      call that ends takes its prompt with it.
 * 3. Do-not-disturb over a ticket: no work-session prompt while it lasts (the
 *    tech stepped away: a meeting, a talk with the boss). When DND ends,
 *    focus returns to the ticket with a new `since`, so the count starts
 *    over from there. A call in DND is still timed: the tech is on the phone.
 * 4. A subject is due `afterMinutes` after its start, or when its snooze
 *    ("Not yet: 15 more minutes") ends, whichever is later.
 * 5. A subject acted on (the ticket escalated, the call transferred) is never
 *    due again; the desk forgets that when the session or the call ends.
 * 6. Several due at once: a call goes first (someone is waiting on the line,
 *    and only a call can be handed to the service manager), the one due
 *    earliest, then the one answered earliest; then the work session.
 * 7. `nextAt`: the earliest due time still to come, so the desk arms one
 *    timer; null when nothing more can become due without a change.
 * A call prompt carries the active ticket (ticket focus, not the one waiting
 * under DND) as what "Escalate ticket" escalates; null when there is none.
 */
export type TimedCall = {
  id: string;
  direction: 'incoming' | 'outgoing';
  remoteUri: string;
  remoteName: string;
  state: 'ringing' | 'dialing' | 'early' | 'active' | 'held';
  /** ms since the epoch; null until answered. */
  answeredAt: number | null;
};

export type EscalationSnapshot = {
  now: Date;
  /** Policy focus.escalateAfterMinutes; 0 = off. */
  afterMinutes: number;
  focus: FocusState;
  calls: readonly TimedCall[];
  /** By subject key: when "Not yet" ends. */
  snoozedUntil: ReadonlyMap<string, Date>;
  /** Subject keys acted on (escalated, transferred). */
  actedOn: ReadonlySet<string>;
};

export type EscalationWhy = 'work-session' | 'call';

export type EscalationPrompt = {
  /** ticketKey(id) or callKey(id): what snooze and "acted on" name. */
  key: string;
  why: EscalationWhy;
  startedAt: Date;
  dueAt: Date;
  /** Whole minutes from the start to `now`, at least afterMinutes. */
  minutes: number;
  /** What "Escalate ticket" escalates: the work session's ticket, or the active ticket during a call. */
  ticket: ActiveTicket | null;
  call: TimedCall | null;
};

export type EscalationDue = { prompt: EscalationPrompt | null; nextAt: Date | null };

type Subject = { key: string; why: EscalationWhy; startedAt: Date; dueAt: Date; ticket: ActiveTicket | null; call: TimedCall | null };

const MINUTE_MS = 60_000;

export const ticketKey = (ticketId: string): string => `ticket:${ticketId}`;
export const callKey = (callId: string): string => `call:${callId}`;

export function escalationDue(snapshot: EscalationSnapshot): EscalationDue {
  if (!(snapshot.afterMinutes > 0)) return { prompt: null, nextAt: null };
  const now = snapshot.now.getTime();
  const subjects = subjectsOf(snapshot).filter((s) => !snapshot.actedOn.has(s.key));
  const due = subjects.filter((s) => s.dueAt.getTime() <= now).sort(precedence);
  const future = subjects.map((s) => s.dueAt.getTime()).filter((at) => at > now);
  const nextAt = future.length > 0 ? new Date(Math.min(...future)) : null;
  const first = due[0];
  if (first === undefined) return { prompt: null, nextAt };
  const minutes = Math.max(snapshot.afterMinutes, Math.floor((now - first.startedAt.getTime()) / MINUTE_MS));
  return { prompt: { ...first, minutes }, nextAt };
}

function subjectsOf(snapshot: EscalationSnapshot): Subject[] {
  const { focus } = snapshot;
  const activeTicket = focus.mode === 'ticket' ? focus.ticket : null;
  const subjects: Subject[] = [];
  if (focus.mode === 'ticket') {
    const key = ticketKey(focus.ticket.id);
    subjects.push({ key, why: 'work-session', startedAt: focus.since, dueAt: dueAt(key, focus.since, snapshot), ticket: focus.ticket, call: null });
  }
  for (const call of snapshot.calls) {
    if (call.answeredAt === null || (call.state !== 'active' && call.state !== 'held')) continue;
    const key = callKey(call.id);
    const startedAt = new Date(call.answeredAt);
    subjects.push({ key, why: 'call', startedAt, dueAt: dueAt(key, startedAt, snapshot), ticket: activeTicket, call });
  }
  return subjects;
}

function dueAt(key: string, startedAt: Date, snapshot: EscalationSnapshot): Date {
  const byRule = startedAt.getTime() + snapshot.afterMinutes * MINUTE_MS;
  const snoozed = snapshot.snoozedUntil.get(key)?.getTime() ?? -Infinity;
  return new Date(Math.max(byRule, snoozed));
}

function precedence(a: Subject, b: Subject): number {
  if (a.why !== b.why) return a.why === 'call' ? -1 : 1;
  return a.dueAt.getTime() - b.dueAt.getTime() || a.startedAt.getTime() - b.startedAt.getTime();
}
