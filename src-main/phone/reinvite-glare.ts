import type { Core, Session } from 'sip.js';

/** The parts of sip.js 0.21's Session (marked internal there) that glare handling needs. */
type SessionInternals = {
  pendingReinvite: boolean;
  pendingReinviteAck: boolean;
  onInviteRequest(request: Core.IncomingInviteRequest): void;
};

/**
 * Closes the two windows in which both ends' re-INVITEs (hold, resume, an
 * ICE restart) would run two offer/answer exchanges on one peer connection.
 * sip.js's core answers 491 only once our re-INVITE is on the wire; with the
 * media in the window, getting our offer takes a hop, and an offer from the
 * far end arriving meanwhile would hit a peer connection that is making its
 * own (it ends in 488, or in a BYE).
 *
 * - Theirs arrives while ours is being prepared: 491 (RFC 3261 §14.2), so
 *   they retry after their §14.1 wait.
 * - Ours is asked for while theirs is being answered: `crossing()` says so,
 *   and the phone waits and retries as for a 491.
 */
export function guardReinviteGlare(session: Session): void {
  const internals = session as unknown as SessionInternals;
  const original = internals.onInviteRequest.bind(session);
  internals.onInviteRequest = (request) => {
    if (internals.pendingReinvite) {
      request.reject({ statusCode: 491 });
      return;
    }
    original(request);
  };
}

/** The far end's re-INVITE is being answered (until its ACK): starting ours now would cross it. */
export function crossing(session: Session): boolean {
  return (session as unknown as SessionInternals).pendingReinviteAck;
}
