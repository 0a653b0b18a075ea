import { Subscriber, SubscriptionState, UserAgent, type Notification } from 'sip.js';
import type { PresenceState } from '../../src-shared/vocabulary.js';
import { PIDF_CONTENT_TYPE, readPresence, type PresenceReading } from './presence-document.js';

/** A subscription lasts this long; sip.js refreshes it before it runs out. */
const SUBSCRIBE_EXPIRES_S = 600;
/** A subscription the server ended is made again after this, while the line is up. */
const RESUBSCRIBE_MS = 60_000;
/** One in-dialog refresh this long after the first NOTIFY (see recheck()). */
const RECHECK_MS = 2_000;

/** Someone whose presence Focusline follows: a coworker, or the service manager calls are redirected to. */
export type Watched = { uri: string; name: string; role: 'coworker' | 'service-manager' };

export type WatchedPresence = Watched & PresenceReading;

type Timer = ReturnType<typeof setTimeout> | undefined;
type Entry = { watched: Watched; reading: PresenceReading; subscriber: Subscriber | undefined; retry: Timer; recheck: Timer };

/**
 * The phone's presence subscriptions (RFC 6665 `Event: presence`): one
 * sip.js Subscriber per watched person, each NOTIFY read into a state
 * (presence-document.ts). Like the MWI subscription, every one is made anew
 * after each (re-)registration (`lineUp`): a subscription lives on the
 * connection it was made over, and a restarted server forgot it. The old
 * dialog's un-SUBSCRIBE then gets 481, which is expected.
 *
 * Until the first NOTIFY, or when the server refuses the subscription, a
 * person is 'unknown', never 'offline': only the server saying so (no body,
 * no tuple, `closed`) makes someone offline.
 */
export class PresenceWatch {
  private readonly entries = new Map<string, Entry>();
  private ua: UserAgent | undefined;
  private warned = false;

  constructor(
    private readonly changed: () => void,
    private readonly log: (message: string) => void,
  ) {}

  /** Who to follow; people no longer listed are unsubscribed, new ones subscribed (when the line is up). */
  follow(people: readonly Watched[]): void {
    const wanted = new Map(people.map((p) => [p.uri, p]));
    let touched = false;
    for (const [uri, entry] of this.entries) {
      if (wanted.has(uri)) continue;
      this.end(entry);
      this.entries.delete(uri);
      touched = true;
    }
    for (const [uri, watched] of wanted) {
      const entry = this.entries.get(uri);
      if (entry) {
        if (entry.watched.name !== watched.name || entry.watched.role !== watched.role) touched = true;
        entry.watched = watched;
        continue;
      }
      const fresh: Entry = { watched, reading: { state: 'unknown', note: '' }, subscriber: undefined, retry: undefined, recheck: undefined };
      this.entries.set(uri, fresh);
      touched = true;
      if (this.ua) this.subscribe(fresh, this.ua);
    }
    if (touched) this.changed();
  }

  /** The phone (re-)registered: fresh subscriptions over this connection for everyone. */
  lineUp(ua: UserAgent): void {
    this.ua = ua;
    for (const entry of this.entries.values()) this.subscribe(entry, ua);
  }

  /** The phone stopped: every subscription ends and nobody's state is known any more. */
  lineDown(): void {
    this.ua = undefined;
    for (const entry of this.entries.values()) {
      this.end(entry);
      entry.reading = { state: 'unknown', note: '' };
    }
    this.changed();
  }

  stateOf(uri: string): PresenceState {
    return this.entries.get(uri)?.reading.state ?? 'unknown';
  }

  list(): WatchedPresence[] {
    return [...this.entries.values()].map(({ watched, reading }) => ({ ...watched, ...reading }));
  }

  private subscribe(entry: Entry, ua: UserAgent): void {
    this.end(entry);
    const target = UserAgent.makeURI(entry.watched.uri);
    if (!target) return;
    const subscriber = new Subscriber(ua, target, 'presence', { expires: SUBSCRIBE_EXPIRES_S, extraHeaders: [`Accept: ${PIDF_CONTENT_TYPE}`] });
    entry.subscriber = subscriber;
    let heard = false;
    subscriber.delegate = {
      onNotify: (notification) => {
        if (!heard) entry.recheck = setTimeout(() => this.recheck(entry, subscriber), RECHECK_MS);
        heard = true;
        this.notified(entry, subscriber, notification);
      },
    };
    subscriber.stateChange.addListener((state) => {
      if (state !== SubscriptionState.Terminated || entry.subscriber !== subscriber) return;
      entry.subscriber = undefined;
      this.setReading(entry, { state: 'unknown', note: '' });
      // Refused outright (no presence on this PBX, no hint for this person): it would be refused again, so the
      // next try is after the next registration. Ended after NOTIFYs (the server timed it out): again soon.
      if (!heard) {
        this.warnOnce(`the PBX refused the presence subscription to ${entry.watched.uri}; their state shows as unknown. Calls are not affected.`);
        return;
      }
      this.warnOnce(`the PBX ended the presence subscription to ${entry.watched.uri}; subscribing again in ${RESUBSCRIBE_MS / 1000} s.`);
      entry.retry = setTimeout(() => {
        entry.retry = undefined;
        if (this.ua && this.entries.get(entry.watched.uri) === entry) this.subscribe(entry, this.ua);
      }, RESUBSCRIBE_MS);
    });
    subscriber.subscribe().catch((error: unknown) => {
      if (entry.subscriber === subscriber) this.warnOnce(`could not send the presence SUBSCRIBE to ${entry.watched.uri}: ${String(error)}`);
    });
  }

  /**
   * Asks once more, in the dialog, shortly after the first NOTIFY. When a
   * PUBLISH raced the SUBSCRIBE on Kamailio, the watcher sometimes kept the
   * state from before it although the server sent a NOTIFY for it (most
   * likely with the first NOTIFY's CSeq, which sip.js refuses as out of
   * sequence): wrong until the next refresh, minutes later. The e2e test
   * failed on this in 3 of 25 runs; with the recheck, in none of 17.
   */
  private recheck(entry: Entry, subscriber: Subscriber): void {
    entry.recheck = undefined;
    if (entry.subscriber !== subscriber || subscriber.state !== SubscriptionState.Subscribed) return;
    subscriber.subscribe().catch(() => undefined);
  }

  private notified(entry: Entry, subscriber: Subscriber, notification: Notification): void {
    // Answer every NOTIFY, or the server retransmits and finally drops the subscription.
    void notification.accept().catch(() => undefined);
    if (entry.subscriber !== subscriber) return;
    const reading = readPresence(notification.request.body || undefined);
    // A document we can't read keeps what we knew rather than making anyone look offline or available.
    if (reading.state === 'unknown' && entry.reading.state !== 'unknown') return;
    this.setReading(entry, reading);
  }

  private setReading(entry: Entry, reading: PresenceReading): void {
    // Duplicate NOTIFYs (a SUBSCRIBE racing a PUBLISH, a refresh) carry the same state: no change, no push.
    if (entry.reading.state === reading.state && entry.reading.note === reading.note) return;
    entry.reading = reading;
    this.changed();
  }

  private end(entry: Entry): void {
    clearTimeout(entry.retry);
    clearTimeout(entry.recheck);
    entry.retry = undefined;
    entry.recheck = undefined;
    const old = entry.subscriber;
    entry.subscriber = undefined;
    // dispose() waits for the server's final NOTIFY, which a dead old connection never brings.
    if (old) void old.dispose().catch(() => undefined);
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    this.log(message);
  }
}
