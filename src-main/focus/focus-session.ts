import type { Clock } from '../../src-shared/time/clock.js';
import type { ActiveTicket, FocusState } from './types.js';

/**
 * The focus state machine: off, ticket focus, do-not-disturb. Time comes from
 * the injected Clock, and a timed DND ends itself through Clock.setTimer.
 *
 * How the modes combine (modelled on how Teams treats a manual "Do not
 * disturb" over an automatic "In a meeting"):
 * - DND turned on during ticket focus goes over it: the ticket waits in
 *   `resumeTicket` and focus returns to it when DND ends (by hand or by its
 *   timer). The ticket is still the tech's work, and the PSA still says so;
 *   dropping it would make the ticket watcher restart it anyway. In DND only
 *   coworkers and VIPs ring, not the ticket's contact: the tech stepped away
 *   from the ticket (a meeting, a call with the boss).
 * - Starting a ticket during DND ends the DND (its timer is cancelled): the
 *   tech has just said what they are working on, and a forgotten DND must not
 *   silently outlive that. The new ticket replaces any waiting one.
 * - Starting another ticket switches tickets; focus doesn't end in between.
 *   Starting the same ticket again (the watcher polling) only updates its
 *   details and says nothing unless they changed.
 * - stopTicket(id) for a ticket that is neither active nor waiting under DND
 *   is a no-op, so a late "stopped" from the PSA can't end newer work.
 *   stopTicket() with no id stops whichever ticket is active or waiting.
 *   Stopping the ticket waiting under DND leaves DND on.
 * - takeBreak() ends everything: ticket, waiting ticket and DND.
 *
 * A focus period runs from leaving 'off' to returning to it, across ticket
 * switches and DND; at its end onFocusEnded listeners receive the period, so
 * the service can summarise the calls it held (summariseSuppressed).
 */
export type DndLength = { minutes: number } | { until: Date } | 'until-off';

export type FocusChange = { previous: FocusState; next: FocusState };

export type FocusPeriod = {
  started: Date;
  endedAt: Date;
  /** The last ticket worked in the period, if any. */
  ticketId?: string;
};

type Listener<T> = (event: T) => void;

const MINUTE_MS = 60_000;

export class FocusSession {
  private current: FocusState;
  private periodStart: Date | null;
  private lastTicketId: string | undefined;
  private cancelExpiry: (() => void) | undefined;
  private readonly changeListeners = new Set<Listener<FocusChange>>();
  private readonly endListeners = new Set<Listener<FocusPeriod>>();

  /** `restored`: the state saved before a restart; a DND that expired meanwhile is over. */
  constructor(
    private readonly clock: Clock,
    restored: FocusState = { mode: 'off' },
  ) {
    this.current = restored;
    this.periodStart = restored.mode === 'off' ? null : restored.since;
    this.lastTicketId = ticketIdOf(restored);
    if (restored.mode === 'dnd') {
      if (restored.until !== null && restored.until.getTime() <= clock.now().getTime()) this.current = afterDnd(restored, restored.until);
      else this.armExpiry();
    }
    if (this.current.mode === 'off') this.periodStart = null;
  }

  get state(): FocusState {
    return this.current;
  }

  startTicket(ticket: ActiveTicket): FocusState {
    const state = this.current;
    if (state.mode === 'ticket' && state.ticket.id === ticket.id) {
      if (!sameTicket(state.ticket, ticket)) this.moveTo({ ...state, ticket });
      return this.current;
    }
    return this.moveTo({ mode: 'ticket', ticket, since: this.clock.now() });
  }

  stopTicket(ticketId?: string): FocusState {
    const state = this.current;
    const matches = (t: ActiveTicket | undefined) => t !== undefined && (ticketId === undefined || t.id === ticketId);
    if (state.mode === 'ticket' && matches(state.ticket)) return this.moveTo({ mode: 'off' });
    if (state.mode === 'dnd' && matches(state.resumeTicket)) return this.moveTo(withoutResumeTicket(state));
    return state;
  }

  takeBreak(): FocusState {
    return this.current.mode === 'off' ? this.current : this.moveTo({ mode: 'off' });
  }

  /** Throws a RangeError (with a message for the tech) for a length that has already run out. */
  startDnd(length: DndLength): FocusState {
    const now = this.clock.now();
    const until = untilOf(length, now);
    const state = this.current;
    const since = state.mode === 'dnd' ? state.since : now;
    const resumeTicket = state.mode === 'ticket' ? state.ticket : state.mode === 'dnd' ? state.resumeTicket : undefined;
    return this.moveTo(resumeTicket ? { mode: 'dnd', until, since, resumeTicket } : { mode: 'dnd', until, since });
  }

