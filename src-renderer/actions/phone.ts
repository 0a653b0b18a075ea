import type { FocuslineApi, TransferMode } from '../../src-main/ipc/contract.js';
import { createCallWaitingTone, createRingtone } from '../media/audio-output.js';
import type { DeviceChoice } from '../media/media-endpoint.js';
import { usePhoneStore, type CallView } from '../state/phone-store.js';

/**
 * What the tech does with the phone, as the UI calls it: each click is a
 * command to main, where the SIP user agent runs. The window adds what only
 * it can: the ringtone on the ring device and the call-waiting beep in the
 * headset while main says a call rings, and a notification when the window
 * is in the background.
 */
export class Phone {
  private readonly ringtone = createRingtone();
  private readonly callWaitingTone = createCallWaitingTone();
  /** The notification of each call that rings, closed when it stops ringing (answered, missed, declined). */
  private readonly announced = new Map<string, Notification | null>();

  constructor(
    private readonly api: FocuslineApi,
    private devices: DeviceChoice,
  ) {
    usePhoneStore.subscribe((state, before) => {
      if (state.calls !== before.calls) this.updateAlerting(state.calls);
    });
  }

  setDevices(devices: DeviceChoice): void {
    this.devices = devices;
  }

  /** `callback`: returning this follow-up entry or voicemail; it counts as called back once the call connects. */
  async call(target: string, callback?: { attemptId?: string; voicemailId?: string }): Promise<string> {
    return (await this.api.invoke('phone.call', { target, ...(callback ? { callback } : {}) })).callId;
  }

  async callVoicemail(): Promise<void> {
    await this.api.invoke('phone.callVoicemail', {});
  }

  async answer(id: string): Promise<void> {
    await this.api.invoke('phone.answer', { callId: id });
  }

  async decline(id: string): Promise<void> {
    await this.api.invoke('phone.decline', { callId: id });
  }

  async hangup(id: string): Promise<void> {
    await this.api.invoke('phone.hangup', { callId: id });
  }

  async hold(id: string): Promise<void> {
    await this.api.invoke('phone.hold', { callId: id, hold: true });
  }

  async resume(id: string): Promise<void> {
    await this.api.invoke('phone.hold', { callId: id, hold: false });
  }

  /** Call waiting: only one call talks at a time, the rest wait on hold. */
  async switchTo(id: string): Promise<void> {
    await this.resume(id);
  }

  /** A transfer step (see phone.transfer); warm returns the consult call's id. */
  async transfer(id: string, mode: TransferMode, to?: string): Promise<string | undefined> {
    const r = await this.api.invoke('phone.transfer', { callId: id, mode, ...(to ? { to } : {}) });
    return r.consultCallId;
  }

  setMute(id: string, muted: boolean): void {
    void this.api.invoke('phone.mute', { callId: id, muted }).catch(() => {});
  }

  sendDtmf(id: string, tone: string): void {
    void this.api.invoke('phone.dtmf', { callId: id, tone }).catch(() => {});
  }

  /** Ring on the ring device when idle; a quiet beep in the headset when already on a call. */
  private updateAlerting(calls: readonly CallView[]): void {
    const ringing = calls.filter((c) => c.state === 'ringing' && c.direction === 'incoming' && !c.silent);
    const talking = calls.some((c) => c.state === 'active' || c.state === 'held' || c.state === 'early' || c.state === 'dialing');
    if (ringing.length > 0 && !talking) this.ringtone.start(this.devices.ringDeviceId);
    else this.ringtone.stop();
    if (ringing.length > 0 && talking) this.callWaitingTone.start(this.devices.speakerId);
    else this.callWaitingTone.stop();
    for (const call of ringing) {
      if (this.announced.has(call.id)) continue;
      this.announced.set(call.id, notifyIncoming(call));
    }
    const stillRinging = new Set(ringing.map((c) => c.id));
    for (const [id, notification] of this.announced) {
      if (stillRinging.has(id)) continue;
      notification?.close();
      this.announced.delete(id);
    }
  }
}

function notifyIncoming(view: CallView): Notification | null {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || document.hasFocus()) return null;
  const n = new Notification(`Incoming call: ${view.remoteName || view.remoteUri}`, { body: view.remoteUri, tag: view.id, requireInteraction: true });
  n.onclick = () => window.focus();
  return n;
}
