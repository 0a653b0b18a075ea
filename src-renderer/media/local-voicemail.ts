import { fromBase64 } from '../ipc/base64.js';
import { firstChannel, readAudioFrames } from './breakout-box.js';
import { OUTGOING_RATE, OutgoingAudio } from './outgoing-audio.js';

/**
 * Focusline's own voicemail, the part that lives in the call: the audio that
 * goes out (greeting, then a beep) is made here and sent on a track of its
 * own, so the tech's microphone is never opened; the caller's audio is
 * recorded from the remote track with MediaRecorder, and its level is read
 * frame by frame to notice silence. Main owns the files: every chunk goes to
 * it as it is produced, so a crash keeps what was said.
 *
 * No AudioContext anywhere: in a browser tab nobody has clicked, an
 * AudioContext stays suspended and an <audio> element is refused play(), and
 * voicemail must still answer there (the tech is away; that's the point).
 * What does work there (Chromium 156, no user activation): a MUTED <video>
 * element plays, and its captureStream() and Chromium's
 * MediaStreamTrackProcessor / MediaStreamTrackGenerator carry audio; an
 * OfflineAudioContext decodes. The same path runs in Electron and in a
 * clicked tab, so the path the unclicked tab depends on is the one always
 * exercised.
 */

export type EndedBy = 'hangup' | 'silence' | 'max-length' | 'error';
export type GreetingAudio = { data: string; mimeType: string; durationMs: number } | null;

export type RecordOptions = {
  maxMs: number;
  silenceMs: number;
  /** Called in order, one at a time, for each piece of the recording. */
  onChunk: (seq: number, bytes: Uint8Array, elapsedMs: number) => Promise<void>;
};

export type RecordResult = { durationMs: number; endedBy: EndedBy; mimeType: string };

/** Below this the caller is silent (a quiet line sits around -60 dBFS; speech well above -40). */
const SILENCE_DBFS = -50;
/** The caller's level is judged over windows this long. */
const LEVEL_WINDOW_MS = 100;
const CHUNK_MS = 1000;
const BEEP_HZ = 1000;
const BEEP_MS = 400;
/** Tones and built-in prompts play at this fraction of full scale (as loud as the old WebAudio gain of 0.3). */
const TONE_LEVEL = 0.3;
/** Each note fades in and out over this long, so it starts and stops without a click. */
const FADE_MS = 5;

export const RECORDING_MIME = 'audio/webm;codecs=opus';

/** What MediaRecorder will produce here: Opus in WebM where supported (Chromium), else the browser's default. */
export function recordingMimeType(): string {
  return MediaRecorder.isTypeSupported(RECORDING_MIME) ? RECORDING_MIME : '';
}

export type ToneStep = { hz: number; ms: number };

/** A sequence of sine notes (hz 0: a pause) as mono samples at `rate`. */
export function toneSamples(steps: readonly ToneStep[], rate = OUTGOING_RATE, level = TONE_LEVEL): Float32Array {
  const lengths = steps.map((step) => Math.round((step.ms * rate) / 1000));
  const out = new Float32Array(lengths.reduce((sum, n) => sum + n, 0));
  const fade = Math.max(1, Math.round((FADE_MS * rate) / 1000));
  let at = 0;
  steps.forEach((step, index) => {
    const length = lengths[index] ?? 0;
    if (step.hz > 0) {
      for (let i = 0; i < length; i++) {
        const envelope = Math.min(1, i / fade, (length - 1 - i) / fade);
        out[at + i] = level * envelope * Math.sin((2 * Math.PI * step.hz * i) / rate);
      }
    }
    at += length;
  });
  return out;
}

/** A rising three-note chime, twice: unmistakably "this is a machine; leave a message after the tone". */
const CHIME: readonly ToneStep[] = [
  { hz: 523, ms: 220 },
  { hz: 659, ms: 220 },
  { hz: 784, ms: 320 },
  { hz: 0, ms: 300 },
];

/**
 * A recorded greeting (WebM/Opus or WAV, as stored) as mono samples at the
 * outgoing rate. An OfflineAudioContext decodes without any user activation,
 * where a realtime AudioContext would be suspended.
 */
export async function decodeGreeting(greeting: NonNullable<GreetingAudio>): Promise<Float32Array> {
  const decoder = new OfflineAudioContext(1, 1, OUTGOING_RATE);
  const buffer = await decoder.decodeAudioData(fromBase64(greeting.data).buffer as ArrayBuffer);
  if (buffer.numberOfChannels === 1) return buffer.getChannelData(0).slice();
  const mono = new Float32Array(buffer.length);
  for (let channel = 0; channel < buffer.numberOfChannels; channel++) {
    const samples = buffer.getChannelData(channel);
    for (let i = 0; i < mono.length; i++) mono[i]! += (samples[i] ?? 0) / buffer.numberOfChannels;
  }
  return mono;
}

export class VoicemailTaker {
  private readonly outgoing = new OutgoingAudio();
  private stopRecording: ((why: EndedBy) => void) | undefined;
  private ended: EndedBy | undefined;

  /** What the caller hears: give it to the call before it is answered. Its one track lasts the whole call. */
  get stream(): MediaStream {
    return this.outgoing.stream;
  }

