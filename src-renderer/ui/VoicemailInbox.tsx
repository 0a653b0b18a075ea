import { useEffect, useState } from 'react';
import type { FocuslineApi, VoicemailView } from '../../src-main/ipc/contract.js';
import { fromBase64 } from '../ipc/base64.js';
import type { Phone } from '../actions/phone.js';
import { reportError, useAppStore } from '../state/app-store.js';
import { formatDuration, formatTime } from './format.js';
import { CallbackDue } from './QuietCalls.js';

/** Voicemail left with Focusline: listen, see who called, and turn each into a ticket or a callback the same day. */
export function VoicemailInbox({ api, phone, onCall }: { api: FocuslineApi; phone: Phone; onCall: () => void }) {
  const messages = useAppStore((s) => s.voicemails);
  if (messages.length === 0)
    return (
      <section className="voicemail empty" data-testid="voicemail-empty">
        No voicemail.
      </section>
    );
  const waiting = messages.filter((m) => m.handled === null).length;
  return (
    <section className="voicemail" aria-label="Voicemail">
      <h2>Voicemail{waiting > 0 ? ` (${waiting} to return today)` : ''}</h2>
      <ul>
        {messages.map((m) => (
          <VoicemailRow key={m.id} message={m} api={api} phone={phone} onCall={onCall} />
        ))}
      </ul>
    </section>
  );
}

function who(m: VoicemailView): string {
  const name = m.contactName ?? m.callerName;
  const company = m.companyName ? ` (${m.companyName})` : '';
  return name ? `${name}${company}, ${m.callerNumber || 'number withheld'}` : m.callerNumber || 'Number withheld';
}

function VoicemailRow({ message: m, api, phone, onCall }: { message: VoicemailView; api: FocuslineApi; phone: Phone; onCall: () => void }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  const listen = () =>
    api
      .invoke('voicemail.audio', { id: m.id })
      .then((audio) => setUrl(URL.createObjectURL(new Blob([fromBase64(audio.data) as BlobPart], { type: audio.mimeType }))))
      .catch(reportError);
  const handled = m.handled !== null;
  return (
    <li
      className={handled ? 'vm handled' : 'vm'}
      data-testid="voicemail"
      data-voicemail-id={m.id}
      data-state={m.state}
      data-duration-ms={m.durationMs ?? ''}
      data-handled={m.handled ?? ''}
    >
      <div>
        <strong data-testid="voicemail-who">{who(m)}</strong> <small>{formatTime(m.receivedAt)}</small>{' '}
        <span data-testid="voicemail-duration">{m.durationMs !== null ? formatDuration(m.durationMs) : 'recording…'}</span>
        {m.ticketId && <small> · while on #{m.ticketId}</small>}
        {!handled && m.callbackDueAt && (
          <small>
            {' · '}
            <CallbackDue dueAt={m.callbackDueAt} />
          </small>
        )}
      </div>
      {m.note && <div className="hint">{m.note}</div>}
      {url ? (
        <audio controls autoPlay src={url} data-testid="voicemail-player" />
      ) : (
        <button onClick={() => void listen()} disabled={m.state === 'recording' || m.state === 'empty'} data-testid="voicemail-play">
          Listen
        </button>
      )}
      {!handled && (
        <span className="buttons">
          <button
            className="primary"
            onClick={() => api.invoke('voicemail.createTicket', { id: m.id }).catch(reportError)}
            data-testid="voicemail-create-ticket"
          >
            Create ticket instead
          </button>
          <button
            onClick={() => {
              onCall();
              // Settled as called back once the call connects (main does it), not when it is dialled.
              phone.call(m.callerUri, { voicemailId: m.id }).catch(reportError);
            }}
            disabled={!m.callerUri}
            data-testid="voicemail-call-back"
          >
            Call back
          </button>
          <button
            className="link"
            onClick={() => api.invoke('voicemail.handle', { id: m.id, how: 'dismissed' }).catch(reportError)}
            data-testid="voicemail-handled"
          >
            Mark handled
          </button>
        </span>
      )}
    </li>
  );
}
