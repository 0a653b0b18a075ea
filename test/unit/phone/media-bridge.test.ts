import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MediaRequest } from '../../../src-main/ipc/contract.js';
import { MediaBridge, MediaUnavailableError } from '../../../src-main/phone/media-bridge.js';

function bridge() {
  const sent: MediaRequest[] = [];
  const media = new MediaBridge((request) => sent.push(request));
  const attaches: (string | undefined)[] = [];
  media.onAttachChange((endpoint) => attaches.push(endpoint));
  return { media, sent, attaches };
}

const settled = async (promise: Promise<unknown>) => {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return outcome;
};

afterEach(() => {
  vi.useRealTimers();
});

describe('the media bridge', () => {
  it('fails at once when no window carries media', async () => {
    const { media, sent } = bridge();
    expect(media.connected).toBe(false);
    const outcome = await settled(media.request('c1', 'getDescription', {}, 1000));
    expect(outcome).toMatchObject({ ok: false, error: expect.any(MediaUnavailableError) });
    expect(sent).toEqual([]);
    expect(media.notify('c1', 'sendDtmf', { tone: '1' })).toBe(false);
  });

  it('sends a request to the attached endpoint and resolves with its reply', async () => {
    const { media, sent, attaches } = bridge();
    media.attach('endpoint-a');
    expect(media.connected).toBe(true);
    expect(attaches).toEqual(['endpoint-a']);
    const answer = media.request('c1', 'getDescription', { offer: true }, 1000);
    expect(sent).toEqual([{ endpoint: 'endpoint-a', id: 1, callId: 'c1', method: 'getDescription', args: { offer: true } }]);
    media.reply('endpoint-a', 1, { ok: true, result: { sdp: 'v=0' } });
    await expect(answer).resolves.toEqual({ sdp: 'v=0' });
  });

  it('turns an error reply into a rejection with the window’s message', async () => {
    const { media, sent } = bridge();
    media.attach('endpoint-a');
    const answer = media.request('c1', 'setDescription', {}, 1000);
    media.reply('endpoint-a', sent[0]?.id ?? -1, { ok: false, error: 'bad SDP' });
    await expect(answer).rejects.toThrow('bad SDP');
  });

  it('notifications carry id 0 and expect no reply', () => {
    const { media, sent } = bridge();
    media.attach('endpoint-a');
    expect(media.notify('c1', 'setMuted', { muted: true })).toBe(true);
    expect(sent).toEqual([{ endpoint: 'endpoint-a', id: 0, callId: 'c1', method: 'setMuted', args: { muted: true } }]);
  });

  it('times out when the window does not answer, and ignores the late reply', async () => {
    vi.useFakeTimers();
    const { media } = bridge();
    media.attach('endpoint-a');
    const answer = settled(media.request('c1', 'getDescription', {}, 500));
    await vi.advanceTimersByTimeAsync(499);
    media.reply('endpoint-a', 999, { ok: true, result: {} }); // an id nobody asked for
    await vi.advanceTimersByTimeAsync(1);
    const outcome = await answer;
    expect(outcome).toMatchObject({ ok: false, error: expect.any(MediaUnavailableError) });
    expect(outcome.ok ? '' : String(outcome.error)).toMatch(/did not answer getDescription within 500 ms/);
    expect(() => media.reply('endpoint-a', 1, { ok: true, result: {} })).not.toThrow();
  });

  it('ignores replies from an endpoint that no longer owns media', async () => {
    const { media, sent } = bridge();
    media.attach('endpoint-a');
    const first = settled(media.request('c1', 'getDescription', {}, 1000));
    // A reload: the new window attaches; what the old one had pending fails.
    media.attach('endpoint-b');
    expect(await first).toMatchObject({ ok: false, error: expect.any(MediaUnavailableError) });
    const second = media.request('c1', 'getDescription', {}, 1000);
    const id = sent.at(-1)?.id ?? -1;
    expect(sent.at(-1)?.endpoint).toBe('endpoint-b');
    media.reply('endpoint-a', id, { ok: true, result: { sdp: 'from the old window' } });
    media.reply('endpoint-b', id, { ok: true, result: { sdp: 'from the new window' } });
    await expect(second).resolves.toEqual({ sdp: 'from the new window' });
  });

  it('the same endpoint attaching again keeps what it has pending', async () => {
    const { media, sent } = bridge();
    media.attach('endpoint-a');
    const answer = media.request('c1', 'getDescription', {}, 1000);
    media.attach('endpoint-a');
    media.reply('endpoint-a', sent[0]?.id ?? -1, { ok: true, result: { sdp: 'v=0' } });
    await expect(answer).resolves.toEqual({ sdp: 'v=0' });
  });

  it('detach fails every pending request; only the owner’s leaving counts', async () => {
    const { media, attaches } = bridge();
    media.attach('endpoint-a');
    const pending = [settled(media.request('c1', 'getDescription', {}, 1000)), settled(media.request('c2', 'voicemailPrepare', {}, 1000))];
    media.detach('endpoint-stale');
    expect(media.connected).toBe(true);
    media.detach('endpoint-a');
    expect(media.connected).toBe(false);
    for (const outcome of await Promise.all(pending)) expect(outcome).toMatchObject({ ok: false, error: expect.any(MediaUnavailableError) });
    expect(attaches).toEqual(['endpoint-a', undefined]);
    media.detach('endpoint-a');
    expect(attaches).toEqual(['endpoint-a', undefined]);
  });

  it('detach without an endpoint (the renderer is gone) drops whoever owns media', async () => {
    const { media } = bridge();
    media.attach('endpoint-a');
    const pending = settled(media.request('c1', 'getDescription', {}, 1000));
    media.detach();
    expect(media.connected).toBe(false);
    expect(await pending).toMatchObject({ ok: false, error: expect.any(MediaUnavailableError) });
  });

  it('abandon fails one call’s requests and leaves the others', async () => {
    const { media, sent } = bridge();
    media.attach('endpoint-a');
    const ended = settled(media.request('c1', 'getDescription', {}, 1000));
    const endedToo = settled(media.request('c1', 'setSenderEnabled', { enabled: false }, 1000));
    const other = media.request('c2', 'getDescription', {}, 1000);
    media.abandon('c1');
    for (const outcome of [await ended, await endedToo]) {
      expect(outcome).toMatchObject({ ok: false, error: expect.any(MediaUnavailableError) });
      expect(outcome.ok ? '' : String(outcome.error)).toMatch(/The call ended/);
    }
    // A late answer for the abandoned call changes nothing.
    media.reply('endpoint-a', sent[0]?.id ?? -1, { ok: true, result: {} });
    media.reply('endpoint-a', sent[2]?.id ?? -1, { ok: true, result: { sdp: 'c2' } });
    await expect(other).resolves.toEqual({ sdp: 'c2' });
  });

  it('close fails what is pending and refuses new requests', async () => {
    const { media } = bridge();
    media.attach('endpoint-a');
    const pending = settled(media.request('c1', 'getDescription', {}, 1000));
    media.close();
    expect(await pending).toMatchObject({ ok: false, error: expect.any(MediaUnavailableError) });
    expect(media.connected).toBe(false);
    await expect(media.request('c1', 'getDescription', {}, 1000)).rejects.toBeInstanceOf(MediaUnavailableError);
  });
});
