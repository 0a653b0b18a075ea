import type { ContactAttempt } from './call-log.js';

/**
 * Who called, as the call log knows them, for the rooms that act on a call
 * (tickets, notes, PSA logging, voicemail). Domain values: the wire's
 * AttemptView is made from the same attempt at the desk's edge.
 */
export type CallOnRecord = {
  id: string;
  /** ms since the epoch. */
  at: number;
  callerUri: string;
  /** What the tech would dial back; null when the caller withheld their number. */
  callerNumber: string | null;
  /** The display name the caller's phone sent ('' when it only repeated the number). */
  callerName: string;
  rule: string;
  reason: string;
  ticketId: string | null;
  repeatCaller: boolean;
};

/** Shown where a withheld caller's number would be. */
export const WITHHELD_NUMBER_TEXT = 'Withheld number';

export function callOnRecord(a: ContactAttempt): CallOnRecord {
  const callerNumber = a.callerKey === 'anonymous' ? null : dialableNumber(a.callerUri);
  return {
    id: a.id,
    at: a.at,
    callerUri: a.callerUri,
    callerNumber,
    // Many phones send their number as the display name too: don't say it twice.
    callerName: a.callerName === (callerNumber ?? WITHHELD_NUMBER_TEXT) ? '' : a.callerName,
    rule: a.rule,
    reason: a.reason,
    ticketId: a.ticketId,
    repeatCaller: a.repeatCaller,
  };
}

/** The caller's number as people read it: the number, or "Withheld number". */
export function shownNumber(call: Pick<CallOnRecord, 'callerNumber'>): string {
  return call.callerNumber ?? WITHHELD_NUMBER_TEXT;
}

/** "sip:+15550101@pbx;user=phone" → "+15550101": what the tech would dial back. */
/** The user part of a caller's SIP or tel URI: what the tech would dial back. */
export function dialableNumber(uri: string): string {
  const m = /^(?:sips?|tel):([^@;?]+)/i.exec(uri);
  return m?.[1] ?? uri;
}
