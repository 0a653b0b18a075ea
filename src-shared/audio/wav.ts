/**
 * WAV files and the little signal processing voicemail needs: encode, parse,
 * resample to the PBX's 8 kHz, measure level, trim silence. Pure and free of
 * Node APIs (Uint8Array and DataView, no Buffer): the renderer bundles it too.
 *
 * Samples are mono Float32 in [-1, 1], as WebAudio delivers them.
 */

/** What PBX voicemail systems (Asterisk, FreePBX, 3CX…) accept: 8 kHz mono 16-bit PCM. */
export const PBX_SAMPLE_RATE = 8000;

const MAX_SAMPLE_RATE = 768_000;
const HEADER_BYTES = 44;

/** A WAV file Focusline can't read or write, said so that the reader knows which part is wrong. */
export class WavError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WavError';
  }
}

/** Mono 16-bit little-endian PCM with the canonical 44-byte RIFF/fmt/data header. */
export function encodeWavPcm16(samples: Float32Array, sampleRate: number): Uint8Array {
  checkRate(sampleRate, 'sample rate');
  const dataBytes = samples.length * 2;
  if (HEADER_BYTES - 8 + dataBytes > 0xffff_ffff) throw new WavError(`${samples.length} samples are too many for one WAV file (4 GB limit).`);
  const bytes = new Uint8Array(HEADER_BYTES + dataBytes);
  const view = new DataView(bytes.buffer);
  writeAscii(bytes, 0, 'RIFF');
  view.setUint32(4, HEADER_BYTES - 8 + dataBytes, true);
  writeAscii(bytes, 8, 'WAVE');
  writeAscii(bytes, 12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_PCM, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  writeAscii(bytes, 36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(HEADER_BYTES + i * 2, toInt16(samples[i] ?? 0), true);
  return bytes;
}

// Asymmetric scaling so that -1 and 1 both reach full scale; no dither: at
// 16 bits the rounding noise (-98 dBFS) is far below a phone line's.
function toInt16(sample: number): number {
  const x = Number.isNaN(sample) ? 0 : Math.max(-1, Math.min(1, sample));
  return Math.round(x < 0 ? x * 32768 : x * 32767);
}

/** A greeting or message for a PBX: resampled with resample() and encoded as 8 kHz mono PCM16. */
export function toPbxWav(samples: Float32Array, sampleRate: number): Uint8Array {
  const at8k = sampleRate === PBX_SAMPLE_RATE ? samples : resample(samples, sampleRate, PBX_SAMPLE_RATE);
  return encodeWavPcm16(at8k, PBX_SAMPLE_RATE);
}

/**
 * Straight-line interpolation between neighbouring samples. Fine for
 * upsampling; when downsampling it does not filter, so everything above the
 * new Nyquist frequency folds back as audible aliasing: use resample() then.
 */
export function resampleLinear(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  checkRate(fromRate, 'source sample rate');
  checkRate(toRate, 'target sample rate');
  if (fromRate === toRate) return samples.slice();
  const out = new Float32Array(outputLength(samples.length, fromRate, toRate));
  const last = samples.length - 1;
  for (let i = 0; i < out.length; i++) {
    const t = (i * fromRate) / toRate;
    const i0 = Math.floor(t);
    const frac = t - i0;
    out[i] = (samples[i0] ?? 0) * (1 - frac) + (samples[Math.min(i0 + 1, last)] ?? 0) * frac;
  }
  return out;
}

/**
 * Band-limited resampling with a Blackman-windowed sinc, evaluated only at
 * the output instants (polyphase: one precomputed kernel per fractional
 * position). The low-pass passes up to 85 % of the lower of the two Nyquist
 * frequencies and reaches the Blackman window's ~74 dB stop band at that
 * Nyquist frequency. For 48 kHz → 8 kHz: flat to 3.4 kHz (the telephone band),
 * at least 70 dB down from 4 kHz, 441 taps.
 *
 * Each output is divided by the sum of its taps, so a constant stays exactly
 * constant and the first and last few milliseconds (where the kernel runs
 * off the ends) keep their level. Cost: about 1 s per 2 minutes of 48 kHz
 * audio on a laptop core; the renderer should run long exports in a worker.
 */
export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  checkRate(fromRate, 'source sample rate');
  checkRate(toRate, 'target sample rate');
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate)) throw new WavError(`Sample rates must be whole numbers of Hz, not ${fromRate} and ${toRate}.`);
  if (fromRate === toRate) return samples.slice();
  const kernel = designKernel(fromRate, toRate);
  const out = new Float32Array(outputLength(samples.length, fromRate, toRate));
  const divisor = gcd(fromRate, toRate);
  const phases = toRate / divisor;
  const step = fromRate / divisor;
  const table = phases * kernel.taps <= MAX_TABLE_ENTRIES ? new Map<number, Float64Array>() : undefined;
  for (let i = 0; i < out.length; i++) {
    const position = i * step;
    const base = Math.floor(position / phases);
    const phase = position - base * phases;
    const weights = weightsFor(kernel, phase / phases, phase, table);
    out[i] = weightedSum(samples, base - kernel.halfWidth + 1, weights);
  }
  return out;
}

