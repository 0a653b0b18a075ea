import { useAppStore } from '../state/app-store.js';
import { usePhoneStore } from '../state/phone-store.js';
import { messageOf } from '../../src-shared/errors.js';

/**
 * The PBX voicemail count from its message-waiting NOTIFYs, with one click to
 * the voicemail access number. Quiet when nothing is new, and only a hint when
 * the PBX won't report a count.
 */
export function MessageWaiting({ onCall }: { onCall?: (() => void) | undefined }) {
  const mwi = usePhoneStore((s) => s.mwi);
  const dialVoicemail = usePhoneStore((s) => s.dialVoicemail);
  const registered = usePhoneStore((s) => s.registration === 'registered');
  if (!mwi) return null;
  if (mwi.state === 'unavailable') {
    return (
      <span
        className="mwi mwi-unavailable"
        data-testid="mwi-unavailable"
        title="The phone system did not accept Focusline's request for the voicemail count. Calls work as usual."
      >
        Voicemail count unavailable
      </span>
    );
  }
  if (mwi.newCount <= 0) return null;
  const noNumber = mwi.accessNumber === '';
  const dial = () => {
    onCall?.();
    dialVoicemail?.().catch((err: unknown) => useAppStore.getState().setNotice(messageOf(err)));
  };
  return (
    <span className="mwi">
      <span data-testid="mwi-count" data-new={mwi.newCount} data-old={mwi.oldCount}>
        Voicemail: {mwi.newCount} new
      </span>
      <button
        type="button"
        className="link"
        data-testid="mwi-dial"
        onClick={dial}
        disabled={noNumber || !registered || !dialVoicemail}
        title={noNumber ? 'No voicemail access number is set in policy (voicemail.accessNumber).' : `Dial ${mwi.accessNumber}`}
      >
        Call voicemail
      </button>
    </span>
  );
}
