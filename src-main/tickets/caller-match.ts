import { callerIdentity } from '../numbers/caller-identity.js';
import { strengthRank, type MatchStrength } from '../numbers/number-index.js';
import { ticketContactMatcher } from '../numbers/ticket-contacts.js';

/**
 * Checking a PSA's search hits against the caller. A PSA's server-side
 * search (`like`, `contains`) on the last digits also finds numbers that
 * merely contain them; every adapter filters its candidates through here,
 * so all of them match callers by the project's one set of rules (exact
 * E.164, then the last 10, then the last 7 digits; see number-index.ts).
 */

/** How well the caller (`digits`, as dialled or E.164) matches any of `numbers`, or undefined. `region`: numbers.defaultRegion; empty compares digits only. */
export function callerMatchStrength(digits: string, numbers: readonly string[], region = ''): MatchStrength | undefined {
  const user = digits.trim().replace(/[^\d+]/g, '');
  if (user.replace(/\D/g, '').length < 7) return undefined;
  const caller = callerIdentity({ fromUri: `tel:${user}`, fromUser: user, assertedIdentity: null }, { trustAssertedIdentity: false, defaultRegion: region });
  return ticketContactMatcher(numbers, region).lookup(caller)?.via;
}

/** The best-matching candidate (strongest match; the first on a tie), or undefined when none really matches. */
export function bestCandidate<T>(digits: string, candidates: readonly T[], numbersOf: (candidate: T) => string[], region = ''): T | undefined {
  let best: { candidate: T; rank: number } | undefined;
  for (const candidate of candidates) {
    const via = callerMatchStrength(digits, numbersOf(candidate), region);
    if (via !== undefined && (best === undefined || strengthRank[via] > best.rank)) best = { candidate, rank: strengthRank[via] };
  }
  return best?.candidate;
}
