import type { Clock } from '../focus/clock.js';
import type { TicketSource } from '../focus/focus-controller.js';
import type { AttemptView, TicketView } from '../ipc/contract.js';
import type { Db } from '../storage/database.js';
import { LocalTicketStore, type LocalTicket, type NewLocalTicket } from './local/local-ticket-store.js';

/**
 * The tickets Focusline works with. Today that is the embedded local store;
 * the PSA issue puts its adapters behind the same calls, so focus and the UI
 * never learn which one is in use.
 */
export function createTicketDesk(db: Db, clock: Clock) {
  const store = new LocalTicketStore(db);
  const now = () => clock.now().getTime();
  const source: TicketSource = {
    get: (id) => {
      const t = store.get(id);
      return t ? toTicketView(t) : undefined;
    },
    markWorking: (id, working) => {
      const t = store.get(id);
      if (t && t.status !== 'closed') store.setStatus(id, working ? 'in-progress' : 'new', now());
    },
  };
  return {
    source,
    listOpen: (): TicketView[] => store.listOpen().map(toTicketView),
    create: (input: NewLocalTicket): TicketView => toTicketView(store.create(input, now())),
    /** "Create ticket instead": the call's details become the ticket, so nothing the caller said is lost. */
    createFromCall: (attempt: AttemptView, extra: { summary?: string | undefined; notes: string }): TicketView =>
      toTicketView(store.create(ticketFromCall(attempt, extra), now())),
  };
}

export type TicketDesk = ReturnType<typeof createTicketDesk>;

export function ticketFromCall(a: AttemptView, extra: { summary?: string | undefined; notes: string }): NewLocalTicket {
  const who = a.callerName ? `${a.callerName} (${a.callerNumber})` : a.callerNumber;
  const at = new Date(a.at);
  const time = at.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const details = [
    `Call from ${who} at ${time}.`,
    `Caller address: ${a.callerUri}`,
    `What Focusline did: ${a.reason}`,
    a.repeatCaller ? 'The caller had called several times in a short time.' : '',
    a.ticketId ? `The tech was working on ticket #${a.ticketId}.` : '',
    extra.notes ? `\nNotes:\n${extra.notes}` : '',
  ].filter(Boolean);
  return {
    summary: extra.summary?.trim() || `Call from ${a.callerName || a.callerNumber} at ${at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`,
    company: '',
    contactName: a.callerName,
    contactNumbers: a.callerNumber === 'Withheld number' ? [] : [a.callerNumber],
    description: details.join('\n'),
    source: 'Phone',
  };
}

function toTicketView(t: LocalTicket): TicketView {
  return { id: t.id, summary: t.summary, company: t.company, contactName: t.contactName, contactNumbers: t.contactNumbers, status: t.status, source: 'local' };
}
