import type { FocuslineApi } from '../../src-main/ipc/contract.js';
import type { FollowUp } from '../state/follow-ups.js';
import { useAppStore } from '../state/app-store.js';
import type { Phone } from './phone.js';

/**
 * What the tech does with one follow-up row: every call from that caller is
 * settled together, since one ticket or one callback answers them all.
 */

/** The older calls of a row, once its newest is settled. Settled one by one: main's command names one attempt. */
async function settleOthers(api: FocuslineApi, group: FollowUp, how: 'dismissed' | 'called-back'): Promise<void> {
  for (const a of group.attempts.slice(1)) await api.invoke('callLog.handle', { attemptId: a.id, how });
}

/** "Create ticket instead": one ticket from the newest call; the caller's earlier calls are covered by it. */
export async function createTicketFor(api: FocuslineApi, group: FollowUp, edit: { summary?: string; description?: string } = {}): Promise<string> {
  const r = await api.invoke('callLog.createTicket', { attemptId: group.newest.id, ...edit });
  await settleOthers(api, group, 'dismissed');
  return r.ticket ? `Ticket #${r.ticket.id} created: ${r.ticket.summary}` : `Sending the ticket: ${r.handoff?.title ?? ''}`;
}

export async function dismissFollowUp(api: FocuslineApi, group: FollowUp): Promise<void> {
  await api.invoke('callLog.handle', { attemptId: group.newest.id, how: 'dismissed' });
  await settleOthers(api, group, 'dismissed');
}

/** How long a callback may take to connect before the earlier calls are left for the tech to settle. */
const CALLBACK_WATCH_MS = 30 * 60_000;

/**
 * "Call back": main settles the newest call as called back once the call
 * connects (not when it is dialled); the earlier calls follow it then.
 */
export async function callBack(api: FocuslineApi, phone: Phone, group: FollowUp): Promise<void> {
  await phone.call(group.newest.callerUri, { attemptId: group.newest.id });
  if (group.attempts.length < 2) return;
  const newestId = group.newest.id;
  let done = false;
  const stop = () => {
    done = true;
    unsubscribe();
    clearTimeout(timer);
  };
  const unsubscribe = useAppStore.subscribe((state) => {
    if (done || state.unhandled.some((a) => a.id === newestId)) return;
    stop();
    settleOthers(api, group, 'called-back').catch(() => undefined);
  });
  const timer = setTimeout(stop, CALLBACK_WATCH_MS);
}
