import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { migrate, type Db } from '../storage/database.js';
import { diskError, VoicemailError } from './voicemail-errors.js';
import { extensionFor, removeIfPresent, sizeOrNull, writeFileAtomic } from './voicemail-files.js';
import { KeyedSerialQueue } from './voicemail-serial.js';
import { AudioMimeTypeSchema, describeInvalid, GREETING_VARIANTS, GreetingVariantSchema, type GreetingVariant } from './voicemail-schema.js';

/**
 * The tech's recorded greetings, one per variant, in <dataDir>/voicemail/greetings/.
 *
 * Saving writes the new recording under a fresh name (temp + fsync + rename),
 * then switches the database row to it in one commit, then removes the old
 * file. A crash at any point leaves the old greeting or the new one playing,
 * never a half-written file or a row describing the wrong recording; the
 * leftovers of an interrupted save are swept at the next start.
 *
 * <variant>.wav is the PBX export (8 kHz mono PCM, made by wav.ts), kept at a
 * fixed name so a manager can find and upload it.
 */

export type GreetingAudio = { bytes: Uint8Array; mimeType: string; durationMs: number; savedAt: number };

export type GreetingSummary = {
  variant: GreetingVariant;
  recorded: boolean;
  mimeType: string | null;
  durationMs: number | null;
  sizeBytes: number | null;
  savedAt: number | null;
  /** The PBX export (<variant>.wav) when one was saved for the current recording. */
  exportPath: string | null;
  /** Set when the row and the disk disagree: what is wrong and what to do. */
  problem: string | null;
};

const MIGRATIONS = [
  {
    id: 'voicemail-greetings-1',
    sql: `CREATE TABLE voicemail_greetings (
      variant TEXT PRIMARY KEY,
      file_name TEXT NOT NULL,
      mime_type TEXT NOT NULL,
      duration_ms INTEGER NOT NULL,
      size_bytes INTEGER NOT NULL,
      saved_at INTEGER NOT NULL,
      export_saved_at INTEGER
    );`,
  },
];

const RowSchema = z.object({
  variant: GreetingVariantSchema,
  file_name: z.string(),
  mime_type: z.string(),
  duration_ms: z.number().int(),
  size_bytes: z.number().int(),
  saved_at: z.number().int(),
  export_saved_at: z.number().int().nullable(),
});
type Row = z.infer<typeof RowSchema>;

const SaveSchema = z.object({
  bytes: z.instanceof(Uint8Array, { message: 'must be the audio bytes (a Uint8Array)' }).refine((b) => b.byteLength > 0, 'the recording is empty'),
  mimeType: AudioMimeTypeSchema,
  durationMs: z
    .number()
    .int()
    .positive()
    .max(10 * 60 * 1000),
});
export type SaveGreeting = { bytes: Uint8Array; mimeType: string; durationMs: number };

/** "standard.1a2b3c4d.webm": variant, a fresh token per save, the format's extension. */
const RECORDING_NAME = new RegExp(`^(${GREETING_VARIANTS.join('|')})\\.[0-9a-f]{8}\\.[a-z0-9]{2,4}$`);
const LABELS: Record<GreetingVariant, string> = {
  standard: 'standard',
  focused: '"focused on a ticket"',
  'after-hours': 'after-hours',
  away: 'away',
};

function parseVariant(variant: unknown): GreetingVariant {
  const parsed = GreetingVariantSchema.safeParse(variant);
  if (!parsed.success)
    throw new VoicemailError('invalid-input', `There is no greeting called "${String(variant)}"; use one of ${GREETING_VARIANTS.join(', ')}.`);
  return parsed.data;
}

/** A RIFF/WAVE file starts with "RIFF", a size, then "WAVE". */
function looksLikeWav(bytes: Uint8Array): boolean {
  const ascii = (from: number) => String.fromCharCode(...bytes.subarray(from, from + 4));
  return bytes.byteLength >= 44 && ascii(0) === 'RIFF' && ascii(8) === 'WAVE';
}

export class GreetingStore {
  private readonly queue = new KeyedSerialQueue();
  private readonly sql;

