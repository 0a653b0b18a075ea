/**
 * Chromium's "breakout box" (MediaStreamTrackProcessor / MediaStreamTrackGenerator)
 * and HTMLMediaElement.captureStream(), which TypeScript's DOM library does
 * not declare. Voicemail uses them to send and hear audio without an
 * AudioContext: in a tab nobody has clicked an AudioContext stays suspended,
 * but these work (Chromium 156, no user activation; see local-voicemail.ts).
 */

export type AudioTrackGenerator = MediaStreamTrack & { readonly writable: WritableStream<AudioData> };

type GeneratorConstructor = new (init: { kind: 'audio' }) => AudioTrackGenerator;
type ProcessorConstructor = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => { readonly readable: ReadableStream<AudioData> };

const scope = globalThis as unknown as { MediaStreamTrackGenerator?: GeneratorConstructor; MediaStreamTrackProcessor?: ProcessorConstructor };

/** Whether this browser has both halves (Chromium and Electron do; Firefox and Safari don't). */
export function hasBreakoutBox(): boolean {
  return typeof scope.MediaStreamTrackGenerator === 'function' && typeof scope.MediaStreamTrackProcessor === 'function';
}

/** An audio track whose samples this page writes; undefined where the browser has no generator. */
export function audioTrackGenerator(): AudioTrackGenerator | undefined {
  const Generator = scope.MediaStreamTrackGenerator;
  return Generator ? new Generator({ kind: 'audio' }) : undefined;
}

/** Reads an audio track's samples as they arrive (AudioData frames, each to be closed by the reader). */
export function readAudioFrames(track: MediaStreamTrack): ReadableStreamDefaultReader<AudioData> | undefined {
  const Processor = scope.MediaStreamTrackProcessor;
  return Processor ? new Processor({ track }).readable.getReader() : undefined;
}

/** The live stream of what a media element plays (muted or not); undefined where the browser can't capture. */
export function captureElement(element: HTMLMediaElement): MediaStream | undefined {
  const capturable = element as HTMLMediaElement & { captureStream?: () => MediaStream };
  return typeof capturable.captureStream === 'function' ? capturable.captureStream() : undefined;
}

/** The first channel of a frame as float samples, whatever its own sample format. */
export function firstChannel(frame: AudioData): Float32Array {
  const samples = new Float32Array(frame.numberOfFrames);
  frame.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
  return samples;
}
