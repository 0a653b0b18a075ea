import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VoicemailError } from '../../../src-main/voicemail/voicemail-errors.js';
import { planRecovery } from '../../../src-main/voicemail/voicemail-recovery.js';
import { CONTAINER_SLACK_BYTES, messageByteCap } from '../../../src-main/voicemail/voicemail-schema.js';
import type { VoicemailChange, VoicemailStore } from '../../../src-main/voicemail/voicemail-store.js';
import { caller, chunkBytes, concat, END_OF_DAY, StoreSandbox, T0, tinyWav } from './store-fixtures.js';

const sandbox = new StoreSandbox();
afterEach(() => sandbox.cleanup());

async function fresh(config?: { maxMessageSeconds: number; maxBitsPerSecond?: number; maxGreetingBytes?: number }) {
  const dir = sandbox.newDir();
  sandbox.nowMs = T0;
  return { dir, ...(await sandbox.open(dir, config)) };
}

/** Appends chunks 0..n-1 of 1000 bytes, chunk k ending at (k+1) s of media time. */
async function record(store: VoicemailStore, id: string, n: number): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for (let seq = 0; seq < n; seq++) {
    const chunk = chunkBytes(seq);
    await store.append(id, chunk, seq, (seq + 1) * 1000);
    chunks.push(chunk);
  }
  return chunks;
}

async function refusal(promise: Promise<unknown>): Promise<VoicemailError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VoicemailError);
  return error as VoicemailError;
}

function fileOf(dir: string, id: string): string {
  return join(dir, 'voicemail', `${id}.webm`);
}

