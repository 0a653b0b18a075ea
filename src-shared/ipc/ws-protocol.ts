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
