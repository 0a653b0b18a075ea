import type { Clock } from '../../src-shared/time/clock.js';
import type { CallLog } from '../calls/call-log.js';
import type { FocusView } from '../ipc/contract.js';
import type { EventBus } from '../ipc/event-bus.js';
import type { CommandHandlers } from '../ipc/router.js';
import type { Db } from '../storage/database.js';
import { summariseSuppressed } from './focus-digest.js';
import { FocusController, type TicketSource } from './focus-controller.js';
import type { FocusPeriod } from './focus-session.js';
import { FocusPeriodRecorder } from './focus-period-recorder.js';
import { FocusPeriods } from './focus-periods.js';
import { FocusStateStore } from './focus-state-store.js';

export type FocusDeskPorts = {
  db: Db;
  clock: Clock;
  /** Where ticket details come from (the PSA, or the built-in store). */
  tickets: TicketSource;
  /** For the digest when a focus period ends: what was held back during it. */
  callLog: Pick<CallLog, 'inRange'>;
  bus: EventBus;
  log: (line: string) => void;
};

type Handlers = Pick<CommandHandlers, 'focus.get' | 'focus.startTicket' | 'focus.stop' | 'focus.dnd'>;

/**
 * The focus room's desk: the focus session (ticket focus and do-not-disturb,
 * kept across restarts), its commands, the `focus.changed` event and the
 * digest when a period ends. Other rooms follow focus through onChange.
 */
export function createFocusDesk(ports: FocusDeskPorts) {
  const { bus, callLog } = ports;
  const listeners = new Set<(view: FocusView) => void>();
  const periods = new FocusPeriods(ports.db);
  // Before the session is restored: a period left open by the last quit ended when it was last seen.
  const recorder = new FocusPeriodRecorder({ periods, clock: ports.clock, log: ports.log });
  const emitDigest = (period: FocusPeriod) => {
    const held = callLog.inRange(period.started.getTime(), period.endedAt.getTime() + 1).filter((a) => a.action !== 'ring');
    bus.emit('focus.digest', { text: summariseSuppressed(held), calls: held.length });
  };
  const periodEnded = (period: FocusPeriod) => {
    // Kept before the digest: the record is what Insights counts, the digest only a notice.
    recorder.ended(period);
    emitDigest(period);
  };
  const controller = new FocusController({
    clock: ports.clock,
    tickets: ports.tickets,
    store: new FocusStateStore(ports.db),
    onChange: (view, state) => {
      const since = controller.periodSince();
      if (state.mode !== 'off' && since !== null) recorder.focusOn(since, state);
      bus.emit('focus.changed', view);
      for (const listener of listeners) listener(view);
    },
    onFocusEnded: periodEnded,
  });
  // Focus restored after a restart runs on from now: the time before the restart is the closed row's.
  if (controller.periodSince() !== null) recorder.focusOn(ports.clock.now(), controller.state);

  const handlers: Handlers = {
    'focus.get': () => controller.view(),
    'focus.startTicket': ({ ticketId }) => controller.startTicket(ticketId),
    'focus.stop': () => controller.stopAll(),
    'focus.dnd': ({ minutes, until }) => controller.startDnd({ minutes, until: until ? new Date(until) : undefined }),
  };

  return {
    controller,
    handlers,
    /** Focus periods, the running one included (Insights: time protected in Focus). */
    periods,
    /** Every change of focus (the tray, reminders, the ticket list follow it). */
    onChange(listener: (view: FocusView) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: () => {
      recorder.dispose();
      controller.dispose();
    },
  };
}

export type FocusDesk = ReturnType<typeof createFocusDesk>;
