import { describe, expect, it } from 'vitest';
import { encodeWavPcm16, parseWav, resample, resampleLinear, rmsDbfs, soundBounds, toPbxWav, trimSilence, WavError } from '../../../../src-shared/audio/wav.js';

function tone(frequency: number, sampleRate: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(sampleRate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate));
}

/** The amplitude of one frequency in a signal (Goertzel), ignoring the first and last 50 ms. */
function amplitudeAt(samples: Float32Array, sampleRate: number, frequency: number): number {
  const edge = Math.round(sampleRate * 0.05);
  const part = samples.subarray(edge, samples.length - edge);
  let re = 0;
  let im = 0;
  for (let i = 0; i < part.length; i++) {
    const phase = (2 * Math.PI * frequency * i) / sampleRate;
    re += part[i]! * Math.cos(phase);
    im += part[i]! * Math.sin(phase);
  }
  return (2 * Math.hypot(re, im)) / part.length;
}

const ascii = (bytes: Uint8Array, at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));

/** A WAV header written field by field, to damage one at a time. */
function header(
  fields: Partial<{
    riff: string;
    riffSize: number;
    wave: string;
    fmtSize: number;
    format: number;
    channels: number;
    rate: number;
    byteRate: number;
    blockAlign: number;
    bits: number;
    dataSize: number;
  }> = {},
  dataBytes = 8,
): Uint8Array {
  const f = {
    riff: 'RIFF',
    riffSize: 36 + dataBytes,
    wave: 'WAVE',
    fmtSize: 16,
    format: 1,
    channels: 1,
    rate: 8000,
    byteRate: 16000,
    blockAlign: 2,
    bits: 16,
    dataSize: dataBytes,
    ...fields,
  };
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);
  const put = (at: number, text: string) => [...text].forEach((c, i) => (bytes[at + i] = c.charCodeAt(0)));
  put(0, f.riff);
  view.setUint32(4, f.riffSize, true);
  put(8, f.wave);
  put(12, 'fmt ');
  view.setUint32(16, f.fmtSize, true);
  view.setUint16(20, f.format, true);
  view.setUint16(22, f.channels, true);
  view.setUint32(24, f.rate, true);
  view.setUint32(28, f.byteRate, true);
  view.setUint16(32, f.blockAlign, true);
  view.setUint16(34, f.bits, true);
  put(36, 'data');
  view.setUint32(40, f.dataSize, true);
  return bytes;
}

