import { coalesce } from '../ipc/coalesce.js';
import type { EventBus } from '../ipc/event-bus.js';
import type { CommandHandlers } from '../ipc/router.js';
import { editPayload, hasEdits } from './handoff-edit.js';
import { toHandoffView } from './handoff-view.js';
import type { Outbox } from './outbox.js';

type Handlers = Pick<CommandHandlers, 'handoffs.list' | 'handoffs.resend'>;

/** The newest handoffs the UI lists. */
const LISTED = 200;

/**
 * The handoffs room's desk: what is queued for the PSA, sent (with its
 * link) or waiting for the tech ("Fix and resend"). Owns `handoffs.changed`.
 */
export function createHandoffsDesk(ports: { outbox: Outbox; bus: EventBus }) {
  const { outbox, bus } = ports;
  const list = () => outbox.list().slice(-LISTED).reverse().map(toHandoffView);
  const push = coalesce(() => bus.emit('handoffs.changed', { handoffs: list() }));
  const stopFollowing = outbox.onChange((h) => {
    push.request();
    // A ticket's link or a failure is what the tech waits for: show it now, not at the end of the window.
    if (h.state === 'sent' || h.state === 'failed') push.flush();
  });

  const handlers: Handlers = {
    'handoffs.list': () => ({ handoffs: list() }),
    'handoffs.resend': ({ id, ...edit }) => {
      const current = outbox.get(id);
      if (!current) throw new Error('That handoff no longer exists.');
      return toHandoffView(outbox.resend(id, hasEdits(edit) ? editPayload(current.kind, current.payload, edit) : undefined));
    },
  };

  return {
    handlers,
    close() {
      stopFollowing();
      push.cancel();
    },
  };
}
