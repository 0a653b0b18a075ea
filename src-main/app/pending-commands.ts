import type { CommandHandlers } from '../ipc/router.js';

/**
 * Commands the contract names whose desks are being built in parallel
 * (`tickets.escalate` on the PSA side, `phone.transfer` in the phone room).
 * Until they land, each says so plainly; the UI shows that to the tech.
 * Delete this file and its line in services.ts when the real handlers merge.
 */
export const pendingCommands: Pick<CommandHandlers, 'tickets.escalate' | 'phone.transfer'> = {
  'tickets.escalate': () => {
    throw new Error('Escalating a ticket is not available in this version of Focusline yet. Escalate it in the PSA, or ask the service manager.');
  },
  'phone.transfer': () => {
    throw new Error('Transferring a call is not available in this version of Focusline yet. Ask the caller to call the service manager.');
  },
};
