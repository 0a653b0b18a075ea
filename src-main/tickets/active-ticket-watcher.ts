import type { Clock } from '../../src-shared/time/clock.js';
import { PsaError, type PsaAdapter, type PsaTicket } from './psa.js';
import { messageOf } from '../../src-shared/errors.js';

/**
 * Follows the PSA's idea of "the ticket the tech is working on" and turns
 * its changes into focus actions. Only CHANGES count: when the tech stops
 * Focus by hand while the PSA still says "working on #1042", the next poll
 * (still #1042) does nothing, so the tech's override holds until the PSA
 * itself moves on. PSA state lags, so the app's own Start/Stop always wins.
 */

export type WatchAction = { kind: 'engage'; ticket: PsaTicket } | { kind: 'release'; ticketId: string } | { kind: 'none' };

/**
 * Pure: what to do when the PSA's active ticket goes from `previous` to
 * `observed`. `undefined` previous: the first look since start. `focused`:
 * the ticket Focus is on now (by any means).
 */
export function watchAction(previous: PsaTicket | null | undefined, observed: PsaTicket | null, focused: string | undefined, autoEngage: boolean): WatchAction {
  if (!autoEngage) return { kind: 'none' };
  const before = previous?.id;
  const now = observed?.id;
  if (previous !== undefined && before === now) return { kind: 'none' };
  if (observed) return focused === observed.id ? { kind: 'none' } : { kind: 'engage', ticket: observed };
  // Work stopped in the PSA: release only the ticket the PSA had started.
  if (before !== undefined && focused === before) return { kind: 'release', ticketId: before };
  return { kind: 'none' };
}

export type PollPace = { baseMs: number; maxMs: number };

/**
 * Pure: the wait before the next poll. Back off when the PSA is slow, limits
 * the rate (its Retry-After wins) or fails; come back to the base pace as
 * soon as it answers promptly.
 */
export function nextPollDelayMs(pace: PollPace, currentMs: number, outcome: { ok: true; tookMs: number } | { ok: false; error: unknown }): number {
  if (outcome.ok) return outcome.tookMs > SLOW_ANSWER_MS ? Math.min(pace.maxMs, Math.max(pace.baseMs, currentMs) * 2) : pace.baseMs;
  const doubled = Math.min(pace.maxMs, Math.max(pace.baseMs, currentMs) * 2);
  if (outcome.error instanceof PsaError && outcome.error.retryAfterMs !== undefined)
    return Math.min(pace.maxMs * 2, Math.max(doubled, outcome.error.retryAfterMs));
  return doubled;
}

/** An answer slower than this means the PSA is struggling: ask less often. */
export const SLOW_ANSWER_MS = 3_000;

export type WatcherState = {
  lastPollAt: number | null;
  lastError: string | null;
  nextDelayMs: number;
  observed: PsaTicket | null | undefined;
};

export type ActiveTicketWatcherOptions = {
  adapter: PsaAdapter;
  clock: Clock;
  /** Read before every wait, so a policy change of the poll interval applies at once. */
  pace: () => PollPace;
  /** The PSA's last answer before a reconnect to the same PSA: only changes from it act. */
  initialObserved?: PsaTicket | null;
  autoEngage: () => boolean;
  focusedTicketId: () => string | undefined;
  act: (action: Exclude<WatchAction, { kind: 'none' }>) => void | Promise<void>;
  onState?: (state: WatcherState) => void;
  log?: (message: string) => void;
};

export class ActiveTicketWatcher {
  private state: WatcherState;
  private cancelTimer: (() => void) | undefined;
  private inFlight: AbortController | undefined;
  private running = false;

  constructor(private readonly options: ActiveTicketWatcherOptions) {
    this.state = { lastPollAt: null, lastError: null, nextDelayMs: options.pace().baseMs, observed: options.initialObserved };
  }

  get current(): WatcherState {
    return this.state;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.inFlight?.abort(new Error('stopped'));
  }

  /** Ask now (the tech pressed refresh, or the app woke from sleep). */
  pollNow(): Promise<void> {
    this.cancelTimer?.();
    return this.poll();
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.cancelTimer?.();
    this.cancelTimer = this.options.clock.setTimer(new Date(this.options.clock.now().getTime() + delayMs), () => void this.poll());
  }

  private async poll(): Promise<void> {
    if (this.inFlight) return;
    const controller = new AbortController();
    this.inFlight = controller;
    const started = this.options.clock.now().getTime();
    let delay: number;
    try {
      const observed = await this.options.adapter.activeTicket({ signal: controller.signal });
      const took = this.options.clock.now().getTime() - started;
      const action = watchAction(this.state.observed, observed, this.options.focusedTicketId(), this.options.autoEngage());
      delay = nextPollDelayMs(this.options.pace(), this.state.nextDelayMs, { ok: true, tookMs: took });
      this.update({ observed, lastError: null, lastPollAt: started, nextDelayMs: delay });
      if (action.kind !== 'none') await this.options.act(action);
    } catch (error) {
      delay = nextPollDelayMs(this.options.pace(), this.state.nextDelayMs, { ok: false, error });
      const message = messageOf(error);
      if (message !== this.state.lastError) this.options.log?.(`Active ticket: ${message}`);
      this.update({ lastError: message, lastPollAt: started, nextDelayMs: delay });
    } finally {
      this.inFlight = undefined;
    }
    this.schedule(delay);
  }

  private update(patch: Partial<WatcherState>): void {
    this.state = { ...this.state, ...patch };
    this.options.onState?.(this.state);
  }
}
