/**
 * The publication state machine (src-main/phone/presence-publication.ts),
 * driven through a fake sip.js core that records each PUBLISH and lets the
 * test answer it as the presence server would. The wire itself (digest auth,
 * Kamailio's ETags, a restart) is covered by test/e2e/presence.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserAgent } from 'sip.js';
import { PresencePublication, PUBLISH_EXPIRES_S } from '../../../src-main/phone/presence-publication.js';

type Delegate = { onAccept?: (r: unknown) => void; onReject?: (r: unknown) => void; onRedirect?: (r: unknown) => void };
type Sent = { headers: string[]; body: string | undefined; delegate: Delegate };

function fakeUa(sent: Sent[]): UserAgent {
  const core = {
    makeOutgoingRequestMessage: (_m: string, _r: unknown, _f: unknown, _t: unknown, _o: unknown, headers: string[], body?: { content: string }) => ({
      headers,
      body: body?.content,
    }),
    request: (message: { headers: string[]; body: string | undefined }, delegate: Delegate) => sent.push({ ...message, delegate }),
  };
  return { userAgentCore: core } as unknown as UserAgent;
}

function response(statusCode: number, headers: Record<string, string> = {}) {
  return { message: { statusCode, reasonPhrase: 'Reason', getHeader: (name: string) => headers[name] } };
}

const header = (s: Sent, name: string) => s.headers.find((h) => h.startsWith(`${name}: `))?.slice(name.length + 2);

let sent: Sent[];
let logs: string[];
let publication: PresencePublication;

beforeEach(() => {
  vi.useFakeTimers();
  sent = [];
  logs = [];
  publication = new PresencePublication(fakeUa(sent), UserAgent.makeURI('sip:tech1@pbx.example.com')!, (m) => logs.push(m));
});

afterEach(() => {
  publication.stop();
  vi.useRealTimers();
});

describe('PresencePublication', () => {
  it('publishes the first document without SIP-If-Match, then modifies with the ETag the server gave', () => {
    publication.set('doc-1');
    expect(sent).toHaveLength(1);
    expect(header(sent[0]!, 'Event')).toBe('presence');
    expect(header(sent[0]!, 'Expires')).toBe(String(PUBLISH_EXPIRES_S));
    expect(header(sent[0]!, 'SIP-If-Match')).toBeUndefined();
    expect(sent[0]!.body).toBe('doc-1');
    sent[0]!.delegate.onAccept?.(response(200, { 'SIP-ETag': 'e1', Expires: '300' }));
    publication.set('doc-2');
    expect(header(sent[1]!, 'SIP-If-Match')).toBe('e1');
    expect(sent[1]!.body).toBe('doc-2');
  });

  it('keeps one PUBLISH in flight: changes meanwhile go out as one modify, the newest, once the answer comes', () => {
    publication.set('doc-1');
    publication.set('doc-2');
    publication.set('doc-3');
    expect(sent).toHaveLength(1);
    sent[0]!.delegate.onAccept?.(response(200, { 'SIP-ETag': 'e1', Expires: '300' }));
    expect(sent).toHaveLength(2);
    expect(sent[1]!.body).toBe('doc-3');
    expect(header(sent[1]!, 'SIP-If-Match')).toBe('e1');
  });

  it('sends nothing for the document already published', () => {
    publication.set('doc-1');
    sent[0]!.delegate.onAccept?.(response(200, { 'SIP-ETag': 'e1', Expires: '300' }));
    publication.set('doc-1');
    expect(sent).toHaveLength(1);
  });

  it('refreshes at 90 % of what the server granted, without a body, with the newest ETag', () => {
    publication.set('doc-1');
    sent[0]!.delegate.onAccept?.(response(200, { 'SIP-ETag': 'e1', Expires: '60' }));
    vi.advanceTimersByTime(53_999);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.body).toBeUndefined();
    expect(header(sent[1]!, 'Expires')).toBe('60');
    expect(header(sent[1]!, 'SIP-If-Match')).toBe('e1');
    sent[1]!.delegate.onAccept?.(response(200, { 'SIP-ETag': 'e2', Expires: '60' }));
    publication.set('doc-2');
    expect(header(sent[2]!, 'SIP-If-Match')).toBe('e2');
  });

  it('412 (the server lost the ETag: a restart, an expiry) publishes the current document afresh', () => {
    publication.set('doc-1');
    sent[0]!.delegate.onAccept?.(response(200, { 'SIP-ETag': 'e1', Expires: '300' }));
    publication.set('doc-2');
    sent[1]!.delegate.onReject?.(response(412));
    expect(sent).toHaveLength(3);
    expect(header(sent[2]!, 'SIP-If-Match')).toBeUndefined();
    expect(sent[2]!.body).toBe('doc-2');
  });

  it('423 takes the Min-Expires and sends again', () => {
    publication.set('doc-1');
    sent[0]!.delegate.onReject?.(response(423, { 'Min-Expires': '600' }));
    expect(header(sent[1]!, 'Expires')).toBe('600');
  });

  it('a refusal is logged once and tried again after 30 s, or at once when the line comes back', () => {
    publication.set('doc-1');
    sent[0]!.delegate.onReject?.(response(503));
    vi.advanceTimersByTime(30_000);
    expect(sent).toHaveLength(2);
    sent[1]!.delegate.onReject?.(response(503));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(
      /refused the presence PUBLISH for sip:tech1@pbx\.example\.com \(503 Reason\); coworkers may not see your state\. Calls are not affected\./,
    );
    publication.resume();
    expect(sent).toHaveLength(3);
    expect(sent[2]!.body).toBe('doc-1');
  });

  it('resume() after a reconnect modifies with the ETag it has (the server may have kept the publication)', () => {
    publication.set('doc-1');
    sent[0]!.delegate.onAccept?.(response(200, { 'SIP-ETag': 'e1', Expires: '300' }));
    publication.resume();
    expect(header(sent[1]!, 'SIP-If-Match')).toBe('e1');
    expect(sent[1]!.body).toBe('doc-1');
  });

  it('stop() removes the publication (Expires: 0) so watchers see offline at once, and sends nothing after', () => {
    publication.set('doc-1');
    sent[0]!.delegate.onAccept?.(response(200, { 'SIP-ETag': 'e1', Expires: '300' }));
    publication.stop();
    expect(header(sent[1]!, 'Expires')).toBe('0');
    expect(header(sent[1]!, 'SIP-If-Match')).toBe('e1');
    expect(sent[1]!.body).toBeUndefined();
    publication.set('doc-2');
    vi.advanceTimersByTime(600_000);
    expect(sent).toHaveLength(2);
  });

  it('stop() while the first PUBLISH is on its way withdraws it as soon as its ETag arrives', () => {
    publication.set('doc-1');
    publication.stop();
    expect(sent).toHaveLength(1);
    sent[0]!.delegate.onAccept?.(response(200, { 'SIP-ETag': 'e1', Expires: '300' }));
    expect(sent).toHaveLength(2);
    expect(header(sent[1]!, 'Expires')).toBe('0');
    expect(header(sent[1]!, 'SIP-If-Match')).toBe('e1');
  });

  it('a PBX without presence (489 Bad Event) is not asked again until the line comes back', () => {
    publication.set('doc-1');
    sent[0]!.delegate.onReject?.(response(489));
    vi.advanceTimersByTime(600_000);
    expect(sent).toHaveLength(1);
    publication.resume();
    expect(sent).toHaveLength(2);
  });

  it('stop() waits for the removal to be answered (it may be challenged first), at most 1 s', async () => {
    publication.set('doc-1');
    sent[0]!.delegate.onAccept?.(response(200, { 'SIP-ETag': 'e1', Expires: '300' }));
    let settled = false;
    const stopping = publication.stop().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    sent[1]!.delegate.onAccept?.(response(200, { 'SIP-ETag': 'e2', Expires: '0' }));
    await stopping;
    expect(settled).toBe(true);

    const other = new PresencePublication(fakeUa(sent), UserAgent.makeURI('sip:tech2@pbx.example.com')!, () => undefined);
    other.set('doc');
    sent[2]!.delegate.onAccept?.(response(200, { 'SIP-ETag': 'x1', Expires: '300' }));
    let unanswered = false;
    const waiting = other.stop().then(() => (unanswered = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(unanswered).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(unanswered).toBe(true);
  });
  it('never has two PUBLISHes in flight: a retry due while a newer one is on its way waits for it', () => {
    publication.set('doc-1');
    sent[0]!.delegate.onReject?.(response(503));
    // The retry is due in 30 s; a new state goes out now instead, and the old retry must not follow it.
    publication.set('doc-2');
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(30_000);
    expect(sent).toHaveLength(2);
    sent[1]!.delegate.onAccept?.(response(200, { 'SIP-ETag': 'e1', Expires: '300' }));
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(2);
  });

  it('resume() while a PUBLISH is in flight sends after its answer, not beside it', () => {
    publication.set('doc-1');
    publication.resume();
    expect(sent).toHaveLength(1);
    sent[0]!.delegate.onAccept?.(response(200, { 'SIP-ETag': 'e1', Expires: '300' }));
    expect(sent).toHaveLength(2);
    expect(header(sent[1]!, 'SIP-If-Match')).toBe('e1');
  });

  it('stop() while the first PUBLISH is in flight waits for its answer, then for the removal, within the same 1 s', async () => {
    publication.set('doc-1');
    let settled = false;
    const stopping = publication.stop().then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(400);
    expect(settled).toBe(false);
    sent[0]!.delegate.onAccept?.(response(200, { 'SIP-ETag': 'e1', Expires: '300' }));
    expect(header(sent[1]!, 'Expires')).toBe('0');
    expect(header(sent[1]!, 'SIP-If-Match')).toBe('e1');
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    sent[1]!.delegate.onAccept?.(response(200, { 'SIP-ETag': 'e2', Expires: '0' }));
    await stopping;
    expect(settled).toBe(true);
  });

  it('stop() while the first PUBLISH is in flight gives up after 1 s in all when no answer comes', async () => {
    publication.set('doc-1');
    let settled = false;
    const stopping = publication.stop().then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await stopping;
    expect(settled).toBe(true);
  });

  it('stop() while the first PUBLISH is in flight that is then refused has nothing to remove', async () => {
    publication.set('doc-1');
    const stopping = publication.stop();
    sent[0]!.delegate.onReject?.(response(489));
    await stopping;
    expect(sent).toHaveLength(1);
  });
});
