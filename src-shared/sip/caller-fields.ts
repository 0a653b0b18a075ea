/**
 * What a caller sends (display name, URIs, P-Asserted-Identity, Call-ID) is
 * bounded before anything acts on it: an over-long field is cut, never a
 * reason to refuse the message or to skip the decision. A call whose fields
 * were too long was once refused by the IPC contract, and the phone rang it
 * "to be safe": a blocked caller rang through Do-not-disturb by padding a
 * header. The same bounds run in the window (before it asks main) and in
 * main (before it decides), so both name a call the same way.
 */

export const CALLER_FIELD_LIMITS = {
  /** Also the history's id: every record of a call is keyed by it. */
  callId: 200,
  fromUri: 512,
  fromUser: 256,
  displayName: 256,
  assertedIdentity: 512,
  toUri: 512,
} as const;

export type CallerFields = {
  callId: string;
  fromUri: string;
  fromUser: string;
  displayName: string;
  assertedIdentity: string | null;
  toUri: string;
};

/**
 * The most of any one field that crosses from the SIP edge to the decision
 * (over IPC): far above CALLER_FIELD_LIMITS, so the decision still sees
 * that a field was too long and logs it, but a bound on what one message carries.
 */
export const CALLER_FIELD_WIRE_MAX = 16 * 1024;

/** The fields as they go over IPC: as sent, cut only at CALLER_FIELD_WIRE_MAX. */
export function callerFieldsForWire(raw: CallerFields): CallerFields {
  const cap = (value: string) => (value.length > CALLER_FIELD_WIRE_MAX ? value.slice(0, CALLER_FIELD_WIRE_MAX) : value);
  return {
    callId: cap(raw.callId),
    fromUri: cap(raw.fromUri),
    fromUser: cap(raw.fromUser),
    displayName: cap(raw.displayName),
    assertedIdentity: raw.assertedIdentity === null ? null : cap(raw.assertedIdentity),
    toUri: cap(raw.toUri),
  };
}

/** The id of a call from its raw Call-ID, exactly as the decision names it (wire cap, then bound). */
export function callKey(rawCallId: string): string {
  return boundCallId(rawCallId.length > CALLER_FIELD_WIRE_MAX ? rawCallId.slice(0, CALLER_FIELD_WIRE_MAX) : rawCallId);
}

export type BoundedCallerFields = { call: CallerFields; truncated: (keyof CallerFields)[] };

/**
 * A Call-ID over the bound keeps its start and gains a hash of the whole, so
 * two long Call-IDs that share a prefix still name two calls.
 */
export function boundCallId(callId: string): string {
  const max = CALLER_FIELD_LIMITS.callId;
  if (callId.length <= max) return callId;
  return `${callId.slice(0, max - 17)}~${fnv1a64(callId)}`;
}

export function boundCallerFields(raw: CallerFields): BoundedCallerFields {
  const truncated: (keyof CallerFields)[] = [];
  const cut = (key: Exclude<keyof CallerFields, 'callId' | 'assertedIdentity'>): string => {
    const value = raw[key];
    if (value.length <= CALLER_FIELD_LIMITS[key]) return value;
    truncated.push(key);
    return `${value.slice(0, CALLER_FIELD_LIMITS[key] - 1)}…`;
  };
  const callId = boundCallId(raw.callId);
  if (callId !== raw.callId) truncated.push('callId');
  let assertedIdentity = raw.assertedIdentity;
  if (assertedIdentity !== null && assertedIdentity.length > CALLER_FIELD_LIMITS.assertedIdentity) {
    truncated.push('assertedIdentity');
    assertedIdentity = `${assertedIdentity.slice(0, CALLER_FIELD_LIMITS.assertedIdentity - 1)}…`;
  }
  return {
    call: { callId, fromUri: cut('fromUri'), fromUser: cut('fromUser'), displayName: cut('displayName'), assertedIdentity, toUri: cut('toUri') },
    truncated,
  };
}

/** FNV-1a, 64 bits, as 16 hex digits: a stable, runtime-neutral fingerprint (not a security hash). */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
