import { describe, expect, it } from 'vitest';
import { encodeWavPcm16, parseWav, rmsDbfs } from '../../../src-shared/audio/wav.js';
import {
  encodeTake,
  fromBase64,
  meterPercent,
  microphoneErrorMessage,
  pbxWavOf,
  remainingSeconds,
  savedSampleRate,
  takeOf,
  takeProblem,
  toBase64,
  TRIM_PAD_MS,
  trimTake,
} from '../../../src-renderer/voicemail/greeting-recorder.js';

const RATE = 48_000;

function tone(seconds: number, dbfs = -12, rate = RATE): Float32Array {
  const amplitude = Math.SQRT2 * 10 ** (dbfs / 20);
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / rate));
}

function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('the saved format', () => {
  it('is 48 kHz while the policy maximum fits the size limit, and drops the rate for long maxima', () => {
    expect(savedSampleRate(30)).toBe(48_000);
    expect(savedSampleRate(60)).toBe(48_000);
    expect(savedSampleRate(90)).toBe(24_000);
    expect(savedSampleRate(120)).toBe(24_000);
  });

  it('keeps the longest allowed greeting under what main accepts (8,000,000 bytes)', () => {
    for (const max of [5, 30, 60, 61, 77, 78, 120]) {
      const rate = savedSampleRate(max);
      const bytes = encodeWavPcm16(new Float32Array(Math.ceil(rate * (max + 0.5))), rate).byteLength;
      expect(bytes, `${max} s at ${rate} Hz`).toBeLessThan(8_000_000);
    }
  });

  it('encodes a take as the app WAV at its own rate and the 8 kHz mono 16-bit PBX WAV, both as long and as loud', () => {
    const take = takeOf(tone(2), RATE);
    const { app, pbx } = encodeTake(take);
    const a = parseWav(app);
    const p = parseWav(pbx);
    expect(a).toMatchObject({ format: 'pcm', sampleRate: RATE, channels: 1, bitsPerSample: 16, durationMs: 2000 });
    expect(p).toMatchObject({ format: 'pcm', sampleRate: 8000, channels: 1, bitsPerSample: 16, durationMs: 2000 });
    expect(rmsDbfs(a.samples!)).toBeCloseTo(-12, 1);
    expect(rmsDbfs(p.samples!)).toBeCloseTo(-12, 0);
  });
});

describe('a take', () => {
  it('knows its duration and level from its samples', () => {
    const take = takeOf(tone(1.5, -20), RATE);
    expect(take.durationMs).toBe(1500);
    expect(take.levelDbfs).toBeCloseTo(-20, 1);
    expect(take.trimmed).toBe(false);
  });

  it('is refused when shorter than a second, longer than the maximum (beyond a half-second grace), or silent', () => {
    expect(takeProblem(999, -12, 30)).toMatch(/^The recording is 1\.0 s long, too short for a greeting \(at least 1 s\)/);
    expect(takeProblem(400, -12, 30)).toMatch(/0\.4 s long, too short/);
    expect(takeProblem(1000, -12, 30)).toBeNull();
    expect(takeProblem(30_500, -12, 30)).toBeNull();
    expect(takeProblem(30_501, -12, 30)).toMatch(/policy allows at most 30 s/);
    expect(takeProblem(5000, -Infinity, 30)).toMatch(/silent: check that the right microphone/);
    expect(takeProblem(5000, -61, 30)).toMatch(/silent/);
    expect(takeProblem(5000, Number.NaN, 30)).toMatch(/silent/);
  });

  it('is trimmed to the sound plus a pad at each end', () => {
    const samples = concat(new Float32Array(RATE), tone(2), new Float32Array(RATE / 2));
    const trimmed = trimTake(takeOf(samples, RATE));
    expect(trimmed.trimmed).toBe(true);
    expect(trimmed.durationMs).toBeGreaterThanOrEqual(2000 + 2 * TRIM_PAD_MS - 10);
    expect(trimmed.durationMs).toBeLessThanOrEqual(2000 + 2 * TRIM_PAD_MS + 20);
    expect(trimmed.levelDbfs).toBeGreaterThan(-13);
  });

  it('keeps quiet speech-level sound and cuts only the room noise around it', () => {
    const noise = Float32Array.from({ length: RATE }, (_, i) => 0.001 * Math.sin(i)); // about -63 dBFS
    const trimmed = trimTake(takeOf(concat(noise, tone(1, -35), noise), RATE));
    expect(trimmed.durationMs).toBeGreaterThanOrEqual(1000);
    expect(trimmed.durationMs).toBeLessThan(1000 + 2 * TRIM_PAD_MS + 20);
  });

  it('that is silent throughout cannot be trimmed to nothing: the tech is told to check the microphone', () => {
    expect(() => trimTake(takeOf(new Float32Array(RATE * 2), RATE))).toThrow(/below the silence level.*Check the microphone/);
  });
});

