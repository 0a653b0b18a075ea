import type { UserAgent } from 'sip.js';
import type { PresenceState } from '../../src-shared/vocabulary.js';
import { isOversized, MAX_PIDF_BYTES, readPresence, type PresenceReading } from './presence-document.js';
import { openSipPresenceSubscription, type OpenPresenceSubscription, type PresenceNotify, type PresenceSubscription } from './presence-subscription.js';

/** A subscription that ended or failed for a passing reason is made again after this, doubling up to RESUBSCRIBE_MAX_MS. */
const RESUBSCRIBE_MS = 60_000;
const RESUBSCRIBE_MAX_MS = 5 * 60_000;
/** One in-dialog refresh this long after the first NOTIFY (see recheck()). */
const RECHECK_MS = 2_000;
/** Everyone is subscribed again after a (re-)registration, spread over this long so a restarted server isn't hit at once. */
const SPREAD_MS = 2_000;
/**
 * Answers to a SUBSCRIBE that will be the same next time: no presence on
 * this PBX (489 Bad Event), not allowed (403), nobody by that address (404).
 * These wait for the next registration; anything else (500, 503, 408, no
 * answer) is tried again with back-off.
 */
const FINAL_REFUSALS: ReadonlySet<number> = new Set([403, 404, 489]);

/** Someone whose presence Focusline follows: a coworker, or the service manager calls are redirected to. */
export type Watched = {
  /** The address as configured: what is subscribed to (the presence server may match it case-sensitively). */
  uri: string;
  /** sipKey() of the address: how the decision and the directory look the person up. */
  key: string;
  name: string;
  role: 'coworker' | 'service-manager';
};

export type WatchedPresence = Watched & PresenceReading;

type Timer = ReturnType<typeof setTimeout> | undefined;
type Entry = {
  watched: Watched;
  reading: PresenceReading;
  subscription: PresenceSubscription | undefined;
  retry: Timer;
  recheck: Timer;
  /** The next back-off after a passing failure; back to RESUBSCRIBE_MS once a NOTIFY came. */
  backoffMs: number;
  /** The server has said something other than offline about this person since Focusline started watching. */
  seenPresent: boolean;
};

/**
 * The phone's presence subscriptions: one per watched person, each NOTIFY
 * read into a state (presence-document.ts). Like the MWI subscription, every
 * one is made anew after each (re-)registration (`lineUp`): a subscription
 * lives on the connection it was made over, and a restarted server forgot it.
 * The old dialog's un-SUBSCRIBE then gets 481, which is expected.
 *
 * Until the first NOTIFY of an `active` subscription, or when the server
 * refuses it, a person is 'unknown', never 'offline': only an active
 * subscription's NOTIFY (no body, no tuple, `closed`) makes someone offline.
 * A `pending` subscription (Kamailio's presence_xml without XCAP and with
 * force_active off: the watcher is not authorized yet) and a `terminated`
 * one come without a body, which says nothing about the person.
 */
export class PresenceWatch {
  private readonly entries = new Map<string, Entry>();
  private ua: UserAgent | undefined;
  private warned = false;
  private warnedOversized = false;
  private readonly warnedNeverPresent = new Set<string>();

  constructor(
    private readonly changed: () => void,
    private readonly log: (message: string) => void,
    private readonly open: OpenPresenceSubscription = openSipPresenceSubscription,
    private readonly random: () => number = Math.random,
  ) {}

  /** Who to follow (by key); people no longer listed are unsubscribed, new ones subscribed (when the line is up). */
  follow(people: readonly Watched[]): void {
    const wanted = new Map(people.map((p) => [p.key, p]));
    let touched = false;
    for (const [key, entry] of this.entries) {
      if (wanted.get(key)?.uri === entry.watched.uri) continue;
      // Gone, or now configured under another spelling: that is another subscription.
      this.end(entry);
      this.entries.delete(key);
      touched = true;
    }
    for (const [key, watched] of wanted) {
      const entry = this.entries.get(key);
      if (entry) {
        if (entry.watched.name !== watched.name || entry.watched.role !== watched.role) touched = true;
        entry.watched = watched;
        continue;
      }
      const fresh: Entry = {
        watched,
        reading: { state: 'unknown', note: '' },
        subscription: undefined,
        retry: undefined,
        recheck: undefined,
        backoffMs: RESUBSCRIBE_MS,
        seenPresent: false,
      };
      this.entries.set(key, fresh);
      touched = true;
      if (this.ua) this.subscribe(fresh, this.ua);
    }
    if (touched) this.changed();
  }

