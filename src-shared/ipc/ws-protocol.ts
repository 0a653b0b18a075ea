import { z } from 'zod';

/** A failure that crosses the wire. `message` is written for the technician. */
export const IpcErrorSchema = z.object({
  code: z.enum(['invalid-request', 'unknown-command', 'forbidden', 'failed']),
  message: z.string(),
});
export type IpcError = z.infer<typeof IpcErrorSchema>;

/** Frames of the web-mode transport. Same commands and events as the Electron preload. */
export const ClientFrameSchema = z.object({
  t: z.literal('call'),
  id: z.number().int().nonnegative(),
  name: z.string().max(100),
  payload: z.unknown(),
});
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

// A plain union: two frames share t: 'result' (ok true/false), which a discriminated union can't express.
export const ServerFrameSchema = z.union([
  z.object({ t: z.literal('result'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: IpcErrorSchema }),
  z.object({ t: z.literal('event'), name: z.string(), payload: z.unknown() }),
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;

export const IPC_WS_PATH = '/ipc';

/** The largest message web mode's socket takes; a bigger one closes the socket (1009). */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** The most raw audio bytes one message carries when audio goes in parts: base64 of it (4/3) plus the frame stays under MAX_FRAME_BYTES. */
export const AUDIO_PART_BYTES = 512 * 1024;
