import { URI, type Session } from 'sip.js';

/**
 * The pieces of a SIP transfer (RFC 3515 REFER, RFC 5589 call transfer,
 * RFC 3891 Replaces) that are plain data: the Refer-To we send, the sipfrag
 * progress we read, and the Subject we carry. The flows are in transfers.ts.
 */

/** A far end that accepted our REFER reports the new call's progress in NOTIFYs: "SIP/2.0 180 Ringing". */
export type ReferProgress = { status: number; reason: string };

/** The status line of a message/sipfrag body, or null when it isn't one (a far end's garbage never ends a call). */
export function parseSipfrag(body: string | undefined): ReferProgress | null {
  const line = (body ?? '').split(/\r?\n/, 1)[0]?.trim() ?? '';
  const match = /^SIP\/2\.0 ([1-6]\d\d)(?: (.{0,200}))?/.exec(line);
  if (!match) return null;
  return { status: Number(match[1]), reason: (match[2] ?? '').replace(/\p{Cc}/gu, '').trim() };
}

/**
 * A Refer-To URI, always in angle brackets: sip.js writes a URI target bare,
 * and a bare URI carrying `?Replaces=` is not a valid header value (RFC 3261
 * §20: a URI with "?" must be enclosed in < >).
 */
class ReferToUri extends URI {
  override toString(): string {
    return `<${super.toString()}>`;
  }
}

/** A blind transfer's target. */
export function referTo(target: URI): URI {
  return new ReferToUri(target.scheme, target.user ?? '', target.host, target.port, { ...target.parameters });
}

/**
 * An attended transfer's target: the consult call's far end, by its address
 * of record (the To we dialled), with Replaces naming the consult dialog.
 * Not the far end's Contact, which sip.js would use: behind a proxy a
 * browser phone's Contact is a ".invalid" host that only the proxy's
 * in-dialog routing can reach, while a fresh INVITE to the AOR finds every
 * registered device, and the one holding the dialog takes it over.
 */
export function referToReplacing(consult: Session): URI {
  const dialog = consult.dialog;
  if (!dialog) throw new Error('The call to the transfer target is not connected yet.');
  const aor = consult.remoteIdentity.uri;
  const replaces = `${dialog.callId};to-tag=${dialog.remoteTag};from-tag=${dialog.localTag}`;
  return new ReferToUri(aor.scheme, aor.user ?? '', aor.host, aor.port, {}, { Replaces: [encodeURIComponent(replaces)] });
}

const SUBJECT_MAX = 200;

/** A Subject header value: one line, bounded. Ours and the far end's alike (a header from the network is shown, never trusted). */
export function cleanSubject(text: string | undefined): string | null {
  const clean = (text ?? '')
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, SUBJECT_MAX);
  return clean === '' ? null : clean;
}

/**
 * An address on the tech's own phone system that is not a way out of it:
 * a named user or queue ("tech2", "reception") or a short extension, on the
 * account's own domain. A REFER from the far end is followed only to such
 * targets (a stranger must not make us dial a premium number through our
 * PBX), and a ticket's subject goes only to them (it is the MSP's business).
 */
export function isInternalTarget(uri: URI, accountHost: string): boolean {
  if (!accountHost || uri.host.toLowerCase() !== accountHost.toLowerCase()) return false;
  const user = uri.user ?? '';
  return /^[A-Za-z][A-Za-z0-9._-]{0,63}$/.test(user) || /^[0-9]{2,6}$/.test(user);
}