describe('encodeWavPcm16', () => {
  it('writes the canonical RIFF/fmt/data header for mono 16-bit PCM', () => {
    const bytes = encodeWavPcm16(new Float32Array(100), 8000);
    const view = new DataView(bytes.buffer);
    expect(bytes.length).toBe(44 + 200);
    expect([ascii(bytes, 0), ascii(bytes, 8), ascii(bytes, 12), ascii(bytes, 36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(view.getUint32(4, true)).toBe(36 + 200);
    expect(view.getUint32(16, true)).toBe(16);
    expect(view.getUint16(20, true)).toBe(1);
    expect(view.getUint16(22, true)).toBe(1);
    expect(view.getUint32(24, true)).toBe(8000);
    expect(view.getUint32(28, true)).toBe(16000);
    expect(view.getUint16(32, true)).toBe(2);
    expect(view.getUint16(34, true)).toBe(16);
    expect(view.getUint32(40, true)).toBe(200);
  });

  it('stores samples little-endian, clipped to full scale', () => {
    const bytes = encodeWavPcm16(Float32Array.from([0, 1, -1, 0.5, 2, -3, Number.NaN]), 16000);
    const view = new DataView(bytes.buffer);
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => view.getInt16(44 + 2 * i, true))).toEqual([0, 32767, -32768, 16384, 32767, -32768, 0]);
    expect([bytes[44 + 2], bytes[44 + 3]]).toEqual([0xff, 0x7f]);
  });

  it('refuses an impossible sample rate', () => {
    expect(() => encodeWavPcm16(new Float32Array(1), 0)).toThrow(WavError);
    expect(() => encodeWavPcm16(new Float32Array(1), Number.NaN)).toThrow(/sample rate/);
  });
});

describe('parseWav', () => {
  it('reads back what encodeWavPcm16 wrote', () => {
    const samples = tone(440, 48000, 0.25);
    const info = parseWav(encodeWavPcm16(samples, 48000));
    expect(info).toMatchObject({
      format: 'pcm',
      sampleRate: 48000,
      channels: 1,
      bitsPerSample: 16,
      blockAlign: 2,
      byteRate: 96000,
      dataOffset: 44,
      dataBytes: 24000,
      frames: 12000,
      durationMs: 250,
      truncated: false,
    });
    const decoded = info.samples!;
    expect(decoded.length).toBe(samples.length);
    expect(Math.max(...decoded.map((s, i) => Math.abs(s - samples[i]!)))).toBeLessThan(1 / 16000);
  });

  it('reads a Uint8Array that is a view into a larger buffer', () => {
    const wav = encodeWavPcm16(Float32Array.from([0.25, -0.25]), 8000);
    const padded = new Uint8Array(wav.length + 10);
    padded.set(wav, 5);
    expect(parseWav(padded.subarray(5, 5 + wav.length)).samples).toEqual(Float32Array.from([0.25, -0.25]));
  });

  it('skips unknown chunks, honours pad bytes, mixes stereo to mono and reads 8- and 24-bit', () => {
    const bytes = new Uint8Array(12 + 8 + 3 + 1 + 24 + 8 + 12);
    const view = new DataView(bytes.buffer);
    const put = (at: number, text: string) => [...text].forEach((c, i) => (bytes[at + i] = c.charCodeAt(0)));
    put(0, 'RIFF');
    view.setUint32(4, bytes.length - 8, true);
    put(8, 'WAVE');
    put(12, 'LIST');
    view.setUint32(16, 3, true); // odd size: one pad byte follows
    put(24, 'fmt ');
    view.setUint32(28, 16, true);
    view.setUint16(32, 1, true);
    view.setUint16(34, 2, true);
    view.setUint32(36, 1000, true);
    view.setUint32(40, 6000, true);
    view.setUint16(44, 6, true);
    view.setUint16(46, 24, true);
    put(48, 'data');
    view.setUint32(52, 12, true);
    // frame 1: L = +0.5, R = -0.25; frame 2: L = R = -1
    const int24 = (at: number, v: number) => [0, 1, 2].forEach((b) => view.setUint8(at + b, (v >> (8 * b)) & 0xff));
    int24(56, 0x400000);
    int24(59, -0x200000);
    int24(62, -0x800000);
    int24(65, -0x800000);
    const info = parseWav(bytes);
    expect(info).toMatchObject({ channels: 2, bitsPerSample: 24, frames: 2, durationMs: 2 });
    expect([...info.samples!]).toEqual([0.125, -1]);

    const eight = header({ bits: 8, blockAlign: 1, byteRate: 8000 }, 2);
    eight.set([0x80, 0x00], 44);
    expect([...parseWav(eight).samples!]).toEqual([0, -1]);
  });

  it.each([
    ['a short file', new Uint8Array(10), /too short/],
    ['not RIFF', header({ riff: 'JUNK' }), /does not start with "RIFF"/],
    ['big-endian RIFX', header({ riff: 'RIFX' }), /only little-endian/],
    ['not WAVE', header({ wave: 'AVI ' }), /not "WAVE"/],
    ['a RIFF size past the end', header({ riffSize: 1000 }), /cut short/],
    ['an unfinished RIFF size', header({ riffSize: 0 }), /never filled in/],
    ['a data size past the end', header({ dataSize: 100 }), /"data" chunk says it is 100 bytes/],
    ['a short fmt chunk', header({ fmtSize: 14 }), /needs at least 16/],
    ['a compressed format', header({ format: 6 }), /audio format is 6/],
    ['no channels', header({ channels: 0 }), /0 channels/],
    ['a zero sample rate', header({ rate: 0, byteRate: 0 }), /sample rate is 0 Hz/],
    ['12-bit samples', header({ bits: 12 }), /12 bits per sample/],
    ['a wrong block align', header({ blockAlign: 4 }), /block align is 4, but 1 channel\(s\) of 16 bits need 2/],
    ['a wrong byte rate', header({ byteRate: 8000 }), /byte rate is 8000, but 8000 Hz × 2 bytes per frame is 16000/],
    ['half a frame of data', header({ dataSize: 7 }, 8), /not a whole number of 2-byte frames/],
  ] as const)('refuses %s with a clear error', (_name, bytes, message) => {
    expect(() => parseWav(bytes)).toThrow(WavError);
    expect(() => parseWav(bytes)).toThrow(message);
  });

  it('reports a missing data chunk', () => {
    const bytes = header({ riffSize: 28 }).subarray(0, 36);
    expect(() => parseWav(bytes)).toThrow(/no "data" chunk/);
  });

  it('with allowTruncated, reads a recording cut short by a crash as far as it goes', () => {
    const full = encodeWavPcm16(tone(440, 8000, 0.1), 8000);
    const cut = full.slice(0, 44 + 501);
    const view = new DataView(cut.buffer);
    view.setUint32(4, 0xffffffff, true);
    view.setUint32(40, 0xffffffff, true);
    expect(() => parseWav(cut)).toThrow(/never filled in/);
    const info = parseWav(cut, { allowTruncated: true });
    expect(info).toMatchObject({ truncated: true, frames: 250, dataBytes: 500, durationMs: 31.25 });
    expect(info.samples!.length).toBe(250);
  });

  it('leaves the audio undecoded when asked', () => {
    expect(parseWav(encodeWavPcm16(new Float32Array(8), 8000), { decode: false }).samples).toBeUndefined();
  });
});

describe('resampling to the PBX rate', () => {
  it('toPbxWav makes 8 kHz mono 16-bit PCM of the same duration and level', () => {
    const recorded = tone(1000, 48000, 2, 0.5);
    const info = parseWav(toPbxWav(recorded, 48000));
    expect(info).toMatchObject({ format: 'pcm', sampleRate: 8000, channels: 1, bitsPerSample: 16, frames: 16000, durationMs: 2000 });
    expect(rmsDbfs(info.samples!)).toBeCloseTo(rmsDbfs(recorded), 1);
    expect(amplitudeAt(info.samples!, 8000, 1000)).toBeCloseTo(0.5, 2);
  });

  it('filters out what an 8 kHz line cannot carry, where plain linear interpolation aliases it', () => {
    const high = tone(5000, 48000, 1, 0.5); // above the 4 kHz Nyquist frequency of 8 kHz: folds to 3 kHz
    const filtered = resample(high, 48000, 8000);
    const linear = resampleLinear(high, 48000, 8000);
    expect(amplitudeAt(linear, 8000, 3000)).toBeGreaterThan(0.1);
    expect(amplitudeAt(filtered, 8000, 3000)).toBeLessThan(0.5 * 10 ** (-60 / 20));
    expect(rmsDbfs(filtered.subarray(400, -400))).toBeLessThan(-60);
  });

  it('keeps the telephone band (up to 3.4 kHz) within 0.1 dB', () => {
    for (const frequency of [300, 1000, 3000, 3400]) {
      const out = resample(tone(frequency, 48000, 1, 0.5), 48000, 8000);
      expect(20 * Math.log10(amplitudeAt(out, 8000, frequency) / 0.5), `${frequency} Hz`).toBeCloseTo(0, 1);
    }
  });

  it('handles a ratio that is not a whole number (44.1 kHz) and upsampling', () => {
    const from44 = resample(tone(1000, 44100, 1, 0.5), 44100, 8000);
    expect(from44.length).toBe(8000);
    expect(amplitudeAt(from44, 8000, 1000)).toBeCloseTo(0.5, 2);
    const up = resample(tone(1000, 8000, 1, 0.5), 8000, 48000);
    expect(up.length).toBe(48000);
    expect(amplitudeAt(up, 48000, 1000)).toBeCloseTo(0.5, 2);
  });

  it('keeps a constant constant, to the very ends', () => {
    const out = resample(new Float32Array(4800).fill(0.25), 48000, 8000);
    expect(out.length).toBe(800);
    expect(Math.max(...out.map((s) => Math.abs(s - 0.25)))).toBeLessThan(1e-6);
  });

  it('linear resampling interpolates between samples', () => {
    expect([...resampleLinear(Float32Array.from([0, 1, 0, -1]), 2, 4)]).toEqual([0, 0.5, 1, 0.5, 0, -0.5, -1, -1]);
  });
});

describe('levels and trimming', () => {
  it('rmsDbfs: full-scale square 0 dBFS, full-scale sine -3 dBFS, silence -Infinity', () => {
    expect(rmsDbfs(Float32Array.from([1, -1, 1, -1]))).toBeCloseTo(0, 6);
    expect(rmsDbfs(tone(1000, 48000, 1, 1))).toBeCloseTo(-3.01, 2);
    expect(rmsDbfs(tone(1000, 48000, 1, 0.1))).toBeCloseTo(-23.01, 2);
    expect(rmsDbfs(new Float32Array(10))).toBe(-Infinity);
    expect(rmsDbfs(new Float32Array(0))).toBe(-Infinity);
  });

  it('trims silence at both ends, keeping the padding', () => {
    const rate = 8000;
    const speech = tone(500, rate, 1, 0.3);
    const recording = new Float32Array(rate * 3);
    recording.set(speech, rate * 1.5); // 1.5 s of silence, 1 s of sound, 0.5 s of silence
    for (let i = 0; i < recording.length; i++) recording[i]! += 0.0005 * Math.sin(i * 1.7); // room noise, about -69 dBFS
    const bounds = soundBounds(recording, rate, -50, 100);
    expect(bounds).toEqual({ start: rate * 1.5 - 800, end: rate * 2.5 + 800 });
    const trimmed = trimSilence(recording, rate, -50, 100);
    expect(trimmed.length).toBe(rate + 1600);
    expect(trimmed[800]).toBe(recording[rate * 1.5]);
  });

  it('keeps padding inside the recording, and gives nothing back for silence', () => {
    const rate = 8000;
    const loud = tone(500, rate, 0.5, 0.3);
    expect(trimSilence(loud, rate, -50, 250).length).toBe(loud.length);
    expect(trimSilence(new Float32Array(rate), rate, -50, 100).length).toBe(0);
    expect(soundBounds(new Float32Array(rate), rate, -50, 100)).toBeNull();
  });
});