const MAX_TABLE_ENTRIES = 1 << 21;

type Kernel = { cutoff: number; halfWidth: number; taps: number };

function designKernel(fromRate: number, toRate: number): Kernel {
  const nyquist = 0.5 * Math.min(1, toRate / fromRate); // cycles per input sample
  const passEdge = 0.85 * nyquist;
  const transition = nyquist - passEdge;
  // A Blackman window's transition band is about 5.5 / taps wide.
  const halfWidth = Math.ceil(5.5 / transition / 2);
  return { cutoff: (passEdge + nyquist) / 2, halfWidth, taps: 2 * halfWidth };
}

/** The kernel at input samples base-halfWidth+1 … base+halfWidth, for an output at base + frac. */
function weightsFor(kernel: Kernel, frac: number, phase: number, table: Map<number, Float64Array> | undefined): Float64Array {
  const cached = table?.get(phase);
  if (cached !== undefined) return cached;
  const weights = new Float64Array(kernel.taps);
  let total = 0;
  for (let j = 0; j < kernel.taps; j++) {
    const offset = frac - (j - kernel.halfWidth + 1);
    weights[j] = windowedSinc(offset, kernel);
    total += weights[j]!;
  }
  for (let j = 0; j < kernel.taps; j++) weights[j]! /= total;
  table?.set(phase, weights);
  return weights;
}

function windowedSinc(x: number, kernel: Kernel): number {
  const t = x / kernel.halfWidth;
  if (Math.abs(t) >= 1) return 0;
  const window = 0.42 + 0.5 * Math.cos(Math.PI * t) + 0.08 * Math.cos(2 * Math.PI * t);
  const u = 2 * kernel.cutoff * x;
  const sinc = u === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
  return 2 * kernel.cutoff * sinc * window;
}

/** Weights sum to 1; at the ends, where some taps fall outside the signal, the rest are scaled up to 1. */
function weightedSum(samples: Float32Array, first: number, weights: Float64Array): number {
  let sum = 0;
  if (first >= 0 && first + weights.length <= samples.length) {
    for (let j = 0; j < weights.length; j++) sum += samples[first + j]! * weights[j]!;
    return sum;
  }
  let weight = 0;
  const from = Math.max(0, -first);
  const to = Math.min(weights.length, samples.length - first);
  for (let j = from; j < to; j++) {
    const w = weights[j]!;
    sum += samples[first + j]! * w;
    weight += w;
  }
  return weight > 1e-9 ? sum / weight : 0;
}

