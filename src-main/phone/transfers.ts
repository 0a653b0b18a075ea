import type { Notification, Session, URI } from 'sip.js';
import { SessionState } from 'sip.js';
import { messageOf } from '../../src-shared/errors.js';
import type { CallTransfer, CallView, TransferMode } from '../ipc/contract.js';
import { parseSipfrag, referTo, referToReplacing, type ReferProgress } from './refer.js';

/** What the transfers need of the phone's calls (PhoneAgent). */
export type TransferHost = {
  call(callId: string): { session: Session; view: CallView } | undefined;
  patch(callId: string, patch: Partial<CallView>): void;
  /** Hold or resume one call (a re-INVITE and the window's sender), without touching the others. */
  setHold(callId: string, hold: boolean): Promise<void>;
  /** Dials the consult call (its INVITE carries `subject`); resolves with its id once the INVITE is on its way. */
  dial(target: string, subject: string | null): Promise<string>;
  /** The SIP URI for what the tech typed (a number, an extension, an address), or a clear error. */
  resolve(target: string): URI;
  hangup(callId: string): Promise<void>;
  /** Asks the window to mix (or stop mixing) the calls' audio. */
  media(callId: string, method: 'merge' | 'unmerge', args: Record<string, unknown>): Promise<void>;
  /** A transfer went through: the caller is with the target now (the ticket gets a note). */
  transferred(event: { caller: CallView; target: string; mode: 'blind' | 'warm' }): void;
  log(message: string): void;
};

/** How long the far end has to accept our REFER (202) before the caller is given back. */
const REFER_ACCEPT_MS = 10_000;
/** How long a blind transfer's target may ring before the transfer counts as failed (the caller comes back). */
const TRANSFER_FINAL_MS = 60_000;
/** After the target took the caller over (REFER with Replaces), how long we wait for its BYE on the consult call before hanging up ourselves. */
const REPLACED_BYE_MS = 5_000;

type Link = {
  callerId: string;
  consultId: string | null;
  target: string;
  timer?: ReturnType<typeof setTimeout>;
  /** The far end accepted our REFER (202, or a NOTIFY): a BYE from the caller now means it went to the target. */
  accepted?: boolean;
  /** A merge is being set up: a second click waits for it. */
  merging?: boolean;
};

/**
 * Blind and warm transfer, as the procedure asks ("always do a warm
 * transfer"): hold the caller, call the target, merge the three of you,
 * then leave, so the caller and the target go on without the tech.
 *
 * States of the caller's call (CallView.transfer):
 *   (none) --blind--> transferring --NOTIFY 2xx--> the tech hangs up: done
 *   (none) --warm---> consulting --merge--> merged
 *   consulting | merged --leave--> leaving --NOTIFY 2xx--> done (both legs end)
 * Every failure (REFER refused, a final NOTIFY >= 300, no word in time, the
 * consult call ending before leave) goes back to no transfer, with the
 * caller resumed and `reason` saying why: the caller is never left on hold
 * by a transfer that went wrong. Blind and leave wait for the far end's
 * final NOTIFY, not just the 202, since only it says the target answered.
 */
export class Transfers {
  /** Keyed by the caller's call id. */
  private readonly links = new Map<string, Link>();

  constructor(private readonly host: TransferHost) {}

  /** The call merged with this one (a three-way call), if any: holding one of them must not hold the other. */
  mergedWith(callId: string): string | undefined {
    const view = this.host.call(callId)?.view;
    return view?.transfer?.state === 'merged' ? (view.transfer.partnerId ?? undefined) : undefined;
  }

  /** Runs one transfer step; resolves when the step has been sent (blind: the far end accepted it), throws why not. */
  async start(callId: string, mode: TransferMode, to: string | undefined, subject: string | null): Promise<{ consultCallId?: string }> {
    const caller = this.host.call(callId);
    if (!caller) throw new Error('That call has ended.');
    switch (mode) {
      case 'blind':
        await this.blind(callId, requireTarget(to));
        return {};
      case 'warm':
        return { consultCallId: await this.warm(callId, requireTarget(to), subject) };
      case 'merge':
        await this.merge(this.linkFor(callId, to));
        return {};
      case 'leave':
        await this.leave(this.linkFor(callId, to));
        return {};
    }
  }

