import type { Decision, IncomingCall } from '../ipc/contract.js';

/**
 * What to do with an incoming call. Pure: the call and a snapshot of the
 * world go in, a decision comes out. The focus rules (ticket contacts,
 * coworkers, VIPs, repeat callers, hours) extend the snapshot; until they
 * exist every call rings.
 */
export type DecisionSnapshot = Record<string, never>;

export function decide(_call: IncomingCall, _snapshot: DecisionSnapshot): Decision {
  return { action: 'ring', reason: 'No focus rules apply: every call rings.' };
}
