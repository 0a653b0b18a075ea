import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../src-main/storage/database.js';
import { VoicemailStore } from '../../../src-main/voicemail/voicemail-store.js';
import type { BeginMessage, StoreConfig } from '../../../src-main/voicemail/voicemail-schema.js';

/** Folders and databases opened by a test, closed and removed after it. */
export class StoreSandbox {
  private readonly dirs: string[] = [];
  private readonly dbs: Db[] = [];
  /** Moved by hand; every store in the sandbox reads it. */
  nowMs = Date.parse('2025-03-04T09:00:00Z');

  newDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'fl-voicemail-'));
    this.dirs.push(dir);
    return dir;
  }

  /** A store on `dir` with a fresh database connection, as after an app start. */
  async open(dir: string, config: StoreConfig = { maxMessageSeconds: 120 }): Promise<{ store: VoicemailStore; db: Db }> {
    const db = openDatabase(dir);
    this.dbs.push(db);
    const store = await VoicemailStore.open({ db, dataDir: dir, config, now: () => this.nowMs });
    return { store, db };
  }

  /**
   * What a crash leaves: the database connection goes away with no finish()
   * and no clean shutdown of the store. (WAL with synchronous=FULL: what was
   * committed is what a killed process leaves too.)
   */
  crash(db: Db): void {
    db.close();
    this.dbs.splice(this.dbs.indexOf(db), 1);
  }

  cleanup(): void {
    for (const db of this.dbs.splice(0)) if (db.open) db.close();
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

export const T0 = Date.parse('2025-03-04T09:00:00Z');
export const END_OF_DAY = Date.parse('2025-03-04T23:59:59.999Z');

export function caller(overrides: Partial<BeginMessage> = {}): BeginMessage {
  return {
    callId: 'call-1@pbx.example',
    attemptId: 'att-1',
    callerUri: 'sip:+15550100@pbx.example',
    callerNumber: '+15550100',
    callerName: 'Ann Example',
    contact: { id: 'c-7', name: 'Ann Example' },
    company: { id: 'co-3', name: 'Contoso' },
    ticketId: '1042',
    greetingVariant: 'focused',
    mimeType: 'audio/webm;codecs=opus',
    startedAt: T0,
    callbackDueAt: END_OF_DAY,
    ...overrides,
  };
}

/** Distinct, recognisable bytes for chunk `seq` (so a misplaced or doubled chunk shows up in the file). */
export function chunkBytes(seq: number, size = 1000): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (seq * 31 + i) % 251;
  return bytes;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** A minimal valid RIFF/WAVE file: 8 kHz mono 16-bit PCM, `samples` of silence. */
export function tinyWav(samples = 80): Uint8Array {
  const buf = Buffer.alloc(44 + samples * 2);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + samples * 2, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(8000, 24);
  buf.writeUInt32LE(16000, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(samples * 2, 40);
  return new Uint8Array(buf);
}