  /** A call ended: a transfer it was part of ends too, and a caller whose consult call ended comes back to the tech. */
  callEnded(callId: string): void {
    const asCaller = this.links.get(callId);
    if (asCaller) {
      // Many phones hang up on us as soon as their INVITE with Replaces is answered, before (or instead of) the
      // final NOTIFY: the caller is with the target. (During a blind transfer a BYE is as likely the caller giving up.)
      if (asCaller.accepted && this.host.call(callId)?.view.transfer?.state === 'leaving') {
        void this.succeeded(asCaller, 'warm');
        return;
      }
      this.forget(asCaller);
      if (asCaller.consultId) {
        // The caller hung up during the consult: the call to the target goes on as a normal call.
        void this.host.media(asCaller.consultId, 'unmerge', {}).catch(() => undefined);
        this.host.patch(asCaller.consultId, { transfer: null, reason: 'The caller hung up; the transfer is off.' });
      }
      return;
    }
    for (const link of this.links.values()) {
      if (link.consultId !== callId) continue;
      const view = this.host.call(link.callerId)?.view;
      if (view?.transfer?.state === 'leaving') return; // the target took the caller over (Replaces): leave() finishes it
      const ended = this.host.call(callId)?.view.reason;
      void this.giveBack(link, `The call to ${link.target} ended${ended ? ` (${ended})` : ''}; the caller is back with you.`);
      return;
    }
  }

  // ---- blind --------------------------------------------------------------------------------------------------------

  private async blind(callerId: string, to: string): Promise<void> {
    const caller = this.established(callerId);
    this.notBusy(callerId);
    const uri = this.host.resolve(to);
    const link: Link = { callerId, consultId: null, target: to };
    this.links.set(callerId, link);
    this.setState(link, 'transferring');
    try {
      await this.host.setHold(callerId, true);
      await this.refer(caller.session, referTo(uri), link, (outcome) => void this.finishBlind(link, outcome));
    } catch (error) {
      await this.giveBack(link, `Transfer to ${to} failed: ${messageOf(error)}. The caller is back with you.`);
      throw new Error(`Transfer to ${to} failed: ${messageOf(error)}. The caller is back with you.`, { cause: error });
    }
  }

  private async finishBlind(link: Link, outcome: ReferProgress | 'timeout'): Promise<void> {
    if (this.links.get(link.callerId) !== link) return;
    if (outcome !== 'timeout' && outcome.status < 300) {
      await this.succeeded(link, 'blind');
      return;
    }
    const why = outcome === 'timeout' ? 'nobody answered in time' : `${outcome.status} ${outcome.reason}`.trim();
    await this.giveBack(link, `Transfer to ${link.target} failed (${why}). The caller is back with you.`);
  }

  // ---- warm: consult, merge, leave --------------------------------------------------------------------------------

  private async warm(callerId: string, to: string, subject: string | null): Promise<string> {
    this.established(callerId);
    this.notBusy(callerId);
    const link: Link = { callerId, consultId: null, target: to };
    this.links.set(callerId, link);
    this.setState(link, 'consulting');
    try {
      await this.host.setHold(callerId, true);
      const consultId = await this.host.dial(to, subject);
      // The caller hung up while the target was being dialled: the transfer is off, the call to the target is a plain call.
      if (this.links.get(callerId) !== link) return consultId;
      // The consult call may already have failed (a fast 404) by the time dial() returns: then it is gone.
      if (!this.host.call(consultId)) throw new Error(this.endedReason(consultId));
      link.consultId = consultId;
      this.setState(link, 'consulting');
      return consultId;
    } catch (error) {
      const why = `Calling ${to} failed: ${messageOf(error)} The caller is back with you.`;
      await this.giveBack(link, why);
      throw new Error(why, { cause: error });
    }
  }

  private async merge(link: Link): Promise<void> {
    const consultId = this.connectedConsult(link);
    const state = this.host.call(link.callerId)?.view.transfer?.state;
    if (state === 'merged' || link.merging) return;
    if (state !== 'consulting') throw new Error('The transfer is already being completed.');
    link.merging = true;
    try {
      await this.host.setHold(consultId, false);
      await this.host.setHold(link.callerId, false);
      await this.mix(link, consultId);
    } finally {
      link.merging = false;
    }
  }

  /** The window mixes the two calls; on failure the caller goes back on hold (unmixed, each would hear only the tech). */
  private async mix(link: Link, consultId: string): Promise<void> {
    try {
      await this.host.media(link.callerId, 'merge', { callIds: [link.callerId, consultId] });
    } catch (error) {
      if (this.links.get(link.callerId) === link) {
        await this.host.setHold(link.callerId, true).catch(() => undefined);
        this.setState(link, 'consulting');
      }
      throw new Error(`The calls could not be merged: ${messageOf(error)}`, { cause: error });
    }
    // Either call may have ended while the window mixed: then callEnded() has already settled the transfer.
    if (this.links.get(link.callerId) !== link || !this.host.call(consultId)) {
      void this.host.media(link.callerId, 'unmerge', {}).catch(() => undefined);
      return;
    }
    this.setState(link, 'merged');
  }

