import { useState } from 'react';
import type { Phone } from '../actions/phone.js';
import { useAppStore } from '../state/app-store.js';
import type { CallView } from '../state/phone-store.js';
import { messageOf } from '../../src-shared/errors.js';
import { usePolicyValue } from './use-policy-value.js';

type DirectoryEntry = { name: string; extensions?: string[]; numbers?: string[]; sipUris?: string[] };

function report(err: unknown) {
  useAppStore.getState().setNotice(messageOf(err));
}

/** Where a coworker is reached: their extension first (what a tech would dial), then a number or address. */
function dialableOf(entry: DirectoryEntry): string | undefined {
  return entry.extensions?.[0] ?? entry.sipUris?.[0] ?? entry.numbers?.[0];
}

/**
 * "Transfer…" on a connected call, as the procedure has it: ask the caller
 * for permission to hold (unless policy turns the question off), then choose
 * the target (a coworker, any number, or the service manager in one click)
 * and the kind: warm (hold, talk to the target, merge, leave) or blind.
 */
export function TransferStart({ call, phone, onClose }: { call: CallView; phone: Phone; onClose: () => void }) {
  const holdPrompt = usePolicyValue('calls.holdPrompt', true);
  const [agreed, setAgreed] = useState(!holdPrompt);
  const [to, setTo] = useState('');
  const coworkers = usePolicyValue<DirectoryEntry[]>('directory.coworkers', []);
  const manager = usePolicyValue('focus.redirectTarget', '');
  const start = (mode: 'warm' | 'blind', target: string) => {
    if (!target.trim()) {
      report(new Error('Enter whom to transfer the call to: a coworker, an extension, a number or a SIP address.'));
      return;
    }
    onClose();
    phone.transfer(call.id, mode, target.trim()).catch(report);
  };
  if (!agreed)
    return (
      <div className="hold-ask" role="group" aria-label="Ask before transferring" data-testid="transfer-ask">
        <p>Ask first: “May I put you on hold for a moment while I bring in someone who can help?”</p>
        <button onClick={() => setAgreed(true)} data-testid="transfer-agreed">
          They agreed: go on
        </button>
        <button className="secondary" onClick={onClose} data-testid="transfer-cancel">
          Cancel
        </button>
      </div>
    );
  const listId = `coworkers-${call.id}`;
  return (
    <form
      className="transfer"
      aria-label="Transfer"
      data-testid="transfer-form"
      onSubmit={(e) => {
        e.preventDefault();
        start('warm', to);
      }}
    >
      <label>
        Transfer to
        <input
          value={to}
          onChange={(e) => setTo(e.target.value)}
          list={listId}
          placeholder="Coworker, extension, number or SIP address"
          maxLength={512}
          data-testid="transfer-to"
          autoFocus
        />
      </label>
      <datalist id={listId}>
        {coworkers.map((c) => {
          const dialable = dialableOf(c);
          return dialable ? <option key={`${c.name}-${dialable}`} value={dialable} label={c.name} /> : null;
        })}
      </datalist>
      <div className="actions">
        <button type="submit" className="primary" data-testid="transfer-warm" title="Hold the caller, talk to the target first, then merge and leave">
          Warm transfer
        </button>
        <button type="button" onClick={() => start('blind', to)} data-testid="transfer-blind" title="Send the caller straight to the target">
          Blind
        </button>
        {manager && (
          <button type="button" onClick={() => start('warm', manager)} data-testid="transfer-manager" title={manager}>
            Service manager
          </button>
        )}
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/**
 * The caller's card during a warm transfer: talk to the target with the
 * caller on hold, merge the three of you ("I have X on the line"), then
 * leave. Hanging up the call to the target gives the caller back.
 */
export function TransferProgress({ call, phone, consult }: { call: CallView; phone: Phone; consult: CallView | undefined }) {
  const transfer = call.transfer;
  if (!transfer || transfer.role !== 'caller') return null;
  const caller = call.remoteName || call.remoteUri;
  if (transfer.state === 'transferring')
    return (
      <div className="transfer-progress" role="status" data-testid="transfer-progress" data-transfer-state={transfer.state}>
        Transferring to {transfer.target}… The caller comes back to you if nobody answers.
      </div>
    );
  const connected = consult?.state === 'active' || consult?.state === 'held';
  return (
    <div className="transfer-progress" role="group" aria-label="Warm transfer" data-testid="transfer-progress" data-transfer-state={transfer.state}>
      {transfer.state === 'consulting' && (
        <p>
          {connected
            ? `Tell ${transfer.target} about the caller and what they need; ${caller} is on hold.`
            : `Calling ${transfer.target}; ${caller} is on hold.`}
        </p>
      )}
      {transfer.state === 'merged' && <p data-testid="transfer-say">Say: “I have {caller} on the line.”</p>}
      {transfer.state === 'leaving' && (
        <p>
          Handing {caller} to {transfer.target}…
        </p>
      )}
      {transfer.state !== 'leaving' && (
        <div className="actions">
          {transfer.state === 'consulting' && (
            <button onClick={() => phone.transfer(call.id, 'merge').catch(report)} disabled={!connected} data-testid="transfer-merge">
              Merge all three
            </button>
          )}
          <button className="primary" onClick={() => phone.transfer(call.id, 'leave').catch(report)} disabled={!connected} data-testid="transfer-leave">
            Leave: hand over to {transfer.target}
          </button>
          {transfer.partnerId && (
            <button className="secondary" onClick={() => phone.hangup(transfer.partnerId ?? '').catch(report)} data-testid="transfer-abandon">
              Cancel transfer
            </button>
          )}
        </div>
      )}
    </div>
  );
}
