import { Grid3x3, Mic, MicOff, Pause, PhoneIncoming, PhoneOff, Play, Signal, SignalLow, SignalMedium } from 'lucide-react';
import { useState } from 'react';
import type { Phone } from '../actions/phone.js';
import { useAppStore } from '../state/app-store.js';
import { DIAL_PAD_ID, useDialStore } from '../state/dial-store.js';
import { usePhoneStore, type AudioStats, type CallView } from '../state/phone-store.js';
import { QUALITY_WORDS, qualityDetails, qualityOf } from './call-quality.js';
import { formatDuration } from './format.js';
import { useNow } from './use-now.js';
import type { FocuslineApi } from '../../src-main/ipc/contract.js';
import { CallerCard, useCallerPop } from './CallerCard.js';
import { messageOf } from '../../src-shared/errors.js';
import { LiveNote, WrapUp } from './CallNotes.js';
import { TransferProgress, TransferStart } from './TransferPanel.js';
import { usePolicyValue } from './use-policy-value.js';

/** The number part of a caller's SIP URI (sip:+15550101@host → +15550101), which the lookup normalises. */
function callerNumberOf(uri: string): string {
  const match = /^sips?:([^@;]+)@/i.exec(uri);
  return match ? decodeURIComponent(match[1] ?? '') : uri;
}

const STATE_LABELS: Record<CallView['state'], string> = {
  ringing: 'Ringing',
  dialing: 'Calling…',
  early: 'Ringing at the other end',
  active: 'Connected',
  held: 'On hold',
};

function report(err: unknown) {
  useAppStore.getState().setNotice(messageOf(err));
}

export function CallsPanel({ phone, api }: { phone: Phone; api: FocuslineApi }) {
  const calls = usePhoneStore((s) => s.calls);
  if (calls.length === 0)
    return (
      <>
        <WrapUp api={api} />
        <section className="calls empty" data-testid="calls-empty">
          No calls
        </section>
      </>
    );
  return (
    <section className="calls" aria-label="Calls">
      {calls.map((call) => (
        <CallCard
          key={call.id}
          call={call}
          phone={phone}
          api={api}
          others={calls.length - 1}
          partner={call.transfer?.partnerId ? calls.find((c) => c.id === call.transfer?.partnerId) : undefined}
        />
      ))}
    </section>
  );
}

