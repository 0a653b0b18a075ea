import { memo, useState } from 'react';
import type { AttemptView, CallerMatchView, FocuslineApi } from '../../src-main/ipc/contract.js';
import type { Phone } from '../actions/phone.js';
import { reportError, useAppStore } from '../state/app-store.js';
import { useNow } from './use-now.js';
import { CallerCard, useCallerPop } from './CallerCard.js';
import { formatTime } from './format.js';

const OUTCOME: Record<AttemptView['action'], (a: AttemptView) => string> = {
  redirect: () => 'sent to the service manager',
  voicemail: () => 'sent to voicemail',
  reject: () => 'given a busy signal',
  silent: () => 'shown without ringing',
  ring: (a) => (a.missed ? 'missed' : 'rang'),
};

/** "Suppressed 10:42: +1 555 0101 (Acme Corp: Jane Doe), sent to the service manager" */
export function describeAttempt(a: AttemptView): string {
  const who = a.callerName ? `${a.callerNumber} (${a.callerName})` : a.callerNumber;
  const verb = a.action === 'ring' ? 'Missed' : 'Suppressed';
  return `${verb} ${formatTime(a.at)}: ${who}, ${OUTCOME[a.action](a)}`;
}

/** Calls that didn't reach the tech and still need something done: each one click from a ticket or a callback. */
/** A screenful is enough to act on; rendering hundreds after a call storm would stall the phone that shares this thread. */
const SHOWN = 50;

export function QuietCalls({ api, phone }: { api: FocuslineApi; phone: Phone }) {
  const unhandled = useAppStore((s) => s.unhandled);
  if (unhandled.length === 0) return null;
  const shown = unhandled.slice(0, SHOWN);
  return (
    <section className="quiet" aria-label="Calls to follow up">
      <h2>To follow up ({unhandled.length})</h2>
      <ul>
        {shown.map((a) => (
          <QuietCall key={a.id} attempt={a} api={api} phone={phone} />
        ))}
      </ul>
      {unhandled.length > SHOWN && <p className="hint">…and {unhandled.length - SHOWN} older ones.</p>}
    </section>
  );
}

type Panel = 'none' | 'ticket' | 'note';

type QuietCallProps = { attempt: AttemptView; api: FocuslineApi; phone: Phone };

/**
 * Every push of the call log brings new attempt objects; a row whose attempt
 * is unchanged must not re-render, or a call storm spends the phone's thread
 * redrawing fifty rows every quarter second.
 */
const QuietCall = memo(QuietCallRow, (before, after) => before.api === after.api && before.phone === after.phone && sameAttempt(before.attempt, after.attempt));

function sameAttempt(a: AttemptView, b: AttemptView): boolean {
  return (
    a.id === b.id &&
    a.handled === b.handled &&
    a.missed === b.missed &&
    a.callerName === b.callerName &&
    a.repeatCaller === b.repeatCaller &&
    a.reason === b.reason &&
    a.action === b.action
  );
}

function QuietCallRow({ attempt: a, api, phone }: QuietCallProps) {
  const pop = useCallerPop(api, a.id, a.callerNumber, a.id);
  const [panel, setPanel] = useState<Panel>('none');
  const createTicket = (edit: { summary?: string; description?: string } = {}) =>
    api
      .invoke('callLog.createTicket', { attemptId: a.id, ...edit })
      .then((r) => {
        if (r.ticket) useAppStore.getState().setNotice(`Ticket #${r.ticket.id} created: ${r.ticket.summary}`);
      })
      .catch(reportError);
  return (
    <li data-testid="quiet-call" data-attempt-id={a.id} data-action={a.action} data-repeat={a.repeatCaller}>
      <span className="what" data-testid="quiet-text">
        {describeAttempt(a)}
        {a.repeatCaller && (
          <span className="badge" title="Called several times in a short time">
            repeat caller
          </span>
        )}
      </span>
      <span className="why">{a.reason}</span>
      {a.callbackDueAt && <CallbackDue dueAt={a.callbackDueAt} />}
      <CallerCard pop={pop} />
      <span className="buttons">
        <button className="primary" onClick={() => void createTicket()} data-testid="quiet-create-ticket">
          Create ticket instead
        </button>
        <button
          className="secondary"
          onClick={() => setPanel(panel === 'ticket' ? 'none' : 'ticket')}
          aria-expanded={panel === 'ticket'}
          data-testid="quiet-edit-ticket"
        >
          Edit ticket…
        </button>
        <button
          className="secondary"
          onClick={() => setPanel(panel === 'note' ? 'none' : 'note')}
          aria-expanded={panel === 'note'}
          data-testid="quiet-add-note"
        >
          Add note…
        </button>
        <button
          onClick={() => {
            // Settled as called back once the call connects (main does it), not when it is dialled.
            phone.call(a.callerUri, { attemptId: a.id }).catch(reportError);
          }}
          data-testid="quiet-call-back"
        >
          Call back
        </button>
        <button
          className="link"
          onClick={() => api.invoke('callLog.handle', { attemptId: a.id, how: 'dismissed' }).catch(reportError)}
          data-testid="quiet-dismiss"
        >
          Dismiss
        </button>
      </span>
      {panel === 'ticket' && (
        <TicketForm attempt={a} pop={pop} onSend={(edit) => void createTicket(edit).then(() => setPanel('none'))} onCancel={() => setPanel('none')} />
      )}
      {panel === 'note' && <NoteForm attempt={a} pop={pop} api={api} onDone={() => setPanel('none')} />}
    </li>
  );
}

