import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { migrate, type Db } from '../storage/database.js';
import { PRIVATE_DIR_MODE } from '../storage/private-files.js';
import { diskError, VoicemailError } from './voicemail-errors.js';
import { createEmptyDurably, extensionFor, removeIfPresent, sizeOrNull, truncateDurably, writeAtDurably } from './voicemail-files.js';
import { GreetingStore, type GreetingAudio, type GreetingSummary, type SaveGreeting } from './voicemail-greetings.js';
import type { RetainedMessage } from './retention.js';
import { DEFAULT_CAUSE, formatSeconds, planRecovery, type ChunkRecord } from './voicemail-recovery.js';
import {
  AppendSchema,
  BeginMessageSchema,
  describeInvalid,
  FinishMessageSchema,
  HANDLED_HOW,
  MessageIdSchema,
  messageByteCap,
  StoreConfigSchema,
  type BeginMessage,
  type EndedBy,
  type FinishMessage,
  type GreetingVariant,
  type HandledHow,
  type StoreConfig,
  type VoicemailMessage,
} from './voicemail-schema.js';
import { ChunkRowSchema, FILE_NAME, MESSAGE_MIGRATIONS, parseRow, toMessage, type ChunkRow, type Row } from './voicemail-index.js';
import { KeyedSerialQueue } from './voicemail-serial.js';
import { messageOf } from '../../src-shared/errors.js';

/**
 * Focusline's own voicemail on disk: the audio files in <dataDir>/voicemail/,
 * their index in SQLite, and the greetings (voicemail-greetings.ts).
 *
 * A message is a row first ('recording', written before any audio arrives),
 * then a file that grows one chunk at a time (~1 s each). Each chunk is
 * written at its offset and fsynced, THEN journalled (seq, offset, size, media
 * time) in the same commit that raises the row's size. So after a crash the
 * journal says exactly which bytes are whole and how long they play, and
 * open() turns every interrupted row into 'recovered' (with what was kept)
 * or 'empty' — a message is never silently lost.
 *
 * Message ids are generated here (UUIDs) and file names derive from them, so
 * nothing the renderer sends can name a path.
 */

export type VoicemailStoreOptions = {
  db: Db;
  dataDir: string;
  config: StoreConfig;
  now?: () => number;
};

export type AppendResult = {
  seq: number;
  /** The chunk had already been stored (a re-send); nothing was written. */
  duplicate: boolean;
  /** Bytes of this message safely on disk. */
  sizeBytes: number;
};

export type AudioResult =
  | { ok: true; bytes: Uint8Array; mimeType: string; path: string; durationMs: number | null; warning: string | null }
  | { ok: false; reason: 'not-found' | 'recording' | 'empty' | 'file-missing'; message: string };

export type RetentionResult = { deleted: string[]; skipped: { id: string; reason: string }[]; freedBytes: number };

/** message is null when the voicemail was deleted. */
export type VoicemailChange = { id: string; message: VoicemailMessage | null };

/** "the voicemail from Ann Example at 3/4/2025, 9:00:00 AM": which message a problem is about, in words. */
function describe(r: Row): string {
  const who = r.caller_name || r.caller_number || r.caller_uri || 'an unknown caller';
  return `the voicemail from ${who} at ${new Date(r.started_at).toLocaleString()}`;
}

function errorText(error: unknown): string {
  return messageOf(error);
}

function finishNote(endedBy: EndedBy, empty: boolean, maxSeconds: number): string | null {
  if (empty) {
    return endedBy === 'error'
      ? "Recording failed before any audio arrived. The caller's details are kept so you can call back."
      : 'The caller hung up without leaving a message. Their details are kept so you can call back.';
  }
  if (endedBy === 'max-length') return `The caller reached the ${formatSeconds(maxSeconds * 1000)} limit; the message stops there.`;
  if (endedBy === 'error') return 'The recording stopped early because of an error; everything recorded up to then is kept.';
  return null;
}

export class VoicemailStore {
  /** Where message audio lives. */
  readonly dir: string;
  private readonly greetingStore: GreetingStore;
  /** Messages found mid-recording when this store opened, now 'recovered' or 'empty' (for a notice to the tech). */
  recoveredAtOpen: VoicemailMessage[] = [];

  private config: z.output<typeof StoreConfigSchema>;
  private readonly db: Db;
  private readonly now: () => number;
  private readonly queue = new KeyedSerialQueue();
  private readonly listeners = new Set<(change: VoicemailChange) => void>();
  private readonly sql;

