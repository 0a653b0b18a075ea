import { useState } from 'react';
import type { FocuslineApi, HistoryEntry } from '../../src-main/ipc/contract.js';
import { messageOf } from '../../src-shared/errors.js';
import { useAppStore } from '../state/app-store.js';
import { usePhoneStore } from '../state/phone-store.js';
import { formatDuration } from './format.js';
import { useNow } from './use-now.js';

/** How long after hang-up the wrap-up card offers to log the call. */
const WRAP_UP_MS = 15 * 60_000;

function report(err: unknown) {
  useAppStore.getState().setNotice(messageOf(err));
}

/** The ticket a note goes to by default: the one being worked on, if any. */
function useActiveTicketId(): string {
  return useAppStore((s) => s.focus.ticket?.id ?? '');
}

/**
 * "Add note" during a live call: the ticket being worked on (or any other
 * by its number) gets a note now, while the caller is still on the line.
 */
export function LiveNote({ api, onDone }: { api: FocuslineApi; onDone: () => void }) {
  const active = useActiveTicketId();
  const [ticketId, setTicketId] = useState(active);
  const [text, setText] = useState('');
  const send = () =>
    api
      .invoke('tickets.addNote', { ticketId: ticketId.trim(), text })
      .then((r) => {
        useAppStore
          .getState()
          .setNotice(r.handoff && r.handoff.state !== 'sent' ? `Note on its way to #${ticketId.trim()}.` : `Note added to #${ticketId.trim()}.`, 'ok');
        onDone();
      })
      .catch(report);
  return (
    <div className="live-note" role="group" aria-label="Add note" data-testid="live-note">
      <label>
        Ticket
        <input value={ticketId} onChange={(e) => setTicketId(e.target.value)} placeholder="#" maxLength={100} data-testid="live-note-ticket" />
      </label>
      <textarea
        value={text}
        onChange={(e) => setText(e.target.value)}
        rows={2}
        maxLength={20_000}
        placeholder="What was said, what you found"
        data-testid="live-note-text"
      />
      <button className="primary" onClick={() => void send()} disabled={!ticketId.trim() || !text.trim()} data-testid="live-note-send">
        Add note
      </button>
    </div>
  );
}

/**
 * At hang-up: one click logs the call on the ticket (who, when, how long,
 * and the tech's summary). Shown for the last answered call, once, until
 * it is logged or waved away.
 */
export function WrapUp({ api }: { api: FocuslineApi }) {
  const history = useAppStore((s) => s.history);
  const last = history.find((e) => e.answeredAt !== null) ?? null;
  const wrapped = usePhoneStore((s) => s.wrappedUp);
  const live = usePhoneStore((s) => s.calls.length > 0);
  // The call that just ended reaches the history a moment after it leaves the phone: until then the card
  // would offer the call before it, and a summary typed for this call would land on that one.
  const newestEnded = usePhoneStore((s) => s.ended[0]);
  const historyBehind = newestEnded !== undefined && !history.some((e) => e.id === newestEnded);
  const now = useNow(true, 30_000);
  if (!last || live || historyBehind || wrapped.includes(last.id) || now - Date.parse(last.endedAt) > WRAP_UP_MS) return null;
  return <WrapUpCard key={last.id} entry={last} api={api} />;
}

function WrapUpCard({ entry, api }: { entry: HistoryEntry; api: FocuslineApi }) {
  const active = useActiveTicketId();
  const [ticketId, setTicketId] = useState(active);
  const [summary, setSummary] = useState('');
  const done = () => usePhoneStore.getState().wrapUp(entry.id);
  const log = () =>
    api
      .invoke('tickets.logCall', { callId: entry.id, ticketId: ticketId.trim(), summary })
      .then((r) => {
        useAppStore
          .getState()
          .setNotice(r.handoff && r.handoff.state !== 'sent' ? `Call on its way to #${ticketId.trim()}.` : `Call logged on #${ticketId.trim()}.`, 'ok');
        done();
      })
      .catch(report);
  const talked = entry.answeredAt === null ? 0 : Date.parse(entry.endedAt) - Date.parse(entry.answeredAt);
  return (
    <section className="wrap-up" aria-label="Log the call" data-testid="wrap-up" data-call-id={entry.id}>
      <p>
        Call {entry.direction === 'incoming' ? 'from' : 'with'} <strong>{entry.remoteName || entry.remoteUri}</strong> ended ({formatDuration(talked)}). Log it
        on the ticket?
      </p>
      <div className="wrap-up-fields">
        <input value={ticketId} onChange={(e) => setTicketId(e.target.value)} placeholder="Ticket #" maxLength={100} data-testid="wrap-up-ticket" />
        <input
          value={summary}
          onChange={(e) => setSummary(e.target.value)}
          placeholder="Summary: what was asked, what was done"
          maxLength={20_000}
          data-testid="wrap-up-summary"
        />
        <button className="primary" onClick={() => void log()} disabled={!ticketId.trim()} data-testid="wrap-up-log">
          {ticketId.trim() ? `Log call on #${ticketId.trim()}` : 'Log call'}
        </button>
        <button className="secondary" onClick={done} data-testid="wrap-up-dismiss">
          Not this one
        </button>
      </div>
    </section>
  );
}