/** The expanded "create ticket": the tech edits the summary and description before it goes. */
function TicketForm(props: {
  attempt: AttemptView;
  pop: CallerMatchView | undefined;
  onSend: (edit: { summary: string; description: string }) => void;
  onCancel: () => void;
}) {
  const a = props.attempt;
  const who = props.pop?.person?.name ?? (a.callerName || a.callerNumber);
  const [summary, setSummary] = useState(`Call from ${who} at ${formatTime(a.at)}`);
  const [description, setDescription] = useState(
    `Call from ${who} (${a.callerNumber}) at ${new Date(a.at).toLocaleString()}.\nWhat Focusline did: ${a.reason}\n\nNotes:\n`,
  );
  return (
    <div className="card" aria-label="New ticket from this call">
      {props.pop?.company && (
        <p className="hint">
          For {props.pop.company.name}
          {props.pop.person ? `, contact ${props.pop.person.name}` : ''}.
        </p>
      )}
      <label>
        Summary
        <input value={summary} maxLength={200} onChange={(e) => setSummary(e.target.value)} data-testid="quiet-ticket-summary" />
      </label>
      <label>
        Description
        <textarea rows={6} value={description} onChange={(e) => setDescription(e.target.value)} data-testid="quiet-ticket-description" />
      </label>
      <div className="row">
        <button className="primary" disabled={!summary.trim()} onClick={() => props.onSend({ summary, description })} data-testid="quiet-ticket-send">
          Create ticket
        </button>
        <button className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** "Add note to ticket": the active ticket, or one of the caller's open tickets. */
function NoteForm({ attempt: a, pop, api, onDone }: { attempt: AttemptView; pop: CallerMatchView | undefined; api: FocuslineApi; onDone: () => void }) {
  const focus = useAppStore((s) => s.focus);
  const choices = [
    ...(focus.ticket ? [{ id: focus.ticket.id, label: `#${focus.ticket.id} ${focus.ticket.summary} (working on it)` }] : []),
    ...(pop?.openTickets ?? []).filter((t) => t.id !== focus.ticket?.id).map((t) => ({ id: t.id, label: `#${t.id} ${t.summary}` })),
  ];
  const [ticketId, setTicketId] = useState(choices[0]?.id ?? '');
  const [text, setText] = useState('');
  const send = () => api.invoke('tickets.addNote', { ticketId: ticketId.trim(), text, attemptId: a.id }).then(onDone).catch(reportError);
  return (
    <div className="card" aria-label="Add a note to a ticket">
      <label>
        Ticket (the one you work on, one of the caller's, or any number)
        <input
          list={`note-tickets-${a.id}`}
          value={ticketId}
          placeholder="Ticket number"
          onChange={(e) => setTicketId(e.target.value)}
          data-testid="quiet-note-ticket"
        />
        <datalist id={`note-tickets-${a.id}`}>
          {choices.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </datalist>
        {choices.length > 0 && (
          <span className="chips">
            {choices.map((c) => (
              <button
                type="button"
                key={c.id}
                className={c.id === ticketId ? 'chip selected' : 'chip'}
                onClick={() => setTicketId(c.id)}
                data-testid="quiet-note-choice"
                data-ticket-id={c.id}
              >
                {c.label}
              </button>
            ))}
          </span>
        )}
      </label>
      <label>
        Note
        <textarea rows={4} value={text} onChange={(e) => setText(e.target.value)} data-testid="quiet-note-text" />
      </label>
      <div className="row">
        <button className="primary" disabled={!ticketId.trim() || !text.trim()} onClick={() => void send()} data-testid="quiet-note-send">
          Add note
        </button>
        <button className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** "Return calls same day": when this callback is due, and plainly overdue once it has passed. */
export function CallbackDue({ dueAt }: { dueAt: string }) {
  const now = useNow(true, 60_000);
  const overdue = now > Date.parse(dueAt);
  return (
    <span className={overdue ? 'due overdue' : 'due'} data-testid="callback-due" data-overdue={overdue}>
      {overdue ? `Overdue: call back was due ${formatTime(dueAt)}` : `Call back by ${formatTime(dueAt)}`}
    </span>
  );
}