  /** The phone (re-)registered: fresh subscriptions over this connection for everyone, spread over SPREAD_MS. */
  lineUp(ua: UserAgent): void {
    this.ua = ua;
    for (const entry of this.entries.values()) {
      this.end(entry);
      entry.backoffMs = RESUBSCRIBE_MS;
      entry.retry = setTimeout(
        () => {
          entry.retry = undefined;
          if (this.ua === ua && this.entries.get(entry.watched.key) === entry) this.subscribe(entry, ua);
        },
        Math.floor(this.random() * SPREAD_MS),
      );
    }
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

  /** The state of the person with this sipKey(). */
  stateOf(key: string): PresenceState {
    return this.entries.get(key)?.reading.state ?? 'unknown';
  }

  list(): WatchedPresence[] {
    return [...this.entries.values()].map(({ watched, reading }) => ({ ...watched, ...reading }));
  }

  private subscribe(entry: Entry, ua: UserAgent): void {
    this.end(entry);
    let heard = false;
    const subscription: PresenceSubscription | undefined = this.open(ua, entry.watched.uri, {
      notify: (notify) => {
        if (entry.subscription !== subscription || subscription === undefined) return;
        if (!heard) entry.recheck = setTimeout(() => this.recheck(entry, subscription), RECHECK_MS);
        heard = true;
        entry.backoffMs = RESUBSCRIBE_MS;
        this.notified(entry, notify);
      },
      ended: (refusal) => {
        if (entry.subscription !== subscription) return;
        entry.subscription = undefined;
        this.setReading(entry, { state: 'unknown', note: '' });
        this.ended(entry, heard, refusal);
      },
    });
    if (!subscription) {
      this.warnOnce(`${entry.watched.uri} is not a SIP address Focusline can subscribe to; their state shows as unknown.`);
      return;
    }
    entry.subscription = subscription;
    subscription.subscribe();
  }

  /**
   * A refusal that will be the same next time waits for the next
   * registration; a passing failure (500, 503, 408, no answer) and an end
   * after NOTIFYs (the server timed it out) are tried again, backing off from
   * 60 s to 5 min.
   */
  private ended(entry: Entry, heard: boolean, refusal: number | undefined): void {
    if (!heard && refusal !== undefined && FINAL_REFUSALS.has(refusal)) {
      this.warnOnce(`the PBX refused the presence subscription to ${entry.watched.uri} (${refusal}); their state shows as unknown. Calls are not affected.`);
      return;
    }
    const delay = entry.backoffMs;
    entry.backoffMs = Math.min(delay * 2, RESUBSCRIBE_MAX_MS);
    const what = heard
      ? `the PBX ended the presence subscription to ${entry.watched.uri}`
      : `the presence subscription to ${entry.watched.uri} failed (${refusal === undefined ? 'no answer' : String(refusal)})`;
    this.warnOnce(`${what}; subscribing again in ${delay / 1000} s. Calls are not affected.`);
    entry.retry = setTimeout(() => {
      entry.retry = undefined;
      if (this.ua && this.entries.get(entry.watched.key) === entry) this.subscribe(entry, this.ua);
    }, delay);
  }

  /**
   * Asks once more, in the dialog, shortly after the first NOTIFY. When a
   * PUBLISH raced the SUBSCRIBE on Kamailio, the watcher sometimes kept the
   * state from before it although the server sent a NOTIFY for it (most
   * likely with the first NOTIFY's CSeq, which sip.js refuses as out of
   * sequence): wrong until the next refresh, minutes later. The e2e test
   * failed on this in 3 of 25 runs; with the recheck, in none of 17.
   */
  private recheck(entry: Entry, subscription: PresenceSubscription): void {
    entry.recheck = undefined;
    if (entry.subscription !== subscription || !subscription.subscribed()) return;
    subscription.subscribe();
  }

  private notified(entry: Entry, notify: PresenceNotify): void {
    // Only an active subscription's NOTIFY speaks about the person (RFC 6665 §4.1.3): pending and terminated come
    // without a body because the server isn't telling, not because the person is gone.
    if (notify.subscriptionState !== 'active') {
      this.setReading(entry, { state: 'unknown', note: '' });
      return;
    }
    if (notify.body !== undefined && isOversized(notify.body) && !this.warnedOversized) {
      this.warnedOversized = true;
      this.log(`a presence document for ${entry.watched.uri} is over ${MAX_PIDF_BYTES / 1024} KB and was not read; their state stays as it was.`);
    }
    const reading = readPresence(notify.body);
    // A document we can't read keeps what we knew rather than making anyone look offline or available.
    if (reading.state === 'unknown' && entry.reading.state !== 'unknown') return;
    if (reading.state !== 'offline' && reading.state !== 'unknown') entry.seenPresent = true;
    this.setReading(entry, reading);
    if (reading.state === 'offline') this.warnIfNeverPresent(entry);
  }

  /**
   * A service manager whose phone never publishes presence (a desk phone that
   * only registers) reads as offline for good, and every held-back call goes
   * to voicemail: worth saying once, with what to check.
   */
  private warnIfNeverPresent(entry: Entry): void {
    const { role, uri, key } = entry.watched;
    if (role !== 'service-manager' || entry.seenPresent || this.warnedNeverPresent.has(key)) return;
    this.warnedNeverPresent.add(key);
    this.log(
      `the service manager ${uri} shows offline and has not published a presence state since Focusline started watching, so held-back calls go to voicemail. If they are there, their phone must publish presence: a softphone that sends PUBLISH, or Kamailio's pua_usrloc for a desk phone (docs/presence.md).`,
    );
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
    const old = entry.subscription;
    entry.subscription = undefined;
    old?.dispose();
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    this.log(message);
  }
}