describe('the countdown and the meter', () => {
  it('counts whole seconds down to zero, never below', () => {
    expect(remainingSeconds(0, 30)).toBe(30);
    expect(remainingSeconds(100, 30)).toBe(30);
    expect(remainingSeconds(1000, 30)).toBe(29);
    expect(remainingSeconds(29_999, 30)).toBe(1);
    expect(remainingSeconds(30_000, 30)).toBe(0);
    expect(remainingSeconds(31_000, 30)).toBe(0);
  });

  it('maps -60…0 dBFS onto the bar', () => {
    expect(meterPercent(-Infinity)).toBe(0);
    expect(meterPercent(-80)).toBe(0);
    expect(meterPercent(-30)).toBe(50);
    expect(meterPercent(0)).toBe(100);
    expect(meterPercent(6)).toBe(100);
  });
});

describe('microphone errors', () => {
  const domError = (name: string) => new DOMException('browser text', name);

  it('say what happened and what to do', () => {
    expect(microphoneErrorMessage(domError('NotAllowedError'))).toMatch(/may not use the microphone\. Allow microphone access/);
    expect(microphoneErrorMessage(domError('SecurityError'))).toMatch(/may not use the microphone/);
    expect(microphoneErrorMessage(domError('NotFoundError'))).toMatch(/^No microphone was found\. Plug in/);
    expect(microphoneErrorMessage(domError('OverconstrainedError'))).toMatch(/chosen microphone is not connected any more/);
    expect(microphoneErrorMessage(domError('NotReadableError'))).toMatch(/in use by another program/);
  });

  it('pass anything else through with its own text', () => {
    expect(microphoneErrorMessage(new Error('boom'))).toBe('The microphone could not be opened: boom');
    expect(microphoneErrorMessage('odd')).toBe('The microphone could not be opened: odd');
  });
});

describe('base64 for IPC', () => {
  it('round-trips bytes larger than one chunk', () => {
    const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 7919) & 0xff);
    const text = toBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64'));
    expect(fromBase64(text)).toEqual(bytes);
  });
});

describe('the PBX WAV of a saved greeting', () => {
  it('is made from a saved WAV without the browser', async () => {
    const saved = toBase64(encodeWavPcm16(tone(1.5), RATE));
    const pbx = parseWav(await pbxWavOf(saved, 'audio/wav'));
    expect(pbx).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 16, durationMs: 1500 });
  });

  it('needs the browser to decode another format, and says so without one', async () => {
    await expect(pbxWavOf(toBase64(new Uint8Array([1, 2, 3])), 'audio/webm;codecs=opus')).rejects.toThrow(/audio\/webm.*record it again to get a WAV/);
    const pbx = await pbxWavOf(toBase64(new Uint8Array([1, 2, 3])), 'audio/webm', async () => ({ samples: tone(1, -12, 16_000), sampleRate: 16_000 }));
    expect(parseWav(pbx)).toMatchObject({ sampleRate: 8000, durationMs: 1000 });
  });
});
