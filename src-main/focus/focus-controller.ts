import type { FocusView, TicketView } from '../ipc/contract.js';
import type { Clock } from '../../src-shared/time/clock.js';
import type { FocusCommand } from './focus-commands.js';
import { FocusSession, type FocusPeriod } from './focus-session.js';
import type { FocusStateStore } from './focus-state-store.js';
import { ticketLabel } from './ticket-label.js';
import type { ActiveTicket, FocusState } from './types.js';

/** Where tickets come from (the local store or the connected PSA) as far as focus needs them. */
export interface TicketSource {
  /** Async: with a PSA this may ask the PSA; it should fall back to what it knows when the PSA is down. */
  get(id: string): Promise<TicketView | undefined>;
  /** The tech started or stopped working on it: the source may track that (status "in progress"). */
  markWorking(id: string, working: boolean): void;
}

export type FocusControllerOptions = {
  clock: Clock;
  tickets: TicketSource;
  store: FocusStateStore;
  /** Called with every new state (the tray, the UI) and when a focus period ends (the digest). */
  onChange(view: FocusView, state: FocusState): void;
  onFocusEnded(period: FocusPeriod): void;
};

/**
 * Focus follows the ticket: start work and Focus engages, stop and it
 * releases; do-not-disturb by hand expires by itself. Commands from the UI,
 * focusline:// links and web mode's local endpoint all come through here.
 */
export class FocusController {
  private readonly session: FocusSession;

  constructor(private readonly options: FocusControllerOptions) {
    this.session = new FocusSession(options.clock, options.store.load());
    this.session.onChange(({ next }) => {
      options.store.save(next);
      options.onChange(toFocusView(next), next);
    });
    this.session.onFocusEnded((period) => options.onFocusEnded(period));
  }

  get state(): FocusState {
    return this.session.state;
  }

  /** When the focus period running now began (ticket focus or do-not-disturb); null while focus is off. */
  periodSince(): Date | null {
    return this.session.periodSince;
  }

  view(): FocusView {
    return toFocusView(this.session.state);
  }

  async startTicket(ticketId: string): Promise<FocusView> {
    const ticket = await this.options.tickets.get(ticketId);
    if (!ticket) throw new Error(`Ticket #${ticketId} was not found, so Focus can't start on it. Check the ticket number.`);
    return this.engage(ticket);
  }

  /** Focus on a ticket already in hand (the PSA just said the tech started work on it). */
  engage(ticket: TicketView): FocusView {
    const ticketId = ticket.id;
    const previous = this.activeTicketId();
    if (previous && previous !== ticketId) this.options.tickets.markWorking(previous, false);
    // Ticket status first: the focus change announces the ticket list too.
    this.options.tickets.markWorking(ticketId, true);
    this.session.startTicket(toActiveTicket(ticket));
    return this.view();
  }

  stopTicket(ticketId?: string): FocusView {
    const active = this.activeTicketId();
    if (ticketId !== undefined && active !== ticketId) return this.view();
    if (active) this.options.tickets.markWorking(active, false);
    this.session.stopTicket(ticketId);
    return this.view();
  }

  /** A break, or done for now: everything off. */
  stopAll(): FocusView {
    const active = this.activeTicketId();
    if (active) this.options.tickets.markWorking(active, false);
    this.session.takeBreak();
    return this.view();
  }

  startDnd(request: { minutes?: number | undefined; until?: Date | undefined }): FocusView {
    if (request.until && request.until.getTime() <= this.options.clock.now().getTime()) {
      throw new Error('That time has already passed; choose a later time for do-not-disturb to end.');
    }
    this.session.startDnd(request.minutes !== undefined ? { minutes: request.minutes } : request.until ? { until: request.until } : 'until-off');
    return this.view();
  }

  endDnd(): FocusView {
    this.session.endDnd();
    return this.view();
  }

  async run(command: FocusCommand): Promise<FocusView> {
    switch (command.kind) {
      case 'ticket-start':
        return this.startTicket(command.ticketId);
      case 'ticket-stop':
        return this.stopTicket(command.ticketId);
      case 'dnd-start':
        return this.startDnd(command);
      case 'dnd-stop':
        return this.endDnd();
      case 'focus-stop':
        return this.stopAll();
    }
  }

  dispose(): void {
    this.session.dispose();
  }

  activeTicketId(): string | undefined {
    const s = this.session.state;
    if (s.mode === 'ticket') return s.ticket.id;
    if (s.mode === 'dnd') return s.resumeTicket?.id;
    return undefined;
  }
}

export function toActiveTicket(t: TicketView): ActiveTicket {
  return { id: t.id, summary: t.summary, company: t.company, contactName: t.contactName, contactNumbers: t.contactNumbers, source: t.source };
}

function toTicketView(t: ActiveTicket): TicketView {
  return { ...t, status: 'in-progress' };
}

export function toFocusView(state: FocusState): FocusView {
  if (state.mode === 'off') return { mode: 'off', ticket: null, since: null, until: null, label: 'Not focused' };
  if (state.mode === 'ticket') {
    return {
      mode: 'ticket',
      ticket: toTicketView(state.ticket),
      since: state.since.toISOString(),
      until: null,
      label: `Focused: ${ticketLabel(state.ticket)}`,
    };
  }
  const resume = state.resumeTicket ? ` (then back to ${ticketLabel(state.resumeTicket)})` : '';
  return {
    mode: 'dnd',
    ticket: state.resumeTicket ? toTicketView(state.resumeTicket) : null,
    since: state.since.toISOString(),
    until: state.until ? state.until.toISOString() : null,
    label: `Do not disturb${resume}`,
  };
}