  /**
   * Whether this window can send the greeting, decided within `withinMs`:
   * starts the outgoing audio and waits for its first frame. False where the
   * browser can't (no MediaStreamTrackGenerator, or even a muted video is
   * refused), so main hands the call on rather than answer into silence.
   */
  async audioCanPlay(withinMs: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), withinMs)));
    try {
      return await Promise.race([this.outgoing.start(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Plays the tech's greeting into the call, or a clear built-in prompt when there is none (or it can't be read). */
  async playGreeting(greeting: GreetingAudio): Promise<'recorded' | 'built-in'> {
    if (!(await this.outgoing.start())) throw new Error('This window cannot play the voicemail greeting.');
    if (greeting) {
      try {
        await this.outgoing.play(await decodeGreeting(greeting));
        return 'recorded';
      } catch (error) {
        console.warn(`Focusline: the recorded greeting could not be played (${String(error)}); playing the built-in prompt.`);
      }
    }
    await this.outgoing.play(toneSamples([...CHIME, ...CHIME]));
    return 'built-in';
  }

  /** The tone that says "speak now". */
  beep(): Promise<void> {
    return this.outgoing.play(toneSamples([{ hz: BEEP_HZ, ms: BEEP_MS }]));
  }

  /**
   * Records the caller until they hang up (stop('hangup')), stay silent for
   * silenceMs, or reach maxMs. Resolves once the last chunk has been handed
   * to onChunk.
   */
  record(remote: MediaStream, options: RecordOptions): Promise<RecordResult> {
    const mimeType = recordingMimeType();
    const recorder = new MediaRecorder(remote, mimeType ? { mimeType, audioBitsPerSecond: 32_000 } : { audioBitsPerSecond: 32_000 });
    // Chromium records nothing (0 bytes) from a remote track that nothing pulls. A muted <video> pulls it and
    // may play without user activation; a muted <audio> (or new Audio()) is refused play() in an unclicked tab.
    const pull = document.createElement('video');
    pull.muted = true;
    pull.playsInline = true;
    pull.srcObject = remote;
    void pull.play().catch((error: unknown) => console.warn(`Focusline: the caller's audio could not be pulled for recording (${String(error)}).`));
    const started = performance.now();
    let lastVoice = started;
    let seq = 0;
    let uploads: Promise<void> = Promise.resolve();
    const stopListening = this.listen(remote, (dbfs) => {
      if (dbfs > SILENCE_DBFS) lastVoice = performance.now();
    });

    return new Promise<RecordResult>((resolve) => {
      const finish = (why: EndedBy) => {
        if (this.ended) return;
        this.ended = why;
        clearInterval(watch);
        clearTimeout(limit);
        if (recorder.state !== 'inactive') recorder.stop();
        else void settle();
      };
      const settle = async () => {
        await uploads;
        stopListening();
        pull.pause();
        pull.srcObject = null;
        resolve({ durationMs: Math.round(performance.now() - started), endedBy: this.ended ?? 'error', mimeType: recorder.mimeType || RECORDING_MIME });
      };
      recorder.ondataavailable = (event) => {
        if (event.data.size === 0) return;
        const mySeq = seq++;
        const elapsed = Math.round(performance.now() - started);
        uploads = uploads
          .then(async () => options.onChunk(mySeq, new Uint8Array(await event.data.arrayBuffer()), elapsed))
          .catch((error: unknown) => {
            console.warn(`Focusline: a piece of the voicemail could not be saved (${String(error)}).`);
            finish('error');
          });
      };
      recorder.onstop = () => void settle();
      recorder.onerror = () => finish('error');
      // Checked on a timer, not only as frames arrive: a line that delivers nothing at all is silent too.
      const watch = setInterval(() => {
        if (performance.now() - lastVoice >= options.silenceMs) finish('silence');
      }, LEVEL_WINDOW_MS);
      const limit = setTimeout(() => finish('max-length'), options.maxMs);
      this.stopRecording = finish;
      recorder.start(CHUNK_MS);
    });
  }

  /** The caller hung up (or the phone is stopping): whatever was still to be played to them is dropped. */
  stop(why: EndedBy = 'hangup'): void {
    this.outgoing.silence();
    if (this.stopRecording) this.stopRecording(why);
    else this.ended ??= why;
  }

  get hasEnded(): boolean {
    return this.ended !== undefined;
  }

  close(): void {
    this.outgoing.close();
  }

  /**
   * The caller's level in dBFS, every LEVEL_WINDOW_MS of their audio, read
   * from the remote track's frames (no AnalyserNode: that needs a running
   * AudioContext). Returns the function that stops listening.
   */
  private listen(remote: MediaStream, onLevel: (dbfs: number) => void): () => void {
    const track = remote.getAudioTracks()[0];
    const reader = track ? readAudioFrames(track) : undefined;
    if (!reader) {
      console.warn('Focusline: the caller’s level cannot be read here; the message ends only at hang-up or the length limit.');
      return () => undefined;
    }
    let stopped = false;
    void (async () => {
      let sumOfSquares = 0;
      let count = 0;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done || stopped) {
            value?.close();
            break;
          }
          const window = (value.sampleRate * LEVEL_WINDOW_MS) / 1000;
          const samples = firstChannel(value);
          value.close();
          for (const sample of samples) sumOfSquares += sample * sample;
          count += samples.length;
          if (count >= window) {
            onLevel(sumOfSquares > 0 ? 10 * Math.log10(sumOfSquares / count) : -Infinity);
            sumOfSquares = 0;
            count = 0;
          }
        }
      } catch (error) {
        if (!stopped) console.warn(`Focusline: the caller’s level could not be read (${String(error)}).`);
      }
    })();
    return () => {
      stopped = true;
      void reader.cancel().catch(() => undefined);
    };
  }
}
