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

export function findLocalCaller(tickets: readonly LocalTicket[], callerNumberText: string, region: string): LocalCaller | null {
  const caller = identityOfNumberText(callerNumberText, region);
  if (caller === null || caller.anonymous) return null;
  const index = new NumberIndex<LocalTicket>();
  for (const ticket of tickets) {
    if (ticket.contactName.trim() === '' && ticket.company.trim() === '') continue;
    for (const text of ticket.contactNumbers) {
      const parsed = parsePhoneText(text, region);
      if (parsed.kind === 'number') index.addNumber(parsed, ticket);
    }
  }
  const order = new Map(tickets.map((t, i) => [t, i]));
  let best: { ticket: LocalTicket; via: MatchStrength } | undefined;
  const matching = new Set<LocalTicket>();
  for (const hit of index.hits(caller)) {
    matching.add(hit.value);
    if (best === undefined || beats(hit.value, hit.via, best, order)) best = { ticket: hit.value, via: hit.via };
  }
  if (best === undefined) return null;
  const { ticket } = best;
  const name = ticket.contactName.trim();
  const company = ticket.company.trim();
  const sameCompany = (t: LocalTicket) => company !== '' && t.company.trim().toLowerCase() === company.toLowerCase();
  return {
    person: name === '' ? null : { id: `local:${ticket.id}`, kind: 'contact', name, company, numbers: [...ticket.contactNumbers] },
    company: company === '' ? null : { name: company },
    openTickets: tickets.filter((t) => t.status !== 'closed' && (matching.has(t) || sameCompany(t))).slice(0, MAX_TICKETS),
    via: best.via,
  };
}

function beats(ticket: LocalTicket, via: MatchStrength, best: { ticket: LocalTicket; via: MatchStrength }, order: Map<LocalTicket, number>): boolean {
  const byStrength = strengthRank[via] - strengthRank[best.via];
  if (byStrength !== 0) return byStrength > 0;
  return (order.get(ticket) ?? 0) < (order.get(best.ticket) ?? 0);
}
