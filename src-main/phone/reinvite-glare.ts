import { SessionState, type Core, type Session } from 'sip.js';
import { messageOf } from '../../src-shared/errors.js';

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

/** RFC 3261 §14.1: after a 491 the owner of the Call-ID waits 2.1–4 s, the other side 0–2 s, then tries again. */
const GLARE_RETRIES = 2;

const chains = new WeakMap<Session, Promise<void>>();

/**
 * A re-INVITE (hold, resume, ICE restart, fresh media for a new window),
 * one at a time per call, retried after glare as RFC 3261 §14.1 says:
 * sip.js itself does not retry. Rejects with a text for the tech when the
 * far end refuses for another reason.
 */
export function reinvite(
  session: Session,
  options: Record<string, unknown>,
  how: { ownsCallId: boolean; log: (message: string) => void; callId: string },
): Promise<void> {
  const run = (chains.get(session) ?? Promise.resolve()).then(() => reinviteWithRetries(session, options, how));
  chains.set(
    session,
    run.catch(() => undefined),
  );
  return run;
}

async function reinviteWithRetries(session: Session, options: Record<string, unknown>, how: { ownsCallId: boolean; log: (m: string) => void; callId: string }) {
  for (let attempt = 0; ; attempt++) {
    const outcome = await reinviteOnce(session, options);
    if (outcome === 'ok') return;
    if (outcome !== 491 || attempt >= GLARE_RETRIES || session.state !== SessionState.Established) {
      const what = options['hold'] === true ? 'hold' : options['hold'] === false ? 'resume' : 'renegotiation';
      throw new Error(`The other side refused ${what} (${outcome}).`);
    }
    const waitMs = Math.round(how.ownsCallId ? 2_100 + Math.random() * 1_900 : Math.random() * 2_000);
    how.log(`Call ${how.callId}: our re-INVITE crossed the other side's (491, glare); trying again in ${waitMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

function reinviteOnce(session: Session, options: Record<string, unknown>): Promise<'ok' | number | string> {
  if (crossing(session)) return Promise.resolve(491);
  session.sessionDescriptionHandlerOptionsReInvite = options;
  return new Promise((resolve) => {
    session
      .invite({
        requestDelegate: {
          onAccept: () => resolve('ok'),
          onReject: (r) => resolve(r.message.statusCode === 491 ? 491 : `${r.message.statusCode} ${r.message.reasonPhrase}`),
        },
      })
      // sip.js refuses to start a re-INVITE while another is still open on the call: the same crossing as a 491.
      .catch((error: unknown) => resolve(/ongoing re-INVITE|Reinvite in progress/i.test(messageOf(error)) ? 491 : messageOf(error)));
  });
}
