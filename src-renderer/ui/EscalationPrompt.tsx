import { useState } from 'react';
import type { EscalationPrompt as Prompt, EscalationView, FocuslineApi } from '../../src-main/ipc/contract.js';
import { messageOf } from '../../src-shared/errors.js';
import type { Phone } from '../actions/phone.js';
import { useAppStore } from '../state/app-store.js';
import { usePhoneStore } from '../state/phone-store.js';
import { useNow } from './use-now.js';

type Panel = 'none' | 'coworker' | 'escalate' | 'transfer';

/**
 * The 15-minute rule: "If you can't solve a problem within 15 minutes,
 * escalate it. Ask a coworker first." Main decides when (focus/escalation-due.ts);
 * this is a calm card under the focus bar, never a dialog and never taking
 * the keyboard: Ask a coworker, Escalate ticket (or Create ticket instead
 * for a call without one), Transfer to service manager (calls), Not yet.
 */
export function EscalationPrompt({ api, phone }: { api: FocuslineApi; phone: Phone }) {
  const view = useAppStore((s) => s.escalation);
  const prompt = view?.prompt ?? null;
  if (!view || !prompt) return null;
  // Keyed by the prompt: a new prompt starts with its panels closed.
  return <PromptCard key={`${prompt.key}@${prompt.dueAt}`} view={view} prompt={prompt} api={api} phone={phone} />;
}

function PromptCard({ view, prompt, api, phone }: { view: EscalationView; prompt: Prompt; api: FocuslineApi; phone: Phone }) {
  const [panel, setPanel] = useState<Panel>('none');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const now = useNow(true, 30_000);
  const minutes = Math.max(prompt.minutes, Math.floor((now - Date.parse(prompt.startedAt)) / 60_000));
  const who = prompt.call ? prompt.call.remoteName || prompt.call.remoteUri : '';
  const title = prompt.why === 'call' ? `${minutes} minutes on this call with ${who}` : `${minutes} minutes on ${ticketText(prompt)}`;
  const canTransfer = prompt.why === 'call' && prompt.call !== null && view.serviceManager !== '';
  // Without a ticket, a caller's problem becomes one ("Create ticket instead"); an outgoing call has no caller to file it for.
  const canCreateTicket = prompt.ticket === null && prompt.call?.direction === 'incoming';

  const run = (work: () => Promise<unknown>) => {
    setBusy(true);
    setError('');
    work()
      .catch((err: unknown) => setError(messageOf(err)))
      .finally(() => setBusy(false));
  };
  const snooze = () => run(() => api.invoke('focus.snoozeEscalation', { key: prompt.key }));
  const transfer = () =>
    run(async () => {
      if (!prompt.call) return;
      await api.invoke('phone.transfer', { callId: prompt.call.id, to: view.serviceManager, mode: 'warm' });
      await api.invoke('focus.markEscalated', { key: prompt.key });
    });
  const createTicket = () =>
    run(async () => {
      if (!prompt.call) return;
      const r = await api.invoke('callLog.createTicket', { callId: prompt.call.id });
      if (r.ticket) useAppStore.getState().setNotice(`Ticket #${r.ticket.id} created: ${r.ticket.summary}`, 'ok');
      else if (r.handoff) useAppStore.getState().setNotice(`Ticket on its way to the PSA: ${r.handoff.title}`, 'ok');
      await api.invoke('focus.markEscalated', { key: prompt.key });
    });

  return (
    <section className="escalation" aria-label="The 15-minute rule" data-testid="escalation" data-why={prompt.why} data-key={prompt.key}>
      <h2 data-testid="escalation-title">{title}</h2>
      <p className="hint">Can't solve it within {view.afterMinutes} minutes? Ask a coworker first; if that doesn't help, escalate it.</p>
      <div className="actions">
        <button onClick={() => setPanel((p) => (p === 'coworker' ? 'none' : 'coworker'))} aria-expanded={panel === 'coworker'} data-testid="escalation-ask">
          Ask a coworker
        </button>
        {prompt.ticket && (
          <button
            onClick={() => setPanel((p) => (p === 'escalate' ? 'none' : 'escalate'))}
            aria-expanded={panel === 'escalate'}
            data-testid="escalation-escalate"
          >
            Escalate ticket
          </button>
        )}
        {canCreateTicket && (
          <button onClick={createTicket} disabled={busy} data-testid="escalation-create-ticket">
            Create ticket instead
          </button>
        )}
        {canTransfer && (
          <button
            onClick={() => setPanel((p) => (p === 'transfer' ? 'none' : 'transfer'))}
            aria-expanded={panel === 'transfer'}
            data-testid="escalation-transfer"
          >
            Transfer to service manager
          </button>
        )}
        <button className="secondary" onClick={snooze} disabled={busy} data-testid="escalation-snooze">
          Not yet: {view.afterMinutes} more minutes
        </button>
      </div>
      {panel === 'coworker' && <AskCoworker view={view} prompt={prompt} api={api} phone={phone} onError={setError} />}
      {panel === 'transfer' && (
        <div className="escalation-panel" role="group" aria-label="Transfer to the service manager" data-testid="escalation-transfer-ask">
          <p className="hint">Ask first: “May I put you on hold for a moment while I bring in our service manager?”</p>
          <button className="primary" onClick={transfer} disabled={busy} data-testid="escalation-transfer-agreed">
            They agreed: warm transfer
          </button>
        </div>
      )}
      {panel === 'escalate' && prompt.ticket && <EscalateTicket prompt={prompt} minutes={minutes} api={api} onError={setError} />}
      {error && (
        <p className="error" role="alert" data-testid="escalation-error">
          {error}
        </p>
      )}
    </section>
  );
}

