import { messageOf } from '../../src-shared/errors.js';
import { commands, type AttemptView } from '../ipc/contract.js';
import { notificationButtonsShown, type Notify } from './notifications.js';
import type { Services } from './services.js';

/**
 * A call Focus held back gets a quiet OS notification, unless the window is
 * in front (the follow-up list shows it there). macOS and Windows put
 * [Create ticket] [Call back] on it; Linux notifications have no buttons
 * Electron can use, so a click opens the window at that call's row.
 */
export function heldBackNotice(attempt: AttemptView): { title: string; body: string } {
  const who = attempt.callerName ? `${attempt.callerName} (${attempt.callerNumber})` : attempt.callerNumber;
  return { title: `Held back: ${who}`, body: attempt.reason };
}

export type HeldBackDeps = {
  services: Services;
  notify: Notify;
  platform: NodeJS.Platform;
  windowInFront: () => boolean;
  openFollowUps: (attemptId?: string) => void;
  log: (message: string) => void;
};

export function notifyHeldBackCalls(deps: HeldBackDeps): () => void {
  const { services, notify } = deps;
  const tell = (title: string, body: string) => notify({ title, body, silent: true });
  const createTicket = async (attempt: AttemptView) => {
    const result = await services.route('callLog.createTicket', { attemptId: attempt.id });
    if (!result.ok) {
      tell('No ticket was made', `${result.error.message} Open Focusline to try again from the follow-up list.`);
      return;
    }
    const { ticket } = commands['callLog.createTicket'].response.parse(result.value);
    tell(ticket ? `Ticket #${ticket.id} created` : 'Ticket queued', ticket ? ticket.summary : 'It will be sent when the PSA answers (Handoffs).');
  };
  const callBack = async (attempt: AttemptView) => {
    // Counts as called back once the call connects (main settles it), as from the follow-up list.
    const result = await services.route('phone.call', { target: attempt.callerUri, callback: { attemptId: attempt.id } });
    if (!result.ok) tell('Could not call back', result.error.message);
  };
  const act = (what: string, run: () => Promise<void>) => () =>
    void run().catch((error: unknown) => deps.log(`${what} from a notification failed: ${messageOf(error)}`));
  return services.bus.subscribe((name, payload) => {
    if (name !== 'calls.suppressed' || deps.windowInFront()) return;
    const attempt = payload as AttemptView;
    const buttons = notificationButtonsShown(deps.platform);
    notify({
      ...heldBackNotice(attempt),
      silent: true,
      replaces: 'held-back',
      onClick: () => deps.openFollowUps(attempt.id),
      ...(buttons
        ? {
            actions: [
              { text: 'Create ticket', onAction: act('Create ticket', () => createTicket(attempt)) },
              { text: 'Call back', onAction: act('Call back', () => callBack(attempt)) },
            ],
          }
        : {}),
    });
  });
}
