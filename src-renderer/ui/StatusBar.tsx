import {
  CircleAlert,
  CircleCheck,
  CircleMinus,
  Crosshair,
  LoaderCircle,
  type LucideIcon,
  Phone,
  PhoneIncoming,
  PowerOff,
  RefreshCw,
  Settings,
  WifiOff,
} from 'lucide-react';
import { clockTimeOf, glanceOf, type GlanceState } from '../../src-shared/status/glance.js';
import { useAppStore } from '../state/app-store.js';
import { usePhoneStore } from '../state/phone-store.js';
import { MessageWaiting } from './MessageWaiting.js';

/** Each state has its own icon as well as its colour, so it reads without colour too. */
const ICONS: Record<GlanceState, LucideIcon> = {
  'host-lost': PowerOff,
  ringing: PhoneIncoming,
  'on-call': Phone,
  'not-set-up': Settings,
  offline: WifiOff,
  connecting: LoaderCircle,
  reconnecting: RefreshCw,
  'not-connected': CircleAlert,
  dnd: CircleMinus,
  focused: Crosshair,
  available: CircleCheck,
};

/**
 * The one state at a glance, at the top of every tab (the tray shows the same,
 * src-shared/status/glance.ts). `onCall`: show the Phone tab (a call started from here, e.g. to voicemail).
 */
export function StatusBar({ onCall }: { onCall?: () => void }) {
  const hostLost = useAppStore((s) => s.host === 'lost');
  const focus = useAppStore((s) => s.focus);
  const registration = usePhoneStore((s) => s.registration);
  const detail = usePhoneStore((s) => s.detail);
  // An incoming call that rings is not yet a call the tech is on; one they dial is.
  const activeCalls = usePhoneStore((s) => s.calls.filter((c) => !(c.state === 'ringing' && c.direction === 'incoming')).length);
  const ringing = usePhoneStore((s) => s.calls.some((c) => c.state === 'ringing' && c.direction === 'incoming'));
  const glance = glanceOf(
    { hostLost, registration, activeCalls, ringing, focus: { mode: focus.mode, ticketId: focus.ticket?.id ?? null, until: focus.until } },
    clockTimeOf,
  );
  const Icon = ICONS[glance.state];
  // Main decides every call and keeps the log: without it, say what to do rather than the phone's last state.
  const shownDetail = hostLost ? 'Start it again (npm run start:web); this page reconnects by itself.' : registration !== 'registered' ? detail : '';
  return (
    <header
      className={`status glance-${glance.state}`}
      role="status"
      data-testid="status"
      data-state={glance.state}
      data-registration={hostLost ? 'host-lost' : registration}
    >
      <Icon className="status-icon" aria-hidden="true" size={22} strokeWidth={2.25} />
      <strong data-testid="status-label">{glance.words}</strong>
      {!hostLost && <MessageWaiting onCall={onCall} />}
      {shownDetail && (
        <span className="detail" data-testid="status-detail">
          {shownDetail}
        </span>
      )}
    </header>
  );
}
