import { messageOf } from '../../src-shared/errors.js';
import type { Clock } from '../../src-shared/time/clock.js';
import type { CallLog } from '../calls/call-log.js';
import { callOnRecord } from '../calls/call-caller.js';
import { callNoteText } from '../calls/call-note.js';
import type { HistoryEntry } from '../ipc/contract.js';
import { toAttemptView } from '../calls/call-screening.js';
import { toHandoffView } from '../handoffs/handoff-view.js';
import { coalesce } from '../ipc/coalesce.js';
import type { EventBus } from '../ipc/event-bus.js';
import type { CommandHandlers } from '../ipc/router.js';
import { psaForms } from './psa-registry.js';
import type { Ticketing } from './ticketing.js';

export type TicketsDeskPorts = {
  clock: Clock;
  ticketing: Ticketing;
  callLog: CallLog;
  /** The calls desk shows the call log: a call turned into a ticket or a note leaves the follow-up list. */
  callLogChanged: () => void;
  /** A call in the phone's history, by its id. */
  historyEntry: (callId: string) => HistoryEntry | undefined;
  bus: EventBus;
  log: (message: string) => void;
};

type Handlers = Pick<
  CommandHandlers,
  | 'tickets.list'
  | 'tickets.create'
  | 'tickets.addNote'
  | 'tickets.escalate'
  | 'tickets.logCall'
  | 'calls.lookup'
  | 'callLog.createTicket'
  | 'psa.status'
  | 'psa.forms'
  | 'psa.test'
  | 'psa.save'
  | 'psa.refresh'
>;

/**
 * The tickets room's desk: the open tickets, "create ticket instead" and
 * "add note" from a call, the 15-minute rule's escalation, the screen pop, and Settings → PSA. Owns
 * `tickets.changed` and `psa.changed`.
 */
export function createTicketsDesk(ports: TicketsDeskPorts) {
  const { clock, ticketing, callLog, bus, log } = ports;
  const tickets = ticketing.desk;
  const emitTickets = () => bus.emit('tickets.changed', { tickets: ticketing.listTickets() });
  const psaPush = coalesce(
    () =>
      void ticketing
        .status()
        .then((view) => bus.emit('psa.changed', view))
        .catch((error: unknown) => log(`PSA status: ${messageOf(error)}`)),
  );
  const stopFollowing = ticketing.onChange((change) => {
    if (change === 'tickets') emitTickets();
    else if (change === 'psa') psaPush.request();
  });

  const handlers: Handlers = {
    'tickets.list': () => ({ tickets: tickets.listOpen() }),
    'tickets.create': (input) => {
      const ticket = tickets.create(input);
      emitTickets();
      return ticket;
    },
    'tickets.addNote': async ({ ticketId, text, attemptId }) => {
      const attempt = attemptId ? callLog.get(attemptId) : undefined;
      if (attemptId && !attempt) throw new Error('That call is no longer in the call log.');
      const result = tickets.addNote(ticketId, text, attempt ? callOnRecord(attempt) : null);
      const handled = attempt ? (callLog.markHandled(attempt.id, 'note-added', clock.now().getTime()) ?? attempt) : undefined;
      ports.callLogChanged();
      return { handoff: result.handoff ? toHandoffView(result.handoff) : null, attempt: handled ? toAttemptView(handled) : null };
    },
    'tickets.escalate': ({ ticketId, note, why, minutes, callId }) => {
      const attempt = callId ? callLog.forCall(callId) : undefined;
      const result = tickets.escalate({ ticketId, note, why, minutes, callId, attemptId: attempt?.id });
      if (result.ticket) emitTickets();
      return { handoff: result.handoff ? toHandoffView(result.handoff) : null, ticket: result.ticket };
    },
    'tickets.logCall': ({ callId, ticketId, summary }) => {
      const entry = ports.historyEntry(callId);
      if (!entry) throw new Error('That call is no longer in your call history.');
      const attempt = callLog.forCall(callId);
      const result = tickets.addNote(ticketId, callNoteText(entry, summary), attempt ? callOnRecord(attempt) : null);
      return { handoff: result.handoff ? toHandoffView(result.handoff) : null };
    },
    'calls.lookup': ({ number, attemptId }) => ticketing.lookup(number, attemptId),
    'callLog.createTicket': async ({ attemptId, callId, summary, notes, description }) => {
      const attempt = attemptId !== undefined ? callLog.get(attemptId) : callLog.forCall(callId ?? '');
      if (!attempt)
        throw new Error(
          attemptId !== undefined
            ? 'That call is no longer in the call log.'
            : 'Focusline has no record of that call (calls you made have no ticket to create).',
        );
      const call = callOnRecord(attempt);
      const result = tickets.createFromCall(call, { summary, notes, description }, await ticketing.callerOf(call));
      const handled = callLog.markHandled(attempt.id, 'ticket-created', clock.now().getTime()) ?? attempt;
      ports.callLogChanged();
      emitTickets();
      return { ticket: result.ticket, handoff: result.handoff ? toHandoffView(result.handoff) : null, attempt: toAttemptView(handled) };
    },
    'psa.status': () => ticketing.status(),
    'psa.forms': () => ({ forms: psaForms() }),
    'psa.test': (form) => ticketing.test(form),
    'psa.save': (form) => ticketing.save(form),
    'psa.refresh': () => ticketing.refresh(),
  };

  return {
    handlers,
    /** Focus changed: a ticket's status in the list may have too. */
    ticketsChanged: emitTickets,
    close() {
      stopFollowing();
      psaPush.cancel();
    },
  };
}
