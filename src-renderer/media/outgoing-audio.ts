import { encodeWavPcm16 } from '../../src-shared/audio/wav.js';
import { audioTrackGenerator, captureElement, hasBreakoutBox, readAudioFrames, type AudioTrackGenerator } from './breakout-box.js';

/** The rate of every sample this module sends (greetings are decoded to it, tones made at it). */
export const OUTGOING_RATE = 48_000;
/** Length of the silent clip the clock loops: long enough that its loop points are rare. */
const CLOCK_CLIP_SECONDS = 2;
/** A play() that the clock has not finished by its length plus this is given up on, rather than hang the call. */
const PLAY_SLACK_MS = 3_000;

type Queued = { samples: Float32Array; at: number; done: () => void };

/**
 * One outgoing audio track that plays sample buffers, one after another, and
 * silence between them, in real time, without an AudioContext.
 *
 * Why this shape (measured in Chromium 156 in a tab with no user activation):
 * - an AudioContext stays 'suspended' there (resume() never settles), and an
 *   <audio> element, even muted, is refused play();
 * - a MUTED <video> element does play, and its captureStream() carries the
 *   audio; but each change of its src ends the captured track and adds a new
 *   one, so a track given to the peer connection would go dead after the
 *   first clip (and we don't hold the RTCRtpSender to replaceTrack);
 * - a MediaStreamTrackGenerator gives a track that lives as long as we want,
 *   but it sends whatever it is written, as fast as it is written: it needs a
 *   real-time clock, and page timers are throttled in a background tab.
 * So the muted <video> loops a silent clip and is used only as the clock: each
 * frame its captured track delivers (read with a MediaStreamTrackProcessor)
 * is answered by writing the same duration of our own samples, or silence,
 * into the generator. The generator's track is the call's track for its whole
 * life, and sends silence while nothing plays (RTP keeps flowing, as a PBX's
 * media timeout expects).
 */
export class OutgoingAudio {
  private readonly generator: AudioTrackGenerator | undefined = hasBreakoutBox() ? audioTrackGenerator() : undefined;
  readonly stream: MediaStream = new MediaStream(this.generator ? [this.generator] : []);
  private readonly clock = document.createElement('video');
  private clipUrl: string | undefined;
  private clockReader: ReadableStreamDefaultReader<AudioData> | undefined;
  private writer: WritableStreamDefaultWriter<AudioData> | undefined;
  private running: Promise<boolean> | undefined;
  private queue: Queued[] = [];
  private sent = 0;
  /** Output samples owed for clock frames whose duration was not a whole number of our samples. */
  private owed = 0;
  private closed = false;

  /**
   * Starts the clock (once; later calls share the outcome): true once its
   * first frame has arrived, false when this page can't play (no generator,
   * play() refused, or closed first). A caller that can't wait races it with
   * its own deadline.
   */
  start(): Promise<boolean> {
    this.running ??= this.run();
    return this.running;
  }