describe('voicemail messages', () => {
  it("writes the message's row, state 'recording', and an empty file before any audio arrives", async () => {
    const { store, db, dir } = await fresh();
    const id = await store.begin(caller());

    expect(db.prepare('SELECT state, size_bytes, caller_name FROM voicemail_messages WHERE id = ?').get(id)).toEqual({
      state: 'recording',
      size_bytes: 0,
      caller_name: 'Ann Example',
    });
    expect(store.get(id)).toMatchObject({
      id,
      state: 'recording',
      callId: 'call-1@pbx.example',
      attemptId: 'att-1',
      callerNumber: '+15550100',
      contact: { id: 'c-7', name: 'Ann Example' },
      company: { id: 'co-3', name: 'Contoso' },
      ticketId: '1042',
      greetingVariant: 'focused',
      greetingSource: 'recorded',
      mimeType: 'audio/webm;codecs=opus',
      startedAt: T0,
      durationMs: null,
      callbackDueAt: END_OF_DAY,
      handled: null,
    });
    expect(statSync(fileOf(dir, id)).size).toBe(0);
  });

  it('appends chunks to the file in order and finishes as complete with the callback due time', async () => {
    const { store, dir } = await fresh();
    const id = await store.begin(caller());
    const chunks = await record(store, id, 3);
    sandbox.nowMs = T0 + 3500;
    const done = await store.finish(id, { durationMs: 3400, endedBy: 'hangup' });

    expect(new Uint8Array(readFileSync(fileOf(dir, id)))).toEqual(concat(chunks));
    expect(done).toMatchObject({
      state: 'complete',
      durationMs: 3400,
      endedBy: 'hangup',
      sizeBytes: 3000,
      endedAt: T0 + 3500,
      note: null,
      callbackDueAt: END_OF_DAY,
    });
    const audio = await store.audio(id);
    expect(audio.ok && audio.bytes).toEqual(concat(chunks));
    expect(audio.ok && audio.mimeType).toBe('audio/webm;codecs=opus');
  });

  it('acknowledges a re-sent chunk without writing it twice', async () => {
    const { store, dir } = await fresh();
    const id = await store.begin(caller());
    await store.append(id, chunkBytes(0), 0);
    await store.append(id, chunkBytes(1), 1);
    const again = await store.append(id, chunkBytes(1), 1);

    expect(again).toEqual({ seq: 1, duplicate: true, sizeBytes: 2000 });
    expect(statSync(fileOf(dir, id)).size).toBe(2000);
    expect(new Uint8Array(readFileSync(fileOf(dir, id)))).toEqual(concat([chunkBytes(0), chunkBytes(1)]));
  });

  it('refuses a chunk that skips ahead, and one re-sent with different bytes', async () => {
    const { store } = await fresh();
    const id = await store.begin(caller());
    await store.append(id, chunkBytes(0), 0);

    const gap = await refusal(store.append(id, chunkBytes(2), 2));
    expect(gap.kind).toBe('out-of-order');
    expect(gap.message).toContain('chunk 1 is next');
    const conflict = await refusal(store.append(id, chunkBytes(0, 500), 0));
    expect(conflict.kind).toBe('chunk-conflict');
    expect(store.get(id)?.sizeBytes).toBe(1000);
  });

  it('writes chunks sent without waiting one after the other, in order', async () => {
    const { store, dir } = await fresh();
    const id = await store.begin(caller());
    const chunks = Array.from({ length: 8 }, (_, seq) => chunkBytes(seq, 700 + seq));
    await Promise.all(chunks.map((c, seq) => store.append(id, c, seq)));
    expect(new Uint8Array(readFileSync(fileOf(dir, id)))).toEqual(concat(chunks));
  });

  it('refuses audio beyond the byte cap set by the maximum message length, and keeps what came before', async () => {
    const config = { maxMessageSeconds: 2, maxBitsPerSecond: 8000 };
    const cap = messageByteCap(config);
    expect(cap).toBe(2 * 1000 + CONTAINER_SLACK_BYTES);
    const { store, dir } = await fresh(config);
    const id = await store.begin(caller());
    await store.append(id, new Uint8Array(cap - 10), 0);

    const tooLong = await refusal(store.append(id, new Uint8Array(11), 1));
    expect(tooLong.kind).toBe('too-long');
    expect(tooLong.message).toMatch(/size limit .*maximum message length.*max-length/);
    expect(statSync(fileOf(dir, id)).size).toBe(cap - 10);

    await store.append(id, new Uint8Array(10), 1);
    const done = await store.finish(id, { durationMs: 2000, endedBy: 'max-length' });
    expect(done).toMatchObject({ state: 'complete', sizeBytes: cap });
    expect(done.note).toBe('The caller reached the 2 s limit; the message stops there.');
  });

  it('keeps the limit a message started with when the policy changes mid-recording', async () => {
    const { store } = await fresh({ maxMessageSeconds: 60, maxBitsPerSecond: 8000 });
    const id = await store.begin(caller());
    store.configure({ maxMessageSeconds: 1, maxBitsPerSecond: 8000 });
    await store.append(id, new Uint8Array(70_000), 0);
    expect(store.get(id)?.sizeBytes).toBe(70_000);
    const later = await store.begin(caller({ callId: 'call-2' }));
    expect((await refusal(store.append(later, new Uint8Array(70_000), 0))).kind).toBe('too-long');
  });

  it('marks a message that ended with no audio as empty, and keeps it', async () => {
    const { store, dir } = await fresh();
    const id = await store.begin(caller());
    const done = await store.finish(id, { durationMs: 0, endedBy: 'hangup' });
    expect(done).toMatchObject({ state: 'empty', sizeBytes: 0, durationMs: 0 });
    expect(done.note).toContain('hung up without leaving a message');
    expect(existsSync(fileOf(dir, id))).toBe(false);
    expect(store.list().map((m) => m.id)).toEqual([id]);
    expect(await store.audio(id)).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('finishing twice changes nothing; a chunk after the end is refused', async () => {
    const { store } = await fresh();
    const id = await store.begin(caller());
    await record(store, id, 2);
    const first = await store.finish(id, { durationMs: 2000, endedBy: 'silence' });
    sandbox.nowMs += 60_000;
    const second = await store.finish(id, { durationMs: 9999, endedBy: 'hangup' });
    expect(second).toEqual(first);
    const late = await refusal(store.append(id, chunkBytes(2), 2));
    expect(late.kind).toBe('wrong-state');
    expect(late.message).toContain('already complete');
  });

  it('estimates the media time from the clock when the renderer gives none', async () => {
    const { store, dir } = await fresh();
    const id = await store.begin(caller());
    sandbox.nowMs = T0 + 1000;
    await store.append(id, chunkBytes(0), 0);
    sandbox.nowMs = T0 + 2000;
    await store.append(id, chunkBytes(1), 1);
    const { store: reopened } = await sandbox.open(dir);
    expect(reopened.get(id)).toMatchObject({ state: 'recovered', durationMs: 2000 });
  });

  it('validates what the renderer sends, saying which field is wrong', async () => {
    const { store } = await fresh();
    const badMime = await refusal(store.begin(caller({ mimeType: 'text/html' })));
    expect(badMime.kind).toBe('invalid-input');
    expect(badMime.message).toMatch(/mimeType: must be an audio MIME type/);
    expect((await refusal(store.begin(caller({ greetingVariant: 'holiday' as 'away' })))).message).toContain('greetingVariant');
    const id = await store.begin(caller());
    expect((await refusal(store.append(id, 'AAAA' as unknown as Uint8Array, 0))).message).toContain('Uint8Array');
    expect((await refusal(store.append(id, chunkBytes(0), -1))).kind).toBe('invalid-input');
    expect((await refusal(store.finish(id, { durationMs: 1, endedBy: 'bored' as 'hangup' }))).message).toContain('endedBy');
    expect(store.list()).toHaveLength(1);
  });

  it('lists unhandled messages newest first, and handled ones only when asked', async () => {
    const { store } = await fresh();
    const older = await store.begin(caller({ startedAt: T0 }));
    await store.finish(older, { durationMs: 0, endedBy: 'hangup' });
    const newer = await store.begin(caller({ startedAt: T0 + 60_000, callId: 'call-2' }));
    await store.append(newer, chunkBytes(0), 0);
    await store.finish(newer, { durationMs: 900, endedBy: 'hangup' });

    expect(store.list().map((m) => m.id)).toEqual([newer, older]);
    sandbox.nowMs = T0 + 120_000;
    expect(store.markHandled(newer, 'called-back')).toMatchObject({ handled: 'called-back', handledAt: T0 + 120_000 });
    expect(store.list().map((m) => m.id)).toEqual([older]);
    expect(store.list({ includeHandled: true }).map((m) => m.id)).toEqual([newer, older]);
    expect(() => store.markHandled(newer, 'ignored' as 'dismissed')).toThrow(/not a way of handling/);
  });

  it('tells listeners about every change, including deletion', async () => {
    const { store } = await fresh();
    const changes: VoicemailChange[] = [];
    store.onChange((c) => changes.push(c));
    const id = await store.begin(caller());
    await store.append(id, chunkBytes(0), 0);
    await store.finish(id, { durationMs: 1000, endedBy: 'hangup' });
    store.markHandled(id, 'dismissed');
    await store.delete(id);
    expect(changes.map((c) => c.message?.state ?? 'deleted')).toEqual(['recording', 'complete', 'complete', 'deleted']);
    expect(changes[2]?.message?.handled).toBe('dismissed');
  });

  it('keeps messages, their audio and their handled state across a restart', async () => {
    const { store, db, dir } = await fresh();
    const id = await store.begin(caller());
    const chunks = await record(store, id, 4);
    await store.finish(id, { durationMs: 4000, endedBy: 'hangup' });
    store.markHandled(id, 'ticket-created');
    const before = store.get(id);
    await store.idle();
    db.close();

    const { store: reopened } = await sandbox.open(dir);
    expect(reopened.get(id)).toEqual(before);
    expect(reopened.recoveredAtOpen).toEqual([]);
    const audio = await reopened.audio(id);
    expect(audio.ok && audio.bytes).toEqual(concat(chunks));
  });

  it('deletes the file and the row; deleting again is harmless', async () => {
    const { store, dir, db } = await fresh();
    const id = await store.begin(caller());
    await record(store, id, 2);
    await store.finish(id, { durationMs: 2000, endedBy: 'hangup' });

    expect(await store.delete(id)).toEqual({ deleted: true, freedBytes: 2000 });
    expect(existsSync(fileOf(dir, id))).toBe(false);
    expect(store.get(id)).toBeUndefined();
    expect(db.prepare('SELECT COUNT(*) FROM voicemail_chunks').pluck().get()).toBe(0);
    expect(await store.delete(id)).toEqual({ deleted: false, freedBytes: 0 });
    expect(await store.audio(id)).toMatchObject({ ok: false, reason: 'not-found' });
  });

  it("won't delete a message that is still being recorded", async () => {
    const { store, dir } = await fresh();
    const id = await store.begin(caller());
    await record(store, id, 1);
    const refused = await refusal(store.delete(id));
    expect(refused.kind).toBe('wrong-state');
    expect(refused.message).toContain('still being recorded');
    expect(existsSync(fileOf(dir, id))).toBe(true);
  });

  it('removes, at the next start, a file whose row a crashed delete already removed', async () => {
    const { store, db, dir } = await fresh();
    const id = await store.begin(caller());
    await record(store, id, 1);
    await store.finish(id, { durationMs: 1000, endedBy: 'hangup' });
    // The first half of a delete: the row is gone, the crash came before the file went.
    db.prepare('DELETE FROM voicemail_messages WHERE id = ?').run(id);
    const stranger = join(dir, 'voicemail', 'notes.txt');
    writeFileSync(stranger, 'not ours');
    sandbox.crash(db);

    await sandbox.open(dir);
    expect(existsSync(fileOf(dir, id))).toBe(false);
    expect(readFileSync(stranger, 'utf8')).toBe('not ours');
  });

  it('says clearly when a message’s file is missing, without throwing', async () => {
    const { store, dir } = await fresh();
    const id = await store.begin(caller());
    await record(store, id, 2);
    await store.finish(id, { durationMs: 2000, endedBy: 'hangup' });
    unlinkSync(fileOf(dir, id));

    const audio = await store.audio(id);
    expect(audio).toMatchObject({ ok: false, reason: 'file-missing' });
    expect(!audio.ok && audio.message).toMatch(/recording of the voicemail from Ann Example .* is missing from the data folder .*call back/);
    expect(store.get(id)?.state).toBe('complete');
  });

  it('warns when a file is shorter than the index says, and plays what is there', async () => {
    const { store, dir } = await fresh();
    const id = await store.begin(caller());
    const chunks = await record(store, id, 4);
    await store.finish(id, { durationMs: 4000, endedBy: 'hangup' });
    truncateSync(fileOf(dir, id), 2000);
    const audio = await store.audio(id);
    expect(audio.ok && audio.bytes).toEqual(concat(chunks.slice(0, 2)));
    expect(audio.ok && audio.warning).toBe('Only 50% of this recording is still on disk; the end may be missing.');
  });

  it('applies retention to a list of ids and reports sizes', async () => {
    const { store } = await fresh();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await store.begin(caller({ callId: `call-${i}`, startedAt: T0 + i }));
      await record(store, id, i + 1);
      await store.finish(id, { durationMs: (i + 1) * 1000, endedBy: 'hangup' });
      ids.push(id);
    }
    const live = await store.begin(caller({ callId: 'call-live' }));
    await record(store, live, 1);
    expect(store.totalBytes()).toBe(1000 + 2000 + 3000 + 1000);

    const gone = '00000000-0000-4000-8000-000000000000';
    const result = await store.applyRetention([ids[0] ?? '', ids[2] ?? '', live, gone]);
    expect(result.deleted).toEqual([ids[0], ids[2]]);
    expect(result.freedBytes).toBe(4000);
    expect(result.skipped).toEqual([
      { id: live, reason: expect.stringContaining('still being recorded') as string },
      { id: gone, reason: 'already deleted' },
    ]);
    expect(store.totalBytes()).toBe(3000);
    expect(
      store
        .list()
        .map((m) => m.id)
        .sort(),
    ).toEqual([ids[1], live].sort());
  });

  it('hands retention every settled message with its age, handled flag and size (not one still recording)', async () => {
    const { store } = await fresh();
    const done = await store.begin(caller({ startedAt: T0 - 86_400_000 }));
    await record(store, done, 2);
    await store.finish(done, { durationMs: 2000, endedBy: 'hangup' });
    store.markHandled(done, 'called-back');
    const live = await store.begin(caller({ callId: 'call-live' }));
    await record(store, live, 1);
    expect(store.retentionCandidates()).toEqual([{ id: done, receivedAt: new Date(T0 - 86_400_000), handled: true, sizeBytes: 2000 }]);
  });
});

describe('crash safety', () => {
  it('recovers a message that was being recorded when Focusline stopped, with its bytes and an exact duration', async () => {
    const { store, db, dir } = await fresh();
    const id = await store.begin(caller());
    const chunks = await record(store, id, 3);
    sandbox.crash(db);

    sandbox.nowMs = T0 + 3_600_000;
    const { store: reopened } = await sandbox.open(dir);
    const message = reopened.get(id);
    expect(message).toMatchObject({ state: 'recovered', sizeBytes: 3000, durationMs: 3000, endedBy: null, callbackDueAt: END_OF_DAY, handled: null });
    expect(message?.note).toBe('Focusline stopped while this message was being recorded; the first 3 s were kept.');
    expect(reopened.recoveredAtOpen.map((m) => m.id)).toEqual([id]);
    const audio = await reopened.audio(id);
    expect(audio.ok && audio.bytes).toEqual(concat(chunks));
    expect(reopened.list().map((m) => m.id)).toEqual([id]);
  });

  it("keeps a message that had no audio yet as 'empty', clearly marked", async () => {
    const { store, db, dir } = await fresh();
    const id = await store.begin(caller());
    sandbox.crash(db);

    const { store: reopened } = await sandbox.open(dir);
    const message = reopened.get(id);
    expect(message).toMatchObject({ state: 'empty', sizeBytes: 0, durationMs: 0, callerName: 'Ann Example' });
    expect(message?.note).toBe(
      "Focusline stopped while this message was being recorded, before any audio was saved. The caller's details are kept so you can call back.",
    );
    expect(reopened.list().map((m) => m.id)).toEqual([id]);
    expect(await reopened.audio(id)).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('cuts a torn last chunk back to the last complete one, and says so', async () => {
    const { store, db, dir } = await fresh();
    const id = await store.begin(caller());
    const chunks = await record(store, id, 4);
    sandbox.crash(db);
    // The disk kept only part of the last chunk: shorter than the journal says.
    truncateSync(fileOf(dir, id), 3400);

    const { store: reopened } = await sandbox.open(dir);
    const message = reopened.get(id);
    expect(message).toMatchObject({ state: 'recovered', sizeBytes: 3000, durationMs: 3000 });
    expect(message?.note).toContain('the first 3 s were kept');
    expect(message?.note).toContain('trimmed back to the last complete part');
    expect(statSync(fileOf(dir, id)).size).toBe(3000);
    const audio = await reopened.audio(id);
    expect(audio.ok && audio.bytes).toEqual(concat(chunks.slice(0, 3)));
  });

  it('drops bytes written after the last journalled chunk (the crash came between the write and its commit)', async () => {
    const { store, db, dir } = await fresh();
    const id = await store.begin(caller());
    const chunks = await record(store, id, 2);
    sandbox.crash(db);
    appendFileSync(fileOf(dir, id), chunkBytes(2, 600));

    const { store: reopened } = await sandbox.open(dir);
    expect(reopened.get(id)).toMatchObject({ state: 'recovered', sizeBytes: 2000, durationMs: 2000 });
    expect(new Uint8Array(readFileSync(fileOf(dir, id)))).toEqual(concat(chunks));
  });

  it("marks a message whose file vanished as 'empty' and says the file is missing", async () => {
    const { store, db, dir } = await fresh();
    const id = await store.begin(caller());
    await record(store, id, 2);
    sandbox.crash(db);
    unlinkSync(fileOf(dir, id));

    const { store: reopened } = await sandbox.open(dir);
    const message = reopened.get(id);
    expect(message?.state).toBe('empty');
    expect(message?.note).toContain('its recording file is missing from the data folder');
  });

  it('a torn first chunk leaves an empty message, not a broken file', async () => {
    const { store, db, dir } = await fresh();
    const id = await store.begin(caller());
    await record(store, id, 1);
    sandbox.crash(db);
    truncateSync(fileOf(dir, id), 400);

    const { store: reopened } = await sandbox.open(dir);
    expect(reopened.get(id)).toMatchObject({ state: 'empty', sizeBytes: 0 });
    expect(existsSync(fileOf(dir, id))).toBe(false);
  });

  it('recovers several interrupted messages and leaves finished ones alone', async () => {
    const { store, db, dir } = await fresh();
    const done = await store.begin(caller({ callId: 'a' }));
    await record(store, done, 2);
    await store.finish(done, { durationMs: 2000, endedBy: 'hangup' });
    const half = await store.begin(caller({ callId: 'b', startedAt: T0 + 1 }));
    await record(store, half, 5);
    const none = await store.begin(caller({ callId: 'c', startedAt: T0 + 2 }));
    sandbox.crash(db);

    const { store: reopened } = await sandbox.open(dir);
    expect(reopened.list().map((m) => [m.callId, m.state, m.durationMs])).toEqual([
      ['c', 'empty', 0],
      ['b', 'recovered', 5000],
      ['a', 'complete', 2000],
    ]);
    expect(reopened.recoveredAtOpen.map((m) => m.id).sort()).toEqual([half, none].sort());
  });

  it('a chunk re-sent by the renderer after a restart is refused, not appended to the recovered file', async () => {
    const { store, db, dir } = await fresh();
    const id = await store.begin(caller());
    await record(store, id, 2);
    sandbox.crash(db);
    const { store: reopened } = await sandbox.open(dir);
    expect((await refusal(reopened.append(id, chunkBytes(2), 2))).kind).toBe('wrong-state');
    expect(statSync(fileOf(dir, id)).size).toBe(2000);
  });

  it('interrupt() settles a message whose renderer went away while main kept running', async () => {
    const { store } = await fresh();
    const id = await store.begin(caller());
    await record(store, id, 2);
    const message = await store.interrupt(id, 'The Focusline window closed while this message was being recorded');
    expect(message).toMatchObject({ state: 'recovered', sizeBytes: 2000, durationMs: 2000 });
    expect(message.note).toBe('The Focusline window closed while this message was being recorded; the first 2 s were kept.');
  });
});

describe('ids are never paths', () => {
  it('refuses anything that is not a generated voicemail id, before touching the disk', async () => {
    const { store, dir } = await fresh();
    writeFileSync(join(dir, 'secret.txt'), 'keep me');
    for (const bad of ['../secret.txt', '../../etc/passwd', 'a/b', '', '00000000-0000-4000-8000-00000000000g']) {
      expect(() => store.get(bad)).toThrow(VoicemailError);
      expect((await refusal(store.delete(bad))).kind).toBe('invalid-input');
      expect((await refusal(store.audio(bad))).kind).toBe('invalid-input');
      expect((await refusal(store.append(bad, chunkBytes(0), 0))).kind).toBe('invalid-input');
    }
    expect(readFileSync(join(dir, 'secret.txt'), 'utf8')).toBe('keep me');
  });

  it('names every file after its generated id, inside the voicemail folder', async () => {
    const { store, dir } = await fresh();
    const id = await store.begin(caller({ callId: '../../evil', callerName: '../../evil' }));
    await record(store, id, 1);
    expect(readdirSync(join(dir, 'voicemail')).filter((n) => n !== 'greetings')).toEqual([`${id}.webm`]);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses an index entry edited to point outside the folder', async () => {
    const { store, db, dir } = await fresh();
    const id = await store.begin(caller());
    await record(store, id, 1);
    await store.finish(id, { durationMs: 1000, endedBy: 'hangup' });
    writeFileSync(join(dir, 'secret.txt'), 'keep me');
    db.prepare('UPDATE voicemail_messages SET file_name = ? WHERE id = ?').run('../secret.txt', id);

    const error = await refusal(store.delete(id));
    expect(error.kind).toBe('disk');
    expect(readFileSync(join(dir, 'secret.txt'), 'utf8')).toBe('keep me');
  });
});

describe('greetings', () => {
  const webm = (n: number) => chunkBytes(n, 2000);

  it('saves a greeting and gives it back, and replaces it on the next save', async () => {
    const { store, dir } = await fresh();
    sandbox.nowMs = T0 + 5;
    const saved = await store.saveGreeting('standard', { bytes: webm(1), mimeType: 'audio/webm;codecs=opus', durationMs: 9000 });
    expect(saved).toMatchObject({ variant: 'standard', recorded: true, durationMs: 9000, sizeBytes: 2000, savedAt: T0 + 5, exportPath: null, problem: null });
    expect(await store.greeting('standard')).toEqual({ bytes: webm(1), mimeType: 'audio/webm;codecs=opus', durationMs: 9000, savedAt: T0 + 5 });

    sandbox.nowMs = T0 + 10;
    await store.saveGreeting('standard', { bytes: webm(2), mimeType: 'audio/ogg;codecs=opus', durationMs: 7000 });
    expect(await store.greeting('standard')).toEqual({ bytes: webm(2), mimeType: 'audio/ogg;codecs=opus', durationMs: 7000, savedAt: T0 + 10 });
    // The old recording is gone: one file for the variant.
    const files = readdirSync(join(dir, 'voicemail', 'greetings'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^standard\.[0-9a-f]{8}\.ogg$/);
  });

  it('keeps each variant separate and summarises all four', async () => {
    const { store } = await fresh();
    await store.saveGreeting('after-hours', { bytes: webm(3), mimeType: 'audio/webm', durationMs: 5000 });
    const summary = await store.greetings();
    expect(summary.map((g) => [g.variant, g.recorded])).toEqual([
      ['standard', false],
      ['focused', false],
      ['after-hours', true],
      ['away', false],
    ]);
    expect(await store.greeting('standard')).toBeNull();
  });

  it('deletes a greeting and its export', async () => {
    const { store, dir } = await fresh();
    await store.saveGreeting('away', { bytes: webm(4), mimeType: 'audio/webm', durationMs: 5000 });
    await store.saveGreetingExport('away', tinyWav());
    expect(await store.deleteGreeting('away')).toBe(true);
    expect(await store.greeting('away')).toBeNull();
    expect(readdirSync(join(dir, 'voicemail', 'greetings'))).toEqual([]);
    expect(await store.deleteGreeting('away')).toBe(false);
  });

  it('writes the PBX export as <variant>.wav next to the recording, and drops it when the greeting is re-recorded', async () => {
    const { store, dir } = await fresh();
    await store.saveGreeting('focused', { bytes: webm(5), mimeType: 'audio/webm', durationMs: 6000 });
    const wav = tinyWav(160);
    const path = await store.saveGreetingExport('focused', wav);
    expect(path).toBe(join(dir, 'voicemail', 'greetings', 'focused.wav'));
    expect(new Uint8Array(readFileSync(path))).toEqual(wav);
    expect((await store.greetings()).find((g) => g.variant === 'focused')?.exportPath).toBe(path);

    await store.saveGreeting('focused', { bytes: webm(6), mimeType: 'audio/webm', durationMs: 6000 });
    expect(existsSync(path)).toBe(false);
    expect((await store.greetings()).find((g) => g.variant === 'focused')?.exportPath).toBeNull();
  });

  it('refuses an export that is not a WAV file, or for a greeting never recorded', async () => {
    const { store } = await fresh();
    expect((await refusal(store.saveGreetingExport('standard', tinyWav()))).message).toBe('Record the standard greeting before exporting it for the PBX.');
    await store.saveGreeting('standard', { bytes: webm(1), mimeType: 'audio/webm', durationMs: 1000 });
    expect((await refusal(store.saveGreetingExport('standard', webm(1)))).message).toContain('must be a WAV file');
  });

  it('refuses an empty, oversized or unknown greeting', async () => {
    const { store } = await fresh({ maxMessageSeconds: 60, maxGreetingBytes: 4096 });
    expect((await refusal(store.saveGreeting('standard', { bytes: new Uint8Array(0), mimeType: 'audio/webm', durationMs: 1000 }))).message).toContain(
      'the recording is empty',
    );
    const big = await refusal(store.saveGreeting('standard', { bytes: new Uint8Array(5000), mimeType: 'audio/webm', durationMs: 1000 }));
    expect(big.kind).toBe('too-large');
    expect(big.message).toContain('record a shorter one');
    expect((await refusal(store.saveGreeting('../x' as 'away', { bytes: webm(1), mimeType: 'audio/webm', durationMs: 1000 }))).message).toContain(
      'There is no greeting called "../x"',
    );
    expect((await store.greetings()).every((g) => !g.recorded)).toBe(true);
  });

  it('survives a restart, and sweeps what an interrupted save left behind', async () => {
    const { store, db, dir } = await fresh();
    await store.saveGreeting('standard', { bytes: webm(7), mimeType: 'audio/webm', durationMs: 8000 });
    await store.saveGreetingExport('standard', tinyWav());
    const greetingsDir = join(dir, 'voicemail', 'greetings');
    // A save that crashed after writing its file but before its commit, and a temp file from a torn write.
    writeFileSync(join(greetingsDir, 'standard.0badf00d.webm'), webm(8));
    writeFileSync(join(greetingsDir, 'away.wav.123.456.tmp'), 'half');
    sandbox.crash(db);

    const { store: reopened } = await sandbox.open(dir);
    expect((await reopened.greeting('standard'))?.bytes).toEqual(webm(7));
    expect(readdirSync(greetingsDir).sort()).toEqual([expect.stringMatching(/^standard\.[0-9a-f]{8}\.webm$/) as string, 'standard.wav'].sort());
    expect(existsSync(join(greetingsDir, 'standard.0badf00d.webm'))).toBe(false);
  });

  it('reports a greeting whose file went missing, and falls back to none for the call', async () => {
    const { store, dir } = await fresh();
    await store.saveGreeting('standard', { bytes: webm(1), mimeType: 'audio/webm', durationMs: 1000 });
    const greetingsDir = join(dir, 'voicemail', 'greetings');
    for (const name of readdirSync(greetingsDir)) unlinkSync(join(greetingsDir, name));
    expect(await store.greeting('standard')).toBeNull();
    const summary = (await store.greetings()).find((g) => g.variant === 'standard');
    expect(summary?.problem).toMatch(/missing from the data folder .*built-in prompt until you record it again/);
  });
});

describe('planRecovery', () => {
  const chunk = (seq: number, size: number, offset: number, elapsedMs: number) => ({ seq, size, offset, elapsedMs });

  it('keeps the journalled chunks when the file matches', () => {
    const plan = planRecovery({ fileSize: 300, chunks: [chunk(0, 100, 0, 1000), chunk(1, 200, 100, 2000)] });
    expect(plan).toMatchObject({ state: 'recovered', keepBytes: 300, keepChunks: 2, durationMs: 2000, truncateFile: false });
  });

  it('stops at a hole in the journal, whatever the later rows say', () => {
    const plan = planRecovery({ fileSize: 1000, chunks: [chunk(0, 100, 0, 1000), chunk(2, 100, 200, 3000)] });
    expect(plan).toMatchObject({ keepBytes: 100, keepChunks: 1, durationMs: 1000, truncateFile: true });
  });

  it('words short and long recordings for a person', () => {
    expect(planRecovery({ fileSize: 10, chunks: [chunk(0, 10, 0, 200)] }).note).toContain('less than a second of it was kept');
    expect(planRecovery({ fileSize: 10, chunks: [chunk(0, 10, 0, 95_000)] }).note).toContain('the first 1 min 35 s were kept');
  });
});
