import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './private-files.js';

export type Db = Database.Database;

/** A schema step: runs once, in order, inside a transaction. */
export type Migration = { id: string; sql: string };

/**
 * Focusline's embedded database (SQLite, one file in the data folder).
 * WAL plus synchronous=FULL: a committed row survives a crash or a power cut,
 * which is what "no call is lost" needs; the write volume (a row per call) is tiny.
 */
export function openDatabase(dataDir: string, fileName = 'focusline.db'): Db {
  ensurePrivateDir(dataDir);
  const path = join(dataDir, fileName);
  // SQLite creates the file 0644 and gives its -wal and -shm the main file's mode, so the file is
  // made 0600 before SQLite opens it; then all three are owner-only from the first byte.
  if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  try {
    if (process.platform !== 'win32') chmodSync(path, PRIVATE_FILE_MODE);
  } catch {
    // Someone else's file (a shared FOCUSLINE_DATA_DIR): the phone still starts; tightenDataDir() says what to fix.
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 2000');
  db.exec('CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  return db;
}

/** Applies the migrations this module owns that haven't run yet. Each module passes its own list. */
export function migrate(db: Db, migrations: readonly Migration[]): void {
  const applied = new Set(db.prepare('SELECT id FROM migrations').pluck().all() as string[]);
  const record = db.prepare('INSERT INTO migrations (id, applied_at) VALUES (?, ?)');
  for (const m of migrations) {
    if (applied.has(m.id)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.id, Date.now());
    })();
  }
}
