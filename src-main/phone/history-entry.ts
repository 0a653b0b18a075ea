import type { CallView, HistoryEntry } from '../ipc/contract.js';

/** How a call that did not go to the tech ended: by their click, or by policy. */
export type Disposition = 'declined' | 'redirected' | 'rejected' | 'voicemail';

export function historyOutcome(view: Pick<CallView, 'direction' | 'answeredAt' | 'reason'>, disposition: Disposition | undefined): HistoryEntry['outcome'] {
  // Voicemail answers the SIP call, but the tech never did.
  if (disposition === 'voicemail') return 'voicemail';
  if (view.answeredAt !== null) return 'answered';
  if (disposition) return disposition;
  if (view.direction === 'incoming') return 'missed';
  // 487 is our own CANCEL coming back; any other final error means the call failed.
  return /^[456]\d\d/.test(view.reason) && !view.reason.startsWith('487') ? 'failed' : 'cancelled';
}

export function toHistoryEntry(view: CallView, disposition: Disposition | undefined, endedAt: Date): HistoryEntry {
  return {
    id: view.id,
    direction: view.direction,
    remoteUri: view.remoteUri,
    remoteName: view.remoteName,
    startedAt: new Date(view.startedAt).toISOString(),
    answeredAt: view.answeredAt === null ? null : new Date(view.answeredAt).toISOString(),
    endedAt: endedAt.toISOString(),
    outcome: historyOutcome(view, disposition),
    reason: view.reason.slice(0, 256),
  };
}
