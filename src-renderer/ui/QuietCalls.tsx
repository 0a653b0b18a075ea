import { Ellipsis, PhoneOutgoing, Repeat, TicketPlus } from 'lucide-react';
import { memo, useMemo, useState } from 'react';
import type { AttemptView, CallerMatchView, FocuslineApi } from '../../src-main/ipc/contract.js';
import { callBack, createTicketFor, dismissFollowUp } from '../actions/follow-ups.js';
import type { Phone } from '../actions/phone.js';
import { reportError, useAppStore } from '../state/app-store.js';
import { groupFollowUps, type FollowUp } from '../state/follow-ups.js';
import { usePhoneStore } from '../state/phone-store.js';
import { useNow } from './use-now.js';
import { CallerCard, useCallerPop } from './CallerCard.js';
import { callsCount, whatHappened, type NameOf } from './call-words.js';
import { useNameOf } from './use-name-of.js';
import { formatTime } from './format.js';

/** "+1 555 0101 (Jane Doe)" */
function callerOf(a: AttemptView): string {
  return a.callerName ? `${a.callerNumber} (${a.callerName})` : a.callerNumber;
}

/** The newest reasons of a caller's calls; after a storm from one number the rest say the same. */
const WHY_SHOWN = 10;

/** A screenful is enough to act on; rendering hundreds after a call storm would stall the phone that shares this thread. */
const SHOWN = 50;

/** Callers who didn't reach the tech and still need something done: one row each, one click from a ticket or a callback. */
export function QuietCalls({ api, phone }: { api: FocuslineApi; phone: Phone }) {
  const unhandled = useAppStore((s) => s.unhandled);
  const calls = usePhoneStore((s) => s.calls);
  const nameOf = useNameOf();
  const groups = useMemo(() => groupFollowUps(unhandled, new Set(calls.map((c) => c.id))), [unhandled, calls]);
  if (groups.length === 0) return null;
  const shown = groups.slice(0, SHOWN);
  return (
    <section className="quiet" aria-labelledby="quiet-heading">
      <h2 id="quiet-heading">
        To follow up <span className="count">({groups.length})</span>
      </h2>
      <ul>
        {shown.map((g) => (
          <QuietCall key={g.key} group={g} api={api} phone={phone} nameOf={nameOf} />
        ))}
      </ul>
      {groups.length > SHOWN && <p className="hint">…and {groups.length - SHOWN} more callers.</p>}
    </section>
  );
}

type Panel = 'none' | 'ticket' | 'note';

type QuietCallProps = { group: FollowUp; api: FocuslineApi; phone: Phone; nameOf: NameOf };

/**
 * Every push of the call log brings new attempt objects; a row whose calls
 * are unchanged must not re-render, or a call storm spends the phone's thread
 * redrawing fifty rows every quarter second.
 */
const QuietCall = memo(
  QuietCallRow,
  (before, after) =>
    before.api === after.api &&
    before.phone === after.phone &&
    before.nameOf === after.nameOf &&
    before.group.attempts.length === after.group.attempts.length &&
    before.group.attempts.every((a, i) => sameAttempt(a, after.group.attempts[i])),
);

function sameAttempt(a: AttemptView, b: AttemptView | undefined): boolean {
  return (
    b !== undefined &&
    a.id === b.id &&
    a.handled === b.handled &&
    a.missed === b.missed &&
    a.callerName === b.callerName &&
    a.repeatCaller === b.repeatCaller &&
    a.reason === b.reason &&
    a.action === b.action &&
    a.callbackDueAt === b.callbackDueAt
  );
}

function QuietCallRow({ group, api, phone, nameOf }: QuietCallProps) {
  const a = group.newest;
  const pop = useCallerPop(api, a.id, a.callerNumber, a.id);
  const [panel, setPanel] = useState<Panel>('none');
  const [menu, setMenu] = useState(false);
  const createTicket = (edit: { summary?: string; description?: string } = {}) =>
    createTicketFor(api, group, edit)
      .then((text) => useAppStore.getState().setNotice(text, 'ok'))
      .catch(reportError);
  const callBackNow = () => {
    setMenu(false);
    callBack(api, phone, group).catch(reportError);
  };
  // With a ticket already open for this caller, calling back is what's left to do; otherwise the ticket comes first.
  const hasTicket = (pop?.openTickets.length ?? 0) > 0;
  const count = group.attempts.length;
  const menuId = `quiet-menu-${a.id}`;
  return (
    <li data-testid="quiet-call" data-attempt-id={a.id} data-action={a.action} data-repeat={group.repeat} data-count={count}>
      <div className="quiet-head">
        <strong className="who" data-testid="quiet-caller">
          {callerOf(a)}
        </strong>
        {count > 1 && (
          <span className="pill" data-testid="quiet-count">
            {callsCount(count)}
          </span>
        )}
        {group.repeat && (
          <span className="pill pill-warn" title="Called several times in a short time">
            <Repeat size={14} aria-hidden="true" />
            repeat caller
          </span>
        )}
        <time className="when" dateTime={a.at}>
          {formatTime(a.at)}
        </time>
      </div>
      <span className="what" data-testid="quiet-text">
        {whatHappened(a, nameOf)}
      </span>
      <details className="why">
        <summary>Why</summary>
        {group.attempts.slice(0, WHY_SHOWN).map((x) => (
          <p key={x.id}>
            {formatTime(x.at)}: {x.reason}
          </p>
        ))}
      </details>
      {group.dueAt && <CallbackDue dueAt={group.dueAt} />}
      <CallerCard pop={pop} />
      <span className="buttons">
        {hasTicket ? (
          <button className="primary" onClick={callBackNow} data-testid="quiet-call-back">
            <PhoneOutgoing size={16} aria-hidden="true" />
            Call back
          </button>
        ) : (
          <button className="primary" onClick={() => void createTicket()} data-testid="quiet-create-ticket">
            <TicketPlus size={16} aria-hidden="true" />
            Create ticket instead
          </button>
        )}
        <span className="menu-anchor">
          <button
            className="icon-button"
            onClick={() => setMenu((m) => !m)}
            aria-expanded={menu}
            aria-controls={menuId}
            aria-label={`More for ${callerOf(a)}`}
            data-testid="quiet-more"
          >
            <Ellipsis size={18} aria-hidden="true" />
          </button>
          {menu && (
            <span className="menu" role="menu" id={menuId}>
              {hasTicket ? (
                <button
                  role="menuitem"
                  onClick={() => {
                    setMenu(false);
                    void createTicket();
                  }}
                  data-testid="quiet-create-ticket"
                >
                  Create ticket instead
                </button>
              ) : (
                <button role="menuitem" onClick={callBackNow} data-testid="quiet-call-back">
                  Call back
                </button>
              )}
              <button
                role="menuitem"
                onClick={() => {
                  setMenu(false);
                  setPanel('ticket');
                }}
                data-testid="quiet-edit-ticket"
              >
                Edit ticket first…
              </button>
              <button
                role="menuitem"
                onClick={() => {
                  setMenu(false);
                  setPanel('note');
                }}
                data-testid="quiet-add-note"
              >
                Add note to a ticket…
              </button>
              <button
                role="menuitem"
                onClick={() => {
                  setMenu(false);
                  void dismissFollowUp(api, group).catch(reportError);
                }}
                data-testid="quiet-dismiss"
              >
                Dismiss
              </button>
            </span>
          )}
        </span>
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
