// A greeting arrives in parts (web mode's socket takes 1 MiB a message):
// bounded by the policy's longest greeting, in order, complete, and dropped
// when abandoned, so nothing a page sends makes main hold memory for ever.
import { describe, expect, it } from 'vitest';
import { GreetingUploads, MAX_OPEN_UPLOADS, UPLOAD_IDLE_MS, maxAppBytes } from '../../../src-main/voicemail/greeting-uploads.js';

function uploads(maxSeconds = 30) {
  let now = 1_000_000;
  const u = new GreetingUploads(
    () => now,
    () => maxSeconds,
  );
  return { u, advance: (ms: number) => (now += ms) };
}

const start = { variant: 'standard' as const, mimeType: 'audio/wav', durationMs: 4_000, sizes: { app: 6, pbx: 3 } };

describe('greeting uploads', () => {
  it('puts the parts together in order and hands the whole greeting over once', () => {
    const { u } = uploads();
    const id = u.start(start);
    u.append(id, 'app', 0, new Uint8Array([1, 2, 3]));
    u.append(id, 'pbx', 0, new Uint8Array([7, 8, 9]));
    u.append(id, 'app', 3, new Uint8Array([4, 5, 6]));
    const done = u.finish(id);
    expect([...done.app]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...(done.pbx ?? [])]).toEqual([7, 8, 9]);
    expect(done).toMatchObject({ variant: 'standard', mimeType: 'audio/wav', durationMs: 4_000 });
    expect(() => u.finish(id)).toThrow('no longer open');
  });

  it('refuses a part out of order or past the announced size, and an incomplete greeting', () => {
    const { u } = uploads();
    const id = u.start(start);
    expect(() => u.append(id, 'app', 3, new Uint8Array([1]))).toThrow('expected at byte 0, not 3');
    expect(() => u.append(id, 'app', 0, new Uint8Array(7))).toThrow('longer than announced');
    u.append(id, 'app', 0, new Uint8Array(6));
    expect(() => u.finish(id)).toThrow('arrived incomplete (0 of 3 bytes)');
  });

  it('refuses a greeting longer or heavier than the policy allows before taking a byte', () => {
    const { u } = uploads(30);
    expect(() => u.start({ ...start, durationMs: 31_000 })).toThrow('at most 30 s');
    expect(() => u.start({ ...start, sizes: { app: maxAppBytes(30) + 1, pbx: 0 } })).toThrow("can't weigh");
  });

  it('keeps a few uploads open at most, and drops one nobody finishes', () => {
    const { u, advance } = uploads();
    for (let i = 0; i < MAX_OPEN_UPLOADS; i++) u.start(start);
    expect(() => u.start(start)).toThrow('Too many greetings');
    advance(UPLOAD_IDLE_MS + 1);
    const id = u.start(start);
    expect(u.openCount).toBe(1);
    advance(UPLOAD_IDLE_MS + 1);
    expect(() => u.append(id, 'app', 0, new Uint8Array(1))).toThrow('no longer open');
  });
});
