import { messageOf } from '../../src-shared/errors.js';
import { handoffKey } from '../handoffs/outbox.js';
import { shownNumber, type CallOnRecord } from '../calls/call-caller.js';
import type { SettingsValues } from '../policy/schema.js';
import type { Ticketing } from './ticketing.js';

export type AttemptLoggingPorts = {
  ticketing: Pick<Ticketing, 'desk' | 'callerFromIndex' | 'outbox'>;
  settings: () => Pick<SettingsValues, 'psa.logAttempts'>;
  log: (message: string) => void;
};

/**
 * Every contact attempt goes into the PSA when policy asks
 * (`psa.logAttempts`): "not-rung" logs the calls Focus held back, "all" also
 * the calls that rang, once their outcome is known. On the ticket only when
 * the caller is its contact; otherwise on the caller's company or contact.
 */
export function createAttemptLogging(ports: AttemptLoggingPorts) {
  const { ticketing, settings, log } = ports;

  /** `key`: the handoff's idempotency key (one per attempt; one per returned call for callbacks). */
  const logAttempt = async (attempt: CallOnRecord, outcome: string, key = handoffKey('log-attempt', attempt.id)) => {
    if (!ticketing.desk.usesPsa()) return;
    // After the answer has gone back to the phone, and from the local index only: one live PSA search per held call would invite a 429 in a call storm.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      const caller = ticketing.callerFromIndex(attempt);
      const companyId = caller?.company?.id ?? caller?.person?.companyId;
      ticketing.outbox.enqueue({
        kind: 'log-attempt',
        idempotencyKey: key,
        payload: {
          ...(attempt.rule === 'ticket-contact' && attempt.ticketId ? { ticketId: attempt.ticketId } : {}),
          ...(caller?.person?.kind === 'contact' ? { contactId: caller.person.id } : {}),
          ...(companyId ? { companyId } : {}),
          callerNumber: shownNumber(attempt),
          callerName: caller?.person?.name ?? attempt.callerName,
          occurredAt: new Date(attempt.at).toISOString(),
          outcome,
          text: `${outcome}. ${attempt.reason}`,
          attemptId: attempt.id,
        },
      });
    } catch (error) {
      log(`Logging the call from ${shownNumber(attempt)} into the PSA failed: ${messageOf(error)}`);
    }
  };

  return {
    /** A call Focus held back (redirected, voicemail, busy, shown silently). */
    held(attempt: CallOnRecord, action: string): void {
      if (settings()['psa.logAttempts'] !== 'off') void logAttempt(attempt, `Held by Focus: ${action}`);
    },
    /**
     * "Return calls same day": each try to call the caller back is a contact
     * attempt too (answered or not), so the manager's trail shows the tries,
     * not only the call that finally got through.
     */
    calledBack(attempt: CallOnRecord, returnedCallId: string, outcome: string): void {
      if (settings()['psa.logAttempts'] === 'off') return;
      void logAttempt(attempt, `Called back: ${outcome}`, handoffKey('log-attempt', `${attempt.id}/callback/${returnedCallId}`));
    },
    /** A call that rang, with what became of it (the phone's history outcome). */
    rang(attempt: CallOnRecord, outcome: string): void {
      if (settings()['psa.logAttempts'] !== 'all') return;
      void logAttempt(attempt, outcome === 'answered' ? 'Rang; answered' : outcome === 'missed' ? 'Rang; missed (callback due today)' : 'Rang; declined');
    },
  };
}

export type AttemptLogging = ReturnType<typeof createAttemptLogging>;