  /** A window came back (a reload): its new peer connections are unmixed, so every three-way call is mixed again. */
  async remix(): Promise<void> {
    for (const link of [...this.links.values()]) {
      if (!link.consultId || this.host.call(link.callerId)?.view.transfer?.state !== 'merged') continue;
      await this.mix(link, link.consultId).catch((error: unknown) => {
        this.host.patch(link.callerId, { reason: `${messageOf(error)} The caller is on hold.`.slice(0, 256) });
      });
    }
  }

  private async leave(link: Link): Promise<void> {
    const consultId = this.connectedConsult(link);
    const caller = this.established(link.callerId);
    const consult = this.host.call(consultId);
    if (!consult) throw new Error(`The call to ${link.target} has ended.`);
    if (caller.view.transfer?.state === 'leaving') return;
    if (link.merging) throw new Error('A moment: the calls are still being merged.');
    const wasMerged = caller.view.transfer?.state === 'merged';
    this.setState(link, 'leaving');
    try {
      await this.refer(caller.session, referToReplacing(consult.session), link, (outcome) => void this.finishLeave(link, outcome, wasMerged));
    } catch (error) {
      const why = `Handing the caller to ${link.target} failed: ${messageOf(error)}.`;
      await this.backFromLeave(link, wasMerged, why);
      throw new Error(why, { cause: error });
    }
  }

  private async finishLeave(link: Link, outcome: ReferProgress | 'timeout', wasMerged: boolean): Promise<void> {
    if (this.links.get(link.callerId) !== link) return;
    if (outcome !== 'timeout' && outcome.status < 300) {
      await this.succeeded(link, 'warm');
      return;
    }
    const why = outcome === 'timeout' ? 'no answer from the caller’s phone' : `${outcome.status} ${outcome.reason}`.trim();
    await this.backFromLeave(link, wasMerged, `Handing the caller to ${link.target} failed (${why}).`);
  }

  /** The caller is with the target: this phone's legs end (the consult call by the target, with a fallback). */
  private async succeeded(link: Link, mode: 'blind' | 'warm'): Promise<void> {
    if (this.links.get(link.callerId) !== link) return;
    this.forget(link);
    this.host.patch(link.callerId, { reason: mode === 'warm' ? `Handed over to ${link.target}` : `Transferred to ${link.target}`, transfer: null });
    this.announce(link, mode);
    const consultId = link.consultId;
    const consult = consultId ? this.host.call(consultId) : undefined;
    if (consultId && consult) this.host.patch(consultId, { reason: `${link.target} took the caller over`, transfer: null });
    await this.host.hangup(link.callerId).catch(() => undefined);
    // The target ends our consult call itself when it takes the caller over (Replaces); if it doesn't, we do, and only that call.
    if (consultId && consult) {
      setTimeout(() => {
        if (this.host.call(consultId)?.session === consult.session) void this.host.hangup(consultId).catch(() => undefined);
      }, REPLACED_BYE_MS).unref?.();
    }
  }

  /** Leave failed: both calls are still up; the caller comes back to the tech, the target waits on hold. */
  private async backFromLeave(link: Link, wasMerged: boolean, why: string): Promise<void> {
    if (this.links.get(link.callerId) !== link) return;
    link.accepted = false;
    // The target hung up meanwhile: nothing to go back to but the caller.
    if (!link.consultId || !this.host.call(link.consultId)) {
      await this.giveBack(link, `${why} The caller is back with you.`);
      return;
    }
    if (wasMerged && link.consultId) await this.host.media(link.callerId, 'unmerge', {}).catch(() => undefined);
    this.setState(link, 'consulting');
    if (link.consultId) await this.host.setHold(link.consultId, true).catch(() => undefined);
    await this.host.setHold(link.callerId, false).catch((error: unknown) => this.host.log(`Resuming call ${link.callerId} failed: ${messageOf(error)}`));
    this.host.patch(link.callerId, { reason: `${why} The caller is back with you; ${link.target} is on hold.` });
  }

  // ---- REFER ------------------------------------------------------------------------------------------------------

