import { Subscriber, SubscriptionState, UserAgent } from 'sip.js';
import type { OutgoingSubscribeRequestDelegate, UserAgentCore } from 'sip.js/lib/core/index.js';
import { PIDF_CONTENT_TYPE } from './presence-document.js';

/** A subscription lasts this long; sip.js refreshes it before it runs out. */
const SUBSCRIBE_EXPIRES_S = 600;

/** One NOTIFY as the watch needs it: the body, the Subscription-State value (`active`, `pending`, `terminated`). */
export type PresenceNotify = { body: string | undefined; subscriptionState: string | undefined };

export type PresenceSubscriptionEvents = {
  notify(notify: PresenceNotify): void;
  /**
   * The subscription is over. `refusal` is the status code of a final
   * non-2xx answer to the initial SUBSCRIBE; undefined when it ended some
   * other way (timer N without a NOTIFY, a failed refresh, the server's
   * `terminated`).
   */
  ended(refusal: number | undefined): void;
};

/** One presence subscription (RFC 6665 `Event: presence`), as PresenceWatch drives it. */
export type PresenceSubscription = {
  /** Sends the initial SUBSCRIBE, or an in-dialog refresh once subscribed. */
  subscribe(): void;
  /** Whether a NOTIFY has established the dialog and it has not ended. */
  subscribed(): boolean;
  dispose(): void;
};

export type OpenPresenceSubscription = (ua: UserAgent, uri: string, events: PresenceSubscriptionEvents) => PresenceSubscription | undefined;

/**
 * The sip.js Subscriber behind a PresenceSubscription. sip.js answers every
 * NOTIFY for us here (accept()), or the server retransmits and finally drops
 * the subscription. Its Subscriber drops the status code of a refused
 * SUBSCRIBE, and the watch needs it (489 is final, 503 is worth another
 * try), so the Subscriber is given a view of the user agent whose core
 * notes the code of the initial SUBSCRIBE's final answer on its way through.
 */
export const openSipPresenceSubscription: OpenPresenceSubscription = (ua, uri, events) => {
  const target = UserAgent.makeURI(uri);
  if (!target) return undefined;
  let refusal: number | undefined;
  const core = ua.userAgentCore;
  const noting: UserAgentCore['subscribe'] = (request, delegate?: OutgoingSubscribeRequestDelegate) =>
    core.subscribe(request, {
      ...delegate,
      onReject: (response) => {
        refusal = response.message.statusCode;
        delegate?.onReject?.(response);
      },
      onRedirect: (response) => {
        refusal = response.message.statusCode;
        delegate?.onRedirect?.(response);
      },
    });
  const coreView = new Proxy(core, { get: (t, p) => (p === 'subscribe' ? noting : bound(t, p)) });
  const uaView = new Proxy(ua, { get: (t, p) => (p === 'userAgentCore' ? coreView : bound(t, p)) });
  const subscriber = new Subscriber(uaView, target, 'presence', { expires: SUBSCRIBE_EXPIRES_S, extraHeaders: [`Accept: ${PIDF_CONTENT_TYPE}`] });
  subscriber.delegate = {
    onNotify: (notification) => {
      void notification.accept().catch(() => undefined);
      const state = notification.request.getHeader('Subscription-State');
      events.notify({ body: notification.request.body || undefined, subscriptionState: state?.split(';')[0]?.trim().toLowerCase() });
    },
  };
  subscriber.stateChange.addListener((state) => {
    if (state === SubscriptionState.Terminated) events.ended(refusal);
  });
  return {
    subscribe: () => void subscriber.subscribe().catch(() => undefined),
    subscribed: () => subscriber.state === SubscriptionState.Subscribed,
    // dispose() waits for the server's final NOTIFY, which a dead old connection never brings.
    dispose: () => void subscriber.dispose().catch(() => undefined),
  };
};

/** A property of the real object, methods bound to it (so sip.js's own `this` is never the view). */
function bound<T extends object>(target: T, property: string | symbol): unknown {
  const value: unknown = Reflect.get(target, property, target);
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
}
