import type { CallerIdentity } from './caller-identity.js';
import { NumberIndex, strengthRank, type MatchStrength } from './number-index.js';
import { parsePhoneText } from './phone-number.js';

/**
 * The active ticket's contact numbers, compiled for matching. Small (a
 * handful of numbers), rebuilt whenever the ticket changes.
 *
 * A short number on a PSA contact ("2002") is an extension on the
 * customer's PBX, not ours: it is skipped, so that our own extension 2002
 * never passes for the ticket's contact. Matching otherwise follows
 * number-index.ts (exact E.164, then the last 10 digits, then the last 7),
 * from any host: customers call in through carriers (caller-host.ts).
 */
export type TicketContactMatch = { via: MatchStrength; number: string };

export type TicketContactMatcher = {
  lookup(caller: CallerIdentity): TicketContactMatch | undefined;
  /** Stored numbers that can never match (too short, no digits). */
  readonly unusable: readonly string[];
};

export function ticketContactMatcher(contactNumbers: readonly string[], defaultRegion: string): TicketContactMatcher {
  const index = new NumberIndex<string>();
  const unusable: string[] = [];
  for (const number of contactNumbers) {
    const parsed = parsePhoneText(number, defaultRegion);
    if (parsed.kind === 'number') index.addNumber(parsed, number);
    else unusable.push(number);
  }
  return {
    lookup(caller) {
      if (caller.anonymous) return undefined;
      let best: TicketContactMatch | undefined;
      for (const hit of index.hits(caller)) {
        if (best === undefined || strengthRank[hit.via] > strengthRank[best.via]) best = { via: hit.via, number: hit.value };
      }
      return best;
    },
    unusable,
  };
}
