import type { URI, UserAgent } from 'sip.js';
import type { IncomingResponse } from 'sip.js/lib/core/index.js';
import { messageOf } from '../../src-shared/errors.js';
import { PIDF_CONTENT_TYPE } from './presence-document.js';

/** Seconds a publication lasts; refreshed at 90 % of what the server grants, like REGISTER. */
export const PUBLISH_EXPIRES_S = 300;
/** After a refused or unanswered PUBLISH, the next try (the line coming back tries at once). */
const RETRY_MS = 30_000;
/** How long quitting waits for the server to confirm the removal (the app's own shutdown allows 2 s in all). */
const STOP_WAIT_MS = 1_000;

/**
 * The tech's own presence on the PBX's presence server: an event state
 * publication (RFC 3903) of one PIDF document, kept by hand on sip.js's core
 * rather than with its Publisher, because the Publisher sends a modify while
 * the first PUBLISH is still in flight: the server then holds two
 * publications of the same person (two ETags, two tuples, one stale) and a
 * watcher can never see us go offline.
 *
 * States: idle (nothing published) → sending (one PUBLISH in flight, at most)
 * → published (ETag, refresh timer at 90 % of Expires) → sending (a new
 * document with SIP-If-Match, or a refresh without body) …
 * - a newer document while sending waits and goes out when the answer comes;
 * - 412 (the server lost our ETag: it restarted, or the publication expired)
 *   publishes the current document afresh, without SIP-If-Match;
 * - 423 takes the server's Min-Expires and sends again;
 * - no answer (sip.js answers 408/503 itself when the socket is down) or a
 *   5xx is logged once and tried again after RETRY_MS; a 4xx refusal (a PBX
 *   without presence) waits for the line to come back (`resume()`, called
 *   after each registration over a new connection: start, reconnect), which
 *   also retries the others at once;
 * - `stop()` removes the publication (Expires: 0) so watchers see offline at
 *   once rather than when it expires; with the first PUBLISH still in flight
 *   it waits for that answer (its ETag) and then removes it, all within
 *   STOP_WAIT_MS. Whatever is left (a crash, no answer in time) stays on the
 *   server until its Expires runs out.
 *
 * Every PUBLISH goes out through send(), which is the one place that keeps
 * "one in flight": a retry or refresh timer that fires while one is on its
 * way only marks the document dirty, and send() clears both timers, so no
 * second PUBLISH (and no second publication the server keeps) can start.
 */
export class PresencePublication {
  private document: string | undefined;
  private etag: string | undefined;
  private sending = false;
  /** The document changed while a PUBLISH was in flight. */
  private dirty = false;
  private expires = PUBLISH_EXPIRES_S;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private warned = false;
  private stopped = false;
  /** stop() is waiting for the first PUBLISH's answer: withdraw then, within the same budget. */
  private onSettled: (() => void) | undefined;

  constructor(
    private readonly ua: UserAgent,
    private readonly aor: URI,
    private readonly log: (message: string) => void,
  ) {}

  /** Publishes this document (a no-op when it is the one already published or on its way). */
  set(document: string): void {
    if (this.stopped || document === this.document) return;
    this.document = document;
    this.send(true);
  }

  /** The line is up again (a new registration): send what we have now, as a modify if the server still knows our ETag. */
  resume(): void {
    if (this.stopped || this.document === undefined) return;
    this.send(true);
  }

