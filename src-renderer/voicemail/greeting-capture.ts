import { rmsDbfs } from '../../src-shared/audio/wav.js';
import { microphoneConstraints } from '../media/audio-output.js';
import { messageOf } from '../../src-shared/errors.js';

/**
 * The browser half of recording a greeting: the microphone, the live level
 * (WebAudio AnalyserNode), MediaRecorder, and decoding a take to PCM.
 */

export type CaptureEvents = {
  /** About ten times a second while recording: the level over the last ~40 ms. */
  onLevel(levelDbfs: number): void;
  onElapsed(elapsedMs: number): void;
  /** The policy's maximum was reached; the owner calls stop(). */
  onLimit(): void;
};

const METER_INTERVAL_MS = 100;

/**
 * The call's constraints, but with the voice processing off: a greeting is
 * played back to every caller, so it should sound like the tech, not like a
 * call leg. Auto gain would also make the meter lie about the real level,
 * and noise suppression learns a steady sound (a fan, a test tone) as noise
 * and fades it out mid-take. Nothing plays while recording, so there is no
 * echo to cancel.
 */
export function greetingConstraints(deviceId: string): MediaStreamConstraints {
  const base = microphoneConstraints(deviceId);
  const audio = typeof base.audio === 'object' ? base.audio : {};
  return { audio: { ...audio, echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 }, video: false };
}

/** One take from the microphone. Always stop() or close() it: it holds the microphone open. */
export class GreetingCapture {
  private readonly chunks: Blob[] = [];
  private timers: ReturnType<typeof setInterval>[] = [];
  private closed = false;
  private startedAt = 0;

  private constructor(
    private readonly stream: MediaStream,
    private readonly context: AudioContext,
    private readonly analyser: AnalyserNode,
    private readonly recorder: MediaRecorder,
  ) {}

  /** Opens the microphone; getUserMedia's errors pass through for microphoneErrorMessage(). */
  static async open(deviceId: string): Promise<GreetingCapture> {
    const stream = await navigator.mediaDevices.getUserMedia(greetingConstraints(deviceId));
    const context = new AudioContext();
    // Created from a click, but after an await: ask to run in case the browser held it suspended.
    await context.resume().catch(() => undefined);
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    context.createMediaStreamSource(stream).connect(analyser);
    const mimeType = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm'].find((t) => MediaRecorder.isTypeSupported(t));
    const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
    return new GreetingCapture(stream, context, analyser, recorder);
  }

  start(maxMs: number, events: CaptureEvents): void {
    this.recorder.addEventListener('dataavailable', (e) => {
      if (e.data.size > 0) this.chunks.push(e.data);
    });
    this.recorder.start(250);
    const started = performance.now();
    this.startedAt = started;
    const buffer = new Float32Array(this.analyser.fftSize);
    this.timers.push(
      setInterval(() => {
        this.analyser.getFloatTimeDomainData(buffer);
        events.onLevel(rmsDbfs(buffer));
        events.onElapsed(performance.now() - started);
      }, METER_INTERVAL_MS),
      setTimeout(() => events.onLimit(), maxMs),
    );
  }

  /** How long the take has been running (0 before start). */
  elapsedMs(): number {
    return this.startedAt === 0 ? 0 : performance.now() - this.startedAt;
  }

  /** Ends the take and releases the microphone; resolves with the recorded audio. */
  stop(): Promise<Blob> {
    const done = new Promise<Blob>((resolve, reject) => {
      if (this.recorder.state === 'inactive') {
        resolve(new Blob(this.chunks, { type: this.recorder.mimeType }));
        return;
      }
      this.recorder.addEventListener('stop', () => resolve(new Blob(this.chunks, { type: this.recorder.mimeType })), { once: true });
      this.recorder.addEventListener('error', () => reject(new Error('The recording failed in the browser; record again.')), { once: true });
      this.recorder.stop();
    });
    return done.finally(() => this.close());
  }

  /** Releases everything without keeping the take (leaving the screen, a second Record). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.recorder.state !== 'inactive') this.recorder.stop();
    for (const track of this.stream.getTracks()) track.stop();
    void this.context.close().catch(() => undefined);
  }
}

/** Decodes any audio the browser can play to mono samples at `sampleRate` (the browser resamples). */
export async function decodeToMono(bytes: ArrayBuffer, sampleRate: number): Promise<Float32Array> {
  const context = new OfflineAudioContext(1, 1, sampleRate);
  let buffer: AudioBuffer;
  try {
    buffer = await context.decodeAudioData(bytes);
  } catch (error) {
    throw new Error(`The recording could not be decoded (${messageOf(error)}); record again.`, { cause: error });
  }
  if (buffer.numberOfChannels === 1) return buffer.getChannelData(0).slice();
  const out = new Float32Array(buffer.length);
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const channel = buffer.getChannelData(c);
    for (let i = 0; i < out.length; i++) out[i]! += channel[i]! / buffer.numberOfChannels;
  }
  return out;
}
