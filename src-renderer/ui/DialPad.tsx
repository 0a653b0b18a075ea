import { Delete, Grid3x3, Phone as PhoneIcon } from 'lucide-react';
import { useEffect, type FormEvent } from 'react';
import type { Phone } from '../actions/phone.js';
import { DIAL_PAD_ID, useDialStore } from '../state/dial-store.js';
import { useAppStore } from '../state/app-store.js';
import { usePhoneStore } from '../state/phone-store.js';
import { dialKeyOf, isTypingTarget } from './keyboard-shortcuts.js';
import { messageOf } from '../../src-shared/errors.js';

export const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;

/**
 * The Phone tab's one keypad. Idle, it makes the number to call; during a
 * call it sends tones to that call (never a second keypad beside this one),
 * until the tech chooses "New call". Digits typed anywhere on the tab land here, and Enter calls.
 */
export function DialPad({ phone }: { phone: Phone }) {
  const { target, setTarget, mode, setMode, tones, addTone, clearTones } = useDialStore();
  const registered = usePhoneStore((s) => s.registration === 'registered');
  const live = usePhoneStore((s) => s.calls.find((c) => c.state === 'active'));
  const toneMode = live !== undefined && mode === 'tones';
  const liveId = live?.id;
  // A new call starts with an empty tone line and the pad back on tones.
  useEffect(() => {
    clearTones();
    setMode('tones');
  }, [liveId, clearTones, setMode]);
  const call = () => {
    if (!target.trim()) return;
    phone
      .call(target)
      .then(() => setTarget(''))
      .catch((err: unknown) => useAppStore.getState().setNotice(messageOf(err)));
  };
  const press = (key: string) => {
    if (toneMode && liveId) {
      phone.sendDtmf(liveId, key);
      addTone(key);
    } else setTarget(useDialStore.getState().target + key);
  };
  // Keys typed anywhere on the tab (not into another field, not with a button focused for Enter) go to the pad.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTypingTarget(e.target)) return;
      const key = dialKeyOf(e);
      if (key) {
        e.preventDefault();
        press(key);
      } else if (e.key === 'Backspace' && !toneMode && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        setTarget(useDialStore.getState().target.slice(0, -1));
      } else if (e.key === 'Enter' && !toneMode && !(e.target instanceof HTMLButtonElement) && !(e.target instanceof HTMLAnchorElement)) {
        e.preventDefault();
        call();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    call();
  };
  return (
    <form
      className="dialpad"
      id={DIAL_PAD_ID}
      tabIndex={-1}
      onSubmit={submit}
      aria-label={toneMode ? 'Keypad: tones to the call' : 'Dial pad'}
      data-mode={toneMode ? 'tones' : 'dial'}
    >
      {toneMode ? (
        <>
          <p className="pad-title">
            <Grid3x3 size={16} aria-hidden="true" />
            Tones to {live.remoteName || live.remoteUri}
          </p>
          <output className="tones" data-testid="dtmf-sent" aria-label="Tones sent">
            {tones || '\u00a0'}
          </output>
        </>
      ) : (
        <input
          data-testid="dial-input"
          aria-label="Number or SIP address"
          placeholder="Type a number or sip:user@host"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          autoComplete="off"
        />
      )}
      <div className="keys">
        {KEYS.map((k) => (
          <button type="button" key={k} onClick={() => press(k)} data-testid={toneMode ? `dtmf-${k}` : `key-${k}`}>
            {k}
          </button>
        ))}
      </div>
      {toneMode ? (
        <button type="button" className="secondary" onClick={() => setMode('dial')} data-testid="pad-new-call">
          New call…
        </button>
      ) : (
        <div className="row">
          <button type="button" className="secondary icon-button" onClick={() => setTarget(target.slice(0, -1))} aria-label="Delete last digit">
            <Delete size={18} aria-hidden="true" />
          </button>
          <button type="submit" className="call" disabled={!registered || !target.trim()} data-testid="dial-call">
            <PhoneIcon size={16} aria-hidden="true" />
            Call
          </button>
          {live && (
            <button type="button" className="secondary" onClick={() => setMode('tones')} data-testid="pad-tones">
              Tones
            </button>
          )}
        </div>
      )}
    </form>
  );
}
