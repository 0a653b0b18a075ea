import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The data folder holds who called, what they said (voicemail) and the
 * tech's greetings: only the user it belongs to may read it. On POSIX the
 * folders are 0700 and the files 0600, whatever the umask. On Windows the
 * folder lives in the per-user profile (%APPDATA%), whose default ACL
 * already grants only the user, SYSTEM and Administrators; Node's chmod
 * there only toggles the read-only flag, so nothing is changed.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** What in the data folder is private: the database with its WAL and shared memory, the call history, logs, cached policy and secrets. */
const PRIVATE_FILES = [
  'focusline.db',
  'focusline.db-wal',
  'focusline.db-shm',
  'focusline.db-journal',
  'call-history.jsonl',
  'secrets.web.json',
  'secrets.json',
  'policy-cache.json',
  'policy-last-good.json',
];
/** Folders whose whole content is private: recordings and greetings, logs. */
const PRIVATE_TREES = ['voicemail', 'logs'];

function posix(platform: NodeJS.Platform): boolean {
  return platform !== 'win32';
}

/** Creates `dir` (and parents) owner-only; an existing folder is tightened too. */
export function ensurePrivateDir(dir: string, platform: NodeJS.Platform = process.platform): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // mkdir's mode is cut by the umask and ignored for a folder that exists already. A folder that isn't
  // ours (a FOCUSLINE_DATA_DIR someone else owns) is left as it is: never fatal, tightenDataDir() reports it.
  try {
    if (posix(platform)) chmodSync(dir, PRIVATE_DIR_MODE);
  } catch {
    // reported by tightenDataDir()
  }
}

export type Tightened = { changed: string[]; failed: string[] };

/**
 * Tightens an existing install at start: releases before this one made the
 * folder 0755 and the files 0644. Only what exists is touched, and only
 * Focusline's own files (in Electron the folder is also Chromium's, which
 * keeps its own modes). Symbolic links are left alone, never followed.
 * A path that can't be changed (a FOCUSLINE_DATA_DIR owned by someone else)
 * is reported, not fatal: the phone still starts, and the log says what to fix.
 */
export function tightenDataDir(dataDir: string, platform: NodeJS.Platform = process.platform): Tightened {
  const changed: string[] = [];
  const failed: string[] = [];
  const tighten = (path: string, mode: number) => {
    try {
      const stat = lstatSafe(path);
      if (!stat || stat.isSymbolicLink()) return;
      if ((stat.mode & 0o777) === mode) return;
      chmodSync(path, mode);
      changed.push(path);
    } catch (error) {
      failed.push(`${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  };
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!posix(platform)) return { changed, failed };
  tighten(dataDir, PRIVATE_DIR_MODE);
  for (const name of [...PRIVATE_FILES, ...logFiles(dataDir)]) tighten(join(dataDir, name), PRIVATE_FILE_MODE);
  const walk = (dir: string, depth: number) => {
    // Focusline's folders are two deep (voicemail/greetings); the bound keeps a hand-made tree from costing a start.
    if (depth > 4) return;
    for (const entry of readdirSafeQuiet(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        tighten(path, PRIVATE_DIR_MODE);
        walk(path, depth + 1);
      } else if (entry.isFile()) tighten(path, PRIVATE_FILE_MODE);
    }
  };
  for (const name of PRIVATE_TREES) {
    const path = join(dataDir, name);
    if (!lstatSafeQuiet(path)?.isDirectory()) continue;
    tighten(path, PRIVATE_DIR_MODE);
    walk(path, 0);
  }
  return { changed, failed };
}

function logFiles(dataDir: string): string[] {
  return readdirSafeQuiet(dataDir)
    .filter((entry) => entry.isFile() && entry.name.endsWith('.log'))
    .map((entry) => entry.name);
}

function lstatSafe(path: string) {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A folder that can't be listed is skipped; its own chmod has reported why. */
function readdirSafeQuiet(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function lstatSafeQuiet(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