  endDnd(): FocusState {
    const state = this.current;
    return state.mode === 'dnd' ? this.moveTo(afterDnd(state, this.clock.now())) : state;
  }

  onChange(listener: Listener<FocusChange>): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** When the focus period running now began; null while focus is off. */
  get periodSince(): Date | null {
    return this.periodStart;
  }

  onFocusEnded(listener: Listener<FocusPeriod>): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /** Cancels the DND timer; the session says nothing more. */
  dispose(): void {
    this.cancelExpiry?.();
    this.cancelExpiry = undefined;
    this.changeListeners.clear();
    this.endListeners.clear();
  }

  /** `at`: when the change happened; a timer that fires late (after sleep) passes the time it was due. */
  private moveTo(next: FocusState, at: Date = this.clock.now()): FocusState {
    const previous = this.current;
    this.current = next;
    this.armExpiry();
    const ended = this.trackPeriod(next, at);
    // Listeners see the state already settled; one that throws doesn't stop
    // the others, and the error still reaches whoever made the change.
    const errors: unknown[] = [];
    deliver(this.changeListeners, { previous, next }, errors);
    if (ended) deliver(this.endListeners, ended, errors);
    rethrow(errors);
    return next;
  }

  private trackPeriod(next: FocusState, at: Date): FocusPeriod | undefined {
    const ticketId = ticketIdOf(next);
    if (ticketId !== undefined) this.lastTicketId = ticketId;
    if (next.mode !== 'off') {
      this.periodStart ??= at;
      return undefined;
    }
    if (this.periodStart === null) return undefined;
    const period: FocusPeriod = { started: this.periodStart, endedAt: at, ...(this.lastTicketId ? { ticketId: this.lastTicketId } : {}) };
    this.periodStart = null;
    this.lastTicketId = undefined;
    return period;
  }

  private armExpiry(): void {
    this.cancelExpiry?.();
    this.cancelExpiry = undefined;
    const state = this.current;
    if (state.mode !== 'dnd' || state.until === null) return;
    const until = state.until;
    this.cancelExpiry = this.clock.setTimer(until, () => {
      // A timer that fires after the DND was changed must not end a newer state. One that fires late (the
      // computer slept) still ends the DND at its time: the hours asleep were not spent in Focus.
      if (this.current === state) this.moveTo(afterDnd(state, until), until);
    });
  }
}

function untilOf(length: DndLength, now: Date): Date | null {
  if (length === 'until-off') return null;
  if ('minutes' in length) {
    if (!Number.isFinite(length.minutes) || length.minutes <= 0)
      throw new RangeError(`Do not disturb needs a positive number of minutes, not ${length.minutes}.`);
    return new Date(now.getTime() + length.minutes * MINUTE_MS);
  }
  if (!(length.until.getTime() > now.getTime())) {
    throw new RangeError(`Do not disturb can't end at ${length.until.toISOString()}: that time has already passed. Pick a later time.`);
  }
  return length.until;
}

function afterDnd(state: Extract<FocusState, { mode: 'dnd' }>, at: Date): FocusState {
  return state.resumeTicket ? { mode: 'ticket', ticket: state.resumeTicket, since: at } : { mode: 'off' };
}

function withoutResumeTicket(state: Extract<FocusState, { mode: 'dnd' }>): FocusState {
  return { mode: 'dnd', until: state.until, since: state.since };
}

function ticketIdOf(state: FocusState): string | undefined {
  if (state.mode === 'ticket') return state.ticket.id;
  if (state.mode === 'dnd') return state.resumeTicket?.id;
  return undefined;
}

function sameTicket(a: ActiveTicket, b: ActiveTicket): boolean {
  return (
    a.id === b.id &&
    a.summary === b.summary &&
    a.company === b.company &&
    a.contactName === b.contactName &&
    a.source === b.source &&
    a.contactNumbers.length === b.contactNumbers.length &&
    a.contactNumbers.every((n, i) => n === b.contactNumbers[i])
  );
}

function deliver<T>(listeners: Set<Listener<T>>, event: T, errors: unknown[]): void {
  for (const listener of [...listeners]) {
    try {
      listener(event);
    } catch (error) {
      errors.push(error);
    }
  }
}

function rethrow(errors: unknown[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'Several focus listeners failed.');
}
