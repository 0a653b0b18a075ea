import { Pause, PhoneOutgoing, Play, TicketPlus, Voicemail as VoicemailIcon } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
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
        <VoicemailIcon size={28} aria-hidden="true" />
        <p>No voicemail. Messages callers leave with Focusline show here.</p>
      </section>
    );
  const waiting = messages.filter((m) => m.handled === null).length;
  return (
    <section className="voicemail" aria-labelledby="voicemail-heading">
      <h2 id="voicemail-heading">Voicemail{waiting > 0 && <span className="count"> ({waiting} to return today)</span>}</h2>
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
      <div className="vm-head">
        <strong data-testid="voicemail-who">{who(m)}</strong>
        <time dateTime={m.receivedAt}>{formatTime(m.receivedAt)}</time>
      </div>
      <div className="vm-meta">
        {m.ticketId && <span>While you worked on #{m.ticketId}</span>}
        {!handled && m.callbackDueAt && <CallbackDue dueAt={m.callbackDueAt} />}
      </div>
      {m.note && <div className="hint">{m.note}</div>}
      <VoicemailPlayer api={api} message={m} />
      {!handled && (
        <span className="buttons">
          <button
            className="primary"
            onClick={() => api.invoke('voicemail.createTicket', { id: m.id }).catch(reportError)}
            data-testid="voicemail-create-ticket"
          >
            <TicketPlus size={16} aria-hidden="true" />
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
            <PhoneOutgoing size={16} aria-hidden="true" />
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

/** Play/pause, a position bar to seek with (mouse or arrow keys) and the time: the message is fetched from main on the first play. */
function VoicemailPlayer({ api, message: m }: { api: FocuslineApi; message: VoicemailView }) {
  const audio = useRef<HTMLAudioElement | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const total = (m.durationMs ?? 0) / 1000;
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  const toggle = async () => {
    if (playing) {
      audio.current?.pause();
      return;
    }
    if (!url) {
      const saved = await api.invoke('voicemail.audio', { id: m.id });
      setUrl(URL.createObjectURL(new Blob([fromBase64(saved.data) as BlobPart], { type: saved.mimeType })));
      return; // the element plays once it has the source (autoPlay)
    }
    await audio.current?.play();
  };
  const unplayable = m.state === 'recording' || m.state === 'empty';
  return (
    <div className="player" data-testid="voicemail-player-box">
      <button
        type="button"
        className="icon-button play"
        onClick={() => void toggle().catch(reportError)}
        disabled={unplayable}
        aria-label={playing ? 'Pause' : 'Play the message'}
        data-testid="voicemail-play"
        data-playing={playing}
      >
        {playing ? <Pause size={18} aria-hidden="true" /> : <Play size={18} aria-hidden="true" />}
      </button>
      <input
        type="range"
        min={0}
        max={Math.max(total, 0.1)}
        step={0.1}
        value={position}
        disabled={!url}
        onChange={(e) => {
          const to = Number(e.target.value);
          if (audio.current) audio.current.currentTime = to;
          setPosition(to);
        }}
        aria-label="Position in the message"
        aria-valuetext={`${formatDuration(position * 1000)} of ${formatDuration(total * 1000)}`}
      />
      <span className="time" data-testid="voicemail-duration">
        {m.durationMs === null ? 'recording…' : url ? `${formatDuration(position * 1000)} / ${formatDuration(m.durationMs)}` : formatDuration(m.durationMs)}
      </span>
      {url && (
        <audio
          ref={audio}
          src={url}
          autoPlay
          data-testid="voicemail-player"
          onPlay={() => setPlaying(true)}
          onPause={() => setPlaying(false)}
          onEnded={() => {
            setPlaying(false);
            setPosition(0);
          }}
          onTimeUpdate={(e) => setPosition(e.currentTarget.currentTime)}
        />
      )}
    </div>
  );
}
