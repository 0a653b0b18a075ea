import { useState, type FormEvent } from 'react';
import type { Phone } from '../actions/phone.js';
import { useAppStore } from '../state/app-store.js';
import { usePhoneStore } from '../state/phone-store.js';
import { messageOf } from '../../src-shared/errors.js';

export const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;

export function DialPad({ phone }: { phone: Phone }) {
  const [target, setTarget] = useState('');
  const registered = usePhoneStore((s) => s.registration === 'registered');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!target.trim()) return;
    phone
      .call(target)
      .then(() => setTarget(''))
      .catch((err: unknown) => useAppStore.getState().setNotice(messageOf(err)));
  };
  return (
    <form className="dialpad" onSubmit={submit} aria-label="Dial pad">
      <input
        data-testid="dial-input"
        aria-label="Number or SIP address"
        placeholder="Number or sip:user@host"
        value={target}
        onChange={(e) => setTarget(e.target.value)}
        autoComplete="off"
      />
      <div className="keys">
        {KEYS.map((k) => (
          <button type="button" key={k} onClick={() => setTarget((t) => t + k)} data-testid={`key-${k}`}>
            {k}
          </button>
        ))}
      </div>
      <div className="row">
        <button type="button" className="secondary" onClick={() => setTarget((t) => t.slice(0, -1))} aria-label="Delete last digit">
          ⌫
        </button>
        <button type="submit" className="call" disabled={!registered || !target.trim()} data-testid="dial-call">
          Call
        </button>
      </div>
    </form>
  );
}
