import {
  SessionDescriptionHandlerError,
  type BodyAndContentType,
  type SessionDescriptionHandler,
  type SessionDescriptionHandlerModifier,
  type SessionDescriptionHandlerOptions,
} from 'sip.js';
import { messageOf } from '../../src-shared/errors.js';
import type { MediaBridge } from './media-bridge.js';

/**
 * Offer and answer wait for getUserMedia and ICE gathering in the window
 * (500 ms gathering cap), not only for the sub-millisecond hop: sized so a
 * cold microphone still makes it, short enough that a stuck window ends
 * in a clean 480 rather than a caller listening to nothing.
 */
export const DESCRIPTION_TIMEOUT_MS = 5_000;

/**
 * Main's sip.js sessions negotiate media through this handler: every
 * offer/answer, rollback, DTMF and close goes to the window's
 * RTCPeerConnection for the call (keyed by call id) over the IPC contract.
 * sip.js calls hasDescription and sendDtmf synchronously and close without
 * waiting, so those answer here; the SDP text is kept so DTMF can tell
 * RFC 4733 from SIP INFO without asking the window.
 *
 * Modifiers are functions and cannot cross IPC: they run here on the SDP
 * text (Focusline passes none today).
 */
export class ForwardingSessionDescriptionHandler implements SessionDescriptionHandler {
  private remoteSdp = '';
  private closed = false;

  constructor(
    private readonly callId: string,
    private readonly bridge: MediaBridge,
  ) {}

  /** The far end offered RFC 4733 telephone-events: DTMF goes in the media, else by SIP INFO. */
  get negotiatedTelephoneEvent(): boolean {
    return /a=rtpmap:\d+ telephone-event\//i.test(this.remoteSdp);
  }

  async getDescription(options?: SessionDescriptionHandlerOptions, modifiers?: SessionDescriptionHandlerModifier[]): Promise<BodyAndContentType> {
    const result = await this.ask('getDescription', { options: plain(options) });
    const body = typeof result['body'] === 'string' ? result['body'] : '';
    const type = result['type'] === 'answer' ? 'answer' : 'offer';
    if (!body) throw new SessionDescriptionHandlerError('The window returned no session description.');
    return { body: await applyModifiers(body, type, modifiers), contentType: 'application/sdp' };
  }

  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }

  async setDescription(sdp: string, options?: SessionDescriptionHandlerOptions, modifiers?: SessionDescriptionHandlerModifier[]): Promise<void> {
    // An offer or an answer: sip.js hands both here; the window's handler knows which from its signalling state.
    const modified = await applyModifiers(sdp, 'offer', modifiers);
    await this.ask('setDescription', { sdp: modified, options: plain(options) });
    this.remoteSdp = modified;
  }

  /** After glare (491 both ways) sip.js rolls back; the window's peer connection must, or sip.js ends the call. */
  async rollbackDescription(): Promise<void> {
    await this.ask('rollbackDescription', {});
  }

  sendDtmf(tones: string, options?: unknown): boolean {
    if (!this.negotiatedTelephoneEvent) return false;
    return this.bridge.notify(this.callId, 'sendDtmf', { tones, options: plain(options) });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.bridge.abandon(this.callId);
    this.bridge.notify(this.callId, 'close', {});
  }

  private async ask(method: 'getDescription' | 'setDescription' | 'rollbackDescription', args: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.closed) throw new SessionDescriptionHandlerError('The call’s media is closed.');
    try {
      return await this.bridge.request(this.callId, method, args, DESCRIPTION_TIMEOUT_MS);
    } catch (error) {
      // sip.js turns this error into a 480 (while answering) or a BYE: the caller is never left in silence.
      throw new SessionDescriptionHandlerError(`${method}: ${messageOf(error)}`);
    }
  }
}

/** SDH options are plain data (hold, offer options, constraints) except for anything a caller stuffed in: keep only JSON. */
function plain(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

async function applyModifiers(sdp: string, type: 'offer' | 'answer', modifiers: SessionDescriptionHandlerModifier[] | undefined): Promise<string> {
  let description: RTCSessionDescriptionInit = { type, sdp };
  for (const modifier of modifiers ?? []) description = await modifier(description);
  return description.sdp ?? sdp;
}