  /**
   * Sends REFER and resolves once the far end accepted it (202); rejects with
   * the far end's answer. Its NOTIFYs then report the new call: `final` gets
   * the first final status, or 'timeout'.
   */
  private refer(session: Session, target: URI, link: Link, final: (outcome: ReferProgress | 'timeout') => void): Promise<void> {
    let settled = false;
    const finish = (outcome: ReferProgress | 'timeout') => {
      if (settled) return;
      settled = true;
      clearTimeout(link.timer);
      final(outcome);
    };
    return new Promise<void>((resolve, reject) => {
      let givenUp = false;
      const acceptTimer = setTimeout(() => {
        // Given up on: a 202 or NOTIFY that still comes later must not start a transfer the tech has moved on from.
        givenUp = true;
        reject(new Error('the far end did not answer the transfer request'));
      }, REFER_ACCEPT_MS);
      // The 202, or a NOTIFY (which can overtake a lost or late 202 on UDP): the far end is on it.
      let isAccepted = false;
      const accepted = () => {
        if (givenUp || isAccepted) return;
        isAccepted = true;
        link.accepted = true;
        clearTimeout(acceptTimer);
        if (!settled) link.timer = setTimeout(() => finish('timeout'), TRANSFER_FINAL_MS);
        resolve();
      };
      session
        .refer(target, {
          requestDelegate: {
            onAccept: () => accepted(),
            onReject: (response) => {
              clearTimeout(acceptTimer);
              const { statusCode, reasonPhrase } = response.message;
              reject(
                new Error(
                  statusCode === 405 || statusCode === 501
                    ? `the caller's phone can't be transferred (${statusCode} ${reasonPhrase})`
                    : `${statusCode} ${reasonPhrase}`,
                ),
              );
            },
          },
          onNotify: (notification: Notification) => {
            void notification.accept().catch(() => undefined);
            const progress = parseSipfrag(notification.request.body);
            // A late "180 Ringing" after the final answer, or a NOTIFY for a transfer already given up, changes nothing.
            if (!progress || settled || givenUp || this.links.get(link.callerId) !== link) return;
            accepted();
            if (progress.status >= 200) finish(progress);
            else this.host.patch(link.callerId, { reason: `Transferring to ${link.target}: ${progress.status} ${progress.reason}`.trim() });
          },
        })
        .catch((error: unknown) => {
          clearTimeout(acceptTimer);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  private announce(link: Link, mode: 'blind' | 'warm'): void {
    const caller = this.host.call(link.callerId)?.view;
    if (!caller) return;
    try {
      this.host.transferred({ caller, target: link.target, mode });
    } catch (error) {
      this.host.log(`Call ${link.callerId}: noting the transfer failed: ${messageOf(error)}`);
    }
  }

  /** Back to no transfer: the caller resumed (unless it has ended), the tech told why. */
  private async giveBack(link: Link, why: string): Promise<void> {
    this.forget(link);
    if (link.consultId) {
      void this.host.media(link.callerId, 'unmerge', {}).catch(() => undefined);
      this.host.patch(link.consultId, { transfer: null });
    }
    const caller = this.host.call(link.callerId);
    if (!caller) return;
    this.host.patch(link.callerId, { transfer: null, reason: why.slice(0, 256) });
    this.host.log(`Call ${link.callerId}: ${why}`);
    if (caller.session.state === SessionState.Established && caller.view.state === 'held') {
      await this.host.setHold(link.callerId, false).catch((error: unknown) => this.host.log(`Resuming call ${link.callerId} failed: ${messageOf(error)}`));
    }
  }

  private forget(link: Link): void {
    clearTimeout(link.timer);
    if (this.links.get(link.callerId) === link) this.links.delete(link.callerId);
  }

  private setState(link: Link, state: CallTransfer['state']): void {
    this.host.patch(link.callerId, { transfer: { role: 'caller', state, partnerId: link.consultId, target: link.target } });
    if (link.consultId) this.host.patch(link.consultId, { transfer: { role: 'consult', state, partnerId: link.callerId, target: link.target } });
  }

  private established(callId: string): { session: Session; view: CallView } {
    const call = this.host.call(callId);
    if (!call || call.session.state !== SessionState.Established) throw new Error('Only a connected call can be transferred.');
    return call;
  }

  private notBusy(callId: string): void {
    if (this.links.has(callId)) throw new Error('This call is already being transferred.');
    if (this.host.call(callId)?.view.transfer?.role === 'consult')
      throw new Error('This is the call to the transfer target: transfer the caller’s call instead.');
  }

  /** merge and leave are posted on the caller's call; `to`, when given, must name the consult call's target. */
  private linkFor(callId: string, to: string | undefined): Link {
    const link = this.links.get(callId);
    if (!link?.consultId) throw new Error('Start a warm transfer first (mode=warm): merge and leave act on the caller’s call and its consult call.');
    if (to !== undefined && to.trim() !== link.target) throw new Error(`This call is being transferred to ${link.target}, not ${to}.`);
    return link;
  }

  private connectedConsult(link: Link): string {
    const consultId = link.consultId;
    const consult = consultId ? this.host.call(consultId) : undefined;
    if (!consultId || !consult) throw new Error(`The call to ${link.target} has ended.`);
    if (consult.session.state !== SessionState.Established) throw new Error(`${link.target} has not answered yet.`);
    return consultId;
  }

  private endedReason(callId: string): string {
    return this.host.call(callId)?.view.reason || 'the call did not connect.';
  }
}

function requireTarget(to: string | undefined): string {
  const target = to?.trim() ?? '';
  if (!target) throw new Error('Say where to transfer the call: a number, an extension or a SIP address.');
  return target;
}
