import type { AttemptView } from '../../src-main/ipc/contract.js';

/**
 * "To follow up", one row per caller: the same number three times is one
 * thing to do ("3 calls"), not three rows of buttons. Pure, so it is tested
 * with plain tables.
 */
export type FollowUp = {
  /** The caller's number, or the attempt id for a caller without one (withheld numbers are not one person). */
  key: string;
  /** The newest call: the one the row's actions act on. */
  newest: AttemptView;
  /** Every open call from this caller, newest first. */
  attempts: AttemptView[];
  /** Any of them came again and again in a short time. */
  repeat: boolean;
  /** The earliest callback due time among them: the one that goes overdue first. */
  dueAt: string | null;
};

/** A number worth grouping on: it has digits (a withheld or anonymous caller has none). */
function callerKey(a: AttemptView): string {
  const digits = a.callerNumber.replace(/[^\d+*#]/g, '');
  return /\d/.test(digits) ? `n:${digits}` : `a:${a.id}`;
}

/**
 * `unhandled` comes newest first from main. `liveCallIds`: calls still on the
 * phone (a silent call ringing in the calls panel); they show there, not here too.
 */
export function groupFollowUps(unhandled: readonly AttemptView[], liveCallIds: ReadonlySet<string>): FollowUp[] {
  const groups = new Map<string, FollowUp>();
  for (const a of unhandled) {
    if (liveCallIds.has(a.callId)) continue;
    const key = callerKey(a);
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { key, newest: a, attempts: [a], repeat: a.repeatCaller, dueAt: a.callbackDueAt });
      continue;
    }
    group.attempts.push(a);
    group.repeat ||= a.repeatCaller;
    if (a.callbackDueAt !== null && (group.dueAt === null || Date.parse(a.callbackDueAt) < Date.parse(group.dueAt))) group.dueAt = a.callbackDueAt;
  }
  return [...groups.values()];
}
