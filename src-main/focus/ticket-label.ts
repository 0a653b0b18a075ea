import type { ActiveTicket } from './types.js';

/** How a ticket is named to the tech everywhere: "#1042 Acme: printer down". */
export function ticketLabel(ticket: Pick<ActiveTicket, 'id' | 'company' | 'summary'>): string {
  const company = ticket.company.trim();
  const summary = ticket.summary.trim();
  const head = company === '' ? `#${ticket.id}` : `#${ticket.id} ${company}`;
  return summary === '' ? head : `${head}: ${summary}`;
}
