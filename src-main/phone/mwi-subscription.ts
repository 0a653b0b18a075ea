import { Subscriber, SubscriptionState, type Notification, type URI, type UserAgent } from 'sip.js';
import type { MwiView } from '../ipc/contract.js';
import { parseMessageSummary, type MessageSummary } from './message-waiting.js';

const EVENT = 'message-summary';
const ACCEPT = 'application/simple-message-summary';
const EXPIRES_S = 3600;

export type MwiUpdate = { state: 'pending' } | { state: 'active'; summary: MessageSummary } | { state: 'unavailable' };

/**
 * The phone's message-waiting subscription (RFC 3842) to the tech's own
 * mailbox. sip.js refreshes it; the phone calls subscribe() again after every
 * (re-)registration, because a subscription made over a transport that has
 * since died points the PBX at a contact nobody listens on any more.
 * A PBX that refuses it (489 Bad Event, 404...) only costs the count.
 */
export class MwiSubscription {
  private subscriber: Subscriber | undefined;
  /** Said once per phone start: a PBX without MWI refuses every resubscribe the same way. */
  private warned = false;
  private lastSummary: MessageSummary | undefined;

  constructor(
    private readonly ua: UserAgent,
    private readonly mailbox: URI,
    private readonly onUpdate: (update: MwiUpdate) => void,
    private readonly log: (message: string) => void,
  ) {}

  /** Starts a fresh subscription, replacing (and politely ending) any earlier one. */
  subscribe(): void {
    this.endCurrent();
    const subscriber = new Subscriber(this.ua, this.mailbox, EVENT, { expires: EXPIRES_S, extraHeaders: [`Accept: ${ACCEPT}`] });
    this.subscriber = subscriber;
    let notified = false;
    subscriber.delegate = {
      onNotify: (notification) => {
        notified = true;
        this.onNotify(subscriber, notification);
      },
    };
    subscriber.stateChange.addListener((state) => {
      if (state !== SubscriptionState.Terminated || this.subscriber !== subscriber) return;
      this.subscriber = undefined;
      this.warnOnce(
        notified
          ? `the PBX ended the voicemail (message-summary) subscription for ${this.mailbox.toString()}; the count stays unavailable until the phone reconnects.`
          : `the PBX refused or did not answer the voicemail (message-summary) SUBSCRIBE for ${this.mailbox.toString()}; no voicemail count is shown. Calls are not affected.`,
      );
      this.onUpdate({ state: 'unavailable' });
    });
    if (!this.lastSummary) this.onUpdate({ state: 'pending' });
    subscriber.subscribe().catch((error: unknown) => {
      if (this.subscriber !== subscriber) return;
      this.warnOnce(`could not send the voicemail (message-summary) SUBSCRIBE: ${String(error)}`);
      this.onUpdate({ state: 'unavailable' });
    });
  }

  /** Ends the subscription (un-SUBSCRIBE) without waiting for the PBX. */
  stop(): void {
    this.endCurrent();
    this.lastSummary = undefined;
  }

  private endCurrent(): void {
    const old = this.subscriber;
    this.subscriber = undefined;
    // dispose() waits for the PBX's final NOTIFY, which a dead old contact never gets.
    if (old) void old.dispose().catch(() => undefined);
  }

  private onNotify(subscriber: Subscriber, notification: Notification): void {
    void notification.accept().catch(() => undefined);
    if (this.subscriber !== subscriber) return;
    const body = notification.request.body;
    // A NOTIFY without a body only confirms the subscription (RFC 6665 allows it).
    if (!body) return;
    const summary = parseMessageSummary(body);
    if (!summary) {
      this.warnOnce(`the PBX sent a voicemail summary Focusline can't read: ${JSON.stringify(body.slice(0, 200))}`);
      return;
    }
    this.lastSummary = summary;
    this.onUpdate({ state: 'active', summary });
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    this.log(message);
  }
}

/** What the status bar shows for an update: a stale count is not kept once the PBX stops reporting. */
export function toMwiView(update: MwiUpdate, accessNumber: string, previous: MwiView | null): MwiView {
  if (update.state === 'active') {
    const { waiting, newCount, oldCount } = update.summary;
    return { state: 'active', waiting, newCount, oldCount, accessNumber };
  }
  if (update.state === 'pending' && previous) return { ...previous, state: 'pending', accessNumber };
  return { state: update.state, waiting: false, newCount: 0, oldCount: 0, accessNumber };
}
