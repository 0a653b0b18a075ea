import { rmsDbfs } from '../../src-shared/audio/wav.js';
import { fromBase64 } from '../ipc/base64.js';

/**
 * Focusline's own voicemail, the part that lives in the call: the audio that
 * goes out (greeting, then a beep) is built with WebAudio and sent through a
 * MediaStreamDestination, so the tech's microphone is never opened; the
 * caller's audio is recorded from the remote track with MediaRecorder, and
 * WebAudio listens for silence. Main owns the files: every chunk goes to it
 * as it is produced, so a crash keeps what was said.
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
const CHUNK_MS = 1000;
const BEEP_HZ = 1000;
const BEEP_MS = 400;

export const RECORDING_MIME = 'audio/webm;codecs=opus';

/** What MediaRecorder will produce here: Opus in WebM where supported (Chromium), else the browser's default. */
export function recordingMimeType(): string {
  return MediaRecorder.isTypeSupported(RECORDING_MIME) ? RECORDING_MIME : '';
}

export class VoicemailTaker {
  private readonly ctx = new AudioContext();
  private readonly outgoing = this.ctx.createMediaStreamDestination();
  private stopRecording: ((why: EndedBy) => void) | undefined;
  private ended: EndedBy | undefined;

  /** What the caller hears: give it to the call before it is answered. */
  get stream(): MediaStream {
    return this.outgoing.stream;
  }

  /** Plays the tech's greeting into the call, or a clear built-in prompt when there is none (or it can't be read). */
  async playGreeting(greeting: GreetingAudio): Promise<'recorded' | 'built-in'> {
    await this.ctx.resume();
    if (greeting) {
      try {
        const buffer = await this.ctx.decodeAudioData(fromBase64(greeting.data).buffer as ArrayBuffer);
        await this.play(buffer);
        return 'recorded';
      } catch (error) {
        console.warn(`Focusline: the recorded greeting could not be played (${String(error)}); playing the built-in prompt.`);
      }
    }
    await this.builtInPrompt();
    return 'built-in';
  }

  /** The tone that says "speak now". */
  beep(): Promise<void> {
    return this.tone([{ hz: BEEP_HZ, ms: BEEP_MS }]);
  }

  /**
   * Records the caller until they hang up (stop('hangup')), stay silent for
   * silenceMs, or reach maxMs. Resolves once the last chunk has been handed
   * to onChunk.
   */
  record(remote: MediaStream, options: RecordOptions): Promise<RecordResult> {
    const mimeType = recordingMimeType();
    const recorder = new MediaRecorder(remote, mimeType ? { mimeType, audioBitsPerSecond: 32_000 } : { audioBitsPerSecond: 32_000 });
    // Chromium records nothing from a remote track that isn't pulled by something: route it through WebAudio.
    const source = this.ctx.createMediaStreamSource(remote);
    // …and through a muted element: WebAudio alone left MediaRecorder with 0 bytes here (Chromium 156).
    const pull = new Audio();
    pull.muted = true;
    pull.srcObject = remote;
    void pull.play().catch(() => undefined);
    const analyser = this.ctx.createAnalyser();
    analyser.fftSize = 2048;
    const sink = this.ctx.createMediaStreamDestination();
    source.connect(analyser);
    source.connect(sink);
    const started = performance.now();
    let lastVoice = started;
    let seq = 0;
    let uploads: Promise<void> = Promise.resolve();
    const samples = new Float32Array(analyser.fftSize);

    return new Promise<RecordResult>((resolve) => {
      const finish = (why: EndedBy) => {
        if (this.ended) return;
        this.ended = why;
        clearInterval(listen);
        clearTimeout(limit);
        if (recorder.state !== 'inactive') recorder.stop();
        else void settle();
      };
      const settle = async () => {
        await uploads;
        source.disconnect();
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
      const listen = setInterval(() => {
        analyser.getFloatTimeDomainData(samples);
        const now = performance.now();
        if (rmsDbfs(samples) > SILENCE_DBFS) lastVoice = now;
        else if (now - lastVoice >= options.silenceMs) finish('silence');
      }, 100);
      const limit = setTimeout(() => finish('max-length'), options.maxMs);
      this.stopRecording = finish;
      recorder.start(CHUNK_MS);
    });
  }

  /** The caller hung up (or the phone is stopping). */
  stop(why: EndedBy = 'hangup'): void {
    if (this.stopRecording) this.stopRecording(why);
    else this.ended ??= why;
  }

  get hasEnded(): boolean {
    return this.ended !== undefined;
  }

  close(): void {
    void this.ctx.close().catch(() => undefined);
  }

  private play(buffer: AudioBuffer): Promise<void> {
    return new Promise((resolve) => {
      const node = this.ctx.createBufferSource();
      node.buffer = buffer;
      node.connect(this.outgoing);
      node.onended = () => resolve();
      node.start();
    });
  }

  /** A rising three-note chime, twice: unmistakably "this is a machine; leave a message after the tone". */
  private builtInPrompt(): Promise<void> {
    const chime = [
      { hz: 523, ms: 220 },
      { hz: 659, ms: 220 },
      { hz: 784, ms: 320 },
      { hz: 0, ms: 300 },
    ];
    return this.tone([...chime, ...chime]);
  }

  private tone(steps: { hz: number; ms: number }[]): Promise<void> {
    let at = this.ctx.currentTime + 0.05;
    const gain = this.ctx.createGain();
    gain.gain.value = 0.3;
    gain.connect(this.outgoing);
    let last: OscillatorNode | undefined;
    for (const step of steps) {
      if (step.hz > 0) {
        const osc = this.ctx.createOscillator();
        osc.frequency.value = step.hz;
        osc.connect(gain);
        osc.start(at);
        osc.stop(at + step.ms / 1000);
        last = osc;
      }
      at += step.ms / 1000;
    }
    const totalMs = Math.max(0, (at - this.ctx.currentTime) * 1000);
    return new Promise((resolve) => {
      if (last) last.onended = () => resolve();
      else setTimeout(resolve, totalMs);
    });
  }
}
