import { useState, type FormEvent } from 'react';
import type { FocuslineApi, TicketView } from '../../src-main/ipc/contract.js';
import { reportError, useAppStore } from '../state/app-store.js';
import { ExternalLink } from './ExternalLink.js';

/** The tech's open tickets: start work (Focus engages) or stop, and a quick new ticket. */
export function TicketsView({ api }: { api: FocuslineApi }) {
  const tickets = useAppStore((s) => s.tickets);
  const focus = useAppStore((s) => s.focus);
  const activeId = focus.mode === 'ticket' ? focus.ticket?.id : undefined;
  const psa = useAppStore((s) => s.psa);
  const fromPsa = psa?.state === 'connected';
  return (
    <section className="tickets">
      {fromPsa ? (
        <>
          <div className="row">
            <span className="hint">Your open tickets in {psa.label}.</span>
            <button className="secondary" onClick={() => api.invoke('psa.refresh', {}).catch(reportError)} data-testid="tickets-refresh">
              Refresh
            </button>
          </div>
          <StartByNumber api={api} />
        </>
      ) : (
        <NewTicketForm api={api} />
      )}
      {tickets.length === 0 ? (
        <p className="empty">No open tickets.</p>
      ) : (
        <ul>
          {tickets.map((t) => (
            <TicketRow key={t.id} ticket={t} active={t.id === activeId} api={api} />
          ))}
        </ul>
      )}
    </section>
  );
}

function TicketRow({ ticket, active, api }: { ticket: TicketView; active: boolean; api: FocuslineApi }) {
  return (
    <li className={active ? 'ticket active' : 'ticket'} data-testid="ticket" data-ticket-id={ticket.id}>
      <div>
        <strong>
          {ticket.url ? (
            <ExternalLink href={ticket.url} testId="ticket-link">
              #{ticket.id}
            </ExternalLink>
          ) : (
            `#${ticket.id}`
          )}{' '}
          {ticket.summary}
        </strong>
        <small>{[ticket.company, ticket.contactName, ticket.contactNumbers.join(', ')].filter(Boolean).join(' · ')}</small>
      </div>
      {active ? (
        <button onClick={() => api.invoke('focus.stop', {}).catch(reportError)} data-testid="ticket-stop">
          Stop work
        </button>
      ) : (
        <button className="primary" onClick={() => api.invoke('focus.startTicket', { ticketId: ticket.id }).catch(reportError)} data-testid="ticket-start">
          Start work
        </button>
      )}
    </li>
  );
}

function NewTicketForm({ api }: { api: FocuslineApi }) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState({ summary: '', company: '', contactName: '', numbers: '' });
  if (!open)
    return (
      <button className="secondary" onClick={() => setOpen(true)} data-testid="ticket-new">
        New ticket
      </button>
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const contactNumbers = draft.numbers
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    api
      .invoke('tickets.create', { summary: draft.summary, company: draft.company, contactName: draft.contactName, contactNumbers })
      .then(() => {
        setOpen(false);
        setDraft({ summary: '', company: '', contactName: '', numbers: '' });
      })
      .catch(reportError);
  };
  const field = (key: keyof typeof draft, label: string) => (
    <label>
      {label}
      <input value={draft[key]} onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.value }))} data-testid={`ticket-${key}`} />
    </label>
  );
  return (
    <form className="card" onSubmit={submit} aria-label="New ticket">
      {field('summary', 'Summary')}
      {field('company', 'Company')}
      {field('contactName', 'Contact')}
      {field('numbers', 'Contact phone numbers (comma-separated)')}
      <div className="row">
        <button type="submit" disabled={!draft.summary.trim()} data-testid="ticket-create">
          Create ticket
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The PSA lags: the tech can start work on any ticket number at once, before the PSA says so. */
function StartByNumber({ api }: { api: FocuslineApi }) {
  const [id, setId] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    api
      .invoke('focus.startTicket', { ticketId: id.trim() })
      .then(() => setId(''))
      .catch(reportError);
  };
  return (
    <form className="row" onSubmit={submit} aria-label="Start work on a ticket by number">
      <label>
        Start work on #
        <input value={id} inputMode="numeric" onChange={(e) => setId(e.target.value)} placeholder="ticket number" data-testid="ticket-start-number" />
      </label>
      <button type="submit" disabled={!id.trim()} data-testid="ticket-start-number-go">
        Start work
      </button>
    </form>
  );
}
