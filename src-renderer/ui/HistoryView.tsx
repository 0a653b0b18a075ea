import type { FocuslineApi, HistoryEntry } from '../../src-main/ipc/contract.js';
import type { Phone } from '../actions/phone.js';
import { useAppStore } from '../state/app-store.js';
import { formatDuration, formatTime } from './format.js';
import { messageOf } from '../../src-shared/errors.js';

const OUTCOME_LABELS: Record<HistoryEntry['outcome'], string> = {
  answered: 'Answered',
  missed: 'Missed',
  declined: 'Declined',
  failed: 'Failed',
  cancelled: 'Cancelled',
  redirected: 'Redirected',
  rejected: 'Rejected',
  voicemail: 'Voicemail',
};

function duration(entry: HistoryEntry): string {
  if (!entry.answeredAt) return '';
  return formatDuration(Date.parse(entry.endedAt) - Date.parse(entry.answeredAt));
}

export function HistoryView({ phone, api, onCall }: { phone: Phone; api: FocuslineApi; onCall: () => void }) {
  const history = useAppStore((s) => s.history);
  if (history.length === 0) return <section className="history empty">No calls yet.</section>;
  const callBack = (uri: string) => {
    onCall();
    phone.call(uri).catch((err: unknown) => useAppStore.getState().setNotice(messageOf(err)));
  };
  const createTicket = (callId: string) =>
    api
      .invoke('callLog.createTicket', { callId })
      .then((r) =>
        useAppStore.getState().setNotice(r.ticket ? `Ticket #${r.ticket.id} created: ${r.ticket.summary}` : `Sending the ticket: ${r.handoff?.title ?? ''}`),
      )
      .catch((err: unknown) => useAppStore.getState().setNotice(messageOf(err)));
  return (
    <section className="history" aria-label="Call history">
      <ul>
        {history.map((e) => (
          <li key={e.id} className={`entry outcome-${e.outcome}`} data-testid="history-entry" data-outcome={e.outcome} data-direction={e.direction}>
            <span className="dir" aria-label={e.direction}>
              {e.direction === 'incoming' ? '↙' : '↗'}
            </span>
            <span className="who">
              <strong>{e.remoteName || e.remoteUri}</strong>
              <small>{e.remoteUri}</small>
            </span>
            <span className="outcome">{OUTCOME_LABELS[e.outcome]}</span>
            <time dateTime={e.startedAt}>{formatTime(e.startedAt)}</time>
            <span className="duration" data-testid="history-duration">
              {duration(e)}
            </span>
            <button className="link" onClick={() => callBack(e.remoteUri)}>
              Call back
            </button>
            {e.direction === 'incoming' && (
              <button className="link" onClick={() => void createTicket(e.id)} data-testid="history-create-ticket">
                Create ticket
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
