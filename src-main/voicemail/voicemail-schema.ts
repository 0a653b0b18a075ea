import { z } from 'zod';
import { AudioMimeTypeSchema, GreetingVariantSchema } from '../../src-shared/vocabulary.js';

export { AudioMimeTypeSchema, GREETING_VARIANTS, GreetingVariantSchema, type GreetingVariant } from '../../src-shared/vocabulary.js';

/**
 * The shapes voicemail storage accepts (validated: most of it comes from the
 * renderer over IPC) and the message record it gives back.
 */

/**
 * recording: audio is arriving. complete: finished normally. recovered:
 * Focusline stopped mid-message and what reached the disk was kept. empty: no
 * audio at all (kept as a record of the call, never removed silently).
 */
export const MESSAGE_STATES = ['recording', 'complete', 'recovered', 'empty'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

export const ENDED_BY = ['hangup', 'silence', 'max-length', 'error'] as const;
export type EndedBy = (typeof ENDED_BY)[number];

export const HANDLED_HOW = ['called-back', 'ticket-created', 'note-added', 'dismissed'] as const;
export type HandledHow = (typeof HANDLED_HOW)[number];

/** Message ids are generated here and are the file names: only this exact shape ever reaches a path. */
export const MESSAGE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const MessageIdSchema = z.string().regex(MESSAGE_ID_PATTERN, 'is not a voicemail id');

const Time = z.number().int().nonnegative();
const Text = (max: number) => z.string().max(max);
const Id = z.string().min(1).max(200);

export const BeginMessageSchema = z.object({
  callId: z.string().min(1).max(1000),
  attemptId: Id.nullish(),
  /** Empty for an anonymous caller. */
  callerUri: Text(2000),
  callerNumber: Text(200),
  callerName: Text(500),
  contact: z.object({ id: Id, name: Text(500) }).nullish(),
  company: z.object({ id: Id.nullish(), name: Text(500) }).nullish(),
  ticketId: Id.nullish(),
  greetingVariant: GreetingVariantSchema,
  /** 'built-in' when no greeting was recorded and the tone prompt played instead. */
  greetingSource: z.enum(['recorded', 'built-in']).default('recorded'),
  mimeType: AudioMimeTypeSchema,
  /** When recording started (after the beep), ms since the epoch. */
  startedAt: Time,
  /** The callback is due the same business day (callers compute it with calls/callback-due.ts). */
  callbackDueAt: Time,
});
export type BeginMessage = z.input<typeof BeginMessageSchema>;

export const FinishMessageSchema = z.object({
  durationMs: z
    .number()
    .int()
    .nonnegative()
    .max(24 * 3600 * 1000),
  endedBy: z.enum(ENDED_BY),
  /** Overrides the due time given at begin (e.g. recomputed for after-hours). */
  callbackDueAt: Time.optional(),
});
export type FinishMessage = z.input<typeof FinishMessageSchema>;

export const AppendSchema = z.object({
  id: MessageIdSchema,
  chunk: z.instanceof(Uint8Array, { message: 'must be the audio bytes (a Uint8Array)' }),
  seq: z.number().int().nonnegative().max(10_000_000),
  elapsedMs: Time.optional(),
});

export const VoicemailMessageSchema = z.object({
  id: MessageIdSchema,
  callId: z.string(),
  attemptId: z.string().nullable(),
  callerUri: z.string(),
  callerNumber: z.string(),
  callerName: z.string(),
  contact: z.object({ id: z.string(), name: z.string() }).nullable(),
  company: z.object({ id: z.string().nullable(), name: z.string() }).nullable(),
  ticketId: z.string().nullable(),
  greetingVariant: GreetingVariantSchema,
  greetingSource: z.enum(['recorded', 'built-in']),
  mimeType: z.string(),
  state: z.enum(MESSAGE_STATES),
  startedAt: Time,
  endedAt: Time.nullable(),
  /** null while recording; an estimate (exact to a chunk) when recovered. */
  durationMs: Time.nullable(),
  endedBy: z.enum(ENDED_BY).nullable(),
  /** Bytes of audio that are safely on disk. */
  sizeBytes: Time,
  /** What the tech should know about this message (recovered, empty, cut at the limit…). */
  note: z.string().nullable(),
  callbackDueAt: Time.nullable(),
  handled: z.enum(HANDLED_HOW).nullable(),
  handledAt: Time.nullable(),
  createdAt: Time,
  updatedAt: Time,
});
export type VoicemailMessage = z.infer<typeof VoicemailMessageSchema>;

export const StoreConfigSchema = z.object({
  /** The policy's longest message; with maxBitsPerSecond it sets the byte cap of a message. */
  maxMessageSeconds: z.number().int().min(1).max(3600),
  /**
   * The highest bitrate the recorder can produce. 256 kbit/s is far above what
   * MediaRecorder's Opus uses for a voice call, so a real message never hits
   * the cap before the time limit does; a runaway renderer does.
   */
  maxBitsPerSecond: z.number().int().min(8_000).max(1_536_000).default(256_000),
  maxGreetingBytes: z
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(8 * 1024 * 1024),
});
export type StoreConfig = z.input<typeof StoreConfigSchema>;

/** Room for the container's headers and cues on top of the audio itself. */
export const CONTAINER_SLACK_BYTES = 64 * 1024;

/** The most bytes one message may hold. */
export function messageByteCap(config: StoreConfig): number {
  const c = StoreConfigSchema.parse(config);
  return Math.ceil((c.maxMessageSeconds * c.maxBitsPerSecond) / 8) + CONTAINER_SLACK_BYTES;
}

/** zod's error, as one sentence a tech (or the developer reading a log) can act on. */
export function describeInvalid(what: string, error: z.ZodError): string {
  const issues = error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
  return `${what} was refused: ${issues.join('; ')}.`;
}
