import { messageOf } from '../../src-shared/errors.js';
import type { CallerFields } from '../../src-shared/sip/caller-fields.js';
import type { Clock } from '../../src-shared/time/clock.js';
import type { Decision, HistoryEntry } from '../ipc/contract.js';
import { coalesce } from '../ipc/coalesce.js';
import type { EventBus } from '../ipc/event-bus.js';
import type { CommandHandlers } from '../ipc/router.js';
import type { AttemptLogging } from '../tickets/attempt-logging.js';
import { callOnRecord } from './call-caller.js';
import type { CallLog } from './call-log.js';
import { CallScreening, toAttemptView, type ScreeningDeps } from './call-screening.js';
import type { CallHistory } from './history.js';

export type CallsDeskPorts = {
  clock: Clock;
  callLog: CallLog;
  history: CallHistory;
  focusState: ScreeningDeps['focusState'];
  settings: ScreeningDeps['settings'];
  /** Coworkers from the PSA's members, when policy fills the directory from the PSA. */
  psaCoworkers: NonNullable<ScreeningDeps['psaCoworkers']>;
  /** Who presence says is offline: a held-back call isn't redirected to them. */
  offlineTargets?: ScreeningDeps['offlineTargets'];
  attempts: AttemptLogging;
  bus: EventBus;
  log: (message: string) => void;
};

type Handlers = Pick<CommandHandlers, 'history.list' | 'callLog.list' | 'callLog.handle' | 'reports.repeatCallers'>;

/**
 * The calls room's desk: every incoming call's decision (screening against
 * focus and policy, written to the call log), the phone's history, the
 * contact attempts to follow up and what became of them, and the
 * repeat-caller report. Owns `calls.suppressed`, `callLog.changed` and
 * `history.changed`.
 */
export function createCallsDesk(ports: CallsDeskPorts) {
  const { clock, callLog, history, attempts, bus, log } = ports;
  const screening = new CallScreening({
    callLog,
    focusState: ports.focusState,
    settings: ports.settings,
    now: () => clock.now(),
    psaCoworkers: ports.psaCoworkers,
    log,
    ...(ports.offlineTargets ? { offlineTargets: ports.offlineTargets } : {}),
  });
  /** The first caller directory, compiled in slices so the app stays responsive while a big one compiles. */
  const ready = screening.firstDirectory();
  const callLogPush = coalesce(() => bus.emit('callLog.changed', { unhandled: callLog.unhandled(200).map(toAttemptView) }));
  const historyPush = coalesce(() => bus.emit('history.changed', { entries: history.list(200) }));

  /** The phone's outcome for an incoming call updates its contact attempt: answered, or a callback to do. */
  const settleAttempt = (entry: HistoryEntry) => {
    // Held-back calls (redirected, rejected, voicemail) never rang: their attempt was settled when it was decided.
    if (entry.direction !== 'incoming' || entry.outcome === 'redirected' || entry.outcome === 'rejected' || entry.outcome === 'voicemail') return;
    const attempt = callLog.forCall(entry.id);
    if (!attempt || attempt.handled !== null) return;
    if (entry.outcome === 'answered') callLog.markHandled(attempt.id, 'answered', clock.now().getTime());
    else if (entry.outcome === 'missed') callLog.markMissed(attempt.id);
    else if (entry.outcome === 'declined') callLog.markHandled(attempt.id, 'dismissed', clock.now().getTime());
    callLogPush.request();
    attempts.rang(callOnRecord(callLog.get(attempt.id) ?? attempt), entry.outcome);
  };

  /**
   * Step 3 of an incoming call's path, called in-process by the phone: one
   * decision from one snapshot, its call-log row queued for this turn's
   * write, and the quiet entry for a call that won't ring.
   */
  const screen = (call: CallerFields, truncated: readonly string[]): Decision => {
    if (truncated.length > 0) log(`Call ${call.callId} from ${call.fromUri} sent over-long ${truncated.join(', ')}; cut to decide on it`);
    const { decision, attempt } = screening.screen(call);
    if (decision.action !== 'ring') {
      // The decision stands whatever its news does: a failed push or PSA note must never turn a held-back call into a ring.
      try {
        bus.emit('calls.suppressed', toAttemptView(attempt));
        callLogPush.request();
        attempts.held(callOnRecord(attempt), decision.action);
      } catch (error) {
        log(`Call ${call.callId}: held back, but telling the UI or the PSA failed: ${messageOf(error)}`);
      }
    }
    return decision;
  };

  const handlers: Handlers = {
    'history.list': ({ limit }) => ({ entries: history.list(limit) }),
    'callLog.list': ({ limit, unhandledOnly }) => ({ attempts: (unhandledOnly ? callLog.unhandled(limit) : callLog.list(limit)).map(toAttemptView) }),
    'callLog.handle': ({ attemptId, how }) => {
      const attempt = callLog.markHandled(attemptId, how, clock.now().getTime());
      if (!attempt) throw new Error('That call is no longer in the call log.');
      callLogPush.request();
      return toAttemptView(attempt);
    },
    'reports.repeatCallers': ({ days }) => {
      // The same report as Insights' repeat callers, so the same policy turns it off.
      if (!ports.settings()['insights.visible']) throw new Error('Reports are turned off by your organization (policy insights.visible).');
      const to = clock.now().getTime();
      const rows = callLog.repeatCallers(to - days * 86_400_000, to + 1);
      return {
        rows: rows.map((r) => ({ ...r, callerName: r.callerName ?? '', firstAt: new Date(r.firstAt).toISOString(), lastAt: new Date(r.lastAt).toISOString() })),
      };
    },
  };

  return {
    handlers,
    screen,
    /** The decision threw (a bug in main): the call rang, and the call log must say why. */
    recordFallback(call: CallerFields, reason: string) {
      screening.recordFallback(call, reason);
      callLogPush.request();
    },
    /** Focusline's voicemail could not take the call (no window, or it can't play audio): it went to `target`, or got 480. */
    voicemailHandedOn(callId: string, target: string | undefined, reason: string) {
      const attempt = callLog.forCall(callId);
      if (!attempt) return;
      callLog.reroute(attempt.id, target ? 'redirect' : 'reject', target ?? '', reason);
      callLogPush.request();
    },
    /** Resolves when every decision's row so far is on disk: the phone answers callers only after. */
    logged: () => callLog.written(),
    /** The phone's record of a call that ended: the history, and what became of its contact attempt. */
    callEnded(entry: HistoryEntry) {
      history
        .record(entry)
        .then(() => historyPush.request())
        .catch((error: unknown) => log(`Could not save call ${entry.id} to history: ${messageOf(error)}`));
      settleAttempt(entry);
    },
    /** Policy or the PSA's coworkers changed: compile the caller directory now, not on the next incoming call. */
    rescreen: () => void screening.warm(),
    /** Resolves when the first caller directory is in place: the phone registers after it, so no call is decided without it. */
    ready: () => ready,
    /** Another room changed the call log (a ticket or note made from a call, a voicemail handled). */
    callLogChanged: () => callLogPush.request(),
    close() {
      callLogPush.cancel();
      historyPush.cancel();
    },
  };
}

export type CallsDesk = ReturnType<typeof createCallsDesk>;
