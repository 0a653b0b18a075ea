import { messageOf } from '../../src-shared/errors.js';
/**
 * Why a voicemail storage operation was refused. The message is shown to the
 * tech as is, so it says what happened and what to do; `kind` is for code.
 */
export const VOICEMAIL_ERROR_KINDS = ['invalid-input', 'not-found', 'wrong-state', 'out-of-order', 'chunk-conflict', 'too-long', 'too-large', 'disk'] as const;
export type VoicemailErrorKind = (typeof VOICEMAIL_ERROR_KINDS)[number];

export class VoicemailError extends Error {
  constructor(
    readonly kind: VoicemailErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'VoicemailError';
  }
}

/** Turns a failed disk operation into an error that names the file and the likely fix. */
export function diskError(what: string, path: string, cause: unknown): VoicemailError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const hint =
    code === 'ENOSPC'
      ? 'The disk is full; free some space (or delete old voicemails) and try again.'
      : code === 'EACCES' || code === 'EPERM'
        ? "Focusline isn't allowed to write there; check the data folder's permissions."
        : 'Check that the data folder is on a working, writable disk.';
  const detail = messageOf(cause);
  return new VoicemailError('disk', `Couldn't ${what} (${path}): ${detail}. ${hint}`);
}