  /** Opens the store and settles every message a previous run left 'recording'. */
  static async open(options: VoicemailStoreOptions): Promise<VoicemailStore> {
    const store = new VoicemailStore(options);
    await store.startup();
    return store;
  }

  private constructor(options: VoicemailStoreOptions) {
    this.db = options.db;
    this.config = this.parseConfig(options.config);
    this.now = options.now ?? Date.now;
    this.dir = join(options.dataDir, 'voicemail');
    migrate(this.db, MESSAGE_MIGRATIONS);
    this.greetingStore = new GreetingStore(this.db, join(this.dir, 'greetings'), this.config.maxGreetingBytes, this.now);
    const db = this.db;
    this.sql = {
      insert: db.prepare(
        `INSERT INTO voicemail_messages (id, file_name, call_id, attempt_id, caller_uri, caller_number, caller_name, contact_id, contact_name,
           company_id, company_name, ticket_id, greeting_variant, greeting_source, mime_type, state, started_at, size_bytes, max_bytes,
           max_seconds, callback_due_at, created_at, updated_at)
         VALUES (@id, @fileName, @callId, @attemptId, @callerUri, @callerNumber, @callerName, @contactId, @contactName,
           @companyId, @companyName, @ticketId, @greetingVariant, @greetingSource, @mimeType, 'recording', @startedAt, 0, @maxBytes,
           @maxSeconds, @callbackDueAt, @now, @now)`,
      ),
      byId: db.prepare('SELECT * FROM voicemail_messages WHERE id = ?'),
      list: db.prepare('SELECT * FROM voicemail_messages WHERE (@all = 1 OR handled IS NULL) ORDER BY started_at DESC, rowid DESC'),
      between: db.prepare('SELECT * FROM voicemail_messages WHERE started_at >= ? AND started_at < ? ORDER BY started_at, rowid'),
      recording: db.prepare("SELECT * FROM voicemail_messages WHERE state = 'recording' ORDER BY started_at, rowid"),
      allIds: db.prepare('SELECT id FROM voicemail_messages').pluck(),
      total: db.prepare('SELECT COALESCE(SUM(size_bytes), 0) FROM voicemail_messages').pluck(),
      chunk: db.prepare('SELECT * FROM voicemail_chunks WHERE message_id = ? AND seq = ?'),
      chunks: db.prepare('SELECT * FROM voicemail_chunks WHERE message_id = ? ORDER BY seq'),
      lastChunk: db.prepare('SELECT * FROM voicemail_chunks WHERE message_id = ? ORDER BY seq DESC LIMIT 1'),
      chunkCount: db.prepare('SELECT COUNT(*) FROM voicemail_chunks WHERE message_id = ?').pluck(),
      addChunk: db.prepare(
        'INSERT INTO voicemail_chunks (message_id, seq, byte_offset, size, elapsed_ms, received_at) VALUES (@id, @seq, @offset, @size, @elapsedMs, @now)',
      ),
      grow: db.prepare('UPDATE voicemail_messages SET size_bytes = size_bytes + @size, updated_at = @now WHERE id = @id'),
      clearChunks: db.prepare('DELETE FROM voicemail_chunks WHERE message_id = ?'),
      settle: db.prepare(
        `UPDATE voicemail_messages SET state = @state, size_bytes = @sizeBytes, duration_ms = @durationMs, ended_at = @endedAt,
           ended_by = @endedBy, note = @note, callback_due_at = @callbackDueAt, updated_at = @now WHERE id = @id`,
      ),
      handled: db.prepare('UPDATE voicemail_messages SET handled = @how, handled_at = @now, updated_at = @now WHERE id = @id'),
      remove: db.prepare('DELETE FROM voicemail_messages WHERE id = ?'),
    };
  }

  /** The policy changed: new messages get the new limit; one being recorded keeps the limit it started with. */
  configure(config: StoreConfig): void {
    this.config = this.parseConfig(config);
  }

  // ---- recording a message ---------------------------------------------------

