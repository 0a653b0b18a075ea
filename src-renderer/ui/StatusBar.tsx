import { usePhoneStore } from '../state/phone-store.js';
import type { RegistrationState } from '../../src-main/ipc/contract.js';
import { useAppStore } from '../state/app-store.js';
import { MessageWaiting } from './MessageWaiting.js';

const LABELS: Record<RegistrationState, string> = {
  unconfigured: 'Not set up',
  offline: 'Offline',
  registering: 'Registering…',
  registered: 'Available',
  reconnecting: 'Reconnecting…',
  failed: 'Not registered',
};

/** `onCall`: show the Phone tab (a call started from here, e.g. to voicemail). */
export function StatusBar({ onCall }: { onCall?: () => void }) {
  const hostLost = useAppStore((s) => s.host === 'lost');
  const registration = usePhoneStore((s) => s.registration);
  const detail = usePhoneStore((s) => s.detail);
  const inCall = usePhoneStore((s) => s.calls.some((c) => c.state === 'active' || c.state === 'held'));
  const label = registration === 'registered' && inCall ? 'In call' : LABELS[registration];
  if (hostLost) {
    // Main decides every call and keeps the log: without it nothing here can be trusted to be green.
    return (
      <header className="status status-host-lost" data-testid="status" data-registration="host-lost" role="alert">
        <span className="dot" aria-hidden="true" />
        <strong data-testid="status-label">Focusline isn’t running</strong>
        <span className="detail" data-testid="status-detail">
          Start it again (npm run start:web); this page reconnects by itself.
        </span>
      </header>
    );
  }
  return (
    <header className={`status status-${registration}`} data-testid="status" data-registration={registration}>
      <span className="dot" aria-hidden="true" />
      <strong data-testid="status-label">{label}</strong>
      <MessageWaiting onCall={onCall} />
      {detail && registration !== 'registered' && (
        <span className="detail" data-testid="status-detail">
          {detail}
        </span>
      )}
    </header>
  );
}
