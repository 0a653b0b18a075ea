import type { Clock } from '../../src-shared/time/clock.js';
import { messageOf } from '../../src-shared/errors.js';
import type { FocusPeriods, RunningFocus } from './focus-periods.js';
import type { FocusPeriod } from './focus-session.js';
import type { FocusState } from './types.js';

/** How often a running period's row says "still running": the most a crash or power cut can cost. */
export const FOCUS_BEAT_MS = 60_000;

export type FocusPeriodRecorderPorts = {
  periods: Pick<FocusPeriods, 'open' | 'seen' | 'close' | 'closeDangling'>;
  clock: Clock;
  log: (line: string) => void;
};

/**
 * Writes the focus periods as they happen (see focus-periods.ts for the row's
 * states): the row is opened when focus starts, beats every minute through
 * the injected clock while it runs, and is closed when the period ends. A
 * failed write is logged, never thrown: Insights is a report, and focus (the
 * phone's decisions) must not stop over it.
 */
export class FocusPeriodRecorder {
  private openId: number | null = null;
  private cancelBeat: (() => void) | undefined;
  private latest: RunningFocus = { ticketId: null, endsBy: null };

  constructor(private readonly ports: FocusPeriodRecorderPorts) {
    this.guard('closing the focus period left open at the last quit', () => ports.periods.closeDangling());
  }

  /** Focus is on (it just started at `startedAt`, or it changed while running). */
  focusOn(startedAt: Date, state: FocusState): void {
    this.latest = runningOf(state);
    const now = this.ports.clock.now().getTime();
    if (this.openId === null) {
      this.guard('recording the start of a focus period', () => {
        this.openId = this.ports.periods.open(startedAt.getTime(), now, this.latest);
      });
      this.armBeat();
    } else {
      const id = this.openId;
      this.guard('recording a focus change', () => this.ports.periods.seen(id, now, this.latest));
    }
  }

  ended(period: FocusPeriod): void {
    this.stopBeat();
    const ticketId = period.ticketId ?? null;
    this.guard('recording the end of a focus period', () => {
      const id = this.openId ?? this.ports.periods.open(period.started.getTime(), period.started.getTime(), { ticketId, endsBy: null });
      this.ports.periods.close(id, period.endedAt.getTime(), ticketId);
    });
    this.openId = null;
  }

  /** Stops the beat; the open row stays open and is closed at its last beat by the next start. */
  dispose(): void {
    this.stopBeat();
  }

  private armBeat(): void {
    this.stopBeat();
    const at = new Date(this.ports.clock.now().getTime() + FOCUS_BEAT_MS);
    this.cancelBeat = this.ports.clock.setTimer(at, () => {
      this.cancelBeat = undefined;
      const id = this.openId;
      if (id === null) return;
      this.guard('noting that focus is still on', () => this.ports.periods.seen(id, this.ports.clock.now().getTime(), this.latest));
      this.armBeat();
    });
  }

  private stopBeat(): void {
    this.cancelBeat?.();
    this.cancelBeat = undefined;
  }

  private guard(what: string, fn: () => unknown): void {
    try {
      fn();
    } catch (error) {
      this.ports.log(`Insights may miss some time in Focus: ${what} failed: ${messageOf(error)}`);
    }
  }
}

/** A timed DND with no ticket waiting ends focus by itself at `until`; anything else runs until told. */
function runningOf(state: FocusState): RunningFocus {
  const ticketId = state.mode === 'ticket' ? state.ticket.id : state.mode === 'dnd' ? (state.resumeTicket?.id ?? null) : null;
  const endsBy = state.mode === 'dnd' && state.resumeTicket === undefined && state.until !== null ? state.until.getTime() : null;
  return { ticketId, endsBy };
}
