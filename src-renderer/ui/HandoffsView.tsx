import { useState } from 'react';
import type { FocuslineApi, HandoffView } from '../../src-main/ipc/contract.js';
import { reportError, useAppStore } from '../state/app-store.js';
import { ExternalLink } from './ExternalLink.js';
import { formatTime } from './format.js';

const STATE_LABEL: Record<HandoffView['state'], string> = { queued: 'Queued', sending: 'Sending…', sent: 'Sent', failed: 'Needs you' };

/** What went to the PSA: each ticket, note and call log, queued, sent (with its link) or failed and why. */
export function HandoffsView({ api, limit = 10 }: { api: FocuslineApi; limit?: number }) {
  const handoffs = useAppStore((s) => s.handoffs);
  const psa = useAppStore((s) => s.psa);
  if (handoffs.length === 0) return null;
  const pending = handoffs.filter((h) => h.state !== 'sent').length;
  return (
    <section className="handoffs" aria-label="Sent to the PSA">
      <h2>
        Sent to {psa?.label ?? 'the PSA'}
        {pending > 0 && <span className="badge"> {pending} waiting</span>}
      </h2>
      <ul>
        {handoffs.slice(0, limit).map((h) => (
          <HandoffRow key={h.id} handoff={h} api={api} />
        ))}
      </ul>
    </section>
  );
}

function HandoffRow({ handoff: h, api }: { handoff: HandoffView; api: FocuslineApi }) {
  const [fixing, setFixing] = useState(false);
  return (
    <li
      className={`handoff handoff-${h.state}`}
      data-testid="handoff"
      data-handoff-id={h.id}
      data-state={h.state}
      data-kind={h.kind}
      data-attempt-id={h.attemptId ?? ''}
    >
      <div>
        <span className="state" data-testid="handoff-state">
          {STATE_LABEL[h.state]}
        </span>{' '}
        {h.title} <small>{formatTime(h.createdAt)}</small>
        {h.state === 'sent' && h.ticketId && (
          <>
            {' '}
            {h.url ? (
              <ExternalLink href={h.url} testId="handoff-link">
                Open #{h.ticketId}
              </ExternalLink>
            ) : (
              <span data-testid="handoff-ticket">#{h.ticketId}</span>
            )}
          </>
        )}
      </div>
      {h.lastError && h.state !== 'sent' && (
        <div className={h.state === 'failed' ? 'error' : 'hint'} data-testid="handoff-error">
          {h.lastError}
          {h.state === 'queued' && h.nextAttemptAt && ` Next try at ${formatTime(h.nextAttemptAt)}.`}
        </div>
      )}
      {h.state === 'queued' && h.attempts > 0 && (
        <button className="link" onClick={() => api.invoke('handoffs.resend', { id: h.id }).catch(reportError)} data-testid="handoff-retry">
          Try now
        </button>
      )}
      {h.state === 'failed' && !fixing && (
        <button onClick={() => setFixing(true)} data-testid="handoff-fix">
          Fix and resend
        </button>
      )}
      {fixing && <FixForm handoff={h} api={api} onDone={() => setFixing(false)} />}
    </li>
  );
}

function FixForm({ handoff: h, api, onDone }: { handoff: HandoffView; api: FocuslineApi; onDone: () => void }) {
  const [summary, setSummary] = useState(h.summary);
  const [text, setText] = useState(h.text);
  const [ticketId, setTicketId] = useState(h.noteTicketId ?? '');
  const send = () =>
    api
      .invoke('handoffs.resend', {
        id: h.id,
        ...(h.kind === 'create-ticket' ? { summary } : {}),
        ...(h.kind === 'add-note' && ticketId.trim() ? { ticketId } : {}),
        text,
      })
      .then(onDone)
      .catch(reportError);
  return (
    <div className="card fix">
      {h.kind === 'create-ticket' && (
        <label>
          Summary
          <input value={summary} onChange={(e) => setSummary(e.target.value)} data-testid="handoff-fix-summary" />
        </label>
      )}
      {h.kind === 'add-note' && (
        <label>
          Ticket
          <input value={ticketId} onChange={(e) => setTicketId(e.target.value)} data-testid="handoff-fix-ticket" />
        </label>
      )}
      <label>
        {h.kind === 'create-ticket' ? 'Description' : 'Text'}
        <textarea value={text} rows={5} onChange={(e) => setText(e.target.value)} data-testid="handoff-fix-text" />
      </label>
      <div className="row">
        <button className="primary" onClick={send} data-testid="handoff-resend">
          Resend
        </button>
        <button className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </div>
  );
}
