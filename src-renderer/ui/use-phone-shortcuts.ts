import { useEffect } from 'react';
import type { Phone } from '../actions/phone.js';
import { reportError } from '../state/app-store.js';
import { usePhoneStore } from '../state/phone-store.js';
import { shortcutOf, type ShortcutId } from './keyboard-shortcuts.js';

/** What each shortcut does to the calls as they are now; false: nothing to do (the key is left alone). */
function run(id: ShortcutId, phone: Phone): boolean {
  const calls = usePhoneStore.getState().calls;
  const ringing = calls.find((c) => c.direction === 'incoming' && c.state === 'ringing');
  const active = calls.find((c) => c.state === 'active');
  const held = calls.find((c) => c.state === 'held');
  const dialling = calls.find((c) => c.state === 'dialing' || c.state === 'early');
  switch (id) {
    case 'answer':
      if (!ringing) return false;
      phone.answer(ringing.id).catch(reportError);
      return true;
    case 'hangup': {
      const call = active ?? dialling ?? held;
      if (call) phone.hangup(call.id).catch(reportError);
      else if (ringing) phone.decline(ringing.id).catch(reportError);
      return call !== undefined || ringing !== undefined;
    }
    case 'mute':
      if (!active) return false;
      phone.setMute(active.id, !active.muted);
      return true;
    case 'hold':
      // A deliberate key press: the tech has asked the caller (the card's reminder is for the mouse).
      if (active) phone.hold(active.id).catch(reportError);
      else if (held) phone.resume(held.id).catch(reportError);
      return active !== undefined || held !== undefined;
  }
}

/** Answer, hang up, mute and hold from the keyboard, on every tab of the window (keyboard-shortcuts.ts lists them). */
export function usePhoneShortcuts(phone: Phone): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const id = shortcutOf(e);
      if (id && run(id, phone)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [phone]);
}