  /** Writes the message's row ('recording') and its empty file, before any audio arrives. Returns the new id. */
  async begin(input: BeginMessage): Promise<string> {
    const parsed = BeginMessageSchema.safeParse(input);
    if (!parsed.success) throw new VoicemailError('invalid-input', describeInvalid('A new voicemail', parsed.error));
    const m = parsed.data;
    const id = randomUUID();
    const fileName = `${id}${extensionFor(m.mimeType)}`;
    this.sql.insert.run({
      id,
      fileName,
      callId: m.callId,
      attemptId: m.attemptId ?? null,
      callerUri: m.callerUri,
      callerNumber: m.callerNumber,
      callerName: m.callerName,
      contactId: m.contact?.id ?? null,
      contactName: m.contact?.name ?? null,
      companyId: m.company?.id ?? null,
      companyName: m.company?.name ?? null,
      ticketId: m.ticketId ?? null,
      greetingVariant: m.greetingVariant,
      greetingSource: m.greetingSource,
      mimeType: m.mimeType,
      startedAt: m.startedAt,
      maxBytes: messageByteCap(this.config),
      maxSeconds: this.config.maxMessageSeconds,
      callbackDueAt: m.callbackDueAt,
      now: this.now(),
    });
    try {
      await createEmptyDurably(join(this.dir, fileName));
    } catch (error) {
      // The row stays, as a record of the call, and says why there is no audio.
      const failure = diskError('create the voicemail file', join(this.dir, fileName), error);
      await this.queue.run(id, () => this.settleInterrupted(this.mustRow(id), `Focusline couldn't store this message (${failure.message})`));
      throw failure;
    }
    this.emitId(id);
    return id;
  }

  /**
   * Adds the next chunk of audio; durable (fsynced and journalled) when this
   * resolves. seq counts from 0 with no gaps. A chunk re-sent with a seq that is
   * already stored (same length) is acknowledged without being written again.
   * elapsedMs: media time at the end of this chunk (ms since recording started);
   * when the renderer doesn't say, the time since startedAt is used.
   */
  async append(id: string, chunk: Uint8Array, seq: number, elapsedMs?: number): Promise<AppendResult> {
    const parsed = AppendSchema.safeParse({ id, chunk, seq, elapsedMs });
    if (!parsed.success) throw new VoicemailError('invalid-input', describeInvalid('A voicemail audio chunk', parsed.error));
    const input = parsed.data;
    return this.queue.run(input.id, () => this.appendNow(input.id, input.chunk, input.seq, input.elapsedMs));
  }

  /** The recording ended. Idempotent: finishing a message that is no longer recording returns it unchanged. */
  async finish(id: string, input: FinishMessage): Promise<VoicemailMessage> {
    const messageId = this.parseId(id);
    const parsed = FinishMessageSchema.safeParse(input);
    if (!parsed.success) throw new VoicemailError('invalid-input', describeInvalid('Finishing the voicemail', parsed.error));
    const done = parsed.data;
    return this.queue.run(messageId, async () => {
      const row = this.mustRow(messageId);
      if (row.state !== 'recording') return toMessage(row);
      const onDisk = await sizeOrNull(this.pathOf(row)).catch(() => null);
      if (onDisk !== row.size_bytes) {
        return this.settleInterrupted(row, 'The recording file changed on disk while this message was being recorded');
      }
      const empty = row.size_bytes === 0;
      if (empty) await removeIfPresent(this.pathOf(row)).catch(() => undefined);
      this.settle(row, {
        state: empty ? 'empty' : 'complete',
        sizeBytes: row.size_bytes,
        durationMs: empty ? 0 : done.durationMs,
        endedAt: this.now(),
        endedBy: done.endedBy,
        note: finishNote(done.endedBy, empty, row.max_seconds),
        callbackDueAt: done.callbackDueAt ?? row.callback_due_at,
      });
      return this.mustMessage(messageId);
    });
  }

  /**
   * The renderer recording this message went away (window closed or reloaded)
   * while main kept running: keep what arrived, exactly as after a crash.
   */
  async interrupt(id: string, cause = 'The recording stopped unexpectedly while this message was being recorded'): Promise<VoicemailMessage> {
    const messageId = this.parseId(id);
    return this.queue.run(messageId, async () => {
      const row = this.mustRow(messageId);
      return row.state === 'recording' ? this.settleInterrupted(row, cause) : toMessage(row);
    });
  }

  // ---- the inbox ---------------------------------------------------------------

  /** Newest first, including one being recorded right now. Handled messages only when asked for. */
  list(options: { includeHandled?: boolean } = {}): VoicemailMessage[] {
    return this.sql.list.all({ all: options.includeHandled === true ? 1 : 0 }).map((raw) => toMessage(parseRow(raw)));
  }

