import { PhoneIncoming, PhoneOutgoing } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import type { AttemptView, FocuslineApi, HistoryEntry } from '../../src-main/ipc/contract.js';
import type { Phone } from '../actions/phone.js';
import { useAppStore } from '../state/app-store.js';
import { whatHappened } from './call-words.js';
import { formatDuration, formatTime } from './format.js';
import { useNameOf } from './use-name-of.js';
import { messageOf } from '../../src-shared/errors.js';

const OUTCOME_LABELS: Record<HistoryEntry['outcome'], string> = {
  answered: 'Answered',
  missed: 'Rang, not answered',
  declined: 'Declined',
  failed: 'Failed',
  cancelled: 'Cancelled',
  redirected: 'Sent on',
  rejected: 'Given a busy signal',
  voicemail: 'Sent to voicemail',
};

function duration(entry: HistoryEntry): string {
  if (!entry.answeredAt) return '';
  return formatDuration(Date.parse(entry.endedAt) - Date.parse(entry.answeredAt));
}

/** The call log's attempts by SIP call id, so a held-back call reads as the follow-up list says it ("Sent to Sam…"), not "Missed". */
function useAttemptsByCall(api: FocuslineApi, history: readonly HistoryEntry[]): ReadonlyMap<string, AttemptView> {
  const [attempts, setAttempts] = useState<ReadonlyMap<string, AttemptView>>(new Map());
  useEffect(() => {
    let live = true;
    api
      .invoke('callLog.list', { limit: 500, unhandledOnly: false })
      .then((r) => {
        if (live) setAttempts(new Map(r.attempts.map((a) => [a.callId, a])));
      })
      .catch(() => undefined); // the plain outcome still shows
    return () => {
      live = false;
    };
  }, [api, history]);
  return attempts;
}

export function HistoryView({ phone, api, onCall }: { phone: Phone; api: FocuslineApi; onCall: () => void }) {
  const history = useAppStore((s) => s.history);
  const attempts = useAttemptsByCall(api, history);
  const nameOf = useNameOf();
  // A held-back call reads as the follow-up list says it, and is not painted as a missed one.
  const outcomeOf = useMemo(
    () =>
      (e: HistoryEntry): { words: string; heldBack: boolean } => {
        const attempt = e.direction === 'incoming' ? attempts.get(e.id) : undefined;
        return attempt && attempt.action !== 'ring'
          ? { words: whatHappened(attempt, nameOf), heldBack: true }
          : { words: OUTCOME_LABELS[e.outcome], heldBack: false };
      },
    [attempts, nameOf],
  );
  if (history.length === 0) return <section className="history empty">No calls yet.</section>;
  const callBack = (uri: string) => {
    onCall();
    phone.call(uri).catch((err: unknown) => useAppStore.getState().setNotice(messageOf(err)));
  };
  const createTicket = (callId: string) =>
    api
      .invoke('callLog.createTicket', { callId })
      .then((r) =>
        useAppStore
          .getState()
          .setNotice(r.ticket ? `Ticket #${r.ticket.id} created: ${r.ticket.summary}` : `Sending the ticket: ${r.handoff?.title ?? ''}`, 'ok'),
      )
      .catch((err: unknown) => useAppStore.getState().setNotice(messageOf(err)));
  return (
    <section className="history" aria-label="Call history">
      <ul>
        {history.map((e) => (
          <li key={e.id} className={`entry outcome-${e.outcome}`} data-testid="history-entry" data-outcome={e.outcome} data-direction={e.direction}>
            <span className="dir" title={e.direction === 'incoming' ? 'Incoming' : 'Outgoing'}>
              {e.direction === 'incoming' ? <PhoneIncoming size={16} aria-label="Incoming" /> : <PhoneOutgoing size={16} aria-label="Outgoing" />}
            </span>
            <span className="who">
              <strong>{e.remoteName || e.remoteUri}</strong>
              <small>{e.remoteUri}</small>
            </span>
            <span className={outcomeOf(e).heldBack ? 'outcome held-back' : 'outcome'} data-testid="history-outcome">
              {outcomeOf(e).words}
            </span>
            <span className="meta">
              <time dateTime={e.startedAt}>{formatTime(e.startedAt)}</time>
              <span className="duration" data-testid="history-duration">
                {duration(e)}
              </span>
            </span>
            <span className="row-actions">
              <button className="link" onClick={() => callBack(e.remoteUri)}>
                Call back
              </button>
              {e.direction === 'incoming' && (
                <button className="link" onClick={() => void createTicket(e.id)} data-testid="history-create-ticket">
                  Create ticket
                </button>
              )}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