function CallCard({ call, phone, api, others, partner }: { call: CallView; phone: Phone; api: FocuslineApi; others: number; partner: CallView | undefined }) {
  const [transferring, setTransferring] = useState(false);
  const [noting, setNoting] = useState(false);
  // "Always get permission to put on hold": the question comes first, unless policy turns it off.
  const [askingToHold, setAskingToHold] = useState(false);
  const holdPrompt = usePolicyValue('calls.holdPrompt', true);
  const holdReminderMs = usePolicyValue('calls.holdReminderSeconds', 60) * 1000;
  const hold = () => {
    setAskingToHold(false);
    phone.hold(call.id).catch(report);
  };
  const phrases = usePolicyValue<{ label: string; text: string }[]>('calls.phrases', []);
  const [showPhrases, setShowPhrases] = useState(false);
  const [resetting, setResetting] = useState(false);
  const pop = useCallerPop(api, call.id, call.direction === 'incoming' ? callerNumberOf(call.remoteUri) : '');
  const talking = call.state === 'active' || call.state === 'held';
  const now = useNow(talking);
  const incomingRinging = call.direction === 'incoming' && call.state === 'ringing';
  const handingOn = call.transfer?.state === 'transferring' || call.transfer?.state === 'leaving';
  return (
    <article className={`call call-${call.state}`} data-testid="call" data-call-id={call.id} data-state={call.state} data-direction={call.direction}>
      <header>
        <div>
          <div className="remote" data-testid="call-remote">
            {call.remoteName || call.remoteUri}
          </div>
          <div className="uri">{call.remoteUri}</div>
        </div>
        <div className="state" data-testid="call-state">
          {STATE_LABELS[call.state]}
          {talking && call.answeredAt !== null && <span className="timer"> {formatDuration(now - call.answeredAt)}</span>}
        </div>
      </header>
      {call.subject && (
        <div className="subject" data-testid="call-subject">
          {call.subject}
        </div>
      )}
      {call.transfer?.role === 'consult' && (
        <div className="transfer-badge" data-testid="consult-badge">
          Transfer of {partner ? partner.remoteName || partner.remoteUri : 'your caller'}:{' '}
          {call.transfer.state === 'merged' ? 'all three of you are on the line' : 'the caller is on hold'}
        </div>
      )}
      {call.direction === 'incoming' && <CallerCard pop={pop} />}
      {incomingRinging && (
        <div className="actions">
          <button className="answer" onClick={() => phone.answer(call.id).catch(report)} data-testid="answer" aria-keyshortcuts="Alt+A">
            <PhoneIncoming size={16} aria-hidden="true" />
            {others > 0 ? 'Answer (hold current)' : 'Answer'}
          </button>
          <button className="decline" onClick={() => phone.decline(call.id).catch(report)} data-testid="decline">
            <PhoneOff size={16} aria-hidden="true" />
            Decline
          </button>
          <button
            className="secondary"
            onClick={() =>
              phone
                .decline(call.id)
                .then(() => api.invoke('callLog.createTicket', { callId: call.id }))
                .then((r) => r.ticket && useAppStore.getState().setNotice(`Ticket #${r.ticket.id} created: ${r.ticket.summary}`, 'ok'))
                .catch(report)
            }
            data-testid="ringing-create-ticket"
          >
            Create ticket instead
          </button>
        </div>
      )}
      {talking && (
        <div className="actions">
          <button onClick={() => phone.setMute(call.id, !call.muted)} aria-pressed={call.muted} data-testid="mute" aria-keyshortcuts="Alt+M">
            {call.muted ? <MicOff size={16} aria-hidden="true" /> : <Mic size={16} aria-hidden="true" />} {call.muted ? 'Unmute' : 'Mute'}
          </button>
          {/* While the far end is being handed on (a REFER out), a hold's re-INVITE would only get in its way. */}
          {handingOn ? null : call.state === 'held' ? (
            <button onClick={() => phone.resume(call.id).catch(report)} data-testid="resume" aria-keyshortcuts="Alt+P">
              <Play size={16} aria-hidden="true" />
              {others > 0 ? 'Switch to this call' : 'Resume'}
            </button>
          ) : (
            <button onClick={() => (holdPrompt ? setAskingToHold(true) : hold())} aria-expanded={askingToHold} data-testid="hold" aria-keyshortcuts="Alt+P">
              <Pause size={16} aria-hidden="true" />
              Hold
            </button>
          )}
          {call.state === 'active' && (
            // The Phone tab's one keypad sends the tones: this only brings it up, never a second keypad.
            <button
              onClick={() => {
                useDialStore.getState().setMode('tones');
                document.getElementById(DIAL_PAD_ID)?.focus();
              }}
              aria-controls={DIAL_PAD_ID}
              data-testid="keypad-toggle"
            >
              <Grid3x3 size={16} aria-hidden="true" />
              Keypad
            </button>
          )}
          {phrases.length > 0 && (
            <button onClick={() => setShowPhrases((p) => !p)} aria-expanded={showPhrases} data-testid="phrases-toggle">
              Phrases
            </button>
          )}
          <button onClick={() => setNoting((n) => !n)} aria-expanded={noting} data-testid="live-note-toggle">
            Add note
          </button>
          {call.transfer === null && (
            <button onClick={() => setTransferring((t) => !t)} aria-expanded={transferring} data-testid="transfer">
              Transfer…
            </button>
          )}
          {call.direction === 'incoming' && phrases[0] && (
            <button onClick={() => setResetting((r) => !r)} aria-expanded={resetting} data-testid="reset-interrupt">
              Reset the interrupt
            </button>
          )}
          <button className="hangup" onClick={() => phone.hangup(call.id).catch(report)} data-testid="hangup" aria-keyshortcuts="Alt+H">
            <PhoneOff size={16} aria-hidden="true" />
            Hang up
          </button>
        </div>
      )}
      {noting && talking && <LiveNote api={api} onDone={() => setNoting(false)} />}
      {transferring && talking && call.transfer === null && <TransferStart call={call} phone={phone} onClose={() => setTransferring(false)} />}
      <TransferProgress call={call} phone={phone} consult={partner} />
      {call.reason && talking && (
        <div className="reason" data-testid="call-reason">
          {call.reason}
        </div>
      )}
      {showPhrases && talking && (
        <ul className="phrases" aria-label="What to say" data-testid="phrases">
          {phrases.map((p, i) => (
            <li key={i} data-testid="phrase">
              <strong>{p.label}:</strong> “{p.text}”
            </li>
          ))}
        </ul>
      )}
      {resetting && talking && phrases[0] && <ResetInterrupt callId={call.id} phrase={phrases[0].text} api={api} onDone={() => setResetting(false)} />}
      {askingToHold && call.state === 'active' && (
        <div className="hold-ask" role="group" aria-label="Ask before holding" data-testid="hold-ask">
          <p>Ask first: “May I put you on hold for a moment?”</p>
          <button onClick={hold} data-testid="hold-agreed">
            They agreed: hold
          </button>
          <button className="secondary" onClick={() => setAskingToHold(false)} data-testid="hold-cancel">
            Cancel
          </button>
        </div>
      )}
      {call.state === 'held' && call.heldSince !== null && now - call.heldSince >= holdReminderMs && (
        <div className="hold-reminder" role="status" data-testid="hold-reminder">
          On hold for {formatDuration(now - call.heldSince)}: check back with the caller.
        </div>
      )}
      {(call.state === 'dialing' || call.state === 'early') && (
        <div className="actions">
          <button className="hangup" onClick={() => phone.hangup(call.id).catch(report)} data-testid="hangup">
            Cancel
          </button>
        </div>
      )}
      {call.stats && <CallQuality stats={call.stats} />}
      {call.reason && !talking && <div className="reason">{call.reason}</div>}
    </article>
  );
}

