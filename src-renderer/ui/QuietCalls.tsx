import type { AttemptView, FocuslineApi } from '../../src-main/ipc/contract.js';
import type { Phone } from '../phone/phone.js';
import { reportError, useAppStore } from '../state/app-store.js';
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
          <li key={a.id} data-testid="quiet-call" data-attempt-id={a.id} data-action={a.action} data-repeat={a.repeatCaller}>
            <span className="what" data-testid="quiet-text">
              {describeAttempt(a)}
              {a.repeatCaller && <span className="badge" title="Called several times in a short time">repeat caller</span>}
            </span>
            <span className="why">{a.reason}</span>
            <span className="buttons">
              <button className="primary" onClick={() => api.invoke('callLog.createTicket', { attemptId: a.id }).catch(reportError)} data-testid="quiet-create-ticket">
                Create ticket instead
              </button>
              <button
                onClick={() => {
                  phone
                    .call(a.callerUri)
                    .then(() => api.invoke('callLog.handle', { attemptId: a.id, how: 'called-back' }))
                    .catch(reportError);
                }}
                data-testid="quiet-call-back"
              >
                Call back
              </button>
              <button className="link" onClick={() => api.invoke('callLog.handle', { attemptId: a.id, how: 'dismissed' }).catch(reportError)} data-testid="quiet-dismiss">
                Dismiss
              </button>
            </span>
          </li>
        ))}
      </ul>
      {unhandled.length > SHOWN && <p className="hint">…and {unhandled.length - SHOWN} older ones.</p>}
    </section>
  );
}
