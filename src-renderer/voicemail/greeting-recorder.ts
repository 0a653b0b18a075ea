import { encodeWavPcm16, parseWav, rmsDbfs, toPbxWav, trimSilence } from '../../src-shared/audio/wav.js';
import { fromBase64, toBase64 } from '../ipc/base64.js';
import { messageOf } from '../../src-shared/errors.js';

/**
 * The pure half of recording a greeting: what the tech is told, which format
 * is saved, and how a take is trimmed and exported. The browser half
 * (microphone, meter, MediaRecorder, decoding) is greeting-capture.ts.
 *
 * Saved format: every take is decoded to PCM and saved as a mono 16-bit WAV
 * (audio/wav), trimmed or not, never as the recorder's webm/opus. Why:
 * - trimming needs PCM anyway, so both paths end in one format;
 * - MediaRecorder's webm has no duration or seek index, so the inbox-style
 *   scrubber and the voicemail engine would have to guess its length; a WAV's
 *   duration is exact, and the saved durationMs is computed from the samples;
 * - decodeAudioData, <audio> and PBX tools all read WAV.
 * The cost is size, so the rate is the highest of 48/24/16 kHz at which the
 * policy's longest greeting still fits the app's size limit (48 kHz for the
 * default 30 s). The PBX copy is always 8 kHz mono PCM16 (toPbxWav), sent
 * alongside as the `wav` export.
 */

/** Below this a take is a slip of the finger, not a greeting. */
export const MIN_GREETING_MS = 1000;
/** Stopping a moment late at the maximum is the timer, not the tech: main allows the same 0.5 s. */
export const LENGTH_GRACE_MS = 500;
/** Quieter than this at the ends counts as silence; a room's noise floor is usually -60 to -50 dBFS. */
export const TRIM_THRESHOLD_DBFS = -45;
/** Kept either side of the speech so a soft first or last syllable survives. */
export const TRIM_PAD_MS = 150;
/** The recording as a whole is this quiet or quieter: the wrong microphone, or it is muted. */
export const SILENT_DBFS = -60;

/** What main accepts per recording (contract: 8,000,000 bytes), less room for the header. */
const SAVED_BYTES_LIMIT = 7_500_000;
const SAVED_RATES = [48_000, 24_000, 16_000] as const;

/** The saved WAV's sample rate: the highest that keeps a take of the policy's maximum length under the limit. */
export function savedSampleRate(maxGreetingSeconds: number): number {
  const seconds = maxGreetingSeconds + LENGTH_GRACE_MS / 1000;
  return SAVED_RATES.find((rate) => rate * 2 * seconds <= SAVED_BYTES_LIMIT) ?? SAVED_RATES[SAVED_RATES.length - 1]!;
}

/** Whole seconds left, as the countdown shows them (never negative). */
export function remainingSeconds(elapsedMs: number, maxGreetingSeconds: number): number {
  return Math.max(0, Math.ceil(maxGreetingSeconds - elapsedMs / 1000));
}

export function durationMsOf(sampleCount: number, sampleRate: number): number {
  return Math.round((sampleCount * 1000) / sampleRate);
}

export function tooShortMessage(durationMs: number): string {
  return `The recording is ${(durationMs / 1000).toFixed(1)} s long, too short for a greeting (at least 1 s). Record again and read the whole script.`;
}

/** Why a take can't be saved as it is, or null when it can. */
export function takeProblem(durationMs: number, levelDbfs: number, maxGreetingSeconds: number): string | null {
  if (durationMs < MIN_GREETING_MS) return tooShortMessage(durationMs);
  if (durationMs > maxGreetingSeconds * 1000 + LENGTH_GRACE_MS) {
    return `The recording is ${Math.round(durationMs / 1000)} s long; policy allows at most ${maxGreetingSeconds} s. Record a shorter greeting, or trim the silence.`;
  }
  if (!(levelDbfs > SILENT_DBFS)) {
    return 'The recording is silent: check that the right microphone is chosen and not muted, then record again.';
  }
  return null;
}

/** A take as the component holds it: mono samples and what is derived from them. */
export type Take = {
  samples: Float32Array;
  sampleRate: number;
  durationMs: number;
  levelDbfs: number;
  trimmed: boolean;
};

export function takeOf(samples: Float32Array, sampleRate: number, trimmed = false): Take {
  return { samples, sampleRate, durationMs: durationMsOf(samples.length, sampleRate), levelDbfs: rmsDbfs(samples), trimmed };
}

/** The take without the silence at both ends; an Error saying so when there is only silence. */
export function trimTake(take: Take): Take {
  const samples = trimSilence(take.samples, take.sampleRate, TRIM_THRESHOLD_DBFS, TRIM_PAD_MS);
  if (samples.length === 0) {
    throw new Error('The whole recording is below the silence level, so trimming would leave nothing. Check the microphone and record again.');
  }
  return takeOf(samples, take.sampleRate, true);
}

/** The two files a take is saved as: the app's own WAV and the 8 kHz PBX WAV. */
export function encodeTake(take: Take): { app: Uint8Array; pbx: Uint8Array } {
  return { app: encodeWavPcm16(take.samples, take.sampleRate), pbx: toPbxWav(take.samples, take.sampleRate) };
}

/** Bytes this module made (never a SharedArrayBuffer's view) as a Blob for <audio> or a download. */
export function audioBlob(bytes: Uint8Array, mimeType: string): Blob {
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeType });
}

/** What went wrong opening the microphone, in words a tech can act on. */
export function microphoneErrorMessage(error: unknown): string {
  const name = error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error) ? String((error as { name: unknown }).name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return 'Focusline may not use the microphone. Allow microphone access for Focusline (browser site settings, or the OS privacy settings), then press Record again.';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return 'No microphone was found. Plug in a headset or microphone, then press Record again.';
    case 'OverconstrainedError':
      return 'The chosen microphone is not connected any more. Pick another one in the list, then press Record again.';
    case 'NotReadableError':
    case 'TrackStartError':
      return 'The microphone is in use by another program or could not be started. Close the other program (or reconnect the headset), then press Record again.';
    default:
      return `The microphone could not be opened: ${messageOf(error)}`;
  }
}

/** The meter's bar width, 0–100 %, over a -60…0 dBFS scale. */
export function meterPercent(levelDbfs: number): number {
  if (!Number.isFinite(levelDbfs)) return 0;
  return Math.round(Math.max(0, Math.min(1, (levelDbfs + 60) / 60)) * 100);
}

/**
 * A saved greeting (base64, as greetings.audio returns it) as the PBX's 8 kHz
 * WAV. Greetings saved by this screen are WAV; older or foreign formats are
 * decoded by the browser through `decode`.
 */
export async function pbxWavOf(
  data: string,
  mimeType: string,
  decode?: (bytes: Uint8Array) => Promise<{ samples: Float32Array; sampleRate: number }>,
): Promise<Uint8Array> {
  const bytes = fromBase64(data);
  if (/^audio\/(x-)?wav/i.test(mimeType)) {
    const wav = parseWav(bytes);
    return toPbxWav(wav.samples ?? new Float32Array(0), wav.sampleRate);
  }
  if (!decode) throw new Error(`The saved greeting is ${mimeType}, which can only be converted in the app; record it again to get a WAV.`);
  const decoded = await decode(bytes);
  return toPbxWav(decoded.samples, decoded.sampleRate);
}

// The base64 helpers live with IPC; re-exported for this module's callers.
export { fromBase64, toBase64 };
