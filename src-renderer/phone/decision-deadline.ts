import type { Decision } from '../../src-main/ipc/contract.js';
import { messageOf } from '../../src-shared/errors.js';

/** Main must answer a decision within this bound, or the phone rings: a call is never lost to our own fault. */
export const DECISION_TIMEOUT_MS = 250;

export const fallbackDecision = (reason: string): Decision => ({ action: 'ring', rule: 'fallback', repeatCaller: false, reason });

/**
 * Asks for a decision but never waits past `timeoutMs`: a slow or failed
 * answer rings the call, and `onFallback` hears why, so it can be logged.
 */
export async function decideWithin(ask: () => Promise<Decision>, timeoutMs: number, onFallback: (reason: string) => void): Promise<Decision> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<Decision>((resolve) => {
    timer = setTimeout(() => resolve(fallbackDecision(`Focusline did not decide within ${timeoutMs} ms, so the call rang to be safe.`)), timeoutMs);
  });
  const asked = ask().catch((err: unknown) => fallbackDecision(`Focusline could not decide (${messageOf(err)}), so the call rang to be safe.`));
  const decision = await Promise.race([asked, late]);
  clearTimeout(timer);
  if (decision.rule === 'fallback') onFallback(decision.reason);
  return decision;
}