  /** Sends `samples` (mono, OUTGOING_RATE) after whatever is queued; resolves once the last of them has gone into the track. */
  play(samples: Float32Array): Promise<void> {
    if (this.closed || samples.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const limit = setTimeout(
        () => {
          console.warn('Focusline: the voicemail audio stopped playing; going on without it.');
          this.cancel(entry);
        },
        this.queuedMs() + (samples.length / OUTGOING_RATE) * 1000 + PLAY_SLACK_MS,
      );
      const entry: Queued = {
        samples,
        at: 0,
        done: () => {
          clearTimeout(limit);
          resolve();
        },
      };
      this.queue.push(entry);
    });
  }

  /** Drops everything queued (their play() promises resolve): the caller has gone, nobody hears it. */
  silence(): void {
    const dropped = this.queue;
    this.queue = [];
    for (const entry of dropped) entry.done();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.silence();
    void this.clockReader?.cancel().catch(() => undefined);
    void this.writer?.close().catch(() => undefined);
    this.generator?.stop();
    this.clock.pause();
    this.clock.removeAttribute('src');
    this.clock.load();
    if (this.clipUrl) URL.revokeObjectURL(this.clipUrl);
  }

  private async run(): Promise<boolean> {
    const generator = this.generator;
    if (!generator) {
      console.warn('Focusline: this browser cannot make an audio track without WebAudio (no MediaStreamTrackGenerator).');
      return false;
    }
    this.clock.muted = true; // Only a muted element may play in a tab nobody has clicked; it is heard by nobody anyway.
    this.clock.loop = true;
    this.clock.playsInline = true;
    const captured = captureElement(this.clock);
    if (!captured) return false;
    const clip = encodeWavPcm16(new Float32Array(OUTGOING_RATE * CLOCK_CLIP_SECONDS), OUTGOING_RATE) as Uint8Array<ArrayBuffer>;
    this.clipUrl = URL.createObjectURL(new Blob([clip], { type: 'audio/wav' }));
    this.clock.src = this.clipUrl;
    try {
      await this.clock.play();
    } catch (error) {
      console.warn(`Focusline: the voicemail's audio clock could not start (${String(error)}).`);
      return false;
    }
    // The captured track appears once the clip has loaded; it is the same track for as long as src stays.
    const track = captured.getAudioTracks()[0] ?? (await this.nextTrack(captured));
    const reader = track && !this.closed ? readAudioFrames(track) : undefined;
    if (!reader) return false;
    this.clockReader = reader;
    this.writer = generator.writable.getWriter();
    const first = await reader.read().catch(() => ({ done: true as const, value: undefined }));
    if (first.done || this.closed) return false;
    void this.pump(reader, first.value);
    return true;
  }

  private nextTrack(captured: MediaStream): Promise<MediaStreamTrack | undefined> {
    return new Promise((resolve) => {
      captured.addEventListener('addtrack', (event) => resolve(event.track.kind === 'audio' ? event.track : undefined), { once: true });
      this.clock.addEventListener('error', () => resolve(undefined), { once: true });
    });
  }

  private async pump(reader: ReadableStreamDefaultReader<AudioData>, first: AudioData): Promise<void> {
    try {
      let frame = first;
      for (;;) {
        await this.tick(frame);
        const { done, value } = await reader.read();
        if (done || this.closed) {
          value?.close();
          break;
        }
        frame = value;
      }
    } catch (error) {
      // The call's end stops the track (sip.js stops its local tracks on close), which closes the writer: not worth a warning.
      if (!this.closed && this.generator?.readyState !== 'ended') console.warn(`Focusline: the voicemail's audio stopped (${String(error)}).`);
    }
    this.silence(); // Nothing more can be sent: don't leave a play() waiting for its time limit.
    void this.clockReader?.cancel().catch(() => undefined);
  }

  /** One clock frame: the same duration of queued samples (or silence) into the generator. */
  private async tick(frame: AudioData): Promise<void> {
    this.owed += (frame.numberOfFrames * OUTGOING_RATE) / frame.sampleRate;
    frame.close();
    const count = Math.floor(this.owed);
    if (count <= 0 || !this.writer) return;
    this.owed -= count;
    const out = new Float32Array(count);
    const finished: Queued[] = [];
    let filled = 0;
    while (filled < count && this.queue.length > 0) {
      const head = this.queue[0]!;
      const take = Math.min(count - filled, head.samples.length - head.at);
      out.set(head.samples.subarray(head.at, head.at + take), filled);
      filled += take;
      head.at += take;
      if (head.at >= head.samples.length) finished.push(this.queue.shift()!);
    }
    const data = new AudioData({
      format: 'f32-planar',
      sampleRate: OUTGOING_RATE,
      numberOfFrames: count,
      numberOfChannels: 1,
      timestamp: (this.sent / OUTGOING_RATE) * 1e6,
      data: out,
    });
    this.sent += count;
    try {
      await this.writer.write(data);
    } finally {
      // Resolved after the write: the samples are in the track, on their way to the caller.
      for (const entry of finished) entry.done();
    }
  }

  private cancel(entry: Queued): void {
    const index = this.queue.indexOf(entry);
    if (index >= 0) this.queue.splice(index, 1);
    entry.done();
  }

  private queuedMs(): number {
    return (this.queue.reduce((sum, q) => sum + q.samples.length - q.at, 0) / OUTGOING_RATE) * 1000;
  }
}