function ticketText(prompt: Prompt): string {
  return prompt.ticket ? `#${prompt.ticket.id}${prompt.ticket.summary ? `: ${prompt.ticket.summary}` : ''}` : 'this ticket';
}

/**
 * A consult call: pick a coworker from the directory (or type whom), hold the
 * call that is talking, if any (after asking the caller), then call them. The
 * prompt is snoozed: if the coworker can't help, it comes back to escalate.
 */
function AskCoworker({
  view,
  prompt,
  api,
  phone,
  onError,
}: {
  view: EscalationView;
  prompt: Prompt;
  api: FocuslineApi;
  phone: Phone;
  onError: (m: string) => void;
}) {
  const [target, setTarget] = useState(view.coworkers[0]?.target ?? '');
  const talking = usePhoneStore((s) => s.calls.find((c) => c.state === 'active'));
  const call = () => {
    const to = target.trim();
    if (!to) return;
    const name = view.coworkers.find((c) => c.target === to)?.name ?? to;
    (async () => {
      if (talking) await phone.hold(talking.id);
      await phone.call(to);
      useAppStore.getState().setNotice(`Calling ${name} to ask about it.`, 'info');
      await api.invoke('focus.snoozeEscalation', { key: prompt.key });
    })().catch((err: unknown) => onError(messageOf(err)));
  };
  return (
    <div className="escalation-panel" role="group" aria-label="Ask a coworker" data-testid="escalation-coworker">
      {view.coworkers.length > 0 ? (
        <label>
          Coworker
          <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="escalation-coworker-choice">
            {view.coworkers.map((c) => (
              <option key={c.target} value={c.target}>
                {c.name} ({c.target})
              </option>
            ))}
          </select>
        </label>
      ) : (
        <label>
          Whom to call (no coworkers in the directory)
          <input value={target} onChange={(e) => setTarget(e.target.value)} placeholder="Extension or sip:user@host" data-testid="escalation-coworker-target" />
        </label>
      )}
      {talking && <p className="hint">Ask first: “May I put you on hold for a moment?” Your call is held before the coworker is called.</p>}
      <button className="call" onClick={call} disabled={!target.trim()} data-testid="escalation-coworker-call">
        {talking ? 'Hold and call' : 'Call'}
      </button>
    </div>
  );
}

/** "Escalate ticket": the PSA's escalation fields, through the outbox, with the tech's note. */
function EscalateTicket({ prompt, minutes, api, onError }: { prompt: Prompt; minutes: number; api: FocuslineApi; onError: (m: string) => void }) {
  const ticket = prompt.ticket;
  // Main adds the line saying which rule fired and after how long; the tech says what was tried and what is needed.
  const [note, setNote] = useState('Tried so far: ');
  const [sending, setSending] = useState(false);
  const send = () => {
    if (!ticket || !note.trim()) return;
    setSending(true);
    onError('');
    (async () => {
      const r = await api.invoke('tickets.escalate', {
        ticketId: ticket.id,
        note: note.trim(),
        why: prompt.why,
        minutes: Math.min(1440, Math.max(1, minutes)),
        ...(prompt.why === 'call' && prompt.call ? { callId: prompt.call.id } : {}),
      });
      await api.invoke('focus.markEscalated', { key: prompt.key, ticketId: ticket.id });
      const how = r.handoff && r.handoff.state !== 'sent' ? ' (on its way to the PSA)' : '';
      useAppStore.getState().setNotice(`Escalated #${ticket.id}${how}.`, 'ok');
    })()
      .catch((err: unknown) => onError(messageOf(err)))
      .finally(() => setSending(false));
  };
  return (
    <div className="escalation-panel" role="group" aria-label="Escalate ticket" data-testid="escalation-escalate-panel">
      <label>
        Note for the ticket
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} maxLength={20_000} data-testid="escalation-note" />
      </label>
      <button className="primary" onClick={send} disabled={sending || !note.trim()} data-testid="escalation-send">
        Escalate #{ticket?.id}
      </button>
    </div>
  );
}
