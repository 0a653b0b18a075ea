import type { PhoneStatus } from '../ipc/contract.js';
import type { CommandHandlers } from '../ipc/router.js';
import { toAccount } from '../policy/focus-rules.js';
import type { PolicyService } from '../policy/policy-service.js';

export type PhoneDeskPorts = {
  policy: Pick<PolicyService, 'current'>;
  /** The SIP password, from the keychain. */
  password: () => Promise<string | undefined>;
  /** "Focusline/<version>", the User-Agent the phone sends. */
  version: string;
};

type Handlers = Pick<CommandHandlers, 'phone.credentials' | 'phone.reportStatus'>;

/**
 * The phone room's desk, as it stands while the SIP user agent still runs in
 * the window: what the phone needs to register, and the status it reports
 * (registration, calls in progress) for the tray, reminders and the shell.
 */
export function createPhoneDesk(ports: PhoneDeskPorts) {
  const listeners = new Set<(status: PhoneStatus) => void>();
  let status: PhoneStatus = { registration: 'offline', detail: '', activeCalls: 0, ringing: false };

  const handlers: Handlers = {
    'phone.credentials': async () => {
      const values = ports.policy.current().values;
      const account = toAccount(values);
      if (!account) return null;
      const mwi = { subscribe: values['voicemail.subscribeMwi'], accessNumber: values['voicemail.accessNumber'] };
      return { account, password: (await ports.password()) ?? '', iceServers: values.iceServers, userAgentString: `Focusline/${ports.version}`, mwi };
    },
    'phone.reportStatus': ({ status: next }) => {
      status = next;
      for (const listener of listeners) listener(next);
      return { ok: true as const };
    },
  };

  return {
    handlers,
    get status(): PhoneStatus {
      return status;
    },
    onStatus(listener: (status: PhoneStatus) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type PhoneDesk = ReturnType<typeof createPhoneDesk>;