function outputLength(inputLength: number, fromRate: number, toRate: number): number {
  return Math.floor((inputLength * toRate) / fromRate);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function checkRate(rate: number, what: string): void {
  if (!Number.isFinite(rate) || rate <= 0 || rate > MAX_SAMPLE_RATE) {
    throw new WavError(`The ${what} must be between 1 and ${MAX_SAMPLE_RATE} Hz, not ${rate}.`);
  }
}

/** Root-mean-square level in dBFS, where a full-scale square wave is 0 dBFS (a full-scale sine: -3 dBFS). -Infinity for silence. */
export function rmsDbfs(samples: Float32Array): number {
  if (samples.length === 0) return -Infinity;
  let sum = 0;
  for (const s of samples) sum += s * s;
  const rms = Math.sqrt(sum / samples.length);
  return rms === 0 ? -Infinity : 20 * Math.log10(rms);
}

const TRIM_WINDOW_MS = 10;

/**
 * Where the sound is: from the first to the last 10 ms window whose level
 * reaches `thresholdDbfs`, widened by `padMs` on each side (so a soft
 * consonant at the edge isn't clipped). null when nothing reaches it.
 */
export function soundBounds(samples: Float32Array, sampleRate: number, thresholdDbfs: number, padMs: number): { start: number; end: number } | null {
  checkRate(sampleRate, 'sample rate');
  const window = Math.max(1, Math.round((sampleRate * TRIM_WINDOW_MS) / 1000));
  let first = -1;
  let last = -1;
  for (let start = 0; start < samples.length; start += window) {
    if (rmsDbfs(samples.subarray(start, start + window)) < thresholdDbfs) continue;
    if (first < 0) first = start;
    last = Math.min(samples.length, start + window);
  }
  if (first < 0) return null;
  const pad = Math.max(0, Math.round((sampleRate * padMs) / 1000));
  return { start: Math.max(0, first - pad), end: Math.min(samples.length, last + pad) };
}

/** The recording with silence at both ends cut (see soundBounds); empty when it is silent throughout. */
export function trimSilence(samples: Float32Array, sampleRate: number, thresholdDbfs: number, padMs: number): Float32Array {
  const bounds = soundBounds(samples, sampleRate, thresholdDbfs, padMs);
  return bounds === null ? new Float32Array(0) : samples.slice(bounds.start, bounds.end);
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

export type WavInfo = {
  format: 'pcm' | 'float';
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  blockAlign: number;
  byteRate: number;
  /** Where the audio starts in the file, and how many bytes of it there are (whole frames only). */
  dataOffset: number;
  dataBytes: number;
  frames: number;
  durationMs: number;
  /** The file ends before its headers say it should (only with allowTruncated). */
  truncated: boolean;
  /** The audio mixed down to mono, unless decode was false. */
  samples?: Float32Array;
};

export type ParseWavOptions = {
  /** Decode the audio into `samples` (default true). */
  decode?: boolean;
  /**
   * Read a file cut short, as a crash mid-recording leaves it: sizes past the
   * end of the file, or left 0 / 0xFFFFFFFF by a streaming writer, are read
   * as "up to the end of the file" and `truncated` says so. Default false:
   * such a file is an error.
   */
  allowTruncated?: boolean;
};

type Fmt = { format: 'pcm' | 'float'; channels: number; sampleRate: number; byteRate: number; blockAlign: number; bitsPerSample: number };
type Chunk = { id: string; body: number; size: number; truncated: boolean };

/** Reads and checks a WAV file's header fields; every inconsistency is a WavError naming the field. */
export function parseWav(bytes: Uint8Array, options: ParseWavOptions = {}): WavInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = riffEnd(bytes, view, options.allowTruncated === true);
  let fmt: Fmt | undefined;
  let data: Chunk | undefined;
  for (const chunk of chunks(bytes, view, end.at, options.allowTruncated === true)) {
    if (chunk.id === 'fmt ' && fmt === undefined) fmt = readFmt(view, chunk);
    else if (chunk.id === 'data' && data === undefined) data = chunk;
  }
  if (fmt === undefined) throw new WavError('The WAV file has no "fmt " chunk, so its sample rate and format are unknown.');
  if (data === undefined) throw new WavError('The WAV file has no "data" chunk: it holds no audio.');
  const wholeFrames = data.size - (data.size % fmt.blockAlign);
  if (wholeFrames !== data.size && !options.allowTruncated) {
    throw new WavError(`The data chunk is ${data.size} bytes, which is not a whole number of ${fmt.blockAlign}-byte frames: the file is damaged.`);
  }
  const frames = wholeFrames / fmt.blockAlign;
  const info: WavInfo = {
    ...fmt,
    dataOffset: data.body,
    dataBytes: wholeFrames,
    frames,
    durationMs: (frames * 1000) / fmt.sampleRate,
    truncated: end.truncated || data.truncated || wholeFrames !== data.size,
  };
  if (options.decode !== false) info.samples = decodeMono(view, info);
  return info;
}

function riffEnd(bytes: Uint8Array, view: DataView, allowTruncated: boolean): { at: number; truncated: boolean } {
  if (bytes.length < 12) throw new WavError(`The file is ${bytes.length} bytes long: too short to be a WAV file (the header alone is 44 bytes).`);
  const magic = readAscii(bytes, 0, 4);
  if (magic === 'RIFX' || magic === 'RF64') throw new WavError(`The file is a ${magic} WAV file; only little-endian RIFF WAV files are supported.`);
  if (magic !== 'RIFF') throw new WavError('The file is not a WAV file: it does not start with "RIFF".');
  if (readAscii(bytes, 8, 4) !== 'WAVE') throw new WavError(`The file is a RIFF file of type "${readAscii(bytes, 8, 4)}", not "WAVE".`);
  const declared = view.getUint32(4, true);
  const unset = declared === 0 || declared === 0xffff_ffff;
  if (!unset && 8 + declared <= bytes.length) return { at: 8 + declared, truncated: false };
  if (!allowTruncated) {
    throw new WavError(
      unset
        ? 'The RIFF size in the WAV header was never filled in: the recording was not finished.'
        : `The WAV header says the file is ${8 + declared} bytes, but it is only ${bytes.length}: it was cut short.`,
    );
  }
  return { at: bytes.length, truncated: true };
}

function* chunks(bytes: Uint8Array, view: DataView, end: number, allowTruncated: boolean): Generator<Chunk> {
  let offset = 12;
  while (offset + 8 <= end) {
    const id = readAscii(bytes, offset, 4);
    const declared = view.getUint32(offset + 4, true);
    const body = offset + 8;
    const unset = id === 'data' && (declared === 0 || declared === 0xffff_ffff) && allowTruncated;
    if (unset || body + declared > end) {
      if (!allowTruncated) throw new WavError(`The "${id}" chunk says it is ${declared} bytes, but only ${end - body} are left in the file: it was cut short.`);
      yield { id, body, size: end - body, truncated: true };
      return;
    }
    yield { id, body, size: declared, truncated: false };
    offset = body + declared + (declared % 2); // chunks are padded to an even length
  }
}

function readFmt(view: DataView, chunk: Chunk): Fmt {
  if (chunk.size < 16) throw new WavError(`The "fmt " chunk is ${chunk.size} bytes; it needs at least 16.`);
  const at = chunk.body;
  const code = view.getUint16(at, true);
  const fmt: Fmt = {
    format: formatOf(code, view, chunk),
    channels: view.getUint16(at + 2, true),
    sampleRate: view.getUint32(at + 4, true),
    byteRate: view.getUint32(at + 8, true),
    blockAlign: view.getUint16(at + 12, true),
    bitsPerSample: view.getUint16(at + 14, true),
  };
  checkFmt(fmt);
  return fmt;
}

function formatOf(code: number, view: DataView, chunk: Chunk): 'pcm' | 'float' {
  if (code === FORMAT_PCM) return 'pcm';
  if (code === FORMAT_FLOAT) return 'float';
  if (code !== FORMAT_EXTENSIBLE) throw new WavError(`The WAV audio format is ${code} (compressed); only PCM (1) and float (3) are supported.`);
  if (chunk.size < 40) throw new WavError(`The "fmt " chunk of a WAVE_FORMAT_EXTENSIBLE file is ${chunk.size} bytes; it needs 40.`);
  const sub = view.getUint16(chunk.body + 24, true);
  if (sub === FORMAT_PCM) return 'pcm';
  if (sub === FORMAT_FLOAT) return 'float';
  throw new WavError(`The WAV sub-format is ${sub} (compressed); only PCM (1) and float (3) are supported.`);
}

function checkFmt(fmt: Fmt): void {
  if (fmt.channels < 1 || fmt.channels > 8) throw new WavError(`The WAV file says it has ${fmt.channels} channels; 1 to 8 are supported.`);
  if (fmt.sampleRate < 1 || fmt.sampleRate > MAX_SAMPLE_RATE)
    throw new WavError(`The WAV sample rate is ${fmt.sampleRate} Hz; it must be between 1 and ${MAX_SAMPLE_RATE}.`);
  const bits = fmt.format === 'pcm' ? [8, 16, 24, 32] : [32, 64];
  if (!bits.includes(fmt.bitsPerSample)) {
    throw new WavError(`${fmt.bitsPerSample} bits per sample is not supported for ${fmt.format} audio; use ${bits.join(', ')}.`);
  }
  const blockAlign = (fmt.channels * fmt.bitsPerSample) / 8;
  if (fmt.blockAlign !== blockAlign) {
    throw new WavError(`The WAV block align is ${fmt.blockAlign}, but ${fmt.channels} channel(s) of ${fmt.bitsPerSample} bits need ${blockAlign}.`);
  }
  if (fmt.byteRate !== fmt.sampleRate * blockAlign) {
    throw new WavError(`The WAV byte rate is ${fmt.byteRate}, but ${fmt.sampleRate} Hz × ${blockAlign} bytes per frame is ${fmt.sampleRate * blockAlign}.`);
  }
}

function decodeMono(view: DataView, info: WavInfo): Float32Array {
  const out = new Float32Array(info.frames);
  const bytesPerSample = info.bitsPerSample / 8;
  const read = sampleReader(view, info.format, info.bitsPerSample);
  for (let frame = 0; frame < info.frames; frame++) {
    let sum = 0;
    const at = info.dataOffset + frame * info.blockAlign;
    for (let channel = 0; channel < info.channels; channel++) sum += read(at + channel * bytesPerSample);
    out[frame] = sum / info.channels;
  }
  return out;
}

function sampleReader(view: DataView, format: 'pcm' | 'float', bits: number): (at: number) => number {
  if (format === 'float') return bits === 32 ? (at) => view.getFloat32(at, true) : (at) => view.getFloat64(at, true);
  switch (bits) {
    case 8:
      return (at) => (view.getUint8(at) - 128) / 128; // 8-bit WAV is unsigned
    case 16:
      return (at) => view.getInt16(at, true) / 32768;
    case 24:
      return (at) => ((view.getUint8(at + 2) << 24) | (view.getUint8(at + 1) << 16) | (view.getUint8(at) << 8)) / 2147483648;
    default:
      return (at) => view.getInt32(at, true) / 2147483648;
  }
}

function writeAscii(bytes: Uint8Array, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i);
}

function readAscii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}
