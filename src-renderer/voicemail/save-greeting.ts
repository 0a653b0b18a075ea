import type { FocuslineApi, GreetingView } from '../../src-main/ipc/contract.js';
import { AUDIO_PART_BYTES } from '../../src-shared/ipc/ws-protocol.js';
import type { GreetingVariant } from '../../src-shared/vocabulary.js';
import { toBase64 } from '../ipc/base64.js';

/**
 * Saves a greeting in parts: announce it with its sizes, send each
 * recording's bytes in order, then save. One message of web mode's socket
 * carries at most 1 MiB, and a 60 s greeting weighs several MB.
 */
export async function saveGreeting(
  api: Pick<FocuslineApi, 'invoke'>,
  greeting: { variant: GreetingVariant; durationMs: number; app: Uint8Array; pbx: Uint8Array },
): Promise<GreetingView> {
  const { uploadId } = await api.invoke('greetings.beginSave', {
    variant: greeting.variant,
    mimeType: 'audio/wav',
    durationMs: greeting.durationMs,
    sizes: { app: greeting.app.length, pbx: greeting.pbx.length },
  });
  for (const [part, bytes] of [
    ['app', greeting.app],
    ['pbx', greeting.pbx],
  ] as const) {
    for (let offset = 0; offset < bytes.length; offset += AUDIO_PART_BYTES) {
      await api.invoke('greetings.savePart', { uploadId, part, offset, data: toBase64(bytes.subarray(offset, offset + AUDIO_PART_BYTES)) });
    }
  }
  return api.invoke('greetings.save', { uploadId });
}
