import type { Invitation } from 'sip.js';
import { boundCallerFields, callerFieldsForWire, type BoundedCallerFields } from '../../src-shared/sip/caller-fields.js';

/**
 * Step 2 of an incoming call's path: what the caller sent (display name,
 * URIs, P-Asserted-Identity, Call-ID), read off the INVITE and cut to
 * bounds. Control characters are dropped from the display name, so a
 * caller can't forge lines in the log or the UI. An over-long field is cut
 * and flagged, never a reason to refuse or to ring the call.
 */
export function normaliseCaller(invitation: Invitation): BoundedCallerFields {
  const request = invitation.request;
  const raw = callerFieldsForWire({
    callId: request.callId,
    fromUri: invitation.remoteIdentity.uri.toString(),
    fromUser: invitation.remoteIdentity.uri.user ?? '',
    displayName: withoutControls(invitation.remoteIdentity.displayName ?? ''),
    assertedIdentity: request.getHeader('P-Asserted-Identity') ?? null,
    toUri: request.to.uri.toString(),
  });
  return boundCallerFields(raw);
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what this removes
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Removes control and bidi-override characters (they would reorder or break what the tech reads). */
export function withoutControls(text: string): string {
  return text.replace(CONTROLS, '');
}