  /** Every message left in [fromMs, toMs), handled or not, oldest first (Insights: voicemail response times). */
  between(fromMs: number, toMs: number): VoicemailMessage[] {
    return this.sql.between.all(fromMs, toMs).map((raw) => toMessage(parseRow(raw)));
  }

  get(id: string): VoicemailMessage | undefined {
    const row = this.row(this.parseId(id));
    return row === undefined ? undefined : toMessage(row);
  }

  /** The recording to play or attach. A problem (no audio, file gone) is an answer that says so, not a throw. */
  async audio(id: string): Promise<AudioResult> {
    const row = this.row(this.parseId(id));
    if (row === undefined) return { ok: false, reason: 'not-found', message: 'This voicemail no longer exists; it may have been deleted.' };
    if (row.state === 'recording') return { ok: false, reason: 'recording', message: `${capitalise(describe(row))} is still being recorded.` };
    if (row.state === 'empty' || row.size_bytes === 0) {
      return { ok: false, reason: 'empty', message: `${capitalise(describe(row))} has no audio. ${row.note ?? ''}`.trim() };
    }
    const path = this.pathOf(row);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw diskError(`read ${describe(row)}`, path, error);
      return {
        ok: false,
        reason: 'file-missing',
        message: `The recording of ${describe(row)} is missing from the data folder (${path}); it may have been moved or deleted outside Focusline. The caller's details are still here so you can call back.`,
      };
    }
    const kept = Math.min(bytes.byteLength, row.size_bytes);
    const warning =
      bytes.byteLength < row.size_bytes
        ? `Only ${Math.round((bytes.byteLength / row.size_bytes) * 100)}% of this recording is still on disk; the end may be missing.`
        : null;
    return { ok: true, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, kept), mimeType: row.mime_type, path, durationMs: row.duration_ms, warning };
  }

  markHandled(id: string, how: HandledHow): VoicemailMessage {
    const messageId = this.parseId(id);
    const parsed = z.enum(HANDLED_HOW).safeParse(how);
    if (!parsed.success)
      throw new VoicemailError('invalid-input', `"${String(how)}" is not a way of handling a voicemail; use one of ${HANDLED_HOW.join(', ')}.`);
    this.mustRow(messageId);
    this.sql.handled.run({ id: messageId, how: parsed.data, now: this.now() });
    this.emitId(messageId);
    return this.mustMessage(messageId);
  }

  /**
   * Removes the row, then the file. A crash in between leaves only a file no
   * row points to, which the next open() removes. Deleting twice is harmless.
   */
  async delete(id: string): Promise<{ deleted: boolean; freedBytes: number }> {
    const messageId = this.parseId(id);
    return this.queue.run(messageId, async () => {
      const row = this.row(messageId);
      if (row === undefined) return { deleted: false, freedBytes: 0 };
      if (row.state === 'recording') {
        throw new VoicemailError('wrong-state', `${capitalise(describe(row))} is still being recorded; it can be deleted once the call ends.`);
      }
      this.sql.remove.run(messageId);
      try {
        await removeIfPresent(this.pathOf(row));
      } catch {
        // The row is gone; the next open() retries removing the orphan file.
      }
      this.emit({ id: messageId, message: null });
      return { deleted: true, freedBytes: row.size_bytes };
    });
  }

  /** Deletes the messages the retention policy picked (retention.ts decides; this only carries it out). */
  async applyRetention(ids: readonly string[]): Promise<RetentionResult> {
    const result: RetentionResult = { deleted: [], skipped: [], freedBytes: 0 };
    for (const id of ids) {
      try {
        const { deleted, freedBytes } = await this.delete(id);
        if (deleted) result.deleted.push(id);
        else result.skipped.push({ id, reason: 'already deleted' });
        result.freedBytes += freedBytes;
      } catch (error) {
        result.skipped.push({ id, reason: errorText(error) });
      }
    }
    return result;
  }

  /** What retention.ts decides on: every message that is no longer being recorded. */
  retentionCandidates(): RetainedMessage[] {
    return this.list({ includeHandled: true })
      .filter((m) => m.state !== 'recording')
      .map((m) => ({ id: m.id, receivedAt: new Date(m.startedAt), handled: m.handled !== null, sizeBytes: m.sizeBytes }));
  }

  /** Bytes of message audio on disk (greetings not included: see greetingBytes()). */
  totalBytes(): number {
    return z.number().parse(this.sql.total.get());
  }

  /** Every change to a message (begin, finish, recovery, handled, deleted). Returns an unsubscribe function. */
  onChange(listener: (change: VoicemailChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when every queued write has settled (orderly shutdown, tests). */
  async idle(): Promise<void> {
    await this.queue.idle();
    await this.greetingStore.idle();
  }

  // ---- greetings (voicemail-greetings.ts) ---------------------------------------

  saveGreeting(variant: GreetingVariant, input: SaveGreeting): Promise<GreetingSummary> {
    return this.greetingStore.save(variant, input);
  }

  greeting(variant: GreetingVariant): Promise<GreetingAudio | null> {
    return this.greetingStore.get(variant);
  }

  deleteGreeting(variant: GreetingVariant): Promise<boolean> {
    return this.greetingStore.remove(variant);
  }

  greetings(): Promise<GreetingSummary[]> {
    return this.greetingStore.summaries();
  }

  /** Writes <variant>.wav (8 kHz mono PCM from wav.ts) next to the greeting, for PBX voicemail systems. */
  saveGreetingExport(variant: GreetingVariant, wavBytes: Uint8Array): Promise<string> {
    return this.greetingStore.saveExport(variant, wavBytes);
  }

  greetingBytes(): Promise<number> {
    return this.greetingStore.totalBytes();
  }

  // ---- internals -------------------------------------------------------------

  private async startup(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    } catch (error) {
      throw diskError('create the voicemail folder', this.dir, error);
    }
    const interrupted = this.sql.recording.all().map(parseRow);
    for (const row of interrupted) {
      this.recoveredAtOpen.push(await this.queue.run(row.id, () => this.settleInterrupted(row, DEFAULT_CAUSE)));
    }
    await this.sweepOrphans();
    await this.greetingStore.sweep();
  }

  private async appendNow(id: string, chunk: Uint8Array, seq: number, elapsedMs: number | undefined): Promise<AppendResult> {
    const row = this.mustRow(id);
    const stored = this.chunkAt(id, seq);
    if (stored !== undefined) {
      if (stored.size === chunk.byteLength) return { seq, duplicate: true, sizeBytes: row.size_bytes };
      throw new VoicemailError(
        'chunk-conflict',
        `Chunk ${seq} of ${describe(row)} was already stored with ${stored.size} bytes and arrived again with ${chunk.byteLength}; the stored one was kept.`,
      );
    }
    if (row.state !== 'recording') {
      throw new VoicemailError('wrong-state', `${capitalise(describe(row))} is already ${row.state}; chunk ${seq} arrived after it ended and was not added.`);
    }
    const expected = z.number().parse(this.sql.chunkCount.get(id));
    if (seq !== expected) {
      throw new VoicemailError('out-of-order', `Chunk ${seq} of ${describe(row)} arrived, but chunk ${expected} is next; send the chunks in order.`);
    }
    if (row.size_bytes + chunk.byteLength > row.max_bytes) {
      throw new VoicemailError(
        'too-long',
        `${capitalise(describe(row))} reached its size limit (${Math.floor(row.max_bytes / 1024)} KB, set from the policy's maximum message length); chunk ${seq} was not saved. Finish the message as 'max-length'.`,
      );
    }
    const now = this.now();
    const previous = this.lastChunk(id);
    // Media time never runs backwards, whatever the renderer's clock did.
    const elapsed = Math.max(previous?.elapsed_ms ?? 0, elapsedMs ?? Math.max(0, now - row.started_at));
    const path = this.pathOf(row);
    if (chunk.byteLength > 0) {
      try {
        await writeAtDurably(path, row.size_bytes, chunk);
      } catch (error) {
        throw diskError(`save audio for ${describe(row)}`, path, error);
      }
    }
    this.db.transaction(() => {
      this.sql.addChunk.run({ id, seq, offset: row.size_bytes, size: chunk.byteLength, elapsedMs: elapsed, now });
      this.sql.grow.run({ id, size: chunk.byteLength, now });
    })();
    return { seq, duplicate: false, sizeBytes: row.size_bytes + chunk.byteLength };
  }

  /** Keeps what the journal proves is whole, cuts the rest, and says so on the message. Never throws for one bad file. */
  private async settleInterrupted(row: Row, cause: string): Promise<VoicemailMessage> {
    const path = this.pathOf(row);
    const chunks = this.chunksOf(row.id);
    try {
      const fileSize = await sizeOrNull(path);
      const plan = planRecovery({ fileSize, chunks: chunks.map(toChunkRecord), cause });
      if (fileSize !== null && plan.state === 'empty') await removeIfPresent(path);
      else if (fileSize !== null && plan.truncateFile) await truncateDurably(path, plan.keepBytes);
      const lastKept = chunks[plan.keepChunks - 1];
      this.settle(row, {
        state: plan.state,
        sizeBytes: plan.keepBytes,
        durationMs: plan.durationMs,
        endedAt: lastKept?.received_at ?? row.started_at,
        endedBy: null,
        note: plan.note,
        callbackDueAt: row.callback_due_at,
      });
    } catch (error) {
      // The file couldn't be checked: keep the row with what the journal says, and tell the tech.
      const last = chunks.at(-1);
      this.settle(row, {
        state: row.size_bytes > 0 ? 'recovered' : 'empty',
        sizeBytes: row.size_bytes,
        durationMs: last?.elapsed_ms ?? 0,
        endedAt: last?.received_at ?? row.started_at,
        endedBy: null,
        note: `${cause}; its recording couldn't be checked (${errorText(error)}). Try playing it; the caller's details are kept either way.`,
        callbackDueAt: row.callback_due_at,
      });
    }
    return this.mustMessage(row.id);
  }

  private settle(
    row: Row,
    s: {
      state: 'complete' | 'recovered' | 'empty';
      sizeBytes: number;
      durationMs: number;
      endedAt: number;
      endedBy: EndedBy | null;
      note: string | null;
      callbackDueAt: number | null;
    },
  ): void {
    this.db.transaction(() => {
      this.sql.settle.run({ id: row.id, ...s, now: this.now() });
      // The journal only serves crash recovery; a settled message doesn't need it.
      this.sql.clearChunks.run(row.id);
    })();
    this.emitId(row.id);
  }

  /** Files named like a message whose row is gone: a delete that crashed between its two steps. */
  private async sweepOrphans(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      throw diskError('read the voicemail folder', this.dir, error);
    }
    const known = new Set(this.sql.allIds.all() as string[]);
    for (const name of names) {
      const id = FILE_NAME.exec(name)?.[1];
      if (id !== undefined && !known.has(id)) await removeIfPresent(join(this.dir, name)).catch(() => undefined);
    }
  }

  private parseConfig(config: StoreConfig): z.output<typeof StoreConfigSchema> {
    const parsed = StoreConfigSchema.safeParse(config);
    if (!parsed.success) throw new VoicemailError('invalid-input', describeInvalid('The voicemail settings', parsed.error));
    return parsed.data;
  }

  private parseId(id: unknown): string {
    const parsed = MessageIdSchema.safeParse(id);
    if (!parsed.success) throw new VoicemailError('invalid-input', `"${String(id).slice(0, 80)}" is not a voicemail id.`);
    return parsed.data;
  }

  private pathOf(row: Row): string {
    return join(this.dir, row.file_name);
  }

  private row(id: string): Row | undefined {
    const raw = this.sql.byId.get(id);
    return raw === undefined ? undefined : parseRow(raw);
  }

  private mustRow(id: string): Row {
    const row = this.row(id);
    if (row === undefined) throw new VoicemailError('not-found', 'This voicemail no longer exists; it may have been deleted.');
    return row;
  }

  private mustMessage(id: string): VoicemailMessage {
    return toMessage(this.mustRow(id));
  }

  private chunkAt(id: string, seq: number): ChunkRow | undefined {
    const raw = this.sql.chunk.get(id, seq);
    return raw === undefined ? undefined : ChunkRowSchema.parse(raw);
  }

  private lastChunk(id: string): ChunkRow | undefined {
    const raw = this.sql.lastChunk.get(id);
    return raw === undefined ? undefined : ChunkRowSchema.parse(raw);
  }

  private chunksOf(id: string): ChunkRow[] {
    return this.sql.chunks.all(id).map((raw) => ChunkRowSchema.parse(raw));
  }

  private emitId(id: string): void {
    const row = this.row(id);
    this.emit({ id, message: row === undefined ? null : toMessage(row) });
  }

  /** A listener's bug must not break recording. */
  private emit(change: VoicemailChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // ignored on purpose: the UI is a viewer.
      }
    }
  }
}

function toChunkRecord(c: ChunkRow): ChunkRecord {
  return { seq: c.seq, offset: c.byte_offset, size: c.size, elapsedMs: c.elapsed_ms };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