  /**
   * Removes the publication, waiting at most STOP_WAIT_MS for the server's
   * answer: the removal may be challenged (401) and must be sent again with
   * credentials before the phone closes its connection.
   */
  stop(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    clearTimeout(this.refreshTimer);
    clearTimeout(this.retryTimer);
    if (this.etag === undefined && !this.sending) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(finish, STOP_WAIT_MS);
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
      if (this.sending) {
        // The PUBLISH in flight (the first one: no ETag yet, or a modify) brings the ETag to withdraw.
        this.onSettled = () => this.withdraw(finish);
        return;
      }
      this.withdraw(finish);
    });
  }

  private withdraw(done: () => void): void {
    const etag = this.etag;
    this.etag = undefined;
    if (etag === undefined) {
      done();
      return;
    }
    try {
      this.request(['Expires: 0', `SIP-If-Match: ${etag}`], undefined, { onAccept: done, onReject: done, onRedirect: done });
    } catch {
      // The transport is already gone: the publication expires by itself.
      done();
    }
  }

  private send(withBody: boolean): void {
    const document = this.document;
    if (document === undefined || this.stopped) return;
    clearTimeout(this.refreshTimer);
    clearTimeout(this.retryTimer);
    if (this.sending) {
      this.dirty = true;
      return;
    }
    this.sending = true;
    this.dirty = false;
    const headers = [`Expires: ${this.expires}`, ...(this.etag === undefined ? [] : [`SIP-If-Match: ${this.etag}`])];
    try {
      this.request(headers, withBody ? document : undefined, {
        onAccept: (response) => this.accepted(response),
        onReject: (response) => this.rejected(response),
        onRedirect: (response) => this.rejected(response),
      });
    } catch (error) {
      this.failed(`could not send the presence PUBLISH: ${messageOf(error)}`);
    }
  }

  private accepted(response: IncomingResponse): void {
    this.sending = false;
    this.warned = false;
    const message = response.message;
    this.etag = message.getHeader('SIP-ETag') ?? this.etag;
    const granted = Number(message.getHeader('Expires'));
    if (Number.isInteger(granted) && granted > 0 && granted <= PUBLISH_EXPIRES_S) this.expires = granted;
    if (this.stopped) {
      this.settled();
      return;
    }
    if (this.dirty) {
      this.send(true);
      return;
    }
    this.refreshTimer = setTimeout(() => this.send(false), this.expires * 900);
  }

  private rejected(response: IncomingResponse): void {
    this.sending = false;
    if (this.stopped) {
      this.settled();
      return;
    }
    const code = response.message.statusCode ?? 0;
    if (code === 412) {
      this.etag = undefined;
      this.send(true);
      return;
    }
    const minExpires = Number(response.message.getHeader('Min-Expires'));
    if (code === 423 && Number.isInteger(minExpires) && minExpires > this.expires && minExpires <= 86_400) {
      this.expires = minExpires;
      this.send(true);
      return;
    }
    // A PBX that doesn't take presence (Asterisk: 489 Bad Event) says so every time: ask again only when the line comes back.
    const refused = code >= 400 && code < 500 && code !== 408;
    const message = `the PBX refused the presence PUBLISH for ${this.aor.toString()} (${code} ${response.message.reasonPhrase ?? ''}); coworkers may not see your state. Calls are not affected.`;
    this.failed(message, !refused);
  }

  /** The PUBLISH in flight when stop() came has its answer: withdraw what it left (if anything). */
  private settled(): void {
    const then = this.onSettled;
    this.onSettled = undefined;
    then?.();
  }

  private failed(message: string, retry = true): void {
    this.sending = false;
    if (this.stopped) {
      this.settled();
      return;
    }
    if (!this.warned) this.log(message);
    this.warned = true;
    clearTimeout(this.retryTimer);
    if (retry) this.retryTimer = setTimeout(() => this.send(true), RETRY_MS);
  }

  private request(headers: string[], body: string | undefined, delegate: Parameters<UserAgent['userAgentCore']['request']>[1]): void {
    const core = this.ua.userAgentCore;
    const message = core.makeOutgoingRequestMessage(
      'PUBLISH',
      this.aor,
      this.aor,
      this.aor,
      {},
      ['Event: presence', ...headers],
      body === undefined ? undefined : { contentDisposition: 'render', contentType: PIDF_CONTENT_TYPE, content: body },
    );
    core.request(message, delegate);
  }
}