  constructor(
    db: Db,
    readonly dir: string,
    private readonly maxBytes: number,
    private readonly now: () => number,
  ) {
    migrate(db, MIGRATIONS);
    this.sql = {
      get: db.prepare('SELECT * FROM voicemail_greetings WHERE variant = ?'),
      all: db.prepare('SELECT * FROM voicemail_greetings'),
      upsert: db.prepare(
        `INSERT INTO voicemail_greetings (variant, file_name, mime_type, duration_ms, size_bytes, saved_at, export_saved_at)
         VALUES (@variant, @fileName, @mimeType, @durationMs, @sizeBytes, @savedAt, NULL)
         ON CONFLICT (variant) DO UPDATE SET file_name = excluded.file_name, mime_type = excluded.mime_type,
           duration_ms = excluded.duration_ms, size_bytes = excluded.size_bytes, saved_at = excluded.saved_at, export_saved_at = NULL`,
      ),
      remove: db.prepare('DELETE FROM voicemail_greetings WHERE variant = ?'),
      exported: db.prepare('UPDATE voicemail_greetings SET export_saved_at = ? WHERE variant = ? AND file_name = ?'),
    };
  }

  /** Removes what an interrupted save or delete left behind. Only names this module writes are touched. */
  async sweep(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw diskError('read the greetings folder', this.dir, error);
    }
    const rows = new Map(this.rows().map((r) => [r.variant, r]));
    const current = new Set([...rows.values()].map((r) => r.file_name));
    for (const name of names) {
      const stale =
        name.endsWith('.tmp') ||
        (RECORDING_NAME.test(name) && !current.has(name)) ||
        GREETING_VARIANTS.some((v) => name === `${v}.wav` && (rows.get(v)?.export_saved_at ?? null) === null);
      if (stale) await removeIfPresent(join(this.dir, name));
    }
  }

  /** Replaces the variant's greeting; durable when this resolves. */
  async save(variant: GreetingVariant, input: SaveGreeting): Promise<GreetingSummary> {
    const v = parseVariant(variant);
    const parsed = SaveSchema.safeParse(input);
    if (!parsed.success) throw new VoicemailError('invalid-input', describeInvalid(`The ${LABELS[v]} greeting`, parsed.error));
    const { bytes, mimeType, durationMs } = parsed.data;
    if (bytes.byteLength > this.maxBytes) {
      throw new VoicemailError(
        'too-large',
        `The ${LABELS[v]} greeting is ${Math.ceil(bytes.byteLength / 1024)} KB, more than the ${Math.floor(this.maxBytes / 1024)} KB allowed; record a shorter one.`,
      );
    }
    return this.queue.run(v, async () => {
      const fileName = `${v}.${randomUUID().slice(0, 8)}${extensionFor(mimeType)}`;
      const path = join(this.dir, fileName);
      try {
        await writeFileAtomic(path, bytes);
      } catch (error) {
        throw diskError(`save the ${LABELS[v]} greeting`, path, error);
      }
      const previous = this.row(v);
      this.sql.upsert.run({ variant: v, fileName, mimeType, durationMs, sizeBytes: bytes.byteLength, savedAt: this.now() });
      // After the commit: if these removals are interrupted, sweep() finishes them.
      if (previous !== undefined) await removeIfPresent(join(this.dir, previous.file_name)).catch(() => undefined);
      await removeIfPresent(this.exportPath(v)).catch(() => undefined);
      return this.summaryOf(v, this.row(v));
    });
  }

  /** The greeting to play, or null when none is recorded (or its file is gone): the call then gets the built-in prompt. */
  async get(variant: GreetingVariant): Promise<GreetingAudio | null> {
    const v = parseVariant(variant);
    const row = this.row(v);
    if (row === undefined) return null;
    let bytes: Buffer;
    try {
      bytes = await readFile(join(this.dir, row.file_name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw diskError(`read the ${LABELS[v]} greeting`, join(this.dir, row.file_name), error);
    }
    return {
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      mimeType: row.mime_type,
      durationMs: row.duration_ms,
      savedAt: row.saved_at,
    };
  }

  /** True if there was a greeting to delete. */
  async remove(variant: GreetingVariant): Promise<boolean> {
    const v = parseVariant(variant);
    return this.queue.run(v, async () => {
      const row = this.row(v);
      if (row === undefined) return false;
      this.sql.remove.run(v);
      await removeIfPresent(join(this.dir, row.file_name)).catch(() => undefined);
      await removeIfPresent(this.exportPath(v)).catch(() => undefined);
      return true;
    });
  }

  /** Every variant, recorded or not, in a fixed order for the settings screen. */
  async summaries(): Promise<GreetingSummary[]> {
    const out: GreetingSummary[] = [];
    for (const v of GREETING_VARIANTS) out.push(await this.checkedSummary(v));
    return out;
  }

  /** Writes <variant>.wav (the PBX export) atomically next to the recording; returns its path. */
  async saveExport(variant: GreetingVariant, wavBytes: Uint8Array): Promise<string> {
    const v = parseVariant(variant);
    if (!(wavBytes instanceof Uint8Array) || !looksLikeWav(wavBytes)) {
      throw new VoicemailError('invalid-input', `The ${LABELS[v]} greeting's export must be a WAV file (RIFF/WAVE); nothing was written.`);
    }
    if (wavBytes.byteLength > this.maxBytes * 4) {
      throw new VoicemailError(
        'too-large',
        `The ${LABELS[v]} greeting's WAV export is larger than ${Math.floor((this.maxBytes * 4) / 1024)} KB; record a shorter greeting.`,
      );
    }
    return this.queue.run(v, async () => {
      const row = this.row(v);
      if (row === undefined) throw new VoicemailError('not-found', `Record the ${LABELS[v]} greeting before exporting it for the PBX.`);
      const path = this.exportPath(v);
      try {
        await writeFileAtomic(path, wavBytes);
      } catch (error) {
        throw diskError(`export the ${LABELS[v]} greeting`, path, error);
      }
      this.sql.exported.run(this.now(), v, row.file_name);
      return path;
    });
  }

  /** Bytes used by greetings and their exports. */
  async totalBytes(): Promise<number> {
    let total = 0;
    for (const row of this.rows()) {
      total += (await sizeOrNull(join(this.dir, row.file_name))) ?? 0;
      if (row.export_saved_at !== null) total += (await sizeOrNull(this.exportPath(row.variant))) ?? 0;
    }
    return total;
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  exportPath(variant: GreetingVariant): string {
    return join(this.dir, `${variant}.wav`);
  }

  private async checkedSummary(v: GreetingVariant): Promise<GreetingSummary> {
    const row = this.row(v);
    const summary = this.summaryOf(v, row);
    if (row === undefined) return summary;
    const path = join(this.dir, row.file_name);
    if ((await sizeOrNull(path)) === null) {
      return {
        ...summary,
        problem: `The recorded ${LABELS[v]} greeting is missing from the data folder (${path}); callers hear the built-in prompt until you record it again.`,
      };
    }
    if (summary.exportPath !== null && (await sizeOrNull(summary.exportPath)) === null) return { ...summary, exportPath: null };
    return summary;
  }

  private summaryOf(v: GreetingVariant, row: Row | undefined): GreetingSummary {
    if (row === undefined)
      return { variant: v, recorded: false, mimeType: null, durationMs: null, sizeBytes: null, savedAt: null, exportPath: null, problem: null };
    return {
      variant: v,
      recorded: true,
      mimeType: row.mime_type,
      durationMs: row.duration_ms,
      sizeBytes: row.size_bytes,
      savedAt: row.saved_at,
      exportPath: row.export_saved_at === null ? null : this.exportPath(v),
      problem: null,
    };
  }

  private row(v: GreetingVariant): Row | undefined {
    const raw = this.sql.get.get(v);
    return raw === undefined ? undefined : this.parseRow(raw);
  }

  private rows(): Row[] {
    return this.sql.all.all().map((raw) => this.parseRow(raw));
  }

  /** A row whose file name isn't one this module writes is never turned into a path. */
  private parseRow(raw: unknown): Row {
    const row = RowSchema.parse(raw);
    if (!RECORDING_NAME.test(row.file_name))
      throw new VoicemailError(
        'disk',
        `The greetings index names an unexpected file (${row.file_name}); delete and re-record the ${LABELS[row.variant]} greeting.`,
      );
    return row;
  }
}
