import type { CallerIdentity } from '../../numbers/caller-identity.js';
import type { MatchStrength } from '../../numbers/number-index.js';
import { bestCallerMatch, type PhoneSearchPlan } from './halopsa-mapping.js';
import type { HaloUser } from './halopsa-schemas.js';

/**
 * Finding a caller with Halo's phone search, inside the screen pop's budget.
 *
 * Every search is a round trip (200-400 ms on hosted Halo) and the pop has
 * 1.5 s, so the terms of a plan (phoneSearchTerms: broadest first) are asked
 * together, at most HALO_SEARCHES_IN_FLIGHT at once, and the strongest
 * verified match across all answers wins, not the first answer with a hit (a
 * broad term can list a look-alike before the caller). The narrower terms are
 * asked only when a broad answer was cut off by paging: otherwise every user
 * they could find is already among the broad answers.
 *
 * A lookup is all or nothing: one failed search fails it (and cancels the
 * others), so "nobody" always means every term was asked and answered.
 */

/** Searches in flight at once: enough for one round of a plan's terms, few enough not to trip Halo's rate limit. */
export const HALO_SEARCHES_IN_FLIGHT = 4;

/** Users asked for per search; an answer with a larger record_count was cut off. */
export const HALO_PHONE_SEARCH_PAGE = 50;

export type UserSearchAnswer = { record_count: number; users: HaloUser[] };
export type UserSearch = (term: string, signal: AbortSignal) => Promise<UserSearchAnswer>;

export async function searchCaller(
  plan: PhoneSearchPlan,
  caller: CallerIdentity,
  region: string,
  search: UserSearch,
  signal?: AbortSignal,
): Promise<{ user: HaloUser; via: MatchStrength } | null> {
  const answers = await askAll(plan.broad, search, signal);
  const cutOff = answers.some((a) => a.record_count > a.users.length);
  if (cutOff) answers.push(...(await askAll(plan.narrower, search, signal)));
  // In term order (broadest first), each user once: bestCallerMatch keeps the first listed on a tie.
  const users = new Map<number, HaloUser>();
  for (const answer of answers) for (const user of answer.users) if (!users.has(user.id)) users.set(user.id, user);
  return bestCallerMatch([...users.values()], caller, region);
}

/** The terms in rounds of HALO_SEARCHES_IN_FLIGHT; answers in term order. */
async function askAll(terms: readonly string[], search: UserSearch, outer: AbortSignal | undefined): Promise<UserSearchAnswer[]> {
  const answers: UserSearchAnswer[] = [];
  for (let i = 0; i < terms.length; i += HALO_SEARCHES_IN_FLIGHT) {
    const round = terms.slice(i, i + HALO_SEARCHES_IN_FLIGHT);
    const controller = new AbortController();
    const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
    try {
      answers.push(...(await Promise.all(round.map((term) => search(term, signal)))));
    } catch (error) {
      // The lookup has failed: the other searches of this round need not finish.
      controller.abort(error);
      throw error;
    }
  }
  return answers;
}

/**
 * Numbers nobody in Halo has, remembered briefly: a caller who rings again
 * (or rings several technicians) within a minute costs no searches. Bounded:
 * the oldest entry goes first.
 */
export class NobodyFound {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly now: () => Date,
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 500,
  ) {}

  has(number: string): boolean {
    const until = this.until.get(number);
    if (until === undefined) return false;
    if (until > this.now().getTime()) return true;
    this.until.delete(number);
    return false;
  }

  add(number: string): void {
    this.until.delete(number);
    this.until.set(number, this.now().getTime() + this.ttlMs);
    if (this.until.size > this.maxEntries) {
      const oldest = this.until.keys().next();
      if (!oldest.done) this.until.delete(oldest.value);
    }
  }
}
