/**
 * What to do with a message that was still 'recording' when Focusline
 * stopped (crash, power cut, the window closed). Pure: the store measures the
 * file and reads the chunk journal, this decides, the store applies it.
 *
 * Every chunk is written and fsynced before its journal row is committed, so
 * the journal is the truth: bytes past the journal are a chunk whose row never
 * landed (dropped), and a file shorter than the journal (a disk that lost the
 * tail) is cut back to the last chunk that is whole.
 */

export type ChunkRecord = {
  seq: number;
  /** Where the chunk starts in the file. */
  offset: number;
  size: number;
  /** Media time at the end of the chunk, ms since the recording started. */
  elapsedMs: number;
};

export type RecoveryPlan = {
  state: 'recovered' | 'empty';
  /** The file is cut to this length. */
  keepBytes: number;
  /** Chunks kept: seq 0 .. keepChunks-1; journal rows past it are removed. */
  keepChunks: number;
  durationMs: number;
  /** Shown with the message: what happened and what was kept. */
  note: string;
  /** The file on disk differs from keepBytes and must be truncated. */
  truncateFile: boolean;
};

export const DEFAULT_CAUSE = 'Focusline stopped while this message was being recorded';

/** "12 s", "1 min 5 s", "less than a second". */
export function formatSeconds(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 1) return 'less than a second';
  if (seconds < 60) return `${seconds} s`;
  const rest = seconds % 60;
  return rest === 0 ? `${Math.floor(seconds / 60)} min` : `${Math.floor(seconds / 60)} min ${rest} s`;
}

function keptPhrase(durationMs: number): string {
  return durationMs < 500 ? 'less than a second of it was kept' : `the first ${formatSeconds(durationMs)} were kept`;
}

/** The chunks that form an unbroken run from the start of the file (seq 0, 1, 2… end to end). */
function contiguousPrefix(chunks: readonly ChunkRecord[]): ChunkRecord[] {
  const sorted = [...chunks].sort((a, b) => a.seq - b.seq);
  const run: ChunkRecord[] = [];
  let end = 0;
  for (const chunk of sorted) {
    if (chunk.seq !== run.length || chunk.offset !== end) break;
    run.push(chunk);
    end += chunk.size;
  }
  return run;
}

export function planRecovery(input: { fileSize: number | null; chunks: readonly ChunkRecord[]; cause?: string }): RecoveryPlan {
  const cause = input.cause ?? DEFAULT_CAUSE;
  const journal = contiguousPrefix(input.chunks);
  if (input.fileSize === null) {
    const note =
      journal.length > 0
        ? `${cause}, and its recording file is missing from the data folder; no audio could be kept. The caller's details are kept so you can call back.`
        : `${cause}, before any audio arrived. The caller's details are kept so you can call back.`;
    return { state: 'empty', keepBytes: 0, keepChunks: 0, durationMs: 0, note, truncateFile: false };
  }
  const fileSize = input.fileSize;
  const whole = journal.filter((c) => c.offset + c.size <= fileSize);
  const last = whole.at(-1);
  const keepBytes = last === undefined ? 0 : last.offset + last.size;
  const truncateFile = fileSize !== keepBytes;
  if (last === undefined) {
    const note = `${cause}, before any audio was saved. The caller's details are kept so you can call back.`;
    return { state: 'empty', keepBytes: 0, keepChunks: 0, durationMs: 0, note, truncateFile };
  }
  const durationMs = Math.max(0, last.elapsedMs);
  const torn = whole.length < journal.length;
  const note =
    `${cause}; ${keptPhrase(durationMs)}.` +
    (torn ? ' The end of the recording was cut off in the middle of being written, so it was trimmed back to the last complete part.' : '');
  return { state: 'recovered', keepBytes, keepChunks: whole.length, durationMs, note, truncateFile };
}