const QUALITY_ICONS = { good: Signal, fair: SignalMedium, poor: SignalLow, waiting: SignalLow } as const;

/** "Call quality: Good", with the counters behind it on hover (and for the tests, which read the counters). */
function CallQuality({ stats }: { stats: AudioStats }) {
  const quality = qualityOf(stats);
  const Icon = QUALITY_ICONS[quality];
  const details = qualityDetails(stats);
  return (
    <div
      className={`stats quality-${quality}`}
      data-testid="call-stats"
      data-quality={quality}
      data-packets-in={stats.packetsIn}
      data-packets-out={stats.packetsOut}
      data-energy-in={stats.energyIn}
      title={details}
    >
      <Icon size={16} aria-hidden="true" />
      Call quality: <strong>{QUALITY_WORDS[quality]}</strong>
      <span className="visually-hidden"> ({details})</span>
    </div>
  );
}

/**
 * "Reset the interrupt": the tech was reached directly but can't change
 * focus. Say the phrase, then the caller's request becomes a ticket for the
 * service manager to prioritise, with the tech's summary, while still on the call.
 */
function ResetInterrupt({ callId, phrase, api, onDone }: { callId: string; phrase: string; api: FocuslineApi; onDone: () => void }) {
  const [summary, setSummary] = useState('');
  const create = () =>
    api
      .invoke('callLog.createTicket', { callId, ...(summary.trim() ? { summary: summary.trim() } : {}) })
      .then((r) => {
        // With a PSA the ticket goes through the outbox: it may be queued (PSA down) rather than made at once.
        if (r.ticket) useAppStore.getState().setNotice(`Ticket #${r.ticket.id} created: ${r.ticket.summary}`, 'ok');
        else if (r.handoff) useAppStore.getState().setNotice(`Ticket on its way to the PSA: ${r.handoff.title} (it shows under "Sent to…" below)`, 'ok');
        onDone();
      })
      .catch(report);
  return (
    <div className="reset-interrupt" role="group" aria-label="Reset the interrupt" data-testid="reset-panel">
      <p data-testid="reset-phrase">Say: “{phrase}”</p>
      <input
        value={summary}
        onChange={(e) => setSummary(e.target.value)}
        placeholder="What they need, in a line (for the ticket)"
        maxLength={200}
        data-testid="reset-summary"
      />
      <button className="primary" onClick={() => void create()} data-testid="reset-create-ticket">
        Create ticket instead
      </button>
    </div>
  );
}
