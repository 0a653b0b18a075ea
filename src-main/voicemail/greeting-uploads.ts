import { randomUUID } from 'node:crypto';
import type { GreetingVariant } from '../../src-shared/vocabulary.js';

/**
 * A greeting arrives in parts: web mode's WebSocket takes at most 1 MiB a
 * message, and a 60 s greeting is several MB. Each upload is bounded by what
 * the policy's longest greeting can weigh, its parts must arrive in order,
 * and an upload nobody finishes is dropped after UPLOAD_IDLE_MS, so nothing a
 * page sends can make main hold memory for ever.
 */

export type GreetingPart = 'app' | 'pbx';

export type UploadStart = {
  variant: GreetingVariant;
  mimeType: string;
  durationMs: number;
  /** Bytes of the recording the app plays, and of the 8 kHz WAV for the PBX (0: none). */
  sizes: Record<GreetingPart, number>;
};

export type FinishedUpload = Omit<UploadStart, 'sizes'> & { app: Uint8Array; pbx: Uint8Array | null };

/** An upload that hears nothing this long is dropped. */
export const UPLOAD_IDLE_MS = 60_000;
/** At most this many unfinished uploads at once (one per greeting variant is the normal case). */
export const MAX_OPEN_UPLOADS = 4;

/** The most a recording of `seconds` can weigh: 48 kHz stereo 16-bit PCM (the app's WAV is mono; this is slack), plus a header. */
export function maxAppBytes(seconds: number): number {
  return (seconds + 1) * 48_000 * 2 * 2 + 4_096;
}

/** The most the PBX export (8 kHz mono 16-bit WAV) of `seconds` can weigh. */
export function maxPbxBytes(seconds: number): number {
  return (seconds + 1) * 8_000 * 2 + 4_096;
}

type Open = UploadStart & { buffers: Record<GreetingPart, Uint8Array>; received: Record<GreetingPart, number>; lastAt: number };

export class GreetingUploads {
  private readonly open = new Map<string, Open>();

  constructor(
    private readonly now: () => number,
    /** The policy's longest greeting, in seconds, read at each start. */
    private readonly maxSeconds: () => number,
  ) {}

  start(input: UploadStart): string {
    this.dropIdle();
    const seconds = this.maxSeconds();
    if (input.durationMs > seconds * 1000 + 500)
      throw new Error(`A greeting may be at most ${seconds} s long; this one is ${Math.round(input.durationMs / 1000)} s.`);
    if (input.sizes.app < 1 || input.sizes.app > maxAppBytes(seconds)) throw new Error(`A ${seconds} s greeting can't weigh ${input.sizes.app} bytes.`);
    if (input.sizes.pbx < 0 || input.sizes.pbx > maxPbxBytes(seconds))
      throw new Error(`A ${seconds} s greeting's PBX export can't weigh ${input.sizes.pbx} bytes.`);
    if (this.open.size >= MAX_OPEN_UPLOADS) throw new Error('Too many greetings are being saved at once; wait for one to finish.');
    const id = randomUUID();
    this.open.set(id, {
      ...input,
      buffers: { app: new Uint8Array(input.sizes.app), pbx: new Uint8Array(input.sizes.pbx) },
      received: { app: 0, pbx: 0 },
      lastAt: this.now(),
    });
    return id;
  }

  /** The next bytes of one part, at the offset where the last ones ended. */
  append(id: string, part: GreetingPart, offset: number, bytes: Uint8Array): void {
    this.dropIdle();
    const upload = this.get(id);
    if (offset !== upload.received[part])
      throw new Error(`This part of the greeting was expected at byte ${upload.received[part]}, not ${offset}; save it again.`);
    if (offset + bytes.length > upload.sizes[part]) throw new Error('The greeting is longer than announced; save it again.');
    upload.buffers[part].set(bytes, offset);
    upload.received[part] += bytes.length;
    upload.lastAt = this.now();
  }

  /** The whole greeting, once every announced byte has arrived; the upload is then closed. */
  finish(id: string): FinishedUpload {
    const upload = this.get(id);
    this.open.delete(id);
    for (const part of ['app', 'pbx'] as const) {
      if (upload.received[part] !== upload.sizes[part])
        throw new Error(`The greeting arrived incomplete (${upload.received[part]} of ${upload.sizes[part]} bytes); save it again.`);
    }
    return {
      variant: upload.variant,
      mimeType: upload.mimeType,
      durationMs: upload.durationMs,
      app: upload.buffers.app,
      pbx: upload.sizes.pbx > 0 ? upload.buffers.pbx : null,
    };
  }

  get openCount(): number {
    return this.open.size;
  }

  private get(id: string): Open {
    const upload = this.open.get(id);
    if (!upload) throw new Error('That greeting upload is no longer open (it took too long, or was finished); save it again.');
    return upload;
  }

  private dropIdle(): void {
    const now = this.now();
    for (const [id, upload] of this.open) if (now - upload.lastAt > UPLOAD_IDLE_MS) this.open.delete(id);
  }
}
