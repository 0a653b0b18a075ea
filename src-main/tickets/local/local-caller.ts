import { NumberIndex, strengthRank, type MatchStrength } from '../../numbers/number-index.js';
import { parsePhoneText } from '../../numbers/phone-number.js';
import { identityOfNumberText } from '../caller-index.js';
import type { PsaPerson } from '../psa.js';
import type { LocalTicket } from './local-ticket-store.js';

/**
 * The screen pop with the built-in ticket store: with no PSA connected, the
 * contacts written on Focusline's own tickets are the address book. A caller
 * whose number is on a ticket is named by that ticket's contact and company
 * ("Maria Lopez · Contoso Dental"), not by whatever display name their phone
 * sends ("Front Desk").
 *
 * Pure: the tickets go in (newest first), the match comes out. Matching is
 * number-index.ts's, as everywhere (exact E.164, then the last 10, then the
 * last 7 digits); a short number on a ticket is the customer's extension and
 * never matches (as ticket-contacts.ts). Precedence:
 * 1. the strongest match wins;
 * 2. at equal strength, the most recently updated ticket (the list's order),
 *    so a contact who changed company is named by their newest ticket;
 * 3. a ticket that names nobody (no contact name, no company) is skipped.
 * Closed tickets name callers too (Maria called last month, she is still
 * Maria); only open ones are listed as her tickets.
 */
export type LocalCaller = {
  /** The ticket's contact; null when the ticket names only a company. */
  person: PsaPerson | null;
  company: { name: string } | null;
  /** Open tickets of this contact or company, newest first (at most 10). */
  openTickets: LocalTicket[];
  via: MatchStrength;
};

const MAX_TICKETS = 10;

/**
 * The tickets' contact numbers, parsed once and kept between lookups: parsing
 * every number on up to 5,000 tickets takes libphonenumber long enough to
 * hold up main (which runs the phone) on each incoming call. The ticket desk
 * builds a new one only when a ticket was written (LocalTicketStore.revision).
 */
export class LocalCallerIndex {
  private readonly index = new NumberIndex<LocalTicket>();
  private readonly order: Map<LocalTicket, number>;

  /** `tickets` newest first (the store's order). */
  constructor(
    private readonly tickets: readonly LocalTicket[],
    private readonly region: string,
  ) {
    for (const ticket of tickets) {
      if (ticket.contactName.trim() === '' && ticket.company.trim() === '') continue;
      for (const text of ticket.contactNumbers) {
        const parsed = parsePhoneText(text, region);
        if (parsed.kind === 'number') this.index.addNumber(parsed, ticket);
      }
    }
    this.order = new Map(tickets.map((t, i) => [t, i]));
  }

  find(callerNumberText: string): LocalCaller | null {
    const caller = identityOfNumberText(callerNumberText, this.region);
    if (caller === null || caller.anonymous) return null;
    let best: { ticket: LocalTicket; via: MatchStrength } | undefined;
    const matching = new Set<LocalTicket>();
    for (const hit of this.index.hits(caller)) {
      matching.add(hit.value);
      if (best === undefined || beats(hit.value, hit.via, best, this.order)) best = { ticket: hit.value, via: hit.via };
    }
    if (best === undefined) return null;
    const { ticket } = best;
    const name = ticket.contactName.trim();
    const company = ticket.company.trim();
    const sameCompany = (t: LocalTicket) => company !== '' && t.company.trim().toLowerCase() === company.toLowerCase();
    return {
      person: name === '' ? null : { id: `local:${ticket.id}`, kind: 'contact', name, company, numbers: [...ticket.contactNumbers] },
      company: company === '' ? null : { name: company },
      openTickets: this.tickets.filter((t) => t.status !== 'closed' && (matching.has(t) || sameCompany(t))).slice(0, MAX_TICKETS),
      via: best.via,
    };
  }
}

/** One lookup over `tickets` (newest first); the desk keeps a LocalCallerIndex instead. */
export function findLocalCaller(tickets: readonly LocalTicket[], callerNumberText: string, region: string): LocalCaller | null {
  return new LocalCallerIndex(tickets, region).find(callerNumberText);
}

function beats(ticket: LocalTicket, via: MatchStrength, best: { ticket: LocalTicket; via: MatchStrength }, order: Map<LocalTicket, number>): boolean {
  const byStrength = strengthRank[via] - strengthRank[best.via];
  if (byStrength !== 0) return byStrength > 0;
  return (order.get(ticket) ?? 0) < (order.get(best.ticket) ?? 0);
}
